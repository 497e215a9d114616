-- xplus registry and module tables, PostgreSQL. One table per bundle file of interchange.md, with
-- the same column names. Money is BIGINT fen; region codes the 12-digit statistical code as BIGINT;
-- enumerations their English code.
-- Large tables carry county_code (the 12-digit county code): the key to partition or distribute
-- them by county (e.g. a distributed PostgreSQL) when one machine is not enough.

-- 区划 regions (统计用区划代码)
CREATE TABLE regions (
    code BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'town', 'village')),
    parent_code BIGINT REFERENCES regions(code)
);
CREATE INDEX regions_parent_code ON regions (parent_code);

-- 村 villages: poor-village flag and exit
CREATE TABLE villages (
    village_code BIGINT NOT NULL PRIMARY KEY REFERENCES regions(code),
    poor_village BOOLEAN NOT NULL,
    population BIGINT NOT NULL,
    exit_year INTEGER,
    planned_exit_year INTEGER,
    county_code BIGINT NOT NULL
);
CREATE INDEX villages_county_code ON villages (county_code);

-- 贫困户 households
CREATE TABLE households (
    household_id TEXT NOT NULL PRIMARY KEY,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    identified_year INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('poor', 'exited', 'monitored', 'returned', 'removed')),
    exit_year INTEGER,
    causes TEXT,
    food_secure BOOLEAN,
    clothing_secure BOOLEAN,
    housing_safe BOOLEAN,
    water_safe BOOLEAN,
    county_code BIGINT NOT NULL
);
CREATE INDEX households_village_code ON households (village_code);
CREATE INDEX households_county_code ON households (county_code);

-- 家庭成员 members: one person, one household (id_number is the key)
CREATE TABLE members (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    id_number TEXT NOT NULL PRIMARY KEY CHECK (length(id_number) = 18),
    name TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')),
    health TEXT NOT NULL CHECK (health IN ('healthy', 'chronic', 'serious', 'disabled')),
    labour TEXT NOT NULL CHECK (labour IN ('skilled', 'ordinary', 'weak', 'lost', 'none')),
    schooling TEXT NOT NULL CHECK (schooling IN ('none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'higher', 'dropout')),
    medical_insured BOOLEAN,
    pension_insured BOOLEAN,
    migrant_months BIGINT,
    county_code BIGINT NOT NULL
);
CREATE INDEX members_household_id ON members (household_id);

-- 收入 yearly incomes, money in fen
CREATE TABLE incomes (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    wage BIGINT NOT NULL CHECK (wage >= 0),
    production BIGINT NOT NULL CHECK (production >= 0),
    property BIGINT NOT NULL CHECK (property >= 0),
    transfer BIGINT NOT NULL CHECK (transfer >= 0),
    production_cost BIGINT NOT NULL CHECK (production_cost >= 0),
    medical_cost BIGINT CHECK (medical_cost >= 0),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (household_id, year)
);

-- 远教站点 stations and central learning households
CREATE TABLE stations (
    station_id TEXT NOT NULL PRIMARY KEY,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    kind TEXT NOT NULL CHECK (kind IN ('station', 'learning_household')),
    name TEXT NOT NULL,
    upgraded_year INTEGER
);

-- 站点覆盖村 villages a station serves
CREATE TABLE station_coverage (
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    PRIMARY KEY (station_id, village_code)
);

-- 培训 training sessions
CREATE TABLE training_sessions (
    session_id TEXT NOT NULL PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    date DATE NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('party_school', 'base', 'grower', 'other')),
    lecturer_kind TEXT NOT NULL CHECK (lecturer_kind IN ('cadre', 'party_school', 'expert', 'entrepreneur')),
    topic TEXT NOT NULL CHECK (topic IN ('policy', 'case', 'skills', 'other')),
    title TEXT
);
CREATE INDEX training_sessions_station_id ON training_sessions (station_id);

-- 参训 attendance by household
CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES training_sessions(session_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (session_id, household_id)
);
CREATE INDEX attendance_household_id ON attendance (household_id);

-- 帮扶单位 helping units
CREATE TABLE units (
    unit_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('organ', 'institution', 'enterprise', 'urban_party_org'))
);

-- 帮扶干部 cadres
CREATE TABLE cadres (
    cadre_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(unit_id),
    role TEXT NOT NULL CHECK (role IN ('helper', 'first_secretary', 'work_team', 'graduate_official')),
    phone TEXT
);
CREATE INDEX cadres_unit_id ON cadres (unit_id);

-- 单位包村 unit-village pairings
CREATE TABLE unit_village_pairings (
    unit_id TEXT NOT NULL REFERENCES units(unit_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    start_date DATE NOT NULL,
    end_date DATE,
    joint_party_org BOOLEAN,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (unit_id, village_code, start_date)
);
CREATE INDEX unit_village_pairings_village_code ON unit_village_pairings (village_code);

-- 干部包户 cadre-household pairings
CREATE TABLE cadre_household_pairings (
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    start_date DATE NOT NULL,
    end_date DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (cadre_id, household_id, start_date)
);
CREATE INDEX cadre_household_pairings_household_id ON cadre_household_pairings (household_id);

-- 村集体经营性收入 collective operating income, fen
CREATE TABLE collective_income (
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    operating_income BIGINT NOT NULL CHECK (operating_income >= 0),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year)
);

-- 集体项目 collective projects (equity quantification, BOT)
CREATE TABLE projects (
    project_id TEXT NOT NULL PRIMARY KEY,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    model TEXT NOT NULL CHECK (model IN ('pv', 'lease', 'asset_equity', 'operation', 'non_operating_equity')),
    share_value BIGINT NOT NULL CHECK (share_value >= 0),
    shares_per_household BIGINT NOT NULL,
    total_shares BIGINT NOT NULL,
    bot_enterprise TEXT,
    concession_start DATE,
    concession_end DATE,
    county_code BIGINT NOT NULL
);
CREATE INDEX projects_village_code ON projects (village_code);

-- 股权变动 share ledger events (holdings are their sum)
CREATE TABLE share_events (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('grant', 'reclaim')),
    shares BIGINT NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (project_id, household_id, date, kind)
);
CREATE INDEX share_events_household_id ON share_events (household_id);

-- 收益分配 distributable income per project and year, fen
CREATE TABLE distributions (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    year INTEGER NOT NULL,
    distributable BIGINT NOT NULL CHECK (distributable >= 0),
    PRIMARY KEY (project_id, year)
);

-- 农权贷 equity-pledge loans
CREATE TABLE loans (
    loan_id TEXT NOT NULL PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(household_id),
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    pledged_shares BIGINT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    start_date DATE NOT NULL,
    term_months BIGINT NOT NULL,
    repaid_date DATE,
    county_code BIGINT NOT NULL
);
CREATE INDEX loans_household_id ON loans (household_id);

-- 统计数据 official statistics quoted by reports
CREATE TABLE statistics (
    region_code BIGINT NOT NULL REFERENCES regions(code),
    year INTEGER NOT NULL,
    rural_income_per_capita BIGINT NOT NULL CHECK (rural_income_per_capita >= 0),
    PRIMARY KEY (region_code, year)
);

