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
