//! The household list and one household with its members and incomes, as the household pages
//! show them (`pages/households.rs`); also the answer every household write gives back
//! (`detail`), so that a save answers with the record as it now stands.

use super::doc::{BadRequest, NotFound, Unauthorized};
use super::{object, ApiError, ApiResult};
use crate::auth::{ApiUser, Signed};
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_store::records::{self, Page};

#[derive(OpenApi)]
#[openapi(
    paths(list, one),
    components(schemas(HouseholdList, HouseholdItem, HouseholdDetail))
)]
pub struct HouseholdsDoc;

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

pub(super) fn detail(user: &Signed, record: records::HouseholdRecord) -> Response {
    let members = (record.members.iter())
        .map(|m| {
            let mut object = object(&MEMBERS, &m.to_row());
            object.insert("id_number".into(), user.access.id_number(m.id_number));
            object
        })
        .collect();
    let etag = format!("\"{}\"", record.fingerprint);
    let body = HouseholdDetail {
        household: object(&HOUSEHOLDS, &record.household.to_row()),
        members,
        incomes: (record.incomes.iter())
            .map(|i| object(&INCOMES, &i.to_row()))
            .collect(),
        village_name: record.village_name,
        fingerprint: record.fingerprint,
    };
    ([(header::ETAG, etag)], Json(body)).into_response()
}

/// The households within the caller's reach, a page at a time.
#[utoipa::path(get, path = "/api/v1/households", params(ListQuery),
    responses((status = 200, body = HouseholdList), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn list(
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
            household: object(&HOUSEHOLDS, &h.household.to_row()),
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
pub(super) async fn one(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let record = records::household(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok(detail(&user, record))
}
