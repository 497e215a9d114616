-- 产业 (issue 23, item 3): the households chosen as industry and start-up support targets
-- (产业创业扶贫对象), by the year chosen, with the industry planned for them. The rows carry
-- their household's county and follow it when it moves, as the full chain's records do (0026,
-- by 0027's move); a trigger of their own, so that 0026's list stays as it landed.

CREATE TABLE industry_targets (
    household_id TEXT NOT NULL REFERENCES households(household_id),
    year INTEGER NOT NULL,
    industry TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (household_id, year)
);
CREATE INDEX industry_targets_county ON industry_targets (county_code, household_id);

CREATE FUNCTION households_county_moves_industry_targets() RETURNS trigger AS $$
BEGIN
    PERFORM xplus_move_household_rows('industry_targets', NEW.county_code, NEW.household_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_county_moves_industry_targets AFTER UPDATE OF county_code ON households
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_county_moves_industry_targets();
