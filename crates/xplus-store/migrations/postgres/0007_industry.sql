-- 产业 module (issue 5): industry-chain party organisations and functional party groups, the
-- households they bring along, one-village-one-product projects, guidance lists, households'
-- own industries, labour training, technology commissioners, job fairs and placements.
-- Enumerations are checked here as in 0001 (codes of xplus-core's labels).

-- 产业链党组织和功能党小组
CREATE TABLE party_orgs (
    org_id TEXT NOT NULL,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'base' OR kind = 'association' OR kind = 'cooperative' OR kind = 'village_enterprise' OR kind = 'functional_group'),
    focus TEXT CHECK (focus = 'industry' OR focus = 'project_site' OR focus = 'migrants'),
    party_members BIGINT CHECK (party_members >= 0),
    established_date DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (org_id)
);
CREATE INDEX party_orgs_village_code ON party_orgs (village_code);

-- 党组织带动的户
CREATE TABLE org_households (
    org_id TEXT NOT NULL REFERENCES party_orgs(org_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    start_date DATE NOT NULL,
    end_date DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (org_id, household_id, start_date)
);
CREATE INDEX org_households_household_id ON org_households (household_id);

-- 一村一品项目
CREATE TABLE ovop_projects (
    ovop_id TEXT NOT NULL,
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    product TEXT NOT NULL,
    investment BIGINT CHECK (investment >= 0),
    year INTEGER,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (ovop_id)
);
CREATE INDEX ovop_projects_village_code ON ovop_projects (village_code);

-- 一村一品参与户
CREATE TABLE ovop_households (
    ovop_id TEXT NOT NULL REFERENCES ovop_projects(ovop_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    join_date DATE NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (ovop_id, household_id)
);
CREATE INDEX ovop_households_household_id ON ovop_households (household_id);

-- 产业指导组的村指导清单
CREATE TABLE guidance (
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    item TEXT NOT NULL,
    advisor TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year, item)
);

-- 户发展的产业
CREATE TABLE household_industries (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'crop' OR kind = 'livestock' OR kind = 'other'),
    product TEXT NOT NULL,
    scale BIGINT CHECK (scale >= 0),
    unit TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (household_id, year, product)
);

-- 劳动力培训基地的培训
CREATE TABLE labour_courses (
    course_id TEXT NOT NULL,
    region_code BIGINT NOT NULL REFERENCES regions(code),
    base TEXT NOT NULL,
    name TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    PRIMARY KEY (course_id)
);
CREATE INDEX labour_courses_region_code ON labour_courses (region_code);

-- 劳动力培训参训人
CREATE TABLE course_attendance (
    course_id TEXT NOT NULL REFERENCES labour_courses(course_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    id_number TEXT NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (course_id, id_number)
);
CREATE INDEX course_attendance_household_id ON course_attendance (household_id);

-- 科技特派员
CREATE TABLE commissioners (
    commissioner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    region_code BIGINT NOT NULL REFERENCES regions(code),
    field TEXT,
    PRIMARY KEY (commissioner_id)
);
CREATE INDEX commissioners_region_code ON commissioners (region_code);

-- 科技特派员培训
CREATE TABLE commissioner_trainings (
    training_id TEXT NOT NULL,
    commissioner_id TEXT NOT NULL REFERENCES commissioners(commissioner_id),
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    date DATE NOT NULL,
    topic TEXT NOT NULL,
    participants BIGINT CHECK (participants >= 0),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (training_id)
);
CREATE INDEX commissioner_trainings_commissioner_id ON commissioner_trainings (commissioner_id);
CREATE INDEX commissioner_trainings_village_code ON commissioner_trainings (village_code);

-- 招聘会
CREATE TABLE job_fairs (
    fair_id TEXT NOT NULL,
    region_code BIGINT NOT NULL REFERENCES regions(code),
    date DATE NOT NULL,
    posts BIGINT NOT NULL CHECK (posts >= 0),
    employers BIGINT CHECK (employers >= 0),
    PRIMARY KEY (fair_id)
);
CREATE INDEX job_fairs_region_code ON job_fairs (region_code);

-- 转移就业
CREATE TABLE placements (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    id_number TEXT NOT NULL,
    employer TEXT NOT NULL,
    place TEXT NOT NULL,
    start_date DATE NOT NULL,
    months BIGINT NOT NULL CHECK (months >= 0 AND months <= 600),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (id_number, start_date)
);
CREATE INDEX placements_household_id ON placements (household_id);
