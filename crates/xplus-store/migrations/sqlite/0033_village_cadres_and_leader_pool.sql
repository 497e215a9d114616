-- 骨干 (issue 23, item 3): the village cadres beside the party secretary (村干部), their
-- training, degree study and exchange postings (村干部培养), and the pool of future village
-- leaders (村级带头人后备库). The three carry their village's county, as every register placed
-- by a village does; a cadre's development carries its cadre's, and follows it by a trigger
-- when the cadre's village is changed to another county.

CREATE TABLE village_cadres (
    village_cadre_id TEXT NOT NULL PRIMARY KEY,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    post TEXT NOT NULL CHECK (post = 'deputy_secretary' OR post = 'committee_director' OR post = 'committee_member' OR post = 'supervision_director' OR post = 'group_leader' OR post = 'graduate_official' OR post = 'other'),
    start_date TEXT NOT NULL,
    end_date TEXT,
    education TEXT CHECK (education = 'primary' OR education = 'junior' OR education = 'senior' OR education = 'college' OR education = 'bachelor'),
    phone TEXT,
    county_code INTEGER NOT NULL
);
CREATE INDEX village_cadres_village_code ON village_cadres (village_code);

CREATE TABLE village_cadre_development (
    village_cadre_id TEXT NOT NULL REFERENCES village_cadres(village_cadre_id),
    kind TEXT NOT NULL CHECK (kind = 'training' OR kind = 'degree' OR kind = 'exchange'),
    start_date TEXT NOT NULL,
    end_date TEXT,
    description TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (village_cadre_id, kind, start_date)
);
CREATE INDEX village_cadre_development_county ON village_cadre_development (county_code, village_cadre_id);

CREATE TRIGGER village_cadres_county_moves_development AFTER UPDATE OF county_code ON village_cadres
WHEN NEW.county_code <> OLD.county_code
BEGIN
    UPDATE village_cadre_development SET county_code = NEW.county_code
    WHERE village_cadre_id = NEW.village_cadre_id;
END;

-- A member who became a village secretary names the secretary; the secretary's term beginning
-- ends their time in the pool (core backbone::village_cadre).
CREATE TABLE leader_pool (
    leader_id TEXT NOT NULL PRIMARY KEY,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source = 'returnee' OR source = 'veteran' OR source = 'village_doctor' OR source = 'village_teacher' OR source = 'entrepreneur' OR source = 'graduate' OR source = 'other'),
    leader_type TEXT CHECK (leader_type = 'industry' OR leader_type = 'venture' OR leader_type = 'market'),
    entered_date TEXT NOT NULL,
    left_date TEXT,
    secretary_id TEXT REFERENCES secretaries(secretary_id),
    county_code INTEGER NOT NULL
);
CREATE INDEX leader_pool_village_code ON leader_pool (village_code);
