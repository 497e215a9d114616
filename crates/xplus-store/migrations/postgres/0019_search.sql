-- Search (issue 19): a person is found by any part of their name or identity number, within
-- the account's reach, fast at province scale (5M people). pg_trgm's GIN index over, per
-- member, the text
--     ' ' || name || ' ' || id_number || ' ' || the middle two-character pieces of a long name
-- (the same text as SQLite's FTS5 table, see migrations/sqlite/0019_search.sql). pg_trgm reads
-- words between spaces with a blank before and after: a LIKE pattern of three or more
-- characters finds its trigrams, and two characters of a name are found as the start of a
-- word ('% 刘飞%') or its end ('%刘飞 %'). The store checks every candidate against the name
-- or the number itself. pg_trgm is in postgresql-contrib (Debian's postgresql package) and is
-- a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION xplus_person_terms(name TEXT, id_number TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ' ' || name || ' ' || id_number || ' ' || COALESCE(
        (SELECT string_agg(substr(name, i, 2) || ' ', '' ORDER BY i)
         FROM generate_series(2, char_length(name) - 2) AS i), '')
$$;

CREATE INDEX members_terms ON members USING gin (xplus_person_terms(name, id_number) gin_trgm_ops);

-- A household number is found by its start: LIKE 'prefix%' uses this index whatever the
-- database's collation.
CREATE INDEX households_id_pattern ON households (household_id text_pattern_ops);
