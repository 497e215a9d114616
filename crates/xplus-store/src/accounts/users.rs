//! Managing accounts after they are made: disabling and enabling, resetting and changing a
//! password, API tokens with an end date and revoking them. Each change and its audit entry are
//! written in one transaction (`Store::account_session`, the same statements on both backends);
//! the audit log names what changed, never a password, a hash or a token. The statements are in
//! `queries.rs`.
//!
//! Ending an account's sessions here ends them in the database; the web application also forgets
//! the sessions it holds in memory when it makes the change itself.

use super::credentials::{audit_of, NewUser};
use super::queries::{
    set_disabled_sql, set_password_sql, Found, ALL_USERS, CADRES_WITH_ID, END_OTHER_SESSIONS,
    END_SESSIONS, INSERT_TOKEN, INSERT_USER, LIVE_TOKENS, REGIONS_CODED, REVOKE_TOKEN, TOKENS,
    USERS_NAMED, USER_ID, USER_NAMED,
};
use crate::audit::NewAudit;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::session::rows::Query;
use crate::session::{Arg, ReadSession};
use crate::store::Store;

pub use super::queries::UserView;

/// An API token as listed (never the token, and of its hash only a prefix to name it by).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    /// The first 12 hex digits of the token's SHA-256: enough to tell a user's tokens apart.
    pub id: String,
    pub label: String,
    pub created_at: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Live,
    Expired,
    Revoked,
}

impl TokenView {
    pub fn state(&self, now: i64) -> TokenState {
        if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.expires_at <= now {
            TokenState::Expired
        } else {
            TokenState::Live
        }
    }
}

/// Which tokens of an account to revoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revoke {
    All,
    /// Every live token with this label (labels need not be unique).
    Label(String),
    /// The token whose `TokenView::id` this is.
    Id(String),
}

/// A token to store: the SHA-256 of its secret, whose it is, what it is for, until when.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub user: String,
    pub token_hash: String,
    pub label: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// How a password is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordChange {
    /// By an administrator: the user must choose their own at the next sign-in; every session
    /// of the account ends.
    Reset,
    /// By the user: their other sessions end, the one with this id hash (if any) stays.
    Own { keep_session: Option<String> },
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every account, in the order they were made.
pub async fn list_users(store: &dyn Store) -> Result<Vec<UserView>, StoreError> {
    let mut s = store.read_session().await?;
    let rows = ALL_USERS.fetch(s.as_mut(), &[Arg::Int(now())]).await?;
    Ok(rows)
}

pub async fn find_user(store: &dyn Store, name: &str) -> Result<Option<UserView>, StoreError> {
    let mut s = store.read_session().await?;
    let args = [Arg::Int(now()), Arg::Text(name.into())];
    let rows = USER_NAMED.fetch(s.as_mut(), &args).await?;
    Ok(rows.into_iter().next())
}

fn no_user(name: &str) -> StoreError {
    StoreError::Refused(Refusal::Invalid(format!(
        "用户 {name} 不存在 / no user {name}"
    )))
}

/// The account's id and whether it is disabled, or the bad-input error naming it.
async fn user_id(s: &mut dyn ReadSession, name: &str) -> Result<(i64, bool), StoreError> {
    let rows = USER_ID.fetch(s, &[Arg::Text(name.into())]).await?;
    rows.first()
        .map(|u| (u.id, u.disabled))
        .ok_or_else(|| no_user(name))
}

/// The account's tokens, newest first.
pub async fn list_tokens(store: &dyn Store, name: &str) -> Result<Vec<TokenView>, StoreError> {
    let mut s = store.read_session().await?;
    let (id, _) = user_id(s.as_mut(), name).await?;
    let rows = TOKENS.fetch(s.as_mut(), &[Arg::Int(id)]).await?;
    Ok(rows
        .into_iter()
        .map(|t| TokenView {
            id: t.hash.chars().take(12).collect(),
            label: t.label,
            created_at: t.created_at,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
        })
        .collect())
}

fn audit(actor: &str, entity: &str, key: &str, old: Option<String>, new: String) -> NewAudit {
    NewAudit {
        actor: actor.to_string(),
        action: "update".into(),
        entity: entity.into(),
        record_key: key.to_string(),
        old_values: old,
        new_values: Some(new),
    }
}

/// Disables (`disabled`) or enables an account; disabling ends its sessions at once, and its
/// tokens are refused while it stays disabled. Returns false when it already was so (nothing
/// written, nothing audited). An unknown name is `Invalid`.
pub async fn set_disabled(
    store: &dyn Store,
    name: &str,
    disabled: bool,
    actor: &str,
) -> Result<bool, StoreError> {
    let mut s = store.account_session().await?;
    let (id, was) = user_id(s.as_mut(), name).await?;
    if was == disabled {
        return Ok(false);
    }
    s.execute(set_disabled_sql(disabled), &[Arg::Int(id)])
        .await?;
    let mut new = serde_json::json!({ "disabled": disabled });
    if disabled {
        let ended = s.execute(END_SESSIONS, &[Arg::Int(id)]).await?;
        new["sessions_ended"] = ended.into();
    }
    let old = serde_json::json!({ "disabled": was }).to_string();
    s.append_audit(vec![audit(
        actor,
        "users",
        name,
        Some(old),
        new.to_string(),
    )])
    .await?;
    s.commit().await?;
    Ok(true)
}

/// Stores a new password hash for `name` (see `PasswordChange`). An unknown name is `Invalid`.
pub async fn set_password(
    store: &dyn Store,
    name: &str,
    password_hash: &str,
    change: PasswordChange,
    actor: &str,
) -> Result<(), StoreError> {
    let mut s = store.account_session().await?;
    let (id, _) = user_id(s.as_mut(), name).await?;
    let (must_change, how) = match &change {
        PasswordChange::Reset => (true, "reset"),
        PasswordChange::Own { .. } => (false, "changed"),
    };
    s.execute(
        set_password_sql(must_change),
        &[Arg::Text(password_hash.into()), Arg::Int(id)],
    )
    .await?;
    // Whoever knew the old password may hold a session: it ends with it.
    let ended = match &change {
        PasswordChange::Own {
            keep_session: Some(keep),
        } => {
            s.execute(END_OTHER_SESSIONS, &[Arg::Int(id), Arg::Text(keep.clone())])
                .await?
        }
        _ => s.execute(END_SESSIONS, &[Arg::Int(id)]).await?,
    };
    let new = serde_json::json!({
        "password": how,
        "must_change_password": change == PasswordChange::Reset,
        "sessions_ended": ended,
    });
    s.append_audit(vec![audit(actor, "users", name, None, new.to_string())])
        .await?;
    s.commit().await
}

/// Stores an API token (its hash) for `token.user`, audited with its label and end. An unknown
/// name is `Invalid`.
pub async fn add_token(store: &dyn Store, token: NewToken, actor: &str) -> Result<(), StoreError> {
    // The label is shown on the administrators' pages and in the audit log.
    let label =
        crate::records::text_field("label", xplus_core::text::TextKind::Name, &token.label)?;
    let token = NewToken { label, ..token };
    let mut s = store.account_session().await?;
    let (id, _) = user_id(s.as_mut(), &token.user).await?;
    s.execute(
        INSERT_TOKEN,
        &[
            Arg::Text(token.token_hash.clone()),
            Arg::Int(id),
            Arg::Text(token.label.clone()),
            Arg::Text(timestamp()),
            Arg::Int(token.expires_at),
        ],
    )
    .await?;
    let expires = chrono::DateTime::from_timestamp(token.expires_at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    s.append_audit(vec![NewAudit {
        actor: actor.to_string(),
        action: "insert".into(),
        entity: "api_tokens".into(),
        record_key: token.user.clone(),
        old_values: None,
        new_values: Some(
            serde_json::json!({ "label": token.label, "expires_at": expires }).to_string(),
        ),
    }])
    .await?;
    s.commit().await
}

/// Revokes live tokens of `name`; returns the labels of those revoked (one audit entry each).
/// An unknown name is `Invalid`; so is a label or id that names no live token (revoking all
/// of none is not an error).
pub async fn revoke_tokens(
    store: &dyn Store,
    name: &str,
    which: &Revoke,
    actor: &str,
) -> Result<Vec<String>, StoreError> {
    let mut s = store.account_session().await?;
    let (id, _) = user_id(s.as_mut(), name).await?;
    let live = LIVE_TOKENS
        .fetch(s.as_mut(), &[Arg::Int(id), Arg::Int(now())])
        .await?;
    let chosen: Vec<(String, String)> = live
        .into_iter()
        .map(|t| (t.hash, t.label))
        .filter(|(hash, label)| match which {
            Revoke::All => true,
            Revoke::Label(l) => label == l,
            Revoke::Id(prefix) => !prefix.is_empty() && hash.starts_with(prefix.as_str()),
        })
        .collect();
    match which {
        Revoke::Label(l) if chosen.is_empty() => {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "用户 {name} 没有标签为“{l}”的有效令牌 / {name} has no live token labelled {l}"
            ))))
        }
        Revoke::Id(_) if chosen.len() != 1 => {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "用户 {name} 没有这个有效令牌 / {name} has no such live token"
            ))))
        }
        _ => {}
    }
    let at = timestamp();
    let mut entries = Vec::new();
    for (hash, label) in &chosen {
        s.execute(
            REVOKE_TOKEN,
            &[Arg::Text(at.clone()), Arg::Text(hash.clone())],
        )
        .await?;
        let new = serde_json::json!({ "label": label, "revoked_at": at });
        entries.push(audit(actor, "api_tokens", name, None, new.to_string()));
    }
    if !entries.is_empty() {
        s.append_audit(entries).await?;
        s.commit().await?;
    }
    Ok(chosen.into_iter().map(|(_, label)| label).collect())
}

/// Whether the count `query` (one argument) is above zero.
async fn found(
    s: &mut dyn ReadSession,
    query: &Query<Found>,
    arg: Arg,
) -> Result<bool, StoreError> {
    let rows = query.fetch(s, &[arg]).await?;
    Ok(rows.first().map_or(0, |f| f.count) > 0)
}

fn name_taken(name: &str) -> StoreError {
    StoreError::Refused(Refusal::Invalid(format!(
        "用户名“{name}”已存在 / the user name {name} is taken"
    )))
}

/// Creates an account and its audit entry in one transaction, written once for both databases.
/// A name already taken, or a region or cadre that does not exist, is `Refusal::Invalid`.
pub async fn add_user(store: &dyn Store, user: NewUser, actor: &str) -> Result<(), StoreError> {
    let mut s = store.account_session().await?;
    let name = Arg::Text(user.name.clone());
    if found(s.as_mut(), &USERS_NAMED, name).await? {
        return Err(name_taken(&user.name));
    }
    if let Some(r) = user.region {
        let code = Arg::Int(r.as_u64() as i64);
        if !found(s.as_mut(), &REGIONS_CODED, code).await? {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "区划 {r} 不存在 / no such region {r}"
            ))));
        }
    }
    if let Some(c) = &user.cadre {
        let cadre = Arg::Text(c.clone());
        if !found(s.as_mut(), &CADRES_WITH_ID, cadre).await? {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "干部 {c} 不存在 / no such cadre {c}"
            ))));
        }
    }
    s.execute(
        INSERT_USER,
        &[
            Arg::Text(user.name.clone()),
            Arg::Text(user.role.code().to_string()),
            Arg::MaybeInt(user.region.map(|r| r.as_u64() as i64)),
            Arg::MaybeText(user.cadre.clone()),
            Arg::Text(user.password_hash.clone()),
            Arg::Text(timestamp()),
            Arg::Bool(user.must_change_password),
        ],
    )
    .await
    // Another session took the name between the check and the insert (PostgreSQL; SQLite has
    // one writer at a time).
    .map_err(|e| {
        if e.is_unique_violation() {
            name_taken(&user.name)
        } else {
            e
        }
    })?;
    s.append_audit(vec![audit_of(&user, actor)]).await?;
    s.commit().await
}
