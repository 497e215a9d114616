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
