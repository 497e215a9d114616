//! The audit log as people read it: the auditor's filtered list, and one household's history
//! (the household, its members and its incomes).

use super::queries;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::registry::household::load;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::audit::AuditEntry;

/// Filters of the audit log page; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor: Option<String>,
    /// The table: households, members, incomes, users, bundle …
    pub entity: Option<String>,
    pub record_key: Option<String>,
    /// Only entries older than this number (the next page).
    pub before: Option<i64>,
}

/// A page of the log, newest first. Only for accounts that may read the log.
pub async fn audit_page(
    store: &dyn Store,
    access: &Access,
    query: &AuditQuery,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    if !access.may_read_audit_log() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "只有管理员和审计员可以查看审计日志 / only administrators and auditors read the audit log"
                .into(),
        )));
    }
    let text = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let mut f = Filter::new();
    if let Some(a) = text(&query.actor) {
        f = queries::actor_is(f, a);
    }
    if let Some(e) = text(&query.entity) {
        f = queries::entity_is(f, e);
    }
    if let Some(k) = text(&query.record_key) {
        f = queries::record_key_is(f, k);
    }
    if let Some(b) = query.before {
        f = queries::before_seq(f, b);
    }
    let mut s = store.read_session().await?;
    s.audit_entries(&f, limit).await
}

/// Every entry about a household the account reaches, newest first: the household row, its
/// members' rows and its incomes. `None` when it is out of reach or does not exist.
pub async fn household_history(
    store: &dyn Store,
    access: &Access,
    id: &str,
    today: NaiveDate,
    limit: u64,
) -> Result<Option<Vec<AuditEntry>>, StoreError> {
    let mut s = store.read_session().await?;
    let Some(record) = load(s.as_mut(), Some(access), id, today).await? else {
        return Ok(None);
    };
    let people: Vec<Arg> = record
        .members
        .iter()
        .map(|m| Arg::Text(m.id_number.to_string()))
        .collect();
    // An income's key is "household / year": the stored years, exactly (a prefix would also
    // match a household whose number starts with this one's).
    let incomes: Vec<Arg> = record
        .incomes
        .iter()
        .map(|i| i.year)
        .map(|year| Arg::Text(format!("{id} / {year}")))
        .collect();
    let f = queries::household_entries(id, people, incomes);
    Ok(Some(s.audit_entries(&f, limit).await?))
}
