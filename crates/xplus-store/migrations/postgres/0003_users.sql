-- 账号 accounts: who may sign in, with which role and scope. Passwords are stored only as
-- argon2id hashes (PHC strings).
CREATE TABLE users (
    user_id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'official', 'secretary', 'helper', 'auditor')),
    -- The region an official or a secretary works in.
    region_code BIGINT REFERENCES regions(code),
    -- The cadre whose paired households a helper sees.
    cadre_id TEXT REFERENCES cadres(cadre_id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);
