//! Signing in: stored accounts, server-side sessions and API tokens. The cookie or the token
//! holds a random secret; the database keeps only its SHA-256, so a copy of the database does
//! not let anyone in.
//!
//! The SQL is the same on both backends, so each query is a macro over an sqlx pool.

use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;

/// A stored account as signing in needs it.
#[derive(Clone)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    pub cadre: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    /// An administrator set the password: pages lead to "change my password" until it changes.
    pub must_change_password: bool,
}

impl std::fmt::Debug for Account {
    // The hash stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("role", &self.role)
            .field("region", &self.region)
            .field("cadre", &self.cadre)
            .field("disabled", &self.disabled)
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
}

impl Account {
    pub fn access(&self) -> Access {
        Access::of_account(&self.name, self.role, self.region, self.cadre.as_deref())
    }
}

/// A session to store: the hash of the cookie's secret, whose it is, its CSRF token, and until
/// when it is good (Unix seconds).
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub expires_at: i64,
}

/// Hex SHA-256 of a secret (session id or API token).
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(secret.as_bytes()))
}

pub(crate) type AccountRow = (
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
    i32,
    i32,
);

pub(crate) fn account_of(row: AccountRow) -> Option<Account> {
    let (id, name, role, region, cadre, password_hash, disabled, must_change) = row;
    Some(Account {
        id,
        name,
        role: Role::parse(&role)?,
        region: region.and_then(|r| RegionCode::from_u64(r as u64).ok()),
        cadre,
        password_hash,
        disabled: disabled != 0,
        must_change_password: must_change != 0,
    })
}

pub(crate) const ACCOUNT_COLUMNS: &str = "u.user_id, u.name, u.role, u.region_code, u.cadre_id, \
     u.password_hash, CASE WHEN u.disabled THEN 1 ELSE 0 END, \
     CASE WHEN u.must_change_password THEN 1 ELSE 0 END";

/// The account bodies of `Store` over an sqlx pool of either backend.
macro_rules! find_account_with {
    ($pool:expr, $name:expr) => {{
        // No account name holds a NUL, and PostgreSQL would answer one with an error.
        if $name.contains('\0') {
            return Ok(None);
        }
        let row: Option<$crate::accounts::sessions::AccountRow> = sqlx::query_as(&format!(
            "SELECT {} FROM users u WHERE u.name = $1",
            $crate::accounts::sessions::ACCOUNT_COLUMNS
        ))
        .bind($name)
        .fetch_optional($pool)
        .await
        .context("读取账号 / reading the account")?;
        Ok(row.and_then($crate::accounts::sessions::account_of))
    }};
}

macro_rules! start_session_with {
    ($pool:expr, $s:expr) => {{
        let s: &$crate::accounts::sessions::NewSession = $s;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id)
        .bind(&s.csrf_token)
        .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .bind(s.expires_at)
        .execute($pool)
        .await
        .context("保存会话 / storing the session")?;
        // Expired sessions go when someone signs in, so the table does not grow for ever.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(chrono::Utc::now().timestamp())
            .execute($pool)
            .await
            .context("清理会话 / removing expired sessions")?;
        Ok(())
    }};
}

macro_rules! session_account_with {
    ($pool:expr, $hash:expr, $now:expr) => {{
        let row: Option<($crate::accounts::sessions::AccountRow, String)> = sqlx::query_as::<
            _,
            (
                i64,
                String,
                String,
                Option<i64>,
                Option<String>,
                String,
                i32,
                i32,
                String,
            ),
        >(&format!(
            "SELECT {}, s.csrf_token FROM sessions s JOIN users u ON u.user_id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2",
            $crate::accounts::sessions::ACCOUNT_COLUMNS
        ))
        .bind($hash)
        .bind($now)
        .fetch_optional($pool)
        .await
        .context("读取会话 / reading the session")?
        .map(|(a, b, c, d, e, f, g, h, csrf)| ((a, b, c, d, e, f, g, h), csrf));
        Ok(row.and_then(|(account, csrf)| {
            $crate::accounts::sessions::account_of(account)
                .filter(|a| !a.disabled)
                .map(|a| (a, csrf))
        }))
    }};
}

macro_rules! end_session_with {
    ($pool:expr, $hash:expr) => {{
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind($hash)
            .execute($pool)
            .await
            .context("结束会话 / ending the session")?;
        Ok(())
    }};
}

macro_rules! token_account_with {
    ($pool:expr, $hash:expr, $now:expr) => {{
        let row: Option<$crate::accounts::sessions::AccountRow> = sqlx::query_as(&format!(
            "SELECT {} FROM api_tokens t JOIN users u ON u.user_id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2",
            $crate::accounts::sessions::ACCOUNT_COLUMNS
        ))
        .bind($hash)
        .bind($now)
        .fetch_optional($pool)
        .await
        .context("读取接口令牌 / reading the API token")?;
        Ok(row
            .and_then($crate::accounts::sessions::account_of)
            .filter(|a| !a.disabled))
    }};
}

macro_rules! server_secret_with {
    ($pool:expr, $name:expr, $fresh:expr) => {{
        // The first server to start stores its fresh value; everyone reads the stored one.
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind($name)
        .bind($fresh)
        .execute($pool)
        .await
        .context("保存服务器密钥 / storing the server key")?;
        let value: String = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind($name)
            .fetch_one($pool)
            .await
            .context("读取服务器密钥 / reading the server key")?;
        Ok(value)
    }};
}

/// The sign-in throttle's counts (see migration 0013) over an sqlx pool of either backend.
macro_rules! sign_in_failures_with {
    ($pool:expr, $keys:expr, $since:expr) => {{
        let mut out = Vec::new();
        for key in $keys {
            let row: Option<(i64, i64)> = sqlx::query_as(
                "SELECT failures, window_start FROM sign_in_failures \
                 WHERE throttle_key = $1 AND window_start > $2",
            )
            .bind(key)
            .bind($since)
            .fetch_optional($pool)
            .await
            .context("读取登录失败记录 / reading failed sign-ins")?;
            if let Some((failures, start)) = row {
                out.push((key.clone(), failures, start));
            }
        }
        Ok(out)
    }};
}

macro_rules! count_sign_in_failure_with {
    ($pool:expr, $keys:expr, $now:expr, $since:expr) => {{
        let context = || "记录登录失败 / counting a failed sign-in".to_string();
        for key in $keys {
            // One statement, so that two servers counting the same key at once both count.
            sqlx::query(
                "INSERT INTO sign_in_failures (throttle_key, failures, window_start) \
                 VALUES ($1, 1, $2) ON CONFLICT (throttle_key) DO UPDATE SET \
                 failures = CASE WHEN sign_in_failures.window_start > $3 \
                     THEN sign_in_failures.failures + 1 ELSE 1 END, \
                 window_start = CASE WHEN sign_in_failures.window_start > $3 \
                     THEN sign_in_failures.window_start ELSE $2 END",
            )
            .bind(key)
            .bind($now)
            .bind($since)
            .execute($pool)
            .await
            .context(context())?;
        }
        // Windows that have passed count for nothing; removing them keeps the table small even
        // when many addresses try.
        sqlx::query("DELETE FROM sign_in_failures WHERE window_start <= $1")
            .bind($since)
            .execute($pool)
            .await
            .context(context())?;
        Ok(())
    }};
}

macro_rules! clear_sign_in_failures_with {
    ($pool:expr, $key:expr) => {{
        sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
            .bind($key)
            .execute($pool)
            .await
            .context("清除登录失败记录 / clearing failed sign-ins")?;
        Ok(())
    }};
}

pub(crate) use {
    clear_sign_in_failures_with, count_sign_in_failure_with, end_session_with, find_account_with,
    server_secret_with, session_account_with, sign_in_failures_with, start_session_with,
    token_account_with,
};

/// Lower-case hex of `bytes` (secrets, their hashes, fingerprints).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
