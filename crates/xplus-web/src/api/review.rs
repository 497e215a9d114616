//! 述职评议 in the API, as the review page does it (`pages/review.rs`): the village secretaries
//! of a county in a year with their scores, weighted totals and ranks, and the call an official
//! scores one secretary with (0–100 per criterion in force, checked and audited by the store).

use super::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(review, score),
    components(schemas(ReviewBody, ReviewCriterion, ReviewItem, ScoresBody))
)]
pub struct ReviewDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// The county's 12-digit code (default: the account's own county).
    county: Option<String>,
    /// The year (default: this year).
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewCriterion {
    code: String,
    name: String,
    weight: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewItem {
    secretary_id: String,
    name: String,
    village_code: String,
    village_name: String,
    /// criterion code → score 0–100, for the criteria scored so far.
    scores: BTreeMap<String, u32>,
    /// The weighted total with two decimals ("85.25"); absent until every criterion is scored.
    total: Option<String>,
    /// The rank in the county among those with a total (equal totals share one).
    rank: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewBody {
    county: String,
    year: i32,
    criteria: Vec<ReviewCriterion>,
    /// Where the criteria in force come from.
    source: String,
    /// Ranked first, then those not fully scored, by village.
    secretaries: Vec<ReviewItem>,
}

/// The review of a county's village secretaries in a year: the criteria in force, each
/// secretary in office in the year with their scores, total and rank.
#[utoipa::path(get, path = "/api/v1/secretaries/review", params(ReviewQuery),
    responses((status = 200, body = ReviewBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn review(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<ReviewQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let county = crate::pages::review::county_asked(q.county.as_deref(), user.access.scope())?
        .ok_or_else(|| {
            ApiError(WebError::bad_request(
                "请指定县（county）/ name the county".to_string(),
            ))
        })?;
    let r = records::review_ranking(state.store.as_ref(), &user.access, county, year).await?;
    Ok(Json(ReviewBody {
        county: r.county.to_string(),
        year: r.year,
        criteria: (r.criteria.criteria.iter())
            .map(|c| ReviewCriterion {
                code: c.code.clone(),
                name: c.name.clone(),
                weight: c.weight,
            })
            .collect(),
        source: r.criteria.source.clone(),
        secretaries: (r.lines.into_iter())
            .map(|l| ReviewItem {
                secretary_id: l.secretary_id,
                name: l.name,
                village_code: l.village.to_string(),
                village_name: l.village_name,
                scores: l.scores,
                total: l.total.map(xplus_core::backbone::review::show_total),
                rank: l.rank,
            })
            .collect(),
    })
    .into_response())
}

/// One official's scores of a secretary for a year; criteria left out keep their score.
#[derive(Deserialize, ToSchema)]
pub struct ScoresBody {
    #[schema(minimum = 1949, maximum = 2100)]
    year: i32,
    /// criterion code → score 0–100.
    scores: BTreeMap<String, u32>,
}

/// Scores a secretary (officials and administrators): 422 for a criterion not in force or a
/// score above 100, 403 for other accounts, 404 for a secretary out of reach.
#[utoipa::path(put, path = "/api/v1/secretaries/{id}/review", request_body = ScoresBody,
    params(("id" = String, Path, description = "secretary id")),
    responses((status = 204, description = "saved"), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
pub(super) async fn score(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<ScoresBody>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let year = crate::pages::checked_year(Some(body.year))?;
    let scores: Vec<(String, u32)> = body.scores.into_iter().collect();
    records::save_review(
        state.store.as_ref(),
        &user.access,
        &id,
        year,
        &scores,
        today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
