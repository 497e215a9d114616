-- 骨干 (issue 23, item 3): the backbone's registers beyond units, cadres and secretaries.

-- 选派干部驻村: which selected cadre (first secretary, work-team member) is posted to which
-- village, from when to when. A recall ends the cadre's postings on its decision day; that is
-- read from recalls when coverage is counted, not written here.
CREATE TABLE postings (
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    start_date DATE NOT NULL,
    end_date DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (cadre_id, village_code, start_date)
);
CREATE INDEX postings_village_code ON postings (village_code);
