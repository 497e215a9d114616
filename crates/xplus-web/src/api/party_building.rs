//! 基层党组织建设 in the API, as `/party-building` shows it: on Dec 31 of a year, the weak
//! village party organisations listed by then, rectified and still open (with who answers for
//! each open one), and the villages checked against the standard, meeting it and the poor among
//! them; in all and per region below the one asked for. The ledgers themselves are under
//! /api/v1/records/weak_organisations and /api/v1/records/standardisation_checks.

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
use xplus_core::backbone::party_building::PartyFigures;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(party_building),
    components(schemas(PartyBuildingBody, PartyFiguresItem, PartyRegionItem, OpenItem))
)]
pub struct PartyBuildingDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartyQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// A region within reach (12 digits; default: the caller's own); outside reach is 403.
    region: Option<String>,
}

/// The figures of a set of villages on Dec 31.
#[derive(Serialize, ToSchema)]
pub struct PartyFiguresItem {
    /// Weak organisations listed in the year or before.
    weak_organisations: u64,
    /// Of those, judged rectified by Dec 31.
    rectified: u64,
    open: u64,
    /// Villages with a standardisation check of the year.
    villages_checked: u64,
    /// Of those, meeting every item of the standard.
    villages_meeting: u64,
    /// villages_meeting / villages_checked in basis points; null when none was checked.
    meeting_bp: Option<i64>,
    poor_checked: u64,
    poor_meeting: u64,
}

impl From<&PartyFigures> for PartyFiguresItem {
    fn from(f: &PartyFigures) -> PartyFiguresItem {
        PartyFiguresItem {
            weak_organisations: f.weak,
            rectified: f.rectified,
            open: f.open(),
            villages_checked: f.checked,
            villages_meeting: f.meeting,
            meeting_bp: f.meeting_bp(),
            poor_checked: f.poor_checked,
            poor_meeting: f.poor_meeting,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PartyRegionItem {
    region_code: String,
    name: String,
    #[serde(flatten)]
    figures: PartyFiguresItem,
}

/// A weak organisation still open on Dec 31.
#[derive(Serialize, ToSchema)]
pub struct OpenItem {
    village_code: String,
    name: String,
    year: i32,
    leader: String,
}

#[derive(Serialize, ToSchema)]
pub struct PartyBuildingBody {
    year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    as_of: String,
    #[serde(flatten)]
    total: PartyFiguresItem,
    regions: Vec<PartyRegionItem>,
    open_organisations: Vec<OpenItem>,
}

/// 基层党组织建设 within reach on Dec 31 of the year, in all and per region one level below.
#[utoipa::path(get, path = "/api/v1/party-building", params(PartyQuery),
    responses((status = 200, body = PartyBuildingBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn party_building(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<PartyQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let access = crate::pages::narrowed(&user.access, q.region.as_deref())?;
    let v = records::party_building(state.store.as_ref(), &access, year).await?;
    Ok(Json(PartyBuildingBody {
        year,
        as_of: v.as_of.to_string(),
        total: (&v.report.total).into(),
        regions: (v.report.by_region.iter())
            .map(|(code, f)| PartyRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                figures: f.into(),
            })
            .collect(),
        open_organisations: (v.report.open.iter())
            .map(|o| OpenItem {
                village_code: o.village.to_string(),
                name: v.name(&o.village).to_string(),
                year: o.year,
                leader: o.leader.clone(),
            })
            .collect(),
    })
    .into_response())
}
