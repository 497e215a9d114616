//! The JSON API under `/api/v1`: the same records and actions as the pages, for other systems
//! (with an API token: `Authorization: Bearer …`, made by `xplus user token NAME`) and for
//! scripts of a signed-in user (a session cookie plus the `X-CSRF-Token` header for writes).
//! Records travel as objects of bundle columns to text, parsed exactly as an import parses a
//! cell. Edits need `If-Match` with the fingerprint from the last read (optimistic locking).
//! Errors are `application/problem+json` (RFC 9457). The description is `/api/openapi.json`.
//!
//! The handlers live in one file per part, named as in `pages/`; this file holds the route
//! table, so that every path of the API is read in one place, and what all parts share: the
//! problem answer, records as objects of columns, dates, `If-Match` and the CSRF check.

mod activity;
mod assessment;
mod audit;
mod backbone;
mod cases;
mod collective;
mod crosscheck;
mod doc;
mod edit;
mod education;
mod entries;
mod findings;
mod funds;
mod households;
mod industry;
mod lectures;
mod party_building;
mod ranking;
mod regions;
mod review;
mod search;
mod startups;
mod village_cadres;
mod visits;

use crate::auth::Signed;
use crate::error::WebError;
use crate::forms;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use xplus_core::interchange::{cell, FileSpec, Value};
use xplus_core::values::parse_date;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(doc::serve_document))
        .route(
            "/api/v1/households",
            get(households::list).post(edit::create),
        )
        .route(
            "/api/v1/households/{id}",
            get(households::one).put(edit::update),
        )
        .route("/api/v1/households/{id}/members", put(edit::put_member))
        .route(
            "/api/v1/households/{id}/members/{id_number}/leave",
            axum::routing::post(edit::member_leaves),
        )
        .route("/api/v1/households/{id}/incomes", put(edit::put_income))
        .route(
            "/api/v1/households/{id}/visits/{cadre}/{date}/photos/{seq}",
            get(visits::photo),
        )
        .route(
            "/api/v1/households/{id}/visits",
            get(visits::list)
                .post(visits::record)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::pages::field::MAX_VISIT_BODY,
                )),
        )
        .route("/api/v1/regions", get(regions::regions))
        .route("/api/v1/search", get(search::search))
        .route("/api/v1/audit", get(audit::audit))
        .route("/api/v1/coverage", get(education::coverage))
        .route(
            "/api/v1/households/{id}/pairings",
            get(backbone::pairings).post(backbone::save_pairing),
        )
        .route("/api/v1/helper-suggestions", get(backbone::suggestions))
        .route(
            "/api/v1/records/{file}",
            get(entries::list).post(entries::save),
        )
        .route("/api/v1/secretaries", get(activity::secretaries))
        .route("/api/v1/postings", get(activity::postings))
        .route(
            "/api/v1/party-building",
            get(party_building::party_building),
        )
        .route(
            "/api/v1/village-cadres",
            get(village_cadres::village_cadres),
        )
        .route("/api/v1/leader-pool", get(village_cadres::leader_pool))
        .route("/api/v1/startups", get(startups::startups))
        .route("/api/v1/lectures", get(lectures::lectures))
        .route("/api/v1/secretaries/review", get(review::review))
        .route("/api/v1/secretaries/{id}/review", put(review::score))
        .route("/api/v1/visits/monthly", get(activity::visits))
        .route(
            "/api/v1/unit-pairings",
            get(activity::units).post(activity::save_unit),
        )
        .route("/api/v1/collective", get(collective::overview))
        .route("/api/v1/funds", get(funds::funds))
        .route("/api/v1/ranking", get(ranking::ranking))
        .route("/api/v1/assets", get(collective::assets))
        .route(
            "/api/v1/collective/villages/{code}",
            get(collective::village),
        )
        .route("/api/v1/projects/{id}", get(collective::project))
        .route("/api/v1/households/{id}/shares", get(collective::shares))
        .route("/api/v1/industry", get(industry::overview))
        .route("/api/v1/households/{id}/assessment", get(assessment::why))
        .route("/api/v1/monitoring", get(assessment::monitoring))
        .route("/api/v1/chain", get(assessment::chain))
        .route("/api/v1/tasks", get(findings::list))
        .route(
            "/api/v1/tasks/{household_id}/{seq}",
            axum::routing::post(findings::record).layer(axum::extract::DefaultBodyLimit::max(
                findings::MAX_OUTCOME_BODY,
            )),
        )
        .route(
            "/api/v1/tasks/{household_id}/{seq}/attachment",
            get(findings::attachment),
        )
        .route("/api/v1/cases", get(cases::list).post(cases::open))
        .route("/api/v1/cases/{case_no}", get(cases::one))
        .route(
            "/api/v1/cases/{case_no}/measures",
            axum::routing::post(cases::measure),
        )
        .route(
            "/api/v1/cases/{case_no}/close",
            axum::routing::post(cases::close),
        )
        .route(
            "/api/v1/crosscheck",
            axum::routing::post(crosscheck::crosscheck)
                .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_BODY_BYTES)),
        )
}

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

/// A body that is not `multipart/form-data` (a visit with its photos).
impl From<MultipartRejection> for ApiError {
    fn from(e: MultipartRejection) -> ApiError {
        ApiError(WebError::new(
            e.status(),
            format!(
                "请求体须是 multipart/form-data / the body must be multipart/form-data: {}",
                e.body_text()
            ),
        ))
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

/// A date of a query or a body (YYYY-MM-DD), or 400 naming the field.
fn date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    parse_date(text).map_err(|e| ApiError(WebError::bad_request(format!("{field}: {e}"))))
}
