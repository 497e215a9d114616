//! Managing accounts on both backends: disabling ends sessions and stops tokens, a reset password
//! must be changed, tokens expire and are revoked, the sign-in throttle lives in the database, and
//! every change is audited without a password, hash or token.

mod common;

use common::TestDb;
use xplus_core::accounts::Role;
use xplus_store::accounts::{hash_password, verify_password, NewUser};
use xplus_store::sessions::{secret_hash, NewSession};
use xplus_store::users::{self, NewToken, PasswordChange, Revoke, TokenState};
use xplus_store::Refusal;
use xplus_store::StoreError;

const NAME: &str = "王科长";

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

async fn add_admin(db: &TestDb, password: &str) -> i64 {
    xplus_store::users::add_user(
        db.store.as_ref(),
        NewUser {
            name: NAME.into(),
            role: Role::Admin,
            region: None,
            cadre: None,
            password_hash: hash_password(password).unwrap(),
            must_change_password: false,
        },
        "test",
    )
    .await
    .unwrap();
    db.store.find_account(NAME).await.unwrap().unwrap().id
}

async fn start(db: &TestDb, user_id: i64, secret: &str) {
    db.store
        .start_session(&NewSession {
            id_hash: secret_hash(secret),
            user_id,
            csrf_token: "csrf".into(),
            expires_at: now() + 3600,
        })
        .await
        .unwrap();
}

async fn live(db: &TestDb, secret: &str) -> bool {
    db.store
        .session_account(&secret_hash(secret), now())
        .await
        .unwrap()
        .is_some()
}

async fn token_works(db: &TestDb, secret: &str) -> bool {
    db.store
        .token_account(&secret_hash(secret), now())
        .await
        .unwrap()
        .is_some()
}

async fn add_token(db: &TestDb, secret: &str, label: &str, expires_at: i64) {
    let token = NewToken {
        user: NAME.into(),
        token_hash: secret_hash(secret),
        label: label.into(),
        expires_at,
    };
    users::add_token(db.store.as_ref(), token, "test")
        .await
        .unwrap();
}

/// The audit log as text, checked to hold none of `secrets`.
async fn log_without(db: &TestDb, secrets: &[&str]) -> String {
    let mut text = String::new();
    db.store
        .read_audit(&mut |e| {
            text.push_str(&format!(
                "{} {} {} {:?} {:?}\n",
                e.action, e.entity, e.record_key, e.old_values, e.new_values
            ));
            Ok(())
        })
        .await
        .unwrap();
    for s in secrets {
        assert!(!text.contains(s), "{s} in the log:\n{text}");
    }
    assert!(!text.contains("argon2"), "{text}");
    assert!(xplus_store::verify_audit(db.store.as_ref())
        .await
        .unwrap()
        .is_ok());
    text
}

#[tokio::test]
async fn disabling_ends_sessions_and_stops_tokens_at_once() {
    let db = TestDb::fresh().await;
    let id = add_admin(&db, "first-password-1").await;
    start(&db, id, "session-1").await;
    add_token(&db, "token-1", "县系统", now() + 86_400).await;
    assert!(live(&db, "session-1").await && token_works(&db, "token-1").await);

    let store = db.store.as_ref();
    assert!(users::set_disabled(store, NAME, true, "cli:root")
        .await
        .unwrap());
    assert!(!live(&db, "session-1").await && !token_works(&db, "token-1").await);
    assert!(
        users::find_user(store, NAME)
            .await
            .unwrap()
            .unwrap()
            .disabled
    );
    // Disabling twice changes nothing and logs nothing.
    assert!(!users::set_disabled(store, NAME, true, "cli:root")
        .await
        .unwrap());
    assert!(users::set_disabled(store, NAME, false, "cli:root")
        .await
        .unwrap());
    // The token works again; the session was ended, not only refused.
    assert!(token_works(&db, "token-1").await && !live(&db, "session-1").await);
    match users::set_disabled(store, "nobody", true, "cli:root").await {
        Err(StoreError::Refused(Refusal::Invalid(m))) => assert!(m.contains("nobody"), "{m}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    let log = log_without(&db, &[&secret_hash("token-1"), "token-1"]).await;
    let disabled = r#"{\"disabled\":true,\"sessions_ended\":1}"#;
    assert_eq!(log.matches(disabled).count(), 1, "{log}");
    assert_eq!(log.matches(r#"{\"disabled\":false}"#).count(), 2, "{log}");
    db.cleanup().await;
}

#[tokio::test]
async fn a_reset_password_must_be_changed_and_sessions_end() {
    let db = TestDb::fresh().await;
    let id = add_admin(&db, "first-password-1").await;
    start(&db, id, "s1").await;
    start(&db, id, "s2").await;
    let store = db.store.as_ref();
    let reset = hash_password("given-by-admin-2").unwrap();
    users::set_password(store, NAME, &reset, PasswordChange::Reset, "cli:root")
        .await
        .unwrap();
    let account = store.find_account(NAME).await.unwrap().unwrap();
    assert!(account.must_change_password);
    assert!(verify_password("given-by-admin-2", &account.password_hash));
    assert!(!live(&db, "s1").await && !live(&db, "s2").await);
    assert!(
        users::find_user(store, NAME)
            .await
            .unwrap()
            .unwrap()
            .must_change_password
    );

    // The user's own change keeps the session it was made in and ends the others.
    start(&db, id, "s3").await;
    start(&db, id, "s4").await;
    let own = hash_password("my-own-password-3").unwrap();
    let keep = PasswordChange::Own {
        keep_session: Some(secret_hash("s3")),
    };
    users::set_password(store, NAME, &own, keep, NAME)
        .await
        .unwrap();
    let account = store.find_account(NAME).await.unwrap().unwrap();
    assert!(!account.must_change_password);
    assert!(verify_password("my-own-password-3", &account.password_hash));
    assert!(live(&db, "s3").await && !live(&db, "s4").await);
    let log = log_without(&db, &["given-by-admin-2", "my-own-password-3"]).await;
    assert!(log.contains(r#"\"password\":\"reset\""#), "{log}");
    assert!(log.contains(r#"\"password\":\"changed\""#), "{log}");
    db.cleanup().await;
}

#[tokio::test]
async fn tokens_expire_and_are_revoked_by_label_id_or_all() {
    let db = TestDb::fresh().await;
    add_admin(&db, "first-password-1").await;
    let later = now() + 86_400;
    add_token(&db, "a", "县系统", later).await;
    add_token(&db, "b", "县系统", later).await;
    add_token(&db, "c", "备份", later).await;
    add_token(&db, "d", "旧", now() - 1).await;
    // An expired token is refused.
    assert!(!token_works(&db, "d").await && token_works(&db, "c").await);
    let store = db.store.as_ref();
    assert_eq!(
        users::find_user(store, NAME)
            .await
            .unwrap()
            .unwrap()
            .live_tokens,
        3
    );

    let revoked = users::revoke_tokens(store, NAME, &Revoke::Label("县系统".into()), "t")
        .await
        .unwrap();
    assert_eq!(revoked, vec!["县系统", "县系统"]);
    assert!(!token_works(&db, "a").await && !token_works(&db, "b").await);
    assert!(token_works(&db, "c").await);
    for which in [Revoke::Label("县系统".into()), Revoke::Id("ffff".into())] {
        assert!(matches!(
            users::revoke_tokens(store, NAME, &which, "t").await,
            Err(StoreError::Refused(Refusal::Invalid(_)))
        ));
    }
    let listed = users::list_tokens(store, NAME).await.unwrap();
    let c = listed.iter().find(|t| t.label == "备份").unwrap();
    assert_eq!(c.id, secret_hash("c")[..12]);
    users::revoke_tokens(store, NAME, &Revoke::Id(c.id.clone()), "t")
        .await
        .unwrap();
    assert!(!token_works(&db, "c").await);
    // Nothing left to revoke is not an error.
    assert!(users::revoke_tokens(store, NAME, &Revoke::All, "t")
        .await
        .unwrap()
        .is_empty());
    let states: Vec<TokenState> = users::list_tokens(store, NAME)
        .await
        .unwrap()
        .iter()
        .map(|t| t.state(now()))
        .collect();
    assert_eq!(states.len(), 4);
    assert_eq!(
        states.iter().filter(|s| **s == TokenState::Revoked).count(),
        3
    );
    assert_eq!(
        states.iter().filter(|s| **s == TokenState::Expired).count(),
        1
    );
    assert!(matches!(
        users::list_tokens(store, "nobody").await,
        Err(StoreError::Refused(Refusal::Invalid(_)))
    ));
    let hashes: Vec<String> = ["a", "b", "c", "d"].map(secret_hash).to_vec();
    let hashes: Vec<&str> = hashes.iter().map(String::as_str).collect();
    let log = log_without(&db, &hashes).await;
    assert_eq!(log.matches("revoked_at").count(), 3, "{log}");
    assert_eq!(log.matches("insert api_tokens").count(), 4, "{log}");
    db.cleanup().await;
}

#[tokio::test]
async fn the_sign_in_throttle_is_kept_in_the_database() {
    let db = TestDb::fresh().await;
    let keys = vec!["name:王科长".to_string(), "ip:10.0.0.1".to_string()];
    for _ in 0..3 {
        db.store
            .count_sign_in_failure(&keys, 1_000, 100)
            .await
            .unwrap();
    }
    let other = vec!["ip:10.0.0.2".to_string()];
    db.store
        .count_sign_in_failure(&other, 1_000, 100)
        .await
        .unwrap();
    // Another connection (a restarted server) reads the same counts.
    let reopened = xplus_store::open(&db.url).await.unwrap();
    let mut counted = reopened.sign_in_failures(&keys, 100).await.unwrap();
    counted.sort();
    assert_eq!(
        counted,
        vec![
            ("ip:10.0.0.1".to_string(), 3, 1_000),
            ("name:王科长".to_string(), 3, 1_000)
        ]
    );
    // A window that has passed does not count; the next failure starts a new one, and the
    // passed windows of other keys are removed.
    assert!(reopened
        .sign_in_failures(&keys, 1_000)
        .await
        .unwrap()
        .is_empty());
    reopened
        .count_sign_in_failure(&keys, 2_000, 1_000)
        .await
        .unwrap();
    let mut counted = reopened.sign_in_failures(&keys, 1_000).await.unwrap();
    counted.sort();
    assert_eq!(counted[1], ("name:王科长".to_string(), 1, 2_000));
    assert!(reopened
        .sign_in_failures(&other, 0)
        .await
        .unwrap()
        .is_empty());
    reopened.clear_sign_in_failures(&keys[0]).await.unwrap();
    let left = db.store.sign_in_failures(&keys, 0).await.unwrap();
    assert_eq!(left, vec![("ip:10.0.0.1".to_string(), 1, 2_000)]);
    drop(reopened);
    db.cleanup().await;
}
