-- 集体 module (issue 5): the dividends `xplus dividends --apply` paid, per project, year and
-- household (rules.md §8), in fen.
CREATE TABLE dividend_payments (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    year INTEGER NOT NULL,
    household_id TEXT NOT NULL REFERENCES households(household_id),
    shares BIGINT NOT NULL CHECK (shares >= 0),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    county_code BIGINT NOT NULL,
    PRIMARY KEY (project_id, year, household_id)
);
CREATE INDEX dividend_payments_household_id ON dividend_payments (household_id);
