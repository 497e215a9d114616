//! Registering a household and changing its fields, members and incomes, as the edit pages do
//! (`pages/edit.rs`): CSRF for a session, `If-Match` for a stored household, each row read as the
//! importer reads it, one save in the store, and the household as it now stands in the answer.

use super::doc::{
    BadRequest, Forbidden, HouseholdChange, IncomeRow, MemberRows, NewHousehold, NotFound,
    PayloadTooLarge, PreconditionFailed, PreconditionRequired, Unauthorized, Unprocessable,
    UnsupportedMediaType, MAX_MEMBERS_IN_ONE_CHANGE,
};
use super::households::{detail, HouseholdDetail};
use super::{check_csrf, if_match, record_of, ApiError, ApiResult};
use crate::auth::{ApiUser, Signed};
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use axum_extra::extract::WithRejection;
use std::collections::BTreeMap;
use utoipa::OpenApi;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::membership::MembershipChange;
use xplus_core::registry::IdNumber;
use xplus_store::records;
use xplus_store::Refusal;

#[derive(OpenApi)]
#[openapi(paths(create, update, put_member, put_income, member_leaves))]
pub struct EditDoc;

/// A save refused because If-Match did not match: the precondition failed.
fn precondition(e: xplus_store::StoreError) -> ApiError {
    match e {
        xplus_store::StoreError::Refused(Refusal::Conflict(m)) => {
            ApiError(WebError::new(StatusCode::PRECONDITION_FAILED, m))
        }
        e => e.into(),
    }
}

/// The answer to a write of a household: the household as it now stands (the write hands it
/// back: no second read), and the lists' counts marked stale.
fn answered(
    state: &AppState,
    user: &Signed,
    saved: Result<records::Saved, xplus_store::StoreError>,
) -> ApiResult {
    let saved = saved.map_err(precondition)?;
    state.counts.changed();
    Ok(detail(user, saved.record))
}

async fn save(
    state: &AppState,
    user: &Signed,
    id: &str,
    change: records::Change,
    expected: Option<&str>,
    created: bool,
) -> ApiResult {
    let saved = records::save_change(
        state.store.as_ref(),
        &user.access,
        id,
        change,
        expected,
        today(),
    )
    .await;
    let mut response = answered(state, user, saved)?;
    if created {
        *response.status_mut() = StatusCode::CREATED;
    }
    Ok(response)
}

/// A change to a stored household's records: CSRF (for a session), If-Match, the row, and the
/// reason when it corrects a past year's income.
async fn change(
    state: &AppState,
    user: &Signed,
    headers: &HeaderMap,
    spec: &'static FileSpec,
    id: &str,
    body: &BTreeMap<String, Option<String>>,
    reason: Option<String>,
) -> ApiResult {
    check_csrf(user, headers)?;
    let expected = if_match(headers)?;
    let values = record_of(spec, body, Some(id))?;
    let mut change = records::Change::one(spec, values)?;
    change.reason = reason;
    save(state, user, id, change, Some(&expected), false).await
}

/// Registers a household (the body is a households row; no If-Match).
#[utoipa::path(post, path = "/api/v1/households", request_body = NewHousehold,
    responses((status = 201, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
pub(super) async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Json(mut body), _): WithRejection<
        Json<serde_json::Map<String, serde_json::Value>>,
        ApiError,
    >,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let members = body.remove("members").unwrap_or_default();
    let household = record_of(
        &HOUSEHOLDS,
        &text_fields(serde_json::Value::Object(body))?,
        None,
    )?;
    let id = (xplus_core::interchange::Named::new(&HOUSEHOLDS, &household)).string("household_id");
    let change = records::Change {
        household: Some(household),
        members: member_rows(&id, members)?,
        ..Default::default()
    };
    save(&state, &user, &id, change, None, true).await
}

/// An object of text fields (null for empty), or 422.
fn text_fields(body: serde_json::Value) -> Result<BTreeMap<String, Option<String>>, ApiError> {
    serde_json::from_value(body).map_err(|_| {
        WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "记录应是字段名到文字的对象 / a record is an object of field names to text",
        )
        .into()
    })
}

/// Member rows of household `id` from one object or an array of them (at most
/// `MAX_MEMBERS_IN_ONE_CHANGE`).
fn member_rows(id: &str, body: serde_json::Value) -> Result<Vec<Vec<Value>>, ApiError> {
    let items = match body {
        serde_json::Value::Array(items) => items,
        serde_json::Value::Null => Vec::new(),
        one => vec![one],
    };
    if items.len() > MAX_MEMBERS_IN_ONE_CHANGE {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "一次最多 {0} 名成员 / at most {0} members at once",
                MAX_MEMBERS_IN_ONE_CHANGE
            ),
        )
        .into());
    }
    items
        .into_iter()
        .map(|item| record_of(&MEMBERS, &text_fields(item)?, Some(id)))
        .collect()
}

/// Changes a household's own fields.
#[utoipa::path(put, path = "/api/v1/households/{id}", request_body = HouseholdChange,
    params(("id" = String, Path, description = "household id"),
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
pub(super) async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    change(&state, &user, &headers, &HOUSEHOLDS, &id, &body, None).await
}

/// Adds or changes a member (by identity number). A member new to the household joins it on
/// `changed_on` (today when not given) for `reason` (birth, marriage, moved, other); a day in an
/// earlier year needs a `note`.
#[utoipa::path(put, path = "/api/v1/households/{id}/members", request_body = MemberRows,
    params(("id" = String, Path, description = "household id"), ChangeBody,
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
pub(super) async fn put_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Query(joining), _): WithRejection<Query<ChangeBody>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<serde_json::Value>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let expected = if_match(&headers)?;
    let change = records::Change {
        members: member_rows(&id, body)?,
        joined: Some(joining.told(MembershipChange::Joined)?),
        ..Default::default()
    };
    save(&state, &user, &id, change, Some(&expected), false).await
}

/// Adds or changes a year's income. Changing the amounts of a year before this one that is
/// already recorded corrects that year: `reason` is needed, and the year's report lists it.
#[utoipa::path(put, path = "/api/v1/households/{id}/incomes", request_body = IncomeRow,
    params(("id" = String, Path, description = "household id"), CorrectionReason,
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
pub(super) async fn put_income(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Query(correction), _): WithRejection<Query<CorrectionReason>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    change(
        &state,
        &user,
        &headers,
        &INCOMES,
        &id,
        &body,
        correction.reason,
    )
    .await
}

/// Why a past year's stored income is changed: needed then (a correction of that year, listed
/// in its report), ignored otherwise.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct CorrectionReason {
    reason: Option<String>,
}

/// When and why a member joined or left (registry::membership), as a query (joining) or a body
/// (leaving); every field may be left out: today, reason "other", no note.
#[derive(serde::Deserialize, utoipa::ToSchema, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(super) struct ChangeBody {
    /// YYYY-MM-DD: the day it happened.
    changed_on: Option<String>,
    /// birth, marriage, moved, death, split or other.
    reason: Option<String>,
    /// Why; needed when the day lies in an earlier year.
    note: Option<String>,
}

impl ChangeBody {
    fn told(&self, change: MembershipChange) -> Result<records::ChangeTold, ApiError> {
        let pairs: Vec<(String, String)> = [
            ("changed_on", &self.changed_on),
            ("reason", &self.reason),
            ("note", &self.note),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.clone()?)))
        .collect();
        crate::pages::membership::told(&pairs, change).map_err(|problems| {
            xplus_store::StoreError::Refused(Refusal::Rejected(problems)).into()
        })
    }
}

/// Member `id_number` (the whole identity number) leaves household `id` on `changed_on` (a
/// head does not leave: change the head first). The member stays in the household's history;
/// earlier years keep their persons.
#[utoipa::path(post, path = "/api/v1/households/{id}/members/{id_number}/leave", request_body = ChangeBody,
    params(("id" = String, Path, description = "household id"),
           ("id_number" = String, Path, description = "the member's identity number"),
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
pub(super) async fn member_leaves(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path((id, id_number)), _): WithRejection<Path<(String, String)>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<ChangeBody>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let expected = if_match(&headers)?;
    let told = body.told(MembershipChange::Left)?;
    let Ok(id_number) = IdNumber::parse(&id_number, today()) else {
        return Err(WebError::not_found().into());
    };
    let saved = records::member_leaves(
        state.store.as_ref(),
        &user.access,
        &id,
        id_number,
        &told,
        &expected,
        today(),
    )
    .await;
    answered(&state, &user, saved)
}
