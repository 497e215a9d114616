-- 骨干 (issue 23, item 3): the poor households a graduate official's start-up brings along
-- (创业带动贫困户), from the day each joined to the day it left, if it did. The rows carry their
-- household's county and follow it when it moves, as industry_targets' do (0031, by 0027's
-- move); a trigger of their own, so that the earlier migrations stay as they landed.

CREATE TABLE startup_households (
    startup_id TEXT NOT NULL REFERENCES startups(startup_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    join_date DATE NOT NULL,
    end_date DATE,
    note TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (startup_id, household_id)
);
CREATE INDEX startup_households_county ON startup_households (county_code, household_id);
CREATE INDEX startup_households_household ON startup_households (household_id);

CREATE FUNCTION households_county_moves_startup_households() RETURNS trigger AS $$
BEGIN
    PERFORM xplus_move_household_rows('startup_households', NEW.county_code, NEW.household_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_county_moves_startup_households AFTER UPDATE OF county_code ON households
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_county_moves_startup_households();
