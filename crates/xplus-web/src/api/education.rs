//! 远教 in the API, as the coverage page shows it (`pages/education.rs`): the yearly training
//! coverage of rules.md §10 within the caller's reach per county, town and village, and the gap
//! list with each household's next session.

use super::doc::{BadRequest, Unauthorized};
use super::{date, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::registry::Level;
use xplus_core::values::format_date;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(coverage),
    components(schemas(
        CoverageBody,
        CoverageCounts,
        RegionCoverage,
        CoverageGapItem,
        NextSessionItem
    ))
)]
pub struct EducationDoc;

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
pub(super) async fn coverage(
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
