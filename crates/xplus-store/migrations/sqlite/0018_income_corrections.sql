-- Corrections of a past year's stored income (book of record): the net income it had and has
-- now, why, who and when. The amounts are corrected in place in incomes (their change is in the
-- audit log); this row keeps the correction visible in the year's report.
CREATE TABLE income_corrections (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    recorded_net INTEGER NOT NULL,
    net INTEGER NOT NULL,
    reason TEXT NOT NULL,
    corrected_by TEXT NOT NULL,
    corrected_on TEXT NOT NULL,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (household_id, year, seq)
);
CREATE INDEX income_corrections_year ON income_corrections (year);
