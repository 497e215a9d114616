-- The yearly assessment reads a county's households, members and incomes of one year. These
-- covering indexes hold every column it reads, in household order within a county, so a county
-- is three range scans instead of one index search per household and per member (about 17% more
-- file for 2-3x faster reading; docs/performance.md).
CREATE INDEX households_assessment ON households (county_code, household_id, village_code, identified_year, status, exit_year, food_secure, clothing_secure, housing_safe, water_safe);
CREATE INDEX members_assessment ON members (county_code, household_id, id_number, schooling, medical_insured, name);
CREATE INDEX incomes_assessment ON incomes (county_code, year, household_id, wage, production, property, transfer, production_cost, medical_cost);
