-- Corrections of a past year's applied outcomes (book of record): what the assessment recorded
-- for a household in a year, what it is after the correction, and who corrected it, when and
-- why. The outcome itself is corrected in place; this row keeps the correction visible.
CREATE TABLE corrections (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    recorded_status TEXT NOT NULL,
    recorded_exit_year INTEGER,
    status TEXT NOT NULL,
    exit_year INTEGER,
    reason TEXT NOT NULL,
    corrected_by TEXT NOT NULL,
    corrected_on TEXT NOT NULL,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (household_id, year, seq)
);
CREATE INDEX corrections_year ON corrections (year, county_code);
