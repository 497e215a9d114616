//! Sign-in throttling: after `NAME_LIMIT` failures within `WINDOW` for one user name, or
//! `ADDRESS_LIMIT` from one address (higher: many people may share a proxy's address), further
//! attempts are refused until the window has passed. The counts are kept in the database, so a
//! restart does not reset them and several servers on one database count together.

use std::sync::Arc;
use xplus_store::{Store, StoreError};

const NAME_LIMIT: i64 = 5;
const ADDRESS_LIMIT: i64 = 50;
/// Seconds.
const WINDOW: i64 = 15 * 60;

fn limit_of(key: &str) -> i64 {
    if key.starts_with("ip:") {
        ADDRESS_LIMIT
    } else {
        NAME_LIMIT
    }
}

/// The throttle key of a user name (case-insensitive).
pub fn name_key(name: &str) -> String {
    // Escaped: a name typed with a NUL must still count, and PostgreSQL cannot store a NUL.
    format!("name:{}", name.to_lowercase().escape_debug())
}

/// The throttle keys of a sign-in: the user name and the address.
pub fn keys(name: &str, ip: &str) -> Vec<String> {
    vec![name_key(name), format!("ip:{ip}")]
}

#[derive(Clone)]
pub struct Throttle {
    store: Arc<dyn Store>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Throttle {
    pub fn new(store: Arc<dyn Store>) -> Throttle {
        Throttle { store }
    }

    /// Seconds to wait, if any of `keys` is locked out.
    pub async fn locked(&self, keys: &[String]) -> Result<Option<u64>, StoreError> {
        let now = now();
        let counted = self.store.sign_in_failures(keys, now - WINDOW).await?;
        Ok(counted
            .iter()
            .filter(|(key, failures, _)| *failures >= limit_of(key))
            .map(|(_, _, start)| (start + WINDOW - now).max(1) as u64)
            .max())
    }

    /// Counts an attempt on a user name before its password is checked, so that attempts made
    /// in parallel each see the others (checking first and counting after the slow argon2
    /// check let a burst through); the seconds to wait when this attempt is one too many.
    pub async fn attempt(&self, name_key: &str) -> Result<Option<u64>, StoreError> {
        let now = now();
        let key = [name_key.to_string()];
        self.store
            .count_sign_in_failure(&key, now, now - WINDOW)
            .await?;
        let counted = self.store.sign_in_failures(&key, now - WINDOW).await?;
        Ok(counted
            .iter()
            .filter(|(key, failures, _)| *failures > limit_of(key))
            .map(|(_, _, start)| (start + WINDOW - now).max(1) as u64)
            .max())
    }

    pub async fn failed(&self, keys: &[String]) -> Result<(), StoreError> {
        let now = now();
        self.store
            .count_sign_in_failure(keys, now, now - WINDOW)
            .await
    }

    /// A successful sign-in clears its name's count (not the address's: others share it).
    pub async fn succeeded(&self, name_key: &str) -> Result<(), StoreError> {
        self.store.clear_sign_in_failures(name_key).await
    }
}
