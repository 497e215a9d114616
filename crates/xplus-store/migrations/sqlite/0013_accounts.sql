-- Managing accounts (issue 16): a password an administrator set must be changed at the next
-- sign-in, API tokens expire and can be revoked, and the sign-in throttle outlives a restart.

-- 1 after an administrator set (or reset) the password: every page leads to "change my
-- password" until the user has chosen their own.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password = 0 OR must_change_password = 1);

-- Unix seconds after which the token is refused. A token made before this migration had no end;
-- it gets 90 days from the upgrade (the default of `xplus user token`), so that systems using it
-- keep working while their owners make new ones. The default 0 refuses a token written without
-- an end, rather than keeping it for ever.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) + 90 * 86400;
-- When the token was revoked (UTC, RFC 3339); the row stays so the list shows what was revoked.
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- 登录限制 failed sign-ins per key (`name:…` for a user name, `ip:…` for an address) within the
-- window that started at `window_start` (Unix seconds). The policy (how many, how long) is the
-- web application's; the counts live here so that restarting the server does not reset them and
-- several servers on one database count together.
CREATE TABLE sign_in_failures (
    throttle_key TEXT NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_window ON sign_in_failures (window_start);
