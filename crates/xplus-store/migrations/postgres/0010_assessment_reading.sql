-- The yearly assessment reads a county's households, members and incomes of one year: each as
-- one index range scan (docs/performance.md).
CREATE INDEX households_assessment ON households (county_code, household_id);
CREATE INDEX members_assessment ON members (county_code, household_id) INCLUDE (id_number, schooling, medical_insured, name);
CREATE INDEX incomes_assessment ON incomes (county_code, year, household_id);

-- Members and incomes carry their household's county (the reads above go by it): a household
-- moved to a village of another county takes them along, by whatever route it moves (the web
-- form, an import, …); rows that had fallen behind before this migration are set right.
UPDATE members m SET county_code = h.county_code FROM households h
WHERE h.household_id = m.household_id AND m.county_code <> h.county_code;
UPDATE incomes i SET county_code = h.county_code FROM households h
WHERE h.household_id = i.household_id AND i.county_code <> h.county_code;
CREATE FUNCTION households_county_moves() RETURNS trigger AS $$
BEGIN
    UPDATE members SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    UPDATE incomes SET county_code = NEW.county_code WHERE household_id = NEW.household_id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_county_moves AFTER UPDATE OF county_code ON households
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_county_moves();
