-- A new roll-up measure (industry.with_worker: of the households poor or returned on Dec 31 of
-- a year, those with a member in work that day — 一户一工人, issue 23), so that the page's
-- figures and its gap list's pages are read from the roll-ups: every county once more.
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county'
ON CONFLICT DO NOTHING;
