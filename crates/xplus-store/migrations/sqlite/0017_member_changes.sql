-- Valid time for members (book of record): each person who joined a household after it was
-- registered, or left it, with the day it happened and the member's row as it was then. Today's
-- members stay in members; the members of an earlier day are today's with the later changes
-- undone (core registry::membership). A person who left keeps their history here.
CREATE TABLE member_changes (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    seq INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('joined', 'left')),
    changed_on TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('birth', 'marriage', 'moved', 'death', 'split', 'other')),
    id_number TEXT NOT NULL CHECK (length(id_number) = 18),
    name TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other')),
    health TEXT NOT NULL CHECK (health IN ('healthy', 'chronic', 'serious', 'disabled')),
    labour TEXT NOT NULL CHECK (labour IN ('skilled', 'ordinary', 'weak', 'lost', 'none')),
    schooling TEXT NOT NULL CHECK (schooling IN ('none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'higher', 'dropout')),
    medical_insured INTEGER CHECK (medical_insured = 0 OR medical_insured = 1),
    pension_insured INTEGER CHECK (pension_insured = 0 OR pension_insured = 1),
    migrant_months INTEGER,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (household_id, seq)
);
-- Readers join the changes to their household (its county today, as the outcomes are read);
-- a person's own history is read by identity number.
CREATE INDEX member_changes_id_number ON member_changes (id_number);
