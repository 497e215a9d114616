-- 骨干 (issue 23, item 3): 整顿软弱涣散基层党组织，推进标准化建设. The weak village party
-- organisations of a year with their rectification, and the standardisation checks of a
-- village's party organisation against the standard's items. Both carry the village's county.

-- 软弱涣散村党组织: a village listed at most once a year; reasons are codes separated by ';'.
CREATE TABLE weak_organisations (
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    measures TEXT,
    leader TEXT NOT NULL,
    planned_date DATE NOT NULL,
    rectified_date DATE,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year)
);
CREATE INDEX weak_organisations_year ON weak_organisations (year, village_code);

-- 党组织标准化建设: one check of one item of the standard a year.
CREATE TABLE standardisation_checks (
    village_code BIGINT NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    item TEXT NOT NULL CHECK (item IN ('setting', 'leadership', 'members', 'venue', 'life', 'systems', 'support')),
    met BOOLEAN NOT NULL,
    checked_date DATE NOT NULL,
    note TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (village_code, year, item)
);
CREATE INDEX standardisation_checks_year ON standardisation_checks (year, village_code);
