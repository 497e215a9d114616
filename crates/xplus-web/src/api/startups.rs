//! The JSON API of 大学生村官创业 (startups.csv, startup_households.csv): a year's start-ups
//! within reach, their funds, bases and the poor households linked to them, in all, per region
//! one level below and start-up by start-up — what `/startups` shows. The links themselves are
//! under /api/v1/records/startup_households.

use super::doc::{BadRequest, Forbidden, Unauthorized};
use super::{ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::backbone::startup::StartupTotals;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(startups),
    components(schemas(StartupsBody, StartupCounts, StartupRegionItem, StartupItem))
)]
pub struct StartupsDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartupsQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// A region within reach (12 digits; default: the caller's own); outside reach is 403.
    region: Option<String>,
}

/// Start-ups begun by Dec 31, their funds (yuan, two decimals, as text), distinct bases and the
/// poor households linked to them by then (each once).
#[derive(Serialize, ToSchema)]
pub struct StartupCounts {
    startups: u64,
    funding: String,
    bases: u64,
    households: u64,
}

impl From<&StartupTotals> for StartupCounts {
    fn from(t: &StartupTotals) -> StartupCounts {
        StartupCounts {
            startups: t.startups,
            funding: t.funding.to_string(),
            bases: t.bases,
            households: t.households,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StartupRegionItem {
    region_code: String,
    name: String,
    counts: StartupCounts,
}

#[derive(Serialize, ToSchema)]
pub struct StartupItem {
    startup_id: String,
    village_code: String,
    village: String,
    name: String,
    base: Option<String>,
    funding: String,
    start_date: Option<String>,
    /// Poor households linked by Dec 31 of the year.
    households: u64,
}

#[derive(Serialize, ToSchema)]
pub struct StartupsBody {
    year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    as_of: String,
    total: StartupCounts,
    regions: Vec<StartupRegionItem>,
    startups: Vec<StartupItem>,
}

/// 大学生村官创业 within reach on Dec 31 of the year: the start-ups begun by then, their funds,
/// distinct bases and the poor households linked to them by then, in all, per region one level
/// below the one asked for, and per start-up.
#[utoipa::path(get, path = "/api/v1/startups", params(StartupsQuery),
    responses((status = 200, body = StartupsBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn startups(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<StartupsQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let access = crate::pages::narrowed(&user.access, q.region.as_deref())?;
    let v = records::startup_view(state.store.as_ref(), &access, year).await?;
    Ok(Json(StartupsBody {
        year,
        as_of: v.as_of.to_string(),
        total: StartupCounts::from(&v.report.total),
        regions: (v.report.by_region.iter())
            .map(|(code, t)| StartupRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                counts: t.into(),
            })
            .collect(),
        startups: (v.lines.iter())
            .map(|l| StartupItem {
                startup_id: l.id.clone(),
                village_code: l.village.to_string(),
                village: v.name(&l.village).to_string(),
                name: l.name.clone(),
                base: l.base.clone(),
                funding: l.funding.to_string(),
                start_date: l.start.map(|d| d.to_string()),
                households: l.households.len() as u64,
            })
            .collect(),
    })
    .into_response())
}
