-- 产业 (issue 23, item 3): the households chosen as industry and start-up support targets
-- (产业创业扶贫对象), by the year chosen, with the industry planned for them. The rows carry
-- their household's county and follow it when it moves, as the full chain's records do (0026);
-- a trigger of their own, so that 0026's list stays as it landed.

CREATE TABLE industry_targets (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    industry TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (household_id, year)
);
CREATE INDEX industry_targets_county ON industry_targets (county_code, household_id);

CREATE TRIGGER households_county_moves_industry_targets AFTER UPDATE OF county_code ON households
WHEN NEW.county_code <> OLD.county_code
BEGIN
    UPDATE industry_targets SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
END;
