-- 账号 accounts: who may sign in, with which role and scope. Passwords are stored only as
-- argon2id hashes (PHC strings).
CREATE TABLE users (
    user_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role = 'admin' OR role = 'official' OR role = 'secretary' OR role = 'helper' OR role = 'auditor'),
    -- The region an official or a secretary works in.
    region_code INTEGER REFERENCES regions(code),
    -- The cadre whose paired households a helper sees.
    cadre_id TEXT REFERENCES cadres(cadre_id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled = 0 OR disabled = 1)
);
