-- The book of record (issue 18): who decided an applied outcome — `xplus assess --apply --by
-- NAME` (`cli:NAME`), or the county official whose approval ended the web exit procedure.
-- Empty for outcomes recorded before this column existed; the audit log still names them.
ALTER TABLE assessment_outcomes ADD COLUMN decided_by TEXT;

-- The opinion (意见) the town and the county wrote with their approval; the day of each approval
-- is the day it was given (entered, not the day the button was pressed).
ALTER TABLE exit_batches ADD COLUMN town_opinion TEXT;
ALTER TABLE exit_batches ADD COLUMN county_opinion TEXT;
