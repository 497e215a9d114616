-- The full chain's records of a household carry its county, as members and incomes do since
-- 0010: a roll-up refresh reads one county's rows by this index range instead of matching every
-- row of the table against the county's households (at province scale the refresh read each
-- large table once per county and year; docs/performance.md). A household that moves to another
-- county takes them along, by whatever route it moves; rows that fell behind are set right here.
-- Assessment outcomes, exit batches, corrections and visits keep the county they were recorded
-- in, on purpose, and are not among them.
CREATE FUNCTION records_following_county() RETURNS text[] AS $$
    SELECT ARRAY['attendance', 'attendance_members', 'cadre_household_pairings', 'share_events', 'placements', 'household_industries', 'ovop_households', 'org_households', 'course_attendance', 'dividend_payments', 'member_changes']
$$ LANGUAGE sql IMMUTABLE;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY records_following_county() LOOP
        EXECUTE format('UPDATE %I x SET county_code = h.county_code FROM households h '
            'WHERE h.household_id = x.household_id AND x.county_code <> h.county_code', t);
        EXECUTE format('CREATE INDEX %I ON %I (county_code, household_id)', t || '_county', t);
    END LOOP;
END
$$;

-- A move is rare (a household's village changes); one statement per table is cheap beside it.
CREATE FUNCTION households_county_moves_records() RETURNS trigger AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY records_following_county() LOOP
        EXECUTE format('UPDATE %I SET county_code = $1 WHERE household_id = $2', t)
        USING NEW.county_code, NEW.household_id;
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_county_moves_records AFTER UPDATE OF county_code ON households
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_county_moves_records();
