-- 审计日志 audit log: who did what to which record, with the values before and after. Entries
-- are only ever appended, each chained to the previous one by its hash (xplus-core audit.rs), so
-- `xplus audit verify` can name the first entry that was altered or removed afterwards.
CREATE TABLE audit_log (
    seq INTEGER NOT NULL PRIMARY KEY,
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

-- The newest entry's number and hash, so that removing the newest entries is noticed too.
CREATE TABLE audit_head (
    id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application never changes an entry; these refuse it outright. An entry must follow the
-- head (INSERT OR REPLACE would otherwise overwrite one without a DELETE trigger firing), and
-- the head may only move to the newest entry. Someone with the file can drop the triggers; the
-- hash chain then still shows an altered or removed entry unless every later hash is recomputed
-- too, which is why `xplus audit verify` prints the head hash to be kept elsewhere.
CREATE TRIGGER audit_log_in_order BEFORE INSERT ON audit_log
WHEN NEW.seq <> (SELECT seq + 1 FROM audit_head WHERE id = 1)
  OR NEW.prev_hash <> (SELECT hash FROM audit_head WHERE id = 1)
BEGIN
    SELECT RAISE(ABORT, 'audit_log entries are appended after the head only');
END;
CREATE TRIGGER audit_head_follows_log BEFORE UPDATE ON audit_head
WHEN NEW.hash IS NOT (SELECT hash FROM audit_log WHERE seq = NEW.seq)
  OR NEW.seq <> (SELECT max(seq) FROM audit_log)
BEGIN
    SELECT RAISE(ABORT, 'audit_head must name the newest entry');
END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
