-- First pages at province scale, continued (issue 19).
--
-- The visit list of a city, a province or everything pages the busiest cadres of a year. Grouping
-- a province's 400,000 cadres for that cost half a second, so each cadre's visits of a year
-- within each region above a county (region 0: everything) are kept here, changed with each
-- county's tallies (its old tallies taken out, its new ones added) by the roll-up refresh.
CREATE TABLE cadre_visit_reach (
    region_code BIGINT NOT NULL,
    cadre_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (region_code, cadre_id, year)
);
CREATE INDEX cadre_visit_reach_busiest ON cadre_visit_reach (region_code, year, total DESC, cadre_id);

-- The month totals of each county's kept tallies: the list's totals above a county add up a
-- hundred rows instead of every cadre's.
CREATE TABLE visit_month_totals (
    county_code BIGINT NOT NULL,
    year INTEGER NOT NULL,
    total INTEGER NOT NULL,
    m1 INTEGER NOT NULL, m2 INTEGER NOT NULL, m3 INTEGER NOT NULL, m4 INTEGER NOT NULL,
    m5 INTEGER NOT NULL, m6 INTEGER NOT NULL, m7 INTEGER NOT NULL, m8 INTEGER NOT NULL,
    m9 INTEGER NOT NULL, m10 INTEGER NOT NULL, m11 INTEGER NOT NULL, m12 INTEGER NOT NULL,
    PRIMARY KEY (county_code, year)
);

-- A county's tallies are replaced by its county code; a page's cadres find their months by id.
CREATE INDEX cadre_visit_months_county ON cadre_visit_months (county_code, cadre_id, year);
CREATE INDEX cadre_visit_months_cadre ON cadre_visit_months (cadre_id, year);

-- Both filled from the tallies kept so far, so that taking a county's old tallies out and adding
-- its new ones keeps them equal to the tallies' sums from the start.
INSERT INTO cadre_visit_reach (region_code, cadre_id, year, total)
SELECT 0, cadre_id, year, sum(total) FROM cadre_visit_months GROUP BY cadre_id, year;
INSERT INTO cadre_visit_reach (region_code, cadre_id, year, total)
SELECT (county_code / 10000000000) * 10000000000, cadre_id, year, sum(total)
FROM cadre_visit_months GROUP BY (county_code / 10000000000) * 10000000000, cadre_id, year;
INSERT INTO cadre_visit_reach (region_code, cadre_id, year, total)
SELECT (county_code / 100000000) * 100000000, cadre_id, year, sum(total)
FROM cadre_visit_months GROUP BY (county_code / 100000000) * 100000000, cadre_id, year;
INSERT INTO visit_month_totals
SELECT county_code, year, sum(total), sum(m1), sum(m2), sum(m3), sum(m4), sum(m5), sum(m6),
       sum(m7), sum(m8), sum(m9), sum(m10), sum(m11), sum(m12)
FROM cadre_visit_months GROUP BY county_code, year;

-- A pairing's last visit (the overdue visits of the workbench) is one seek in this index instead
-- of reading every visit of the household; it replaces the index on household_id alone, which it
-- also serves.
CREATE INDEX visits_household_cadre ON visits (household_id, cadre_id, date);
DROP INDEX visits_household_id;

-- A new roll-up measure (industry.way, the ways of taking part for /industry): every county
-- once more.
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county'
ON CONFLICT DO NOTHING;
