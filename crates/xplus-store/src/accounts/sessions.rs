//! Signing in: stored accounts, server-side sessions and API tokens. The cookie or the token
//! holds a random secret; the database keeps only its SHA-256, so a copy of the database does
//! not let anyone in.
//!
//! The SQL is the same on both backends, so each query is a macro over an sqlx pool; the
//! statements and their rows are in `queries.rs`.

use super::queries::AccountRow;
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

/// The account of a row (None when its role is not one this version knows).
pub(crate) fn account_of(row: AccountRow) -> Option<Account> {
    Some(Account {
        id: row.user_id,
        name: row.name,
        role: Role::parse(&row.role)?,
        region: row
            .region_code
            .and_then(|r| RegionCode::from_u64(r as u64).ok()),
        cadre: row.cadre_id,
        password_hash: row.password_hash,
        disabled: row.disabled != 0,
        must_change_password: row.must_change_password != 0,
    })
}

/// The account bodies of `Store` over an sqlx pool of either backend.
macro_rules! find_account_with {
    ($pool:expr, $name:expr) => {{
        // No account name holds a NUL, and PostgreSQL would answer one with an error.
        if $name.contains('\0') {
            return Ok(None);
        }
        let row: Option<$crate::accounts::queries::AccountRow> =
            sqlx::query_as($crate::accounts::queries::ACCOUNT_NAMED)
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
        sqlx::query($crate::accounts::queries::INSERT_SESSION)
            .bind(&s.id_hash)
            .bind(s.user_id)
            .bind(&s.csrf_token)
            .bind(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .bind(s.expires_at)
            .execute($pool)
            .await
            .context("保存会话 / storing the session")?;
        // Expired sessions go when someone signs in, so the table does not grow for ever.
        sqlx::query($crate::accounts::queries::END_EXPIRED_SESSIONS)
            .bind(chrono::Utc::now().timestamp())
            .execute($pool)
            .await
            .context("清理会话 / removing expired sessions")?;
        Ok(())
    }};
}

macro_rules! session_account_with {
    ($pool:expr, $hash:expr, $now:expr) => {{
        let row: Option<$crate::accounts::queries::SessionAccountRow> =
            sqlx::query_as($crate::accounts::queries::SESSION_ACCOUNT)
                .bind($hash)
                .bind($now)
                .fetch_optional($pool)
                .await
                .context("读取会话 / reading the session")?;
        Ok(row.and_then(|row| {
            $crate::accounts::sessions::account_of(row.account)
                .filter(|a| !a.disabled)
                .map(|a| (a, row.csrf_token))
        }))
    }};
}

macro_rules! end_session_with {
    ($pool:expr, $hash:expr) => {{
        sqlx::query($crate::accounts::queries::END_SESSION)
            .bind($hash)
            .execute($pool)
            .await
            .context("结束会话 / ending the session")?;
        Ok(())
    }};
}

macro_rules! token_account_with {
    ($pool:expr, $hash:expr, $now:expr) => {{
        let row: Option<$crate::accounts::queries::AccountRow> =
            sqlx::query_as($crate::accounts::queries::TOKEN_ACCOUNT)
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
        sqlx::query($crate::accounts::queries::KEEP_SERVER_SECRET)
            .bind($name)
            .bind($fresh)
            .execute($pool)
            .await
            .context("保存服务器密钥 / storing the server key")?;
        let value: String = sqlx::query_scalar($crate::accounts::queries::SERVER_SECRET)
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
            let row: Option<$crate::accounts::queries::SignInFailures> =
                sqlx::query_as($crate::accounts::queries::SIGN_IN_FAILURES)
                    .bind(key)
                    .bind($since)
                    .fetch_optional($pool)
                    .await
                    .context("读取登录失败记录 / reading failed sign-ins")?;
            if let Some(row) = row {
                out.push((key.clone(), row.failures, row.window_start));
            }
        }
        Ok(out)
    }};
}

macro_rules! count_sign_in_failure_with {
    ($pool:expr, $keys:expr, $now:expr, $since:expr) => {{
        let context = || "记录登录失败 / counting a failed sign-in".to_string();
        for key in $keys {
            sqlx::query($crate::accounts::queries::COUNT_SIGN_IN_FAILURE)
                .bind(key)
                .bind($now)
                .bind($since)
                .execute($pool)
                .await
                .context(context())?;
        }
        // Windows that have passed count for nothing; removing them keeps the table small even
        // when many addresses try.
        sqlx::query($crate::accounts::queries::FORGET_PASSED_WINDOWS)
            .bind($since)
            .execute($pool)
            .await
            .context(context())?;
        Ok(())
    }};
}

macro_rules! clear_sign_in_failures_with {
    ($pool:expr, $key:expr) => {{
        sqlx::query($crate::accounts::queries::CLEAR_SIGN_IN_FAILURES)
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
