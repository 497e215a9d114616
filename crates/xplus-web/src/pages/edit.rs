//! Registering and editing households, members and incomes. Each form carries the household's
//! fingerprint as the editor saw it: if someone else saved in between, the save is refused with
//! a conflict message and the form comes back with everything the editor typed.

use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::{self, form_value, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{FileSpec, Value};
use xplus_store::records::{self, FieldProblem, HouseholdRecord};
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "record_form.html")]
struct FormPage {
    c: Chrome,
    title: String,
    action: String,
    back: String,
    fields: Vec<Field>,
    fingerprint: String,
    /// Hidden: which stored member the form edits (by position), for masked identity numbers.
    member: String,
    message: Option<String>,
    conflict: bool,
}

fn part(file: &str) -> Result<&'static FileSpec, WebError> {
    match file {
        "members" => Ok(&MEMBERS),
        "incomes" => Ok(&INCOMES),
        _ => Err(WebError::not_found()),
    }
}

fn title(l: Lang, spec: &FileSpec, new: bool) -> String {
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

async fn load(state: &AppState, user: &Signed, id: &str) -> Result<HouseholdRecord, WebError> {
    records::household(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)
}

fn refuse_readonly(user: &Signed) -> Result<(), WebError> {
    if user.access.may_write() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "审计员账号只读 / an auditor's account is read-only",
        ))
    }
}

#[derive(Deserialize)]
pub struct NewParams {
    village: Option<String>,
}

pub async fn new_household(
    PageUser(user): PageUser,
    l: Lang,
    Query(q): Query<NewParams>,
) -> Result<Response, WebError> {
    if !user.access.may_create_households() {
        return Err(WebError::forbidden(
            "您的角色不能登记新户 / your role cannot register households",
        ));
    }
    let mut values = vec![String::new(); HOUSEHOLDS.columns.len()];
    values[1] = q.village.unwrap_or_default();
    values[2] = chrono::Datelike::year(&today()).to_string();
    values[3] = "poor".into();
    html(&FormPage {
        title: title(l, &HOUSEHOLDS, true),
        action: "/households".into(),
        back: "/households".into(),
        fields: forms::fields(l, &HOUSEHOLDS, &values, &[], &[]),
        fingerprint: String::new(),
        member: String::new(),
        message: None,
        conflict: false,
        c: Chrome::new(l, &user, "households"),
    })
}

pub async fn edit_household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = load(&state, &user, &id).await?;
    refuse_readonly(&user)?;
    let values = forms::row_text(&HOUSEHOLDS, &record.household);
    html(&FormPage {
        title: title(l, &HOUSEHOLDS, false),
        action: format!("/households/{}/edit", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields: forms::fields(l, &HOUSEHOLDS, &values, &[0], &[]),
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
    html(&FormPage {
        title: title(l, spec, true),
        action: format!("/households/{}/{file}", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields: forms::fields(l, spec, &values, &[0], &[]),
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
    let (row, member) = if spec.name == "members" {
        let i: usize = key.parse().map_err(|_| WebError::not_found())?;
        let row = record
            .members
            .get(i.wrapping_sub(1))
            .ok_or_else(WebError::not_found)?;
        (row, key.clone())
    } else {
        let row = record
            .incomes
            .iter()
            .find(|r| r[1].as_int().map(|y| y.to_string()).as_deref() == Some(key.as_str()))
            .ok_or_else(WebError::not_found)?;
        (row, String::new())
    };
    let mut values = forms::row_text(spec, row);
    if spec.name == "members" && !user.access.sees_full_id_numbers() {
        if let Value::Id(n) = &row[1] {
            values[1] = n.masked();
        }
    }
    html(&FormPage {
        title: title(l, spec, false),
        action: format!("/households/{}/{file}", forms::url_encode(&id)),
        back: format!("/households/{}", forms::url_encode(&id)),
        fields: forms::fields(l, spec, &values, &[0, 1], &[]),
        fingerprint: record.fingerprint,
        member,
        message: None,
        conflict: false,
        c: Chrome::new(l, &user, "households"),
    })
}

pub async fn create_household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let text = forms::submitted(&HOUSEHOLDS, &pairs);
    save(
        &state,
        &user,
        l,
        &HOUSEHOLDS,
        text,
        None,
        "/households".into(),
        "/households".into(),
        String::new(),
    )
    .await
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
    if spec.name == "members" && !member.is_empty() {
        // An existing member: the identity number is the stored one (it may be shown masked).
        let record = load(&state, &user, &id).await?;
        let i: usize = member.parse().map_err(|_| WebError::not_found())?;
        match record.members.get(i.wrapping_sub(1)) {
            Some(row) if record.fingerprint == fingerprint => {
                text[1] = forms::row_text(&MEMBERS, row)[1].clone();
            }
            // The list changed: the save below reports the conflict.
            _ => {}
        }
    }
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
) -> Result<Response, WebError> {
    let editing = fingerprint.is_some();
    let readonly: &[usize] = match spec.name {
        "households" if !editing => &[],
        "members" if !member.is_empty() => &[0, 1],
        _ => &[0],
    };
    let again =
        |problems: Vec<FieldProblem>, message: String, conflict: bool, status: StatusCode| {
            let mut shown = text.clone();
            if spec.name == "members" && !member.is_empty() && !user.access.sees_full_id_numbers() {
                shown[1] = "********".into();
            }
            let page = FormPage {
                title: title(l, spec, !editing),
                action: action.clone(),
                back: back.clone(),
                fields: forms::fields(l, spec, &shown, readonly, &problems),
                fingerprint: fingerprint.clone().unwrap_or_default(),
                member: member.clone(),
                message: Some(message),
                conflict,
                c: Chrome::new(l, user, "households"),
            };
            Ok::<Response, WebError>((status, html(&page)?).into_response())
        };
    // A form opened before someone else saved is refused as a conflict first: its fields may
    // no longer describe what is stored (a masked identity number cannot be resolved).
    if let Some(expected) = fingerprint.as_deref().filter(|_| editing) {
        let id = text[0].clone();
        let current = records::household(state.store.as_ref(), &user.access, &id, today()).await?;
        if current.is_some_and(|h| h.fingerprint != expected) {
            let m = records::stale(&id).to_string();
            return again(Vec::new(), l.pick(&m), true, StatusCode::CONFLICT);
        }
    }
    let values = match forms::parse(spec, &text, today()) {
        Ok(v) => v,
        Err(problems) => {
            return again(
                problems,
                l.pick("有字段未通过检查，未保存 / some fields were refused; nothing was saved"),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let expected = fingerprint.as_deref().filter(|_| editing);
    match records::save_record(
        state.store.as_ref(),
        &user.access,
        spec,
        values,
        expected,
        today(),
    )
    .await
    {
        Ok(saved) => {
            state.counts.changed();
            let to = format!("/households/{}", forms::url_encode(&saved.household_id));
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::Rejected(problems)) => again(
            problems,
            l.pick("有字段未通过检查，未保存 / some fields were refused; nothing was saved"),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(StoreError::Conflict(m)) => again(Vec::new(), l.pick(&m), true, StatusCode::CONFLICT),
        Err(e) => Err(e.into()),
    }
}
