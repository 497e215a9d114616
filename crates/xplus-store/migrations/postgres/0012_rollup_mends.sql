-- Roll-ups, second step (issue 7). A member moved to a household of another county leaves the
-- old county's figures behind, as a household does (0011).
-- The §6 coverage window of the roll-ups ends at the latest year with income records in the
-- whole registry, the same for every county; it is kept here so that a move of it recomputes
-- every county.
ALTER TABLE rollup_state ADD COLUMN coverage_until INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER members_leave_county AFTER UPDATE OF county_code ON members
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_leave_county();
-- Every county's coverage is recomputed with the window.
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county' ON CONFLICT DO NOTHING;
