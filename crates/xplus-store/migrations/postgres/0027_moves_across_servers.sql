-- A household's records follow its county (0010, 0026) by an UPDATE of county_code. When a
-- province's partition is a foreign table on another server (`xplus shard`, issue 22),
-- postgres_fdw performs such an UPDATE on the remote row where it lies: the row keeps its place
-- in that server's table with a county of another province, where no query pruned to the new
-- province finds it. There the move is a DELETE and an INSERT, which PostgreSQL routes to the
-- new county's partition, local or remote. Tables without a foreign partition keep the UPDATE
-- (their triggers on update mark the old county, as before).
CREATE FUNCTION xplus_move_household_rows(t text, county bigint, household text)
RETURNS void AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = t::regclass AND c.relkind = 'f') THEN
        EXECUTE format('WITH gone AS (DELETE FROM %1$I WHERE household_id = $2 '
            'AND county_code <> $1 RETURNING *) INSERT INTO %1$I SELECT (jsonb_populate_record('
            'NULL::%1$I, to_jsonb(gone) || jsonb_build_object(''county_code'', $1))).* FROM gone', t)
        USING county, household;
    ELSE
        EXECUTE format('UPDATE %I SET county_code = $1 WHERE household_id = $2', t)
        USING county, household;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION households_county_moves() RETURNS trigger AS $$
BEGIN
    PERFORM xplus_move_household_rows('members', NEW.county_code, NEW.household_id);
    PERFORM xplus_move_household_rows('incomes', NEW.county_code, NEW.household_id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION households_county_moves_records() RETURNS trigger AS $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY records_following_county() LOOP
        PERFORM xplus_move_household_rows(t, NEW.county_code, NEW.household_id);
    END LOOP;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
