//! 成员变动: a member leaves a household (a death, a marriage out, a split) on the day it
//! happened, and a member added to a registered household joins on the day the editor gives
//! (core `registry::membership`). Earlier years keep the members they had; a change dated in an
//! earlier year corrects that year and needs its reason.

use super::edit::{after_save, load, members_but_head, problems_text, refuse_readonly};
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::{WebError, FIELDS_REFUSED};
use crate::forms::{self, form_value, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use xplus_core::interchange::schema::MEMBER_CHANGES;
use xplus_core::interchange::{cell, column_of};
use xplus_core::registry::membership::{ChangeReason, MembershipChange};
use xplus_store::records::{self, ChangeTold, FieldProblem, HouseholdRecord};
use xplus_store::{Refusal, StoreError};

/// The columns of member_changes a form asks for: the day, the reason, the note.
const ASKED: [&str; 3] = ["changed_on", "reason", "note"];

/// The reasons that fit a change (a person is not born out of a household).
fn reasons(change: MembershipChange) -> &'static [ChangeReason] {
    use ChangeReason::*;
    match change {
        MembershipChange::Joined => &[Birth, Marriage, Moved, Other],
        MembershipChange::Left => &[Death, Marriage, Moved, Split, Other],
    }
}

/// The day, reason and note fields of a `change`, showing `typed` (name → text; empty for the
/// defaults: today, the first reason) and `problems`.
pub(super) fn change_fields(
    l: Lang,
    change: MembershipChange,
    typed: &[(String, String)],
    problems: &[FieldProblem],
) -> Vec<Field> {
    let mut values = vec![String::new(); MEMBER_CHANGES.columns.len()];
    for name in ASKED {
        values[column_of(&MEMBER_CHANGES, name)] =
            form_value(typed, name).unwrap_or_default().to_string();
    }
    let on = column_of(&MEMBER_CHANGES, "changed_on");
    if values[on].is_empty() {
        values[on] = today().to_string();
    }
    let all = forms::fields(l, &MEMBER_CHANGES, &values, &[], problems);
    let mut fields: Vec<Field> = (all.into_iter())
        .filter(|f| ASKED.contains(&f.name.as_str()))
        .collect();
    // Only the reasons that fit, and the labels say which change.
    if let Some(reason) = fields.iter_mut().find(|f| f.name == "reason") {
        let fit = reasons(change);
        reason
            .options
            .retain(|(code, ..)| fit.iter().any(|r| r.code() == code));
    }
    for f in &mut fields {
        f.label = match (f.name.as_str(), change) {
            ("changed_on", MembershipChange::Joined) => l.t("加入日期", "Joined on").into(),
            ("changed_on", MembershipChange::Left) => l.t("减少日期", "Left on").into(),
            ("note", _) => l
                .t(
                    "说明（补录往年变动时必填）",
                    "Note (needed for an earlier year)",
                )
                .into(),
            _ => f.label.clone(),
        };
    }
    fields
}

/// What the form says of a change: the day (today when empty), the reason, the note; or the
/// problems of the fields.
pub(crate) fn told(
    pairs: &[(String, String)],
    change: MembershipChange,
) -> Result<ChangeTold, Vec<FieldProblem>> {
    let text = |name: &str| {
        form_value(pairs, name)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let column = |name| &MEMBER_CHANGES.columns[column_of(&MEMBER_CHANGES, name)];
    let problem = |field: &str, message: String| FieldProblem {
        field: field.into(),
        message,
    };
    let mut problems = Vec::new();
    let on = match text("changed_on").as_str() {
        "" => Some(today()),
        raw => match cell::parse(column("changed_on"), raw, today()) {
            Ok(v) => v.as_date(),
            Err(m) => {
                problems.push(problem("changed_on", m));
                None
            }
        },
    };
    let reason = match text("reason").as_str() {
        "" => Some(ChangeReason::Other),
        raw => ChangeReason::parse(raw).filter(|r| reasons(change).contains(r)),
    };
    if reason.is_none() {
        problems.push(problem("reason", "请选择变动原因".into()));
    }
    let note = text("note");
    if let Err(m) = cell::parse(column("note"), &note, today()) {
        problems.push(problem("note", m));
    }
    match (on, reason, problems.is_empty()) {
        (Some(on), Some(reason), true) => Ok(ChangeTold { on, reason, note }),
        _ => Err(problems),
    }
}

#[derive(Template)]
#[template(path = "member_leave.html")]
struct LeavePage {
    c: Chrome,
    id: String,
    /// Members who may leave: (position, name and identity number as shown, chosen).
    members: Vec<(usize, String, bool)>,
    fields: Vec<Field>,
    fingerprint: String,
    message: Option<String>,
}

fn leave_page(
    l: Lang,
    user: &Signed,
    record: &HouseholdRecord,
    typed: &[(String, String)],
    problems: &[FieldProblem],
    message: Option<String>,
) -> LeavePage {
    let chosen = form_value(typed, "member").and_then(|p| p.parse::<usize>().ok());
    LeavePage {
        id: record.household.id.clone(),
        // A head does not leave: another member becomes the head first.
        members: (members_but_head(user, record).into_iter())
            .map(|(place, shown)| (place, shown, chosen == Some(place)))
            .collect(),
        fields: change_fields(l, MembershipChange::Left, typed, problems),
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
    html(&leave_page(l, &user, &record, &[], &[], None))
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
    let record = load(&state, &user, &id).await?;
    // The member by position in the list the editor saw (identity numbers may be masked); the
    // fingerprint makes sure the list is still the one they saw.
    let member = form_value(&pairs, "member")
        .and_then(|p| p.parse::<usize>().ok())
        .and_then(|p| record.member_at(p));
    let refused = |problems: Vec<FieldProblem>, message: String, status: StatusCode| {
        let page = leave_page(l, &user, &record, &pairs, &problems, Some(message));
        Ok::<Response, WebError>((status, html(&page)?).into_response())
    };
    let Some(member) = member else {
        let m = l
            .t("请选择减少的成员", "Choose the member who left")
            .to_string();
        return refused(Vec::new(), m, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let told = match told(&pairs, MembershipChange::Left) {
        Ok(t) => t,
        Err(p) => return refused(p, l.pick(FIELDS_REFUSED), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let saved = records::member_leaves(
        state.store.as_ref(),
        &user.access,
        &id,
        member.id_number,
        &told,
        &fingerprint,
        today(),
    )
    .await;
    match saved {
        Ok(_) => Ok(after_save(&state, &id)),
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            let message = problems_text(l, &problems);
            refused(problems, message, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(StoreError::Refused(Refusal::Conflict(m))) => {
            refused(Vec::new(), l.pick(&m), StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}
