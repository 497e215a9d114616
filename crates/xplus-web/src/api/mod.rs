//! The JSON API under `/api/v1`: the same records and actions as the pages, for other systems
//! (with an API token: `Authorization: Bearer …`, made by `xplus user token NAME`) and for
//! scripts of a signed-in user (a session cookie plus the `X-CSRF-Token` header for writes).
//! Records travel as objects of bundle columns to text, parsed exactly as an import parses a
//! cell. Edits need `If-Match` with the fingerprint from the last read (optimistic locking).
//! Errors are `application/problem+json` (RFC 9457). The description is `/api/openapi.json`.

mod assessment;
mod collective;
mod doc;
mod entries;
mod industry;
mod modules;

use crate::api::doc::{
    BadRequest, Forbidden, HouseholdChange, IncomeRow, MemberRows, NewHousehold, NotFound,
    PayloadTooLarge, PreconditionFailed, PreconditionRequired, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::auth::{ApiUser, Signed};
use crate::error::WebError;
use crate::forms;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{cell, FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, AuditQuery, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(crate::api::doc::serve_document))
        .route("/api/v1/households", get(list).post(create))
        .route("/api/v1/households/{id}", get(one).put(update))
        .route("/api/v1/households/{id}/members", put(put_member))
        .route("/api/v1/households/{id}/incomes", put(put_income))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/audit", get(audit))
        .merge(modules::routes())
        .merge(entries::routes())
        .merge(collective::routes())
        .merge(industry::routes())
        .merge(assessment::routes())
}

/// The household operations; `doc.rs` puts the whole document together.
#[derive(OpenApi)]
#[openapi(
    paths(list, one, create, update, put_member, put_income, regions, audit),
    components(schemas(HouseholdList, HouseholdItem, HouseholdDetail, RegionItem, AuditItem))
)]
pub(crate) struct ApiDoc;

/// An error, as RFC 9457 problem details.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    /// The message in Chinese and English ("中文 / English").
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldError>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    /// The column name of the bundle format.
    field: String,
    message: String,
}

pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        ApiError(e)
    }
}

/// A body that is not the JSON object expected is bad input, said as problem details.
impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> ApiError {
        ApiError(WebError::new(
            e.status(),
            format!("请求体须是 JSON 对象（列名 → 文本）/ the body must be a JSON object of column names to text: {}", e.body_text()),
        ))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError(WebError::bad_request(format!(
            "查询参数有误 / bad query parameters: {}",
            e.body_text()
        )))
    }
}

/// A path segment that is not text (invalid percent-encoding) is bad input too.
impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> ApiError {
        ApiError(WebError::bad_request(format!(
            "路径有误 / bad path: {}",
            e.body_text()
        )))
    }
}

impl From<xplus_store::StoreError> for ApiError {
    fn from(e: xplus_store::StoreError) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = Problem {
            kind: e.problem_type().to_string(),
            title: e.status.canonical_reason().unwrap_or("error").to_string(),
            status: e.status.as_u16(),
            detail: e.message.clone(),
            errors: e
                .fields
                .iter()
                .map(|f| FieldError {
                    field: f.field.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        (
            e.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response()
    }
}

type ApiResult = Result<Response, ApiError>;

/// Query of the household list.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Within this region (12-digit code).
    region: Option<String>,
    /// poor, exited, monitored, returned, removed
    status: Option<String>,
    /// A poverty cause code (illness, disability, …).
    cause: Option<String>,
    /// A household number, an identity number, or a name.
    q: Option<String>,
    /// village (default), id, identified_year, status
    sort: Option<String>,
    /// 1 for descending.
    desc: Option<String>,
    /// From 1.
    page: Option<u64>,
    /// At most 100; 20 by default.
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdList {
    total: u64,
    page: u64,
    per_page: u64,
    items: Vec<HouseholdItem>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdItem {
    /// The households row: column → text as in a bundle.
    household: BTreeMap<String, String>,
    village_name: String,
    head_name: Option<String>,
    members: u32,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdDetail {
    household: BTreeMap<String, String>,
    members: Vec<BTreeMap<String, String>>,
    incomes: Vec<BTreeMap<String, String>>,
    village_name: String,
    /// Send it back in `If-Match` to change the household or its members and incomes.
    fingerprint: String,
}

pub(crate) fn object(spec: &FileSpec, row: &[Value]) -> BTreeMap<String, String> {
    spec.columns
        .iter()
        .zip(row)
        .map(|(c, v)| (c.en.to_string(), cell::format(c, v, false)))
        .collect()
}

/// Reads and checks a record object; unknown columns are refused (a typo must not vanish).
pub(crate) fn record_of(
    spec: &'static FileSpec,
    body: &BTreeMap<String, Option<String>>,
    id: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    let unknown: Vec<&String> = body
        .keys()
        .filter(|k| spec.column_index(k).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "未知的字段：{} / unknown fields: {}",
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                unknown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into());
    }
    let mut text: Vec<String> = spec
        .columns
        .iter()
        .map(|c| body.get(c.en).cloned().flatten().unwrap_or_default())
        .collect();
    if let Some(id) = id {
        text[0] = id.to_string();
    }
    forms::parse(spec, &text, today()).map_err(|fields| {
        ApiError(WebError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: crate::error::FIELDS_REFUSED.into(),
            fields,
        })
    })
}

fn if_match(headers: &HeaderMap) -> Result<String, ApiError> {
    let value = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string()
        });
    value.filter(|v| !v.is_empty()).ok_or_else(|| {
        WebError::new(
            StatusCode::PRECONDITION_REQUIRED,
            "修改须带 If-Match（最近一次读取的 fingerprint）/ a change needs If-Match with the fingerprint of your last read",
        )
        .into()
    })
}

pub(crate) fn check_csrf(user: &Signed, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    user.check_csrf(given).map_err(ApiError)
}

fn detail(user: &Signed, record: records::HouseholdRecord) -> Response {
    let mut members: Vec<BTreeMap<String, String>> =
        record.members.iter().map(|m| object(&MEMBERS, m)).collect();
    for (m, row) in members.iter_mut().zip(&record.members) {
        if let Value::Id(n) = &row[1] {
            m.insert("id_number".into(), user.access.id_number(*n));
        }
    }
    let etag = format!("\"{}\"", record.fingerprint);
    let body = HouseholdDetail {
        household: object(&HOUSEHOLDS, &record.household),
        members,
        incomes: record.incomes.iter().map(|i| object(&INCOMES, i)).collect(),
        village_name: record.village_name,
        fingerprint: record.fingerprint,
    };
    ([(header::ETAG, etag)], Json(body)).into_response()
}

/// The households within the caller's reach, a page at a time.
#[utoipa::path(get, path = "/api/v1/households", params(ListQuery),
    responses((status = 200, body = HouseholdList), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<ListQuery>, ApiError>,
) -> ApiResult {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let params = crate::pages::households::ListParams {
        region: text(&q.region),
        status: text(&q.status),
        cause: text(&q.cause),
        q: text(&q.q),
        sort: text(&q.sort),
        desc: text(&q.desc),
        page: None,
        ..Default::default()
    };
    let query = params.query()?;
    let per_page = q.per_page.unwrap_or(20).clamp(1, 100);
    let page = q.page.unwrap_or(1).clamp(1, 1_000_000);
    let store = state.store.as_ref();
    let total = crate::pages::households::total(&state, &user, &query).await?;
    let rows = records::list_households(
        store,
        &user.access,
        &query,
        Page {
            limit: per_page,
            offset: (page - 1) * per_page,
        },
        today(),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|h| HouseholdItem {
            household: object(&HOUSEHOLDS, &h.values),
            village_name: h.village_name,
            head_name: h.head_name,
            members: h.members,
        })
        .collect();
    Ok(Json(HouseholdList {
        total,
        page,
        per_page,
        items,
    })
    .into_response())
}

/// One household with its members and incomes; 404 outside the caller's reach.
#[utoipa::path(get, path = "/api/v1/households/{id}",
    params(("id" = String, Path, description = "household id")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 404, response = NotFound)))]
async fn one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let record = records::household(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok(detail(&user, record))
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
    .await
    .map_err(|e| match e {
        // If-Match did not match: the precondition failed.
        xplus_store::StoreError::Conflict(m) => {
            ApiError(WebError::new(StatusCode::PRECONDITION_FAILED, m))
        }
        e => e.into(),
    })?;
    state.counts.changed();
    // The save hands back the household as it now stands: no second read.
    let mut response = detail(user, saved.record);
    if created {
        *response.status_mut() = StatusCode::CREATED;
    }
    Ok(response)
}

/// A change to a stored household's records: CSRF (for a session), If-Match, the row.
async fn change(
    state: &AppState,
    user: &Signed,
    headers: &HeaderMap,
    spec: &'static FileSpec,
    id: &str,
    body: &BTreeMap<String, Option<String>>,
) -> ApiResult {
    check_csrf(user, headers)?;
    let expected = if_match(headers)?;
    let values = record_of(spec, body, Some(id))?;
    let change = records::Change::one(spec, values)?;
    save(state, user, id, change, Some(&expected), false).await
}

/// Registers a household (the body is a households row; no If-Match).
#[utoipa::path(post, path = "/api/v1/households", request_body = NewHousehold,
    responses((status = 201, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
async fn create(
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
    let id = household[0].as_text().unwrap_or_default().to_string();
    let change = records::Change {
        household: Some(household),
        members: member_rows(&id, members)?,
        incomes: Vec::new(),
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
    if items.len() > crate::api::doc::MAX_MEMBERS_IN_ONE_CHANGE {
        return Err(WebError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "一次最多 {0} 名成员 / at most {0} members at once",
                crate::api::doc::MAX_MEMBERS_IN_ONE_CHANGE
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
async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    change(&state, &user, &headers, &HOUSEHOLDS, &id, &body).await
}

/// Adds or changes a member (by identity number).
#[utoipa::path(put, path = "/api/v1/households/{id}/members", request_body = MemberRows,
    params(("id" = String, Path, description = "household id"),
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
async fn put_member(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<serde_json::Value>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let expected = if_match(&headers)?;
    let change = records::Change {
        members: member_rows(&id, body)?,
        ..Default::default()
    };
    save(&state, &user, &id, change, Some(&expected), false).await
}

/// Adds or changes a year's income.
#[utoipa::path(put, path = "/api/v1/households/{id}/incomes", request_body = IncomeRow,
    params(("id" = String, Path, description = "household id"),
           ("If-Match" = String, Header, description = "the fingerprint of the last read")),
    responses((status = 200, body = HouseholdDetail, headers(("ETag" = String, description = "the fingerprint, quoted"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 412, response = PreconditionFailed), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable),
              (status = 428, response = PreconditionRequired)))]
async fn put_income(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    change(&state, &user, &headers, &INCOMES, &id, &body).await
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// The parent region; the top of the tree when absent.
    parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionItem {
    code: String,
    name: String,
    level: String,
    /// Households within the region that the caller reaches.
    households: u64,
}

/// The regions below `parent` that the caller reaches.
#[utoipa::path(get, path = "/api/v1/regions", params(RegionQuery),
    responses((status = 200, body = Vec<RegionItem>), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
async fn regions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<RegionQuery>, ApiError>,
) -> ApiResult {
    let parent = match q.parent.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(RegionCode::parse(p).map_err(|_| WebError::not_found())?),
        None => None,
    };
    let nodes =
        records::region_children(state.store.as_ref(), &user.access, parent, today()).await?;
    Ok(Json(
        nodes
            .into_iter()
            .map(|n| RegionItem {
                code: n.code.to_string(),
                name: n.name,
                level: n.level.code().to_string(),
                households: n.households,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    actor: Option<String>,
    entity: Option<String>,
    key: Option<String>,
    /// Entries before this number (the next page).
    before: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditItem {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    record_key: String,
    old_values: Option<String>,
    new_values: Option<String>,
    hash: String,
}

/// The audit log, newest first, 100 at a time (administrators and auditors).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditItem>), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(p), _): WithRejection<Query<AuditParams>, ApiError>,
) -> ApiResult {
    let query = AuditQuery {
        actor: p.actor,
        entity: p.entity,
        record_key: p.key,
        before: p.before,
    };
    let entries = records::audit_page(state.store.as_ref(), &user.access, &query, 100).await?;
    let shown = |text: String| user.access.id_numbers_in(&text);
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditItem {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                record_key: shown(e.record_key),
                old_values: e.old_values.map(shown),
                new_values: e.new_values.map(shown),
                hash: e.hash,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
