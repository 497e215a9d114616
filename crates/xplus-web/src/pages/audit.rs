//! The audit log for administrators and auditors: newest first, filtered by who, which table
//! and which record, a page at a time.

use super::{html, Chrome};
use crate::audit_text::AuditLine;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use xplus_store::records::{self, AuditQuery};

const PER_PAGE: u64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditParams {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    entity: String,
    #[serde(default)]
    key: String,
    before: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    actor: String,
    entity: String,
    key: String,
    entries: Vec<AuditLine>,
    /// The tables to filter by: (stored name, name shown).
    tables: Vec<(String, String)>,
    next: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<AuditParams>,
) -> Result<Response, WebError> {
    let query = AuditQuery {
        actor: Some(p.actor.clone()),
        entity: Some(p.entity.clone()),
        record_key: Some(p.key.clone()),
        before: p.before,
    };
    let entries = records::audit_page(state.store.as_ref(), &user.access, &query, PER_PAGE).await?;
    let enc = crate::forms::url_encode;
    let next = (entries.len() as u64 == PER_PAGE)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            format!(
                "/audit?actor={}&entity={}&key={}&before={seq}",
                enc(&p.actor),
                enc(&p.entity),
                enc(&p.key)
            )
        });
    html(&AuditPage {
        c: Chrome::new(l, &user, "audit"),
        entries: entries.iter().map(|e| AuditLine::of(&user, l, e)).collect(),
        tables: tables(l),
        actor: p.actor,
        entity: p.entity,
        key: p.key,
        next,
    })
}

/// The tables the log names: every registry file and the operations on the whole system.
fn tables(l: Lang) -> Vec<(String, String)> {
    let others = [
        ("bundle", "数据包导入", "imports"),
        ("assessment", "年度评估", "assessments"),
        ("users", "账号", "accounts"),
        ("api_tokens", "接口令牌", "API tokens"),
    ];
    xplus_core::interchange::schema::ALL_FILES
        .iter()
        .map(|f| (f.name.to_string(), l.t(f.zh, f.name).to_string()))
        .chain(
            others
                .iter()
                .map(|(code, zh, en)| (code.to_string(), l.t(zh, en).to_string())),
        )
        .collect()
}
