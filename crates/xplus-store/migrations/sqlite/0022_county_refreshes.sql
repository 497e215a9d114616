-- Figures that follow the day (issue 19: the workbench's overdue visits at province scale).
--
-- Whether a paired household is overdue for a visit depends on the day it is counted on, so it
-- cannot be a roll-up. The web server keeps each county's count for a day in memory instead, and
-- trusts it while the county has not been refreshed since: each refresh of a county records here
-- the roll-ups' generation it made. A county never refreshed has no row (read as 0).
CREATE TABLE county_refreshes (
    county_code BIGINT NOT NULL PRIMARY KEY,
    refreshed BIGINT NOT NULL
);
