-- The web application: sign-in sessions, API tokens, the key that signs cookies, and the
-- indexes the household list and its search need.

-- 会话 sessions: the cookie holds a random id; only its SHA-256 is stored, so a copy of the
-- database does not let anyone sign in. Each session has its own CSRF token.
CREATE TABLE sessions (
    id_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- Unix seconds: a session is refused after this.
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- 接口令牌 API tokens for other systems; as with sessions, only the hash is kept.
CREATE TABLE api_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Secrets the server makes once and keeps (the cookie signing key).
CREATE TABLE server_secrets (
    name TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

-- Search by a whole name and list households of a region in order, a page at a time,
-- straight from an index.
CREATE INDEX members_name ON members (name);
CREATE INDEX households_village_order ON households (village_code, household_id);
CREATE INDEX households_status_village_order ON households (status, village_code, household_id);
