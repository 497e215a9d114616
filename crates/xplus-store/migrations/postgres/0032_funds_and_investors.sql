-- 集体 (issue 23, item 3): 多元投入, the money put into the chain in a county, town or village in
-- a year, by source and link (funds.csv). A station's investment (stations) and a pledge loan
-- (loans) are in their own registers and not here again.

CREATE TABLE funds (
    fund_id TEXT NOT NULL,
    region_code BIGINT NOT NULL REFERENCES regions(code),
    year INTEGER NOT NULL,
    source TEXT NOT NULL CHECK (source = 'fiscal' OR source = 'sector' OR source = 'pairing' OR source = 'social' OR source = 'credit' OR source = 'collective' OR source = 'self'),
    link TEXT NOT NULL CHECK (link = 'education' OR link = 'backbone' OR link = 'collective' OR link = 'industry' OR link = 'other'),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    project_id TEXT REFERENCES projects(project_id),
    note TEXT,
    county_code BIGINT NOT NULL,
    PRIMARY KEY (fund_id)
);
-- The totals of a year within a region's range of codes.
CREATE INDEX funds_year_region ON funds (year, region_code);

-- 社会资本入股 (issue 23, item 3): who invested in a collective project, how much and for how
-- many of its shares (project_investors.csv). Their shares are not the village pool's: the
-- households are granted from the project's total less them (rules.md §8).
CREATE TABLE project_investors (
    project_id TEXT NOT NULL REFERENCES projects(project_id),
    investor TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'enterprise' OR kind = 'individual' OR kind = 'cooperative' OR kind = 'collective' OR kind = 'other'),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    shares BIGINT CHECK (shares >= 1),
    date DATE NOT NULL,
    PRIMARY KEY (project_id, investor)
);
