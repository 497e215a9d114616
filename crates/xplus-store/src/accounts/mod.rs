//! Accounts: who may sign in and how. `credentials` makes and checks passwords and secrets,
//! `users` stores and changes accounts (each change audited), `sessions` is what signing in
//! reads and writes on a backend's pool. Every statement they run is in `queries`, so that what
//! is asked of the database is read in one place.
//!
//! The credentials are used as `accounts::…`; `users` and `sessions` are also named from the
//! crate's root (`xplus_store::users`, `xplus_store::sessions`), as the web application and the
//! command line use them.

mod credentials;
pub(crate) mod queries;
pub mod sessions;
pub mod users;

pub use credentials::{
    check_sign_in, generate_password, hash_password, prepare_sign_in, random_secret, sign_in_hash,
    verify_password, NewUser, SignInCheck,
};
