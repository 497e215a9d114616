-- xplus registry and module tables, SQLite. One table per bundle file of interchange.md, with the
-- same column names. Money is INTEGER fen; dates are TEXT 'YYYY-MM-DD'; booleans 0/1; region codes
-- the 12-digit statistical code as an integer; enumerations their English code.
-- Enumerations are checked with OR chains: SQLite evaluates a CHECK with an IN list by building
-- a temporary index for every row, which tripled the cost of importing members.
-- Large tables carry county_code (the 12-digit county code) so they can be partitioned or
-- distributed by county later.

-- 区划 regions (统计用区划代码)
CREATE TABLE regions (
    code INTEGER NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level = 'province' OR level = 'city' OR level = 'county' OR level = 'town' OR level = 'village'),
    parent_code INTEGER REFERENCES regions(code)
);
CREATE INDEX regions_parent_code ON regions (parent_code);

-- 村 villages: poor-village flag and exit
CREATE TABLE villages (
    village_code INTEGER NOT NULL PRIMARY KEY REFERENCES regions(code),
    poor_village INTEGER NOT NULL CHECK (poor_village = 0 OR poor_village = 1),
    population INTEGER NOT NULL,
    exit_year INTEGER,
    planned_exit_year INTEGER,
    county_code INTEGER NOT NULL
);
CREATE INDEX villages_county_code ON villages (county_code);

-- 贫困户 households
CREATE TABLE households (
    household_id TEXT NOT NULL PRIMARY KEY,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    identified_year INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status = 'poor' OR status = 'exited' OR status = 'monitored' OR status = 'returned' OR status = 'removed'),
    exit_year INTEGER,
    causes TEXT,
    food_secure INTEGER CHECK (food_secure = 0 OR food_secure = 1),
    clothing_secure INTEGER CHECK (clothing_secure = 0 OR clothing_secure = 1),
    housing_safe INTEGER CHECK (housing_safe = 0 OR housing_safe = 1),
    water_safe INTEGER CHECK (water_safe = 0 OR water_safe = 1),
    county_code INTEGER NOT NULL
);
CREATE INDEX households_village_code ON households (village_code);
CREATE INDEX households_county_code ON households (county_code);

-- 家庭成员 members: one person, one household (id_number is the key)
CREATE TABLE members (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    id_number TEXT NOT NULL PRIMARY KEY CHECK (length(id_number) = 18),
    name TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation = 'head' OR relation = 'spouse' OR relation = 'child' OR relation = 'parent' OR relation = 'grandchild' OR relation = 'sibling' OR relation = 'other'),
    health TEXT NOT NULL CHECK (health = 'healthy' OR health = 'chronic' OR health = 'serious' OR health = 'disabled'),
    labour TEXT NOT NULL CHECK (labour = 'skilled' OR labour = 'ordinary' OR labour = 'weak' OR labour = 'lost' OR labour = 'none'),
    schooling TEXT NOT NULL CHECK (schooling = 'none' OR schooling = 'preschool' OR schooling = 'primary' OR schooling = 'junior' OR schooling = 'senior' OR schooling = 'vocational' OR schooling = 'higher' OR schooling = 'dropout'),
    medical_insured INTEGER CHECK (medical_insured = 0 OR medical_insured = 1),
    pension_insured INTEGER CHECK (pension_insured = 0 OR pension_insured = 1),
    migrant_months INTEGER,
    county_code INTEGER NOT NULL
);
CREATE INDEX members_household_id ON members (household_id);

-- 收入 yearly incomes, money in fen
CREATE TABLE incomes (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    wage INTEGER NOT NULL CHECK (wage >= 0),
    production INTEGER NOT NULL CHECK (production >= 0),
    property INTEGER NOT NULL CHECK (property >= 0),
    transfer INTEGER NOT NULL CHECK (transfer >= 0),
    production_cost INTEGER NOT NULL CHECK (production_cost >= 0),
    medical_cost INTEGER CHECK (medical_cost >= 0),
    county_code INTEGER NOT NULL,
    PRIMARY KEY (household_id, year)
);

-- 远教站点 stations and central learning households
CREATE TABLE stations (
    station_id TEXT NOT NULL PRIMARY KEY,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    kind TEXT NOT NULL CHECK (kind = 'station' OR kind = 'learning_household'),
    name TEXT NOT NULL,
    upgraded_year INTEGER
);

-- 站点覆盖村 villages a station serves
CREATE TABLE station_coverage (
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    PRIMARY KEY (station_id, village_code)
);

-- 培训 training sessions
CREATE TABLE training_sessions (
    session_id TEXT NOT NULL PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(station_id),
    date TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode = 'party_school' OR mode = 'base' OR mode = 'grower' OR mode = 'other'),
    lecturer_kind TEXT NOT NULL CHECK (lecturer_kind = 'cadre' OR lecturer_kind = 'party_school' OR lecturer_kind = 'expert' OR lecturer_kind = 'entrepreneur'),
    topic TEXT NOT NULL CHECK (topic = 'policy' OR topic = 'case' OR topic = 'skills' OR topic = 'other'),
    title TEXT
);
CREATE INDEX training_sessions_station_id ON training_sessions (station_id);

-- 参训 attendance by household
CREATE TABLE attendance (
    session_id TEXT NOT NULL REFERENCES training_sessions(session_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    county_code INTEGER NOT NULL,
    PRIMARY KEY (session_id, household_id)
);
CREATE INDEX attendance_household_id ON attendance (household_id);

-- 帮扶单位 helping units
CREATE TABLE units (
    unit_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'organ' OR kind = 'institution' OR kind = 'enterprise' OR kind = 'urban_party_org')
);

-- 帮扶干部 cadres
CREATE TABLE cadres (
    cadre_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units(unit_id),
    role TEXT NOT NULL CHECK (role = 'helper' OR role = 'first_secretary' OR role = 'work_team' OR role = 'graduate_official'),
    phone TEXT
);
CREATE INDEX cadres_unit_id ON cadres (unit_id);

-- 单位包村 unit-village pairings
CREATE TABLE unit_village_pairings (
    unit_id TEXT NOT NULL REFERENCES units(unit_id),
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    start_date TEXT NOT NULL,
    end_date TEXT,
    joint_party_org INTEGER CHECK (joint_party_org = 0 OR joint_party_org = 1),
    county_code INTEGER NOT NULL,
    PRIMARY KEY (unit_id, village_code, start_date)
);
CREATE INDEX unit_village_pairings_village_code ON unit_village_pairings (village_code);

-- 干部包户 cadre-household pairings
CREATE TABLE cadre_household_pairings (
    cadre_id TEXT NOT NULL REFERENCES cadres(cadre_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    start_date TEXT NOT NULL,
    end_date TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (cadre_id, household_id, start_date)
);
CREATE INDEX cadre_household_pairings_household_id ON cadre_household_pairings (household_id);

-- 村集体经营性收入 collective operating income, fen
CREATE TABLE collective_income (
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    operating_income INTEGER NOT NULL CHECK (operating_income >= 0),
    county_code INTEGER NOT NULL,
    PRIMARY KEY (village_code, year)
);

-- 集体项目 collective projects (equity quantification, BOT)
CREATE TABLE projects (
    project_id TEXT NOT NULL PRIMARY KEY,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    model TEXT NOT NULL CHECK (model = 'pv' OR model = 'lease' OR model = 'asset_equity' OR model = 'operation' OR model = 'non_operating_equity'),
    share_value INTEGER NOT NULL CHECK (share_value >= 0),
    shares_per_household INTEGER NOT NULL,
    total_shares INTEGER NOT NULL,
    bot_enterprise TEXT,
    concession_start TEXT,
    concession_end TEXT,
    county_code INTEGER NOT NULL
);
CREATE INDEX projects_village_code ON projects (village_code);

-- 股权变动 share ledger events (holdings are their sum)
CREATE TABLE share_events (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'grant' OR kind = 'reclaim'),
    shares INTEGER NOT NULL,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (project_id, household_id, date, kind)
);
CREATE INDEX share_events_household_id ON share_events (household_id);

-- 收益分配 distributable income per project and year, fen
CREATE TABLE distributions (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    year INTEGER NOT NULL,
    distributable INTEGER NOT NULL CHECK (distributable >= 0),
    PRIMARY KEY (project_id, year)
);

-- 农权贷 equity-pledge loans
CREATE TABLE loans (
    loan_id TEXT NOT NULL PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(household_id),
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    pledged_shares INTEGER NOT NULL,
    amount INTEGER NOT NULL CHECK (amount >= 0),
    start_date TEXT NOT NULL,
    term_months INTEGER NOT NULL,
    repaid_date TEXT,
    county_code INTEGER NOT NULL
);
CREATE INDEX loans_household_id ON loans (household_id);

-- 统计数据 official statistics quoted by reports
CREATE TABLE statistics (
    region_code INTEGER NOT NULL REFERENCES regions(code),
    year INTEGER NOT NULL,
    rural_income_per_capita INTEGER NOT NULL CHECK (rural_income_per_capita >= 0),
    PRIMARY KEY (region_code, year)
);

