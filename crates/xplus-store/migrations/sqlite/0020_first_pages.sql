-- First pages at province scale (issue 19): the long lists read kept figures instead of every
-- record within reach.
--
-- The visits of each cadre per county, year and month, recomputed with a county's roll-ups
-- (every write of a visit marks its county): the visit list of a county or anything above it
-- pages the busiest cadres from here. m1 … m12 are the months, total their sum.
CREATE TABLE cadre_visit_months (
    year INTEGER NOT NULL,
    county_code INTEGER NOT NULL,
    cadre_id TEXT NOT NULL,
    total INTEGER NOT NULL,
    m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL, m4 INTEGER NOT NULL,
    m5 INTEGER NOT NULL, m6 INTEGER NOT NULL, m7 INTEGER NOT NULL, m8 INTEGER NOT NULL,
    m9 INTEGER NOT NULL, m10 INTEGER NOT NULL, m11 INTEGER NOT NULL, m12 INTEGER NOT NULL,
    PRIMARY KEY (year, county_code, cadre_id)
);

-- The refresh of one county reads that county's visits, not the whole table.
CREATE INDEX visits_county ON visits (county_code, date);

-- A new roll-up measure (coverage.person_times) and the table above: every county once more.
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county'
ON CONFLICT DO NOTHING;

-- The search index (0019) is kept per row by triggers, for the edits of forms and the API. A
-- row-by-row fill of FTS5 cost an import about 40 % more; filling it with one INSERT … SELECT
-- took a sixth of the time (500,000 people: 13.2 s by trigger, 2.2 s set-based). So an import
-- into an empty members table sets `deferred` inside its transaction, the triggers stand aside,
-- and the import fills the index once before it commits (sqlite_bulk.rs).
CREATE TABLE search_fill (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    deferred INTEGER NOT NULL
);
INSERT INTO search_fill (id, deferred) VALUES (1, 0);

DROP TRIGGER members_terms_insert;
CREATE TRIGGER members_terms_insert AFTER INSERT ON members
WHEN (SELECT deferred FROM search_fill) = 0 BEGIN
    INSERT INTO person_terms (rowid, terms)
    SELECT person, terms FROM person_terms_of WHERE id_number = new.id_number;
END;

DROP TRIGGER members_terms_update;
CREATE TRIGGER members_terms_update AFTER UPDATE OF name, id_number ON members
WHEN (old.name IS NOT new.name OR old.id_number IS NOT new.id_number)
 AND (SELECT deferred FROM search_fill) = 0 BEGIN
    DELETE FROM person_terms WHERE rowid = CAST(substr(old.id_number, 1, 17) AS INTEGER);
    INSERT INTO person_terms (rowid, terms)
    SELECT person, terms FROM person_terms_of WHERE id_number = new.id_number;
END;
