-- The yearly assessment reads a county's households, members and incomes of one year: each as
-- one index range scan (docs/performance.md).
CREATE INDEX households_assessment ON households (county_code, household_id);
CREATE INDEX members_assessment ON members (county_code, household_id) INCLUDE (id_number, schooling, medical_insured, name);
CREATE INDEX incomes_assessment ON incomes (county_code, year, household_id);
