-- A new roll-up measure (coverage.full_chain_applicable: the households poor at the start of a
-- year with every full-chain link that applies to them, issue 23): every county once more.
INSERT INTO rollup_dirty (county_code) SELECT code FROM regions WHERE level = 'county'
ON CONFLICT DO NOTHING;
