//! Accounts: adding a user with an argon2id password hash, audited. Signing in (and checking a
//! password) comes with the web application.

use crate::audit::NewAudit;
use crate::error::StoreError;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use xplus_core::accounts::Role;
use xplus_core::registry::RegionCode;

/// An account to create; the password is hashed before it goes anywhere near the database.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub role: Role,
    pub region: Option<RegionCode>,
    pub cadre: Option<String>,
    pub password_hash: String,
}

/// argon2id with the crate's recommended parameters, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, StoreError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            StoreError::Interrupted(format!("密码无法散列 / cannot hash the password: {e}"))
        })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password to hand out once: 16 characters from an alphabet without look-alikes.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    // 256 is not a multiple of the alphabet's size; the tiny bias does not matter at this length.
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// Lower-case hex of `bytes` (secrets, their hashes, fingerprints).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random secret of `bytes` bytes from the operating system, as hex (session ids, CSRF tokens,
/// API tokens, keys).
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

/// The audit entry of a new account (never the password or its hash).
pub(crate) fn audit_of(user: &NewUser, actor: &str) -> NewAudit {
    let values = serde_json::json!({
        "role": user.role.code(),
        "region_code": user.region.map(|r| r.to_string()),
        "cadre_id": user.cadre,
    });
    NewAudit {
        actor: actor.to_string(),
        action: "insert".into(),
        entity: "users".into(),
        record_key: user.name.clone(),
        old_values: None,
        new_values: Some(values.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_generated_passwords_differ() {
        let h = hash_password("正确的密码123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码123", &h));
        assert!(!verify_password("错误的密码123", &h));
        let (a, b) = (generate_password(), generate_password());
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }
}
