-- 审计日志 audit log: who did what to which record, with the values before and after. Entries
-- are only ever appended, each chained to the previous one by its hash (xplus-core audit.rs), so
-- `xplus audit verify` can name the first entry that was altered or removed afterwards.
CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    record_key TEXT NOT NULL,
    old_values TEXT,
    new_values TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
-- A record page shows its history.
CREATE INDEX audit_log_record ON audit_log (entity, record_key);

-- The newest entry's number and hash; appends lock this row, which orders them, and removing the
-- newest entries is noticed too.
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application never changes an entry; this refuses it outright. (A superuser can disable
-- it, which is what the hash chain is for.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
