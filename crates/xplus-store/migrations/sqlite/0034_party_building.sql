-- 骨干 (issue 23, item 3): 整顿软弱涣散基层党组织，推进标准化建设. The weak village party
-- organisations of a year with their rectification, and the standardisation checks of a
-- village's party organisation against the standard's items. Both carry the village's county.

-- 软弱涣散村党组织: a village listed at most once a year; reasons are codes separated by ';'.
CREATE TABLE weak_organisations (
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    measures TEXT,
    leader TEXT NOT NULL,
    planned_date TEXT NOT NULL,
    rectified_date TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (village_code, year)
);
CREATE INDEX weak_organisations_year ON weak_organisations (year, village_code);

-- 党组织标准化建设: one check of one item of the standard a year.
CREATE TABLE standardisation_checks (
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    year INTEGER NOT NULL,
    item TEXT NOT NULL CHECK (item = 'setting' OR item = 'leadership' OR item = 'members' OR item = 'venue' OR item = 'life' OR item = 'systems' OR item = 'support'),
    met INTEGER NOT NULL CHECK (met = 0 OR met = 1),
    checked_date TEXT NOT NULL,
    note TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (village_code, year, item)
);
CREATE INDEX standardisation_checks_year ON standardisation_checks (year, village_code);
