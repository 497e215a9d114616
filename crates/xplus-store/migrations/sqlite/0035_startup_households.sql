-- 骨干 (issue 23, item 3): the poor households a graduate official's start-up brings along
-- (创业带动贫困户), from the day each joined to the day it left, if it did. The rows carry their
-- household's county and follow it when it moves, as industry_targets' do (0031); a trigger of
-- their own, so that the earlier migrations stay as they landed.

CREATE TABLE startup_households (
    startup_id TEXT NOT NULL REFERENCES startups(startup_id),
    household_id TEXT NOT NULL REFERENCES households(household_id),
    join_date TEXT NOT NULL,
    end_date TEXT,
    note TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (startup_id, household_id)
);
CREATE INDEX startup_households_county ON startup_households (county_code, household_id);
CREATE INDEX startup_households_household ON startup_households (household_id);

CREATE TRIGGER households_county_moves_startup_households AFTER UPDATE OF county_code ON households
WHEN NEW.county_code <> OLD.county_code
BEGIN
    UPDATE startup_households SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
END;
