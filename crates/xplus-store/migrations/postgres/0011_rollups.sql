-- Roll-ups (issue 7): the dashboard's figures per village and summed up to town, county, city
-- and province (xplus-core rollup.rs names the measures), so that a dashboard reads a few
-- hundred stored numbers instead of rescanning the registry. year is 0 for a figure as recorded
-- now; bucket is '' when the measure has none.
CREATE TABLE rollups (
    region_code BIGINT NOT NULL,
    parent_code BIGINT NOT NULL,
    measure TEXT NOT NULL,
    year INTEGER NOT NULL,
    bucket TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (region_code, measure, year, bucket)
);
-- A dashboard shows a region's children side by side.
CREATE INDEX rollups_parent ON rollups (parent_code, measure, year);
-- …and the incidence of every village within it.
CREATE INDEX rollups_measure ON rollups (measure, year, region_code);

-- Grows with every refresh of a county, so what was read from the roll-ups (the dashboard's
-- cache) stays valid while it stays the same.
CREATE TABLE rollup_state (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO rollup_state (id, generation) VALUES (1, 0);

-- Counties whose records changed since their roll-ups were computed: every write of a record
-- that belongs to a county adds its county here in the same transaction, and the refresh
-- recomputes those counties and removes them. A new database starts with every county.
CREATE TABLE rollup_dirty (
    county_code BIGINT NOT NULL PRIMARY KEY
);
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county';

-- A household moved to another county leaves the old county's figures behind too.
CREATE FUNCTION households_leave_county() RETURNS trigger AS $$
BEGIN
    INSERT INTO rollup_dirty (county_code) VALUES (OLD.county_code) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER households_leave_county AFTER UPDATE OF county_code ON households
FOR EACH ROW WHEN (NEW.county_code IS DISTINCT FROM OLD.county_code)
EXECUTE FUNCTION households_leave_county();
