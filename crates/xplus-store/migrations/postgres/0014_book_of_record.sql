-- The book of record (issue 18): who decided an applied outcome — `xplus assess --apply --by
-- NAME` (`cli:NAME`), or the county official whose approval ended the web exit procedure.
-- Empty for outcomes recorded before this column existed; the audit log still names them.
ALTER TABLE assessment_outcomes ADD COLUMN decided_by TEXT;
