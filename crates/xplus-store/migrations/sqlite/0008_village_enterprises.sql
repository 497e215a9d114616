-- 集体 module (issue 5): collective enterprises and co-operatives run by villages
-- (村办企业和合作社).

CREATE TABLE village_enterprises (
    enterprise_id TEXT NOT NULL,
    village_code INTEGER NOT NULL REFERENCES villages(village_code),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind = 'enterprise' OR kind = 'cooperative' OR kind = 'joint_stock' OR kind = 'labour_service'),
    established_date TEXT,
    capital INTEGER CHECK (capital >= 0),
    households INTEGER CHECK (households >= 0),
    business TEXT,
    county_code INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id)
);
CREATE INDEX village_enterprises_village_code ON village_enterprises (village_code);
