//! Credentials: a new user's argon2id password hash and its audit entry, checking a password at
//! sign-in in the same time whether or not the name has an account, and the random passwords and
//! secrets handed out. Storing and changing accounts (disabling, passwords, tokens) is `users`.

use super::sessions::{hex, Account};
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
    /// The password was made for the user (generated, or set by an administrator): they choose
    /// their own at the first sign-in.
    pub must_change_password: bool,
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

/// The hash of a random password nobody knows, made once with the same parameters as every
/// stored hash. A sign-in with a name that has no account is checked against it, so that it
/// costs the same argon2 time as one with a known name: the answer's timing must not tell who
/// has an account.
static NO_ACCOUNT_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    // Hashing fails only for parameters or a salt out of range; the defaults and a generated
    // salt are within it.
    hash_password(&generate_password()).expect("argon2 hashes with its default parameters")
});

/// Makes the hash for unknown names now (at start-up) rather than during the first sign-in.
pub fn prepare_sign_in() {
    std::sync::LazyLock::force(&NO_ACCOUNT_HASH);
}

/// The hash a sign-in checks the password against: the account's (disabled or not, so that a
/// disabled account takes as long as any other), or for a name without one the hash above.
pub fn sign_in_hash(account: Option<&Account>) -> &str {
    account
        .map(|a| a.password_hash.as_str())
        .unwrap_or(NO_ACCOUNT_HASH.as_str())
}

/// What a sign-in's password check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInCheck {
    Accepted,
    /// The password is right but the account is disabled (only someone who knows the password
    /// learns this).
    Disabled,
    /// No such account, or the wrong password: one answer for both.
    Refused,
}

/// Checks `password` for `account` (None: the name has no account) with exactly one argon2
/// verification in every case. Slow on purpose: call it off the async threads.
pub fn check_sign_in(account: Option<&Account>, password: &str) -> SignInCheck {
    let matches = verify_password(password, sign_in_hash(account));
    match account {
        Some(a) if matches && a.disabled => SignInCheck::Disabled,
        Some(_) if matches => SignInCheck::Accepted,
        _ => SignInCheck::Refused,
    }
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
        "must_change_password": user.must_change_password,
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

    /// A sign-in with an unknown name costs one argon2 check of the same parameters as a real
    /// account's (a timed test of this flaked on a loaded machine; the cost is in the hash).
    #[test]
    fn unknown_names_are_checked_against_a_hash_of_the_same_cost() {
        let params = |h: &str| h.split('$').take(4).collect::<Vec<_>>().join("$");
        let real = hash_password("王科长的密码123").unwrap();
        assert!(params(&real).starts_with("$argon2id$v=19$m="), "{real}");
        assert_eq!(params(sign_in_hash(None)), params(&real));
        assert_eq!(check_sign_in(None, "王科长的密码123"), SignInCheck::Refused);
    }

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

    /// The `$argon2id$v=19$m=…,t=…,p=…` head of a PHC string: algorithm, version and cost.
    fn cost(phc: &str) -> String {
        phc.split('$').take(4).collect::<Vec<_>>().join("$")
    }

    fn account(hash: &str, disabled: bool) -> Account {
        Account {
            id: 1,
            name: "王科长".into(),
            role: Role::Admin,
            region: None,
            cadre: None,
            password_hash: hash.into(),
            disabled,
            must_change_password: false,
        }
    }

    #[test]
    fn an_unknown_name_costs_one_verification_at_the_same_cost() {
        let stored = hash_password("正确的密码123").unwrap();
        // The name without an account is checked against a real argon2id hash made with the
        // parameters of every stored one, not skipped (that took 1 ms against 19 ms).
        let dummy = sign_in_hash(None);
        assert!(PasswordHash::new(dummy).is_ok(), "{dummy}");
        assert_eq!(cost(dummy), cost(&stored));
        assert!(cost(dummy).starts_with("$argon2id$v=19$m="));
        // A disabled account is verified against its own hash too.
        let disabled = account(&stored, true);
        assert_eq!(sign_in_hash(Some(&disabled)), stored);
        assert_eq!(check_sign_in(None, "正确的密码123"), SignInCheck::Refused);
        assert_eq!(
            check_sign_in(Some(&account(&stored, false)), "正确的密码123"),
            SignInCheck::Accepted
        );
        assert_eq!(
            check_sign_in(Some(&account(&stored, false)), "错误的密码123"),
            SignInCheck::Refused
        );
        assert_eq!(
            check_sign_in(Some(&disabled), "正确的密码123"),
            SignInCheck::Disabled
        );
        assert_eq!(
            check_sign_in(Some(&disabled), "错误的密码123"),
            SignInCheck::Refused
        );
    }
}
