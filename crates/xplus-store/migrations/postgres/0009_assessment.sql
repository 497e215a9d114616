-- Yearly assessment (issue 6).
-- rule_settings: an administrator's value of a rules.md number within a region (0: everywhere)
-- for a year (0: every year); money in fen. What is not set is the default shipped in xplus-core.
CREATE TABLE rule_settings (
    parameter TEXT NOT NULL,
    region_code BIGINT NOT NULL,
    year BIGINT NOT NULL,
    value BIGINT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (parameter, region_code, year)
);

-- assessment_outcomes: what `xplus assess --apply` decided for a household in a year (an exit,
-- a return, monitoring with its reasons, a risk removed), with the status before it, so that
-- the status at the start of any year can be told after later years changed it.
CREATE TABLE assessment_outcomes (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    reasons TEXT,
    previous_status TEXT NOT NULL,
    previous_exit_year INTEGER,
    status TEXT NOT NULL,
    exit_year INTEGER,
    decided_on DATE NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (household_id, year)
);
CREATE INDEX assessment_outcomes_year ON assessment_outcomes (year, county_code);

-- The exit procedure (rules.md §3): a village's batch of a year — proposal, democratic review,
-- public notice, the town's and the county's approval, each with who took it and when (and in
-- the audit log) — its households and the objections raised during the notice.
CREATE TABLE exit_batches (
    village_code BIGINT NOT NULL,
    year INTEGER NOT NULL,
    stage TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    proposed_on DATE NOT NULL,
    review_date DATE,
    review_attendees BIGINT,
    reviewed_by TEXT,
    notice_start DATE,
    notice_last_day DATE,
    noticed_by TEXT,
    town_approved_by TEXT,
    town_approved_on DATE,
    county_approved_by TEXT,
    county_approved_on DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year)
);
CREATE TABLE exit_batch_households (
    village_code BIGINT NOT NULL,
    year INTEGER NOT NULL,
    household_id TEXT NOT NULL REFERENCES households(household_id),
    state TEXT NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year, household_id)
);
CREATE TABLE exit_objections (
    village_code BIGINT NOT NULL,
    year INTEGER NOT NULL,
    objection_no BIGINT NOT NULL,
    household_id TEXT NOT NULL REFERENCES households(household_id),
    raised_on DATE NOT NULL,
    raised_by TEXT NOT NULL,
    content TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    resolution TEXT,
    upheld BOOLEAN,
    resolved_by TEXT,
    resolved_on DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year, objection_no)
);

-- 述职评议考核: the criteria of the secretaries' review per region (0: everywhere) and year
-- (0: every year) — the most specific set applies whole — and the scores given.
CREATE TABLE review_criteria (
    region_code BIGINT NOT NULL,
    year BIGINT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight >= 0),
    source TEXT NOT NULL,
    PRIMARY KEY (region_code, year, code)
);
CREATE TABLE secretary_reviews (
    secretary_id TEXT NOT NULL REFERENCES secretaries(secretary_id),
    year INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 100),
    reviewer TEXT NOT NULL,
    reviewed_on DATE NOT NULL,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (secretary_id, year, criterion)
);
