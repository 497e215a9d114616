//! The JSON API of the 远教 and 骨干 modules, beside `mod.rs` and in the same style (tokens or a
//! session with `X-CSRF-Token`, problem details): training coverage, a household's pairings
//! (changed under rules.md §7 exactly as the pages and the importer change them) and 谁来扶.

use crate::api::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use crate::api::{check_csrf, ApiError};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::registry::Level;
use xplus_core::rules::RuleSet;
use xplus_core::values::{format_date, parse_date};
use xplus_store::records::{self, PairingRequest};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/coverage", get(coverage))
        .route(
            "/api/v1/households/{id}/pairings",
            get(pairings).post(save_pairing),
        )
        .route("/api/v1/helper-suggestions", get(suggestions))
}

#[derive(OpenApi)]
#[openapi(
    paths(coverage, pairings, save_pairing, suggestions),
    components(schemas(
        CoverageBody,
        CoverageCounts,
        RegionCoverage,
        CoverageGapItem,
        NextSessionItem,
        PairingItem,
        PairingBody,
        SuggestionItem
    ))
)]
pub struct ModulesDoc;

type ApiResult = Result<Response, ApiError>;

fn date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    parse_date(text).map_err(|e| ApiError(WebError::bad_request(format!("{field}: {e}"))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// Next sessions on or after this day, YYYY-MM-DD (default: today).
    #[param(format = Date)]
    from: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageCounts {
    /// Households poor or returned at the start of the year.
    poor: u64,
    trained: u64,
    not_reached: u64,
    /// Trained share in basis points, rounded down (10000 = 100%); absent with no household.
    rate_bp: Option<u64>,
    person_times: u64,
}

#[derive(Serialize, ToSchema)]
pub struct RegionCoverage {
    code: String,
    name: String,
    /// county, town or village
    level: String,
    #[serde(flatten)]
    counts: CoverageCounts,
}

#[derive(Serialize, ToSchema)]
pub struct NextSessionItem {
    session_id: String,
    station_id: String,
    date: String,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageGapItem {
    household_id: String,
    village_code: String,
    stations: Vec<String>,
    next_session: Option<NextSessionItem>,
}

#[derive(Serialize, ToSchema)]
pub struct CoverageBody {
    year: i32,
    total: CoverageCounts,
    regions: Vec<RegionCoverage>,
    gaps: Vec<CoverageGapItem>,
}

fn counts(c: &xplus_core::education::coverage::Coverage) -> CoverageCounts {
    CoverageCounts {
        poor: c.poor,
        trained: c.trained,
        not_reached: c.gaps(),
        rate_bp: c.rate_bp(),
        person_times: c.person_times,
    }
}

/// Training coverage of the year (rules.md §10) within the caller's reach, and the gap list.
#[utoipa::path(get, path = "/api/v1/coverage", params(CoverageQuery),
    responses((status = 200, body = CoverageBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
async fn coverage(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<CoverageQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let from = match q.from.as_deref() {
        Some(d) => date("from", d)?,
        None => today(),
    };
    let view = records::coverage(state.store.as_ref(), &user.access, year, from, today()).await?;
    let regions = [Level::County, Level::Town, Level::Village]
        .into_iter()
        .flat_map(|level| view.report.level(level).collect::<Vec<_>>())
        .map(|(code, c)| RegionCoverage {
            code: code.to_string(),
            name: view.name(code).to_string(),
            level: code.level().code().to_string(),
            counts: counts(&c),
        })
        .collect();
    let gaps = view
        .gaps
        .iter()
        .map(|g| CoverageGapItem {
            household_id: g.household_id.clone(),
            village_code: g.village.to_string(),
            stations: g.stations.clone(),
            next_session: g.next.as_ref().map(|n| NextSessionItem {
                session_id: n.session_id.clone(),
                station_id: n.station_id.clone(),
                date: format_date(n.date),
            }),
        })
        .collect();
    Ok(Json(CoverageBody {
        year,
        total: counts(&view.report.total),
        regions,
        gaps,
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct PairingItem {
    cadre_id: String,
    name: String,
    role: Option<String>,
    unit: String,
    start_date: String,
    end_date: Option<String>,
    active_today: bool,
}

/// A household's pairings with cadres, oldest first.
#[utoipa::path(get, path = "/api/v1/households/{id}/pairings",
    params(("id" = String, Path, description = "household id")),
    responses((status = 200, body = [PairingItem]), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
async fn pairings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let list = records::household_pairings(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(|| ApiError(WebError::not_found()))?;
    let items: Vec<PairingItem> = list
        .into_iter()
        .map(|p| PairingItem {
            cadre_id: p.cadre_id,
            name: p.name,
            role: p.role.map(|r| r.code().to_string()),
            unit: p.unit,
            start_date: format_date(p.start),
            end_date: p.end.map(format_date),
            active_today: p.active,
        })
        .collect();
    Ok(Json(items).into_response())
}

/// A new pairing, or the end of a stored one (same cadre and start) with the successor who
/// takes over on the end day.
#[derive(Deserialize, ToSchema)]
pub struct PairingBody {
    cadre_id: String,
    /// YYYY-MM-DD
    start_date: String,
    end_date: Option<String>,
    successor: Option<String>,
}

/// Pairs a cadre with the household or ends a pairing; refused with 422 naming rules.md §7
/// when the household would be left without a helper or a cadre would be over capacity.
#[utoipa::path(post, path = "/api/v1/households/{id}/pairings", request_body = PairingBody,
    params(("id" = String, Path, description = "household id")),
    responses((status = 204, description = "saved"), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
async fn save_pairing(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<PairingBody>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let request = PairingRequest {
        household_id: id,
        cadre_id: body.cadre_id,
        start: date("start_date", &body.start_date)?,
        end: body
            .end_date
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| date("end_date", d))
            .transpose()?,
        successor: body.successor.filter(|s| !s.is_empty()),
    };
    records::save_pairing(
        state.store.as_ref(),
        &user.access,
        &request,
        &RuleSet::default(),
        today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionItem {
    household_id: String,
    village_code: String,
    /// Absent when no cadre of the village's units has room.
    cadre_id: Option<String>,
    cadre_name: Option<String>,
}

/// 谁来扶: poor and returned households without a helper today, each with a suggested cadre.
#[utoipa::path(get, path = "/api/v1/helper-suggestions",
    responses((status = 200, body = [SuggestionItem]), (status = 401, response = Unauthorized)))]
async fn suggestions(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult {
    let list = records::helper_suggestions(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        today(),
    )
    .await?;
    let items: Vec<SuggestionItem> = list
        .into_iter()
        .map(|s| {
            let (cadre_id, cadre_name) =
                s.cadre.map(|(i, n)| (Some(i), Some(n))).unwrap_or_default();
            SuggestionItem {
                household_id: s.household_id,
                village_code: s.village.to_string(),
                cadre_id,
                cadre_name,
            }
        })
        .collect();
    Ok(Json(items).into_response())
}
