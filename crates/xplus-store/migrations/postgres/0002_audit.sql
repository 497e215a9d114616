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

-- The application never changes or removes an entry (TRUNCATE included); these refuse it
-- outright, and the head may only move to the newest entry. A superuser can disable them; the
-- hash chain then still shows an altered or removed entry unless every later hash is recomputed
-- too, which is why `xplus audit verify` prints the head hash to be kept elsewhere.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE FUNCTION audit_head_follows_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq <> (SELECT max(seq) FROM audit_log)
       OR NEW.hash IS DISTINCT FROM (SELECT hash FROM audit_log WHERE seq = NEW.seq) THEN
        RAISE EXCEPTION 'audit_head must name the newest entry';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_follows_log BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_follows_log();
