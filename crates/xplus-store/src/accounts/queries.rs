//! The SQL of the accounts and the rows it returns, by name: `users.rs` holds what a change to an
//! account may do and what it audits, `sessions.rs` what signing in accepts; this file holds
//! what is asked of the database.
//!
//! Two kinds of statement live here. Those of `users.rs` run through a session (`?` for their
//! arguments, rows read by a result shape as the records' queries are). Those of signing in run
//! on a backend's own sqlx pool (`$1`, `$2`, … which SQLite and PostgreSQL both take), through
//! the macros of `sessions.rs`, their rows read by column name with `sqlx::FromRow`.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, SIGNED};
use xplus_core::accounts::Role;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

// Managing accounts (users.rs), through a session. The shapes' file id only labels messages.

/// An account as the administrators' list shows it (no hash). Read here, by name, straight from
/// the query (rows whose name or role cannot be read are skipped); `users` re-exports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    pub name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    pub cadre: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// Tokens neither revoked nor expired.
    pub live_tokens: u64,
}

impl FromRow for UserView {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Cadres,
        "users",
        "账号",
        &[
            column("name", ColumnType::Text),
            column("role", ColumnType::Text),
            column("region_code", ColumnType::Region),
            column("cadre_id", ColumnType::Text),
            column("disabled", ColumnType::Bool),
            column("must_change_password", ColumnType::Bool),
            column("created_at", ColumnType::Text),
            column("live_tokens", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UserView {
            name: r.text("name")?.to_string(),
            role: Role::parse(r.text("role")?)?,
            region: r.region("region_code"),
            cadre: r.text("cadre_id").map(str::to_string),
            disabled: r.boolean("disabled").unwrap_or(false),
            must_change_password: r.boolean("must_change_password").unwrap_or(false),
            created_at: r.string("created_at"),
            live_tokens: r.count("live_tokens"),
        })
    }
}

/// The columns of `UserView` over `users u`, with the number of its tokens neither revoked nor
/// expired at the first argument (Unix seconds). A macro, so that the statements built on it are
/// whole constants.
macro_rules! user_select {
    () => {
        "SELECT u.name, u.role, u.region_code, u.cadre_id, u.disabled, \
         u.must_change_password, u.created_at, \
         (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.user_id \
          AND t.revoked_at IS NULL AND t.expires_at > ?) FROM users u"
    };
}

/// Every account, in the order they were made. Arguments: now.
pub(super) const ALL_USERS: Query<UserView> =
    Query::new(concat!(user_select!(), " ORDER BY u.user_id"));

/// The account with a name. Arguments: now, the name.
pub(super) const USER_NAMED: Query<UserView> =
    Query::new(concat!(user_select!(), " WHERE u.name = ?"));

/// An account's id and whether it is disabled (rows without an id are skipped).
pub(super) struct UserId {
    pub id: i64,
    pub disabled: bool,
}

impl FromRow for UserId {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Cadres,
        "users",
        "账号",
        &[
            column("user_id", SIGNED),
            column("disabled", ColumnType::Bool),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UserId {
            id: r.int("user_id")?,
            disabled: r.boolean("disabled").unwrap_or(false),
        })
    }
}

/// The id of the account with a name. Arguments: the name.
pub(super) const USER_ID: Query<UserId> =
    Query::new("SELECT user_id, disabled FROM users WHERE name = ?");

/// A stored API token: its whole hash (`TokenView` shows a prefix of it).
pub(super) struct TokenRow {
    pub hash: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: i64,
    pub revoked_at: Option<String>,
}

impl FromRow for TokenRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Cadres,
        "api_tokens",
        "接口令牌",
        &[
            column("token_hash", ColumnType::Text),
            column("label", ColumnType::Text),
            column("created_at", ColumnType::Text),
            column("expires_at", SIGNED),
            column("revoked_at", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(TokenRow {
            hash: r.string("token_hash"),
            label: r.string("label"),
            created_at: r.string("created_at"),
            expires_at: r.int("expires_at").unwrap_or(0),
            revoked_at: r.text("revoked_at").map(str::to_string),
        })
    }
}

/// An account's tokens, newest first. Arguments: the user id.
pub(super) const TOKENS: Query<TokenRow> = Query::new(
    "SELECT token_hash, label, created_at, expires_at, revoked_at FROM api_tokens \
     WHERE user_id = ? ORDER BY created_at DESC, token_hash",
);

/// An account's tokens neither revoked nor expired, oldest first. Arguments: the user id, now.
pub(super) const LIVE_TOKENS: Query<TokenRow> = Query::new(
    "SELECT token_hash, label, created_at, expires_at, revoked_at FROM api_tokens \
     WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? \
     ORDER BY created_at, token_hash",
);

/// How many rows match one of the checks of `add_user` (`count(*)`, BIGINT on both databases).
pub(super) struct Found {
    pub count: u64,
}

impl FromRow for Found {
    const SHAPE: &'static FileSpec =
        &shape(FileId::Cadres, "found", "存在", &[column("found", SIGNED)]);

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Found {
            count: r.count("found"),
        })
    }
}

/// Accounts with a name. Arguments: the name.
pub(super) const USERS_NAMED: Query<Found> =
    Query::new("SELECT count(*) FROM users WHERE name = ?");

/// Regions with a code. Arguments: the code.
pub(super) const REGIONS_CODED: Query<Found> =
    Query::new("SELECT count(*) FROM regions WHERE code = ?");

/// Cadres with an id. Arguments: the cadre id.
pub(super) const CADRES_WITH_ID: Query<Found> =
    Query::new("SELECT count(*) FROM cadres WHERE cadre_id = ?");

/// Makes an account. Arguments: name, role, region, cadre, password hash, created at, whether the
/// password must change.
pub(super) const INSERT_USER: &str =
    "INSERT INTO users (name, role, region_code, cadre_id, password_hash, created_at, \
     must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?)";

/// Disables (`disabled`) or enables an account. Arguments: the user id.
pub(super) fn set_disabled_sql(disabled: bool) -> &'static str {
    if disabled {
        "UPDATE users SET disabled = TRUE WHERE user_id = ?"
    } else {
        "UPDATE users SET disabled = FALSE WHERE user_id = ?"
    }
}

/// Stores a password hash; `must_change` when an administrator set it. Arguments: the hash, the
/// user id.
pub(super) fn set_password_sql(must_change: bool) -> &'static str {
    if must_change {
        "UPDATE users SET password_hash = ?, must_change_password = TRUE WHERE user_id = ?"
    } else {
        "UPDATE users SET password_hash = ?, must_change_password = FALSE WHERE user_id = ?"
    }
}

/// Ends every session of an account. Arguments: the user id.
pub(super) const END_SESSIONS: &str = "DELETE FROM sessions WHERE user_id = ?";

/// Ends an account's sessions but one. Arguments: the user id, the id hash of the one to keep.
pub(super) const END_OTHER_SESSIONS: &str =
    "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?";

/// Stores an API token. Arguments: its hash, the user id, label, created at, expires at.
pub(super) const INSERT_TOKEN: &str =
    "INSERT INTO api_tokens (token_hash, user_id, label, created_at, expires_at) \
     VALUES (?, ?, ?, ?, ?)";

/// Revokes a token. Arguments: when (RFC 3339), its hash.
pub(super) const REVOKE_TOKEN: &str = "UPDATE api_tokens SET revoked_at = ? WHERE token_hash = ?";

// Signing in (sessions.rs), on a backend's sqlx pool.

/// A stored account as signing in reads it (see `sessions::account_of`). The flags come as 0 or
/// 1: SQLite stores them as integers, PostgreSQL as booleans.
#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub user_id: i64,
    pub name: String,
    pub role: String,
    pub region_code: Option<i64>,
    pub cadre_id: Option<String>,
    pub password_hash: String,
    pub disabled: i32,
    pub must_change_password: i32,
}

/// An account with the CSRF token of the session it signed in with.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionAccountRow {
    #[sqlx(flatten)]
    pub account: AccountRow,
    pub csrf_token: String,
}

/// `SELECT` the columns of `AccountRow` over `users u`, then `$tail` (a macro, so that the
/// statements built on it are whole constants).
macro_rules! account_select {
    ($tail:literal) => {
        concat!(
            "SELECT u.user_id, u.name, u.role, u.region_code, u.cadre_id, u.password_hash, \
             CASE WHEN u.disabled THEN 1 ELSE 0 END AS disabled, \
             CASE WHEN u.must_change_password THEN 1 ELSE 0 END AS must_change_password",
            $tail
        )
    };
}

/// The account with a name. Arguments: the name.
pub(crate) const ACCOUNT_NAMED: &str = account_select!(" FROM users u WHERE u.name = $1");

/// The account of a session good at a time, with the session's CSRF token. Arguments: the
/// session id's hash, now.
pub(crate) const SESSION_ACCOUNT: &str = account_select!(
    ", s.csrf_token FROM sessions s JOIN users u ON u.user_id = s.user_id \
     WHERE s.id_hash = $1 AND s.expires_at > $2"
);

/// The account of an API token neither revoked nor expired. Arguments: the token's hash, now.
pub(crate) const TOKEN_ACCOUNT: &str = account_select!(
    " FROM api_tokens t JOIN users u ON u.user_id = t.user_id \
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2"
);

/// Stores a session. Arguments: the id's hash, user id, CSRF token, created at, expires at.
pub(crate) const INSERT_SESSION: &str =
    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
     VALUES ($1, $2, $3, $4, $5)";

/// Removes the sessions that ended before a time. Arguments: now.
pub(crate) const END_EXPIRED_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at < $1";

/// Ends a session. Arguments: the id's hash.
pub(crate) const END_SESSION: &str = "DELETE FROM sessions WHERE id_hash = $1";

/// Stores a server secret unless one of the name is stored. Arguments: the name, the value.
pub(crate) const KEEP_SERVER_SECRET: &str =
    "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";

/// The stored server secret of a name (one column). Arguments: the name.
pub(crate) const SERVER_SECRET: &str = "SELECT value FROM server_secrets WHERE name = $1";

/// The failed sign-ins of a throttle key counted since its window started (Unix seconds).
#[derive(sqlx::FromRow)]
pub(crate) struct SignInFailures {
    pub failures: i64,
    pub window_start: i64,
}

/// The failures of a key whose window started after a time. Arguments: the key, that time.
pub(crate) const SIGN_IN_FAILURES: &str = "SELECT failures, window_start FROM sign_in_failures \
     WHERE throttle_key = $1 AND window_start > $2";

/// Counts a failed sign-in of a key: one more in a window that started after `$3`, else the first
/// of a window starting now. One statement, so that two servers counting the same key at once
/// both count. Arguments: the key, now, the start of the oldest window that still counts.
pub(crate) const COUNT_SIGN_IN_FAILURE: &str =
    "INSERT INTO sign_in_failures (throttle_key, failures, window_start) \
     VALUES ($1, 1, $2) ON CONFLICT (throttle_key) DO UPDATE SET \
     failures = CASE WHEN sign_in_failures.window_start > $3 \
         THEN sign_in_failures.failures + 1 ELSE 1 END, \
     window_start = CASE WHEN sign_in_failures.window_start > $3 \
         THEN sign_in_failures.window_start ELSE $2 END";

/// Removes the windows that have passed. Arguments: the start of the oldest window that still
/// counts.
pub(crate) const FORGET_PASSED_WINDOWS: &str =
    "DELETE FROM sign_in_failures WHERE window_start <= $1";

/// Forgets a key's failures. Arguments: the key.
pub(crate) const CLEAR_SIGN_IN_FAILURES: &str =
    "DELETE FROM sign_in_failures WHERE throttle_key = $1";
