-- 集体 (issue 23): the empty-shell plan (空壳村消除计划, the "123" plan's "3年消灭空壳村"):
-- for each village the year in which it is to be empty-shell no longer, and the measure. One
-- row per village; progress is read from collective_income against rules.md §9.

CREATE TABLE empty_shell_plan (
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    planned_year INTEGER NOT NULL CHECK (planned_year BETWEEN 2014 AND 2035),
    measure TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (village_code)
);
