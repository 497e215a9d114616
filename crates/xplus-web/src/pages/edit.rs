//! Registering and editing households, members and incomes. Each form carries the household's
//! fingerprint as the editor saw it: if someone else saved in between, the save is refused with
//! a conflict message and the form comes back with everything the editor typed.

use super::membership::{change_fields, told};
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::{WebError, FIELDS_REFUSED};
use crate::forms::{self, form_value, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{column_of, FileSpec};
use xplus_core::registry::membership::MembershipChange;
use xplus_store::records::{self, FieldProblem, HouseholdRecord};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "record_form.html")]
pub(super) struct FormPage {
    pub(super) c: Chrome,
    pub(super) title: String,
    pub(super) action: String,
    pub(super) back: String,
    pub(super) fields: Vec<Field>,
    /// The head's fields when a household is registered with its head (empty otherwise).
    pub(super) head: Vec<Field>,
    pub(super) fingerprint: String,
    /// Hidden: which stored member the form edits (by position), for masked identity numbers.
    pub(super) member: String,
    pub(super) message: Option<String>,
    pub(super) conflict: bool,
}

fn part(file: &str) -> Result<&'static FileSpec, WebError> {
    match file {
        "members" => Ok(&MEMBERS),
        "incomes" => Ok(&INCOMES),
        _ => Err(WebError::not_found()),
    }
}

pub(super) fn title(l: Lang, spec: &FileSpec, new: bool) -> String {
    let what = match spec.name {
        "households" => l.t("贫困户", "household"),
        "members" => l.t("家庭成员", "member"),
        _ => l.t("年度收入", "yearly income"),
    };
    match (l, new) {
        (Lang::Zh, true) => format!("新增{what}"),
        (Lang::Zh, false) => format!("编辑{what}"),
        (Lang::En, true) => format!("New {what}"),
        (Lang::En, false) => format!("Edit {what}"),
    }
}

pub(super) async fn load(
    state: &AppState,
    user: &Signed,
    id: &str,
) -> Result<HouseholdRecord, WebError> {
    records::household(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)
}

/// A household's records were saved: the lists' counts are stale, and the editor goes back to
/// the household page.
pub(super) fn after_save(state: &AppState, household_id: &str) -> Response {
    state.counts.changed();
    Redirect::to(&format!("/households/{}", forms::url_encode(household_id))).into_response()
}

/// The members who are not the head, by their place in the list (from 1) with the name and the
/// identity number as `user` may see it: whom the head and the leave forms offer.
pub(super) fn members_but_head(user: &Signed, record: &HouseholdRecord) -> Vec<(usize, String)> {
    (record.members.iter().enumerate())
        .filter(|(_, m)| !m.is_head())
        .map(|(i, m)| (i + 1, shown_member(user, m)))
        .collect()
}

/// A member as a form names them: the name, and the identity number as `user` may see it.
pub(super) fn shown_member(user: &Signed, m: &xplus_core::registry::Member) -> String {
    format!("{}（{}）", m.name, user.access.id_number(m.id_number))
}

/// The messages of a refusal by field, in the page's language, as one line.
pub(super) fn problems_text(l: Lang, problems: &[FieldProblem]) -> String {
    (problems.iter())
        .map(|p| l.pick(&p.message))
        .collect::<Vec<_>>()
        .join("；")
}

pub(super) fn refuse_readonly(user: &Signed) -> Result<(), WebError> {
    if user.access.may_write() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "审计员账号只读 / an auditor's account is read-only",
        ))
    }
}

pub async fn edit_household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = load(&state, &user, &id).await?;
    refuse_readonly(&user)?;
    let values = forms::row_text(&HOUSEHOLDS, &record.household.to_row());
    html(&FormPage {
        title: title(l, &HOUSEHOLDS, false),
        action: format!("/households/{}/edit", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields: forms::fields(l, &HOUSEHOLDS, &values, &[0], &[]),
        head: Vec::new(),
        fingerprint: record.fingerprint,
        member: String::new(),
        message: None,
        conflict: false,
        c: Chrome::new(l, &user, "households"),
    })
}

pub async fn new_part(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let spec = part(&file)?;
    let record = load(&state, &user, &id).await?;
    refuse_readonly(&user)?;
    let mut values = vec![String::new(); spec.columns.len()];
    values[0] = id.clone();
    if spec.name == "incomes" {
        values[1] = (chrono::Datelike::year(&today()) - 1).to_string();
    }
    let mut fields = forms::fields(l, spec, &values, &[0], &[]);
    if spec.name == "members" {
        // A person joins a registered household on a day (book of record).
        fields.extend(change_fields(l, MembershipChange::Joined, &[], &[]));
    }
    html(&FormPage {
        title: title(l, spec, true),
        action: format!("/households/{}/{file}", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields,
        head: Vec::new(),
        fingerprint: record.fingerprint,
        member: String::new(),
        message: None,
        conflict: false,
        c: Chrome::new(l, &user, "households"),
    })
}

pub async fn edit_part(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((id, file, key)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let spec = part(&file)?;
    let record = load(&state, &user, &id).await?;
    refuse_readonly(&user)?;
    let (values, member) = if spec.name == "members" {
        let place: usize = key.parse().map_err(|_| WebError::not_found())?;
        let m = record.member_at(place).ok_or_else(WebError::not_found)?;
        let mut values = forms::row_text(spec, &m.to_row());
        // As the account may see it (masked for most).
        values[column_of(spec, "id_number")] = user.access.id_number(m.id_number);
        (values, key.clone())
    } else {
        let income = (record.incomes.iter())
            .find(|i| i.year.to_string() == key)
            .ok_or_else(WebError::not_found)?;
        (forms::row_text(spec, &income.to_row()), String::new())
    };
    let mut fields = forms::fields(l, spec, &values, &[0, 1], &[]);
    let past = key
        .parse::<i32>()
        .is_ok_and(|y| y < chrono::Datelike::year(&today()));
    if spec.name == "incomes" && past {
        // A past year's stored income is its record: changing it corrects the year.
        fields.push(reason_field(l, "", None));
    }
    html(&FormPage {
        title: title(l, spec, false),
        action: format!("/households/{}/{file}", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields,
        head: Vec::new(),
        fingerprint: record.fingerprint,
        member,
        message: None,
        conflict: false,
        c: Chrome::new(l, &user, "households"),
    })
}

pub async fn save_household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let mut text = forms::submitted(&HOUSEHOLDS, &pairs);
    // The key comes from the address, not the form.
    text[0] = id.clone();
    let fingerprint = form_value(&pairs, "_fingerprint").unwrap_or("").to_string();
    let back = format!("/households/{}", forms::url_encode(&id));
    let action = format!("{back}/edit");
    save(
        &state,
        &user,
        l,
        &HOUSEHOLDS,
        text,
        Some(fingerprint),
        action,
        back,
        String::new(),
        None,
        &pairs,
    )
    .await
}

pub async fn save_part(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((id, file)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let spec = part(&file)?;
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let mut text = forms::submitted(spec, &pairs);
    text[0] = id.clone();
    let fingerprint = form_value(&pairs, "_fingerprint").unwrap_or("").to_string();
    let member = form_value(&pairs, "_member").unwrap_or("").to_string();
    // An existing member is named by its place in the list the form showed (identity numbers
    // may be masked): the save picks it from the household it reads, so it is read once.
    let stored_member = if spec.name == "members" && !member.is_empty() {
        Some(member.parse::<usize>().map_err(|_| WebError::not_found())?)
    } else {
        None
    };
    let back = format!("/households/{}", forms::url_encode(&id));
    let action = format!("{back}/{file}");
    save(
        &state,
        &user,
        l,
        spec,
        text,
        Some(fingerprint),
        action,
        back,
        member,
        stored_member,
        &pairs,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn save(
    state: &AppState,
    user: &Signed,
    l: Lang,
    spec: &'static FileSpec,
    text: Vec<String>,
    fingerprint: Option<String>,
    action: String,
    back: String,
    member: String,
    stored_member: Option<usize>,
    pairs: &[(String, String)],
) -> Result<Response, WebError> {
    let editing = fingerprint.is_some();
    // A member added to a registered household joins it on the day the form gives.
    let joining = editing && spec.name == "members" && member.is_empty();
    let readonly: &[usize] = match spec.name {
        "households" if !editing => &[],
        "members" if !member.is_empty() => &[0, 1],
        _ => &[0],
    };
    let again =
        |problems: Vec<FieldProblem>, message: String, conflict: bool, status: StatusCode| {
            let mut shown = text.clone();
            if spec.name == "members" && !member.is_empty() && !user.access.sees_full_id_numbers() {
                shown[column_of(spec, "id_number")] = "********".into();
            }
            let mut fields = forms::fields(l, spec, &shown, readonly, &problems);
            if joining {
                fields.extend(change_fields(l, MembershipChange::Joined, pairs, &problems));
            }
            let reason = form_value(pairs, "reason");
            let reason_problem = problems.iter().find(|p| p.field == "reason");
            if spec.name == "incomes" && (reason.is_some() || reason_problem.is_some()) {
                let error = reason_problem.map(|p| l.pick(&p.message));
                fields.push(reason_field(l, reason.unwrap_or_default(), error));
            }
            let page = FormPage {
                title: title(l, spec, !editing),
                action: action.clone(),
                back: back.clone(),
                fields,
                head: Vec::new(),
                fingerprint: fingerprint.clone().unwrap_or_default(),
                member: member.clone(),
                message: Some(message),
                conflict,
                c: Chrome::new(l, user, "households"),
            };
            Ok::<Response, WebError>((status, html(&page)?).into_response())
        };
    let expected = fingerprint.as_deref().filter(|_| editing);
    let saved = match (stored_member, expected) {
        (Some(i), Some(expected)) => {
            let (text, day) = (text.clone(), today());
            let id = text[0].clone();
            let derive: records::Derive =
                Box::new(move |record| member_change(record, i, text, day));
            records::save_derived(
                state.store.as_ref(),
                &user.access,
                &id,
                expected,
                day,
                derive,
            )
            .await
        }
        _ => {
            let joined = match joining.then(|| told(pairs, MembershipChange::Joined)) {
                Some(Err(problems)) => {
                    let message = l.pick(FIELDS_REFUSED);
                    return again(problems, message, false, StatusCode::UNPROCESSABLE_ENTITY);
                }
                Some(Ok(told)) => Some(told),
                None => None,
            };
            let values = match forms::parse(spec, &text, today()) {
                Ok(v) => v,
                Err(problems) => {
                    return again(
                        problems,
                        l.pick(FIELDS_REFUSED),
                        false,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                }
            };
            let id = text[0].clone();
            let mut change = records::Change::one(spec, values)?;
            change.joined = joined;
            change.reason = form_value(pairs, "reason").map(str::to_string);
            records::save_change(
                state.store.as_ref(),
                &user.access,
                &id,
                change,
                expected,
                today(),
            )
            .await
        }
    };
    match saved {
        Ok(saved) => Ok(after_save(state, &saved.household_id)),
        Err(StoreError::Refused(Refusal::Rejected(problems))) => again(
            problems,
            l.pick(FIELDS_REFUSED),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(StoreError::Refused(Refusal::Conflict(m))) => {
            again(Vec::new(), l.pick(&m), true, StatusCode::CONFLICT)
        }
        Err(e) => Err(e.into()),
    }
}

/// The reason asked when a past year's stored income is changed (a correction of that year).
fn reason_field(l: Lang, value: &str, error: Option<String>) -> Field {
    Field {
        name: "reason".into(),
        label: l
            .t(
                "更正原因（修改往年已记录的收入时必填）",
                "Reason (needed to change a past year's recorded income)",
            )
            .into(),
        kind: "text",
        value: value.to_string(),
        options: Vec::new(),
        required: false,
        readonly: false,
        error,
    }
}

/// The member at place `i` (from 1) of the household as the save read it, with the form's values
/// and the stored identity number (the form showed it masked, or not at all).
fn member_change(
    record: &HouseholdRecord,
    i: usize,
    mut text: Vec<String>,
    today: chrono::NaiveDate,
) -> Result<records::Change, StoreError> {
    let Some(member) = record.member_at(i) else {
        return Err(records::stale(&record.household.id));
    };
    text[column_of(&MEMBERS, "id_number")] = member.id_number.to_string();
    let values = forms::parse(&MEMBERS, &text, today)
        .map_err(|problems| StoreError::Refused(Refusal::Rejected(problems)))?;
    records::Change::one(&MEMBERS, values)
}
