-- 远教 and 骨干 modules (issue 4): the files added to the bundle, and two columns added to
-- existing files. Enumerations are checked here as in 0001 (codes of xplus-core's labels).

-- 站点投入资金, fen
ALTER TABLE stations ADD COLUMN investment BIGINT CHECK (investment >= 0);
-- 联合党组织建立日期
ALTER TABLE unit_village_pairings ADD COLUMN joint_party_org_date DATE;

-- 站点规范检查 yearly standardisation check of a station (抓规范)
CREATE TABLE station_checks (
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    year INTEGER NOT NULL,
    item TEXT NOT NULL CHECK (item IN ('venue', 'equipment', 'administrator', 'schedule', 'records', 'results')),
    result TEXT NOT NULL CHECK (result IN ('met', 'unmet', 'rectified')),
    note TEXT,
    PRIMARY KEY (station_id, year, item)
);

-- 参训成员 the members who attended, when named
CREATE TABLE attendance_members (
    session_id TEXT NOT NULL REFERENCES training_sessions(session_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    id_number TEXT NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (session_id, id_number)
);
CREATE INDEX attendance_members_household_id ON attendance_members (household_id);

-- 站点服务 services a station delivers to a household with a partner department
CREATE TABLE station_services (
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    date DATE NOT NULL,
    service TEXT NOT NULL CHECK (service IN ('consultation', 'market', 'sales', 'loan', 'communications', 'insurance')),
    department TEXT NOT NULL CHECK (department IN ('credit_coop', 'weather', 'human_resources', 'agritech', 'other')),
    cooperation TEXT NOT NULL CHECK (cooperation IN ('joint', 'entrusted')),
    note TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (station_id, household_id, date, service)
);
CREATE INDEX station_services_household_id ON station_services (household_id);

-- 三个绑定 projects, funds and responsibilities bound to a unit's village pairing
CREATE TABLE pairing_bindings (
    binding_id TEXT NOT NULL PRIMARY KEY,
    unit_id TEXT NOT NULL REFERENCES units(unit_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    kind TEXT NOT NULL CHECK (kind IN ('project', 'funds', 'responsibility')),
    item TEXT NOT NULL,
    amount BIGINT CHECK (amount >= 0),
    date DATE,
    county_code BIGINT NOT NULL
);
CREATE INDEX pairing_bindings_village_code ON pairing_bindings (village_code);

-- 走访记录 a cadre's visits to a household
CREATE TABLE visits (
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    date DATE NOT NULL,
    activity TEXT NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (cadre_id, household_id, date)
);
CREATE INDEX visits_household_id ON visits (household_id);

-- 召回 recall of a selected cadre
CREATE TABLE recalls (
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    decision_date DATE NOT NULL,
    reason TEXT NOT NULL,
    replacement_id TEXT REFERENCES cadres(cadre_id),
    PRIMARY KEY (cadre_id, decision_date)
);

-- 村官创业 graduate village officials' start-ups
CREATE TABLE startups (
    startup_id TEXT NOT NULL PRIMARY KEY,
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    base TEXT,
    funding BIGINT CHECK (funding >= 0),
    households_brought BIGINT CHECK (households_brought >= 0),
    start_date DATE,
    county_code BIGINT NOT NULL
);

-- 村党组织书记 village party secretaries ("312" tiers)
CREATE TABLE secretaries (
    secretary_id TEXT NOT NULL PRIMARY KEY,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    tier TEXT CHECK (tier IN ('provincial', 'municipal', 'county')),
    tier_year INTEGER,
    phone TEXT,
    county_code BIGINT NOT NULL
);
CREATE INDEX secretaries_village_code ON secretaries (village_code);

-- 书记培养 training, degree study and exchange postings of a secretary
CREATE TABLE secretary_development (
    secretary_id TEXT NOT NULL REFERENCES secretaries(secretary_id),
    kind TEXT NOT NULL CHECK (kind IN ('training', 'degree', 'exchange')),
    start_date DATE NOT NULL,
    end_date DATE,
    description TEXT,
    PRIMARY KEY (secretary_id, kind, start_date)
);

-- 书记年度体检 yearly check-up against the "三有三带" standard
CREATE TABLE secretary_checks (
    secretary_id TEXT NOT NULL REFERENCES secretaries(secretary_id),
    year INTEGER NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('kept', 'adjusted')),
    note TEXT,
    PRIMARY KEY (secretary_id, year)
);
