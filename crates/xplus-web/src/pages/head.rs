//! Changing a household's head (更换户主): the new head and the former head's new relation are
//! saved as one change, because a household has exactly one head before and after (core
//! `registry::checks::check_heads`); changing one member at a time could only pass through
//! none or two.

use super::edit::{
    after_save, load, members_but_head, problems_text, refuse_readonly, shown_member,
};
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::form_value;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use xplus_core::registry::Relation;
use xplus_store::records::{self, Change, Derive, FieldProblem, HouseholdRecord};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "head_form.html")]
struct HeadPage {
    c: Chrome,
    id: String,
    /// Members who may become the head: (position, name and identity number as shown).
    candidates: Vec<(usize, String)>,
    /// The current head's name, if the household has one.
    head: Option<String>,
    /// Relations the former head may take: (code, label).
    relations: Vec<(String, String)>,
    fingerprint: String,
    message: Option<String>,
}

fn head_page(
    l: Lang,
    user: &Signed,
    id: &str,
    record: &HouseholdRecord,
    message: Option<String>,
) -> HeadPage {
    HeadPage {
        id: id.to_string(),
        candidates: members_but_head(user, record),
        head: record.head().map(|m| shown_member(user, m)),
        relations: (Relation::ALL.iter())
            .filter(|r| **r != Relation::Head)
            .map(|r| (r.code().to_string(), l.label(r.code(), r.label_zh())))
            .collect(),
        fingerprint: record.fingerprint.clone(),
        message,
        c: Chrome::new(l, user, "households"),
    }
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = load(&state, &user, &id).await?;
    refuse_readonly(&user)?;
    html(&head_page(l, &user, &id, &record, None))
}

pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    refuse_readonly(&user)?;
    let fingerprint = form_value(&pairs, "_fingerprint").unwrap_or("").to_string();
    // The new head by position in the list the editor saw (identity numbers may be masked):
    // picked from the household as the save reads it, so it is read once.
    let new_head = form_value(&pairs, "new_head").and_then(|i| i.parse::<usize>().ok());
    let former = form_value(&pairs, "former_relation")
        .and_then(Relation::parse)
        .filter(|r| *r != Relation::Head);
    let derive: Derive = Box::new(move |record| head_change(record, new_head, former));
    let saved = records::save_derived(
        state.store.as_ref(),
        &user.access,
        &id,
        &fingerprint,
        today(),
        derive,
    )
    .await;
    let (message, status) = match saved {
        Ok(_) => return Ok(after_save(&state, &id)),
        Err(StoreError::Refused(Refusal::Rejected(problems))) => (
            problems_text(l, &problems),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(StoreError::Refused(Refusal::Conflict(m))) => (l.pick(&m), StatusCode::CONFLICT),
        Err(e) => return Err(e.into()),
    };
    // Refused: the form again, over the household as it now stands.
    let record = load(&state, &user, &id).await?;
    Ok((
        status,
        html(&head_page(l, &user, &id, &record, Some(message)))?,
    )
        .into_response())
}

/// The change of head: the chosen member becomes the head and the former head (if any) takes
/// `former`; refused by field when either is missing.
fn head_change(
    record: &HouseholdRecord,
    new_head: Option<usize>,
    former: Option<Relation>,
) -> Result<Change, StoreError> {
    let refuse = |field: &str, message: &str| {
        StoreError::Refused(Refusal::Rejected(vec![FieldProblem {
            field: field.into(),
            message: message.into(),
        }]))
    };
    let chosen = new_head
        .and_then(|place| record.member_at(place))
        .filter(|m| !m.is_head())
        .ok_or_else(|| refuse("new_head", "请选择新户主 / choose the new head"))?;
    let mut members = Vec::new();
    if let Some(former_head) = record.head() {
        let relation = former.ok_or_else(|| {
            refuse(
                "former_relation",
                "请选择原户主与新户主的关系 / choose the former head's relation",
            )
        })?;
        let mut member = former_head.clone();
        member.relation = relation;
        members.push(member.to_row());
    }
    let mut member = chosen.clone();
    member.relation = Relation::Head;
    members.push(member.to_row());
    Ok(Change {
        members,
        ..Default::default()
    })
}
