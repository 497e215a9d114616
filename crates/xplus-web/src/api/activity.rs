//! The 骨干 overviews in the API, as the activity pages show them (`pages/activity.rs`): village
//! party secretaries against the "312" targets, the selected cadres' coverage of poor villages,
//! visits per cadre and month, and the units' village pairings with the call that pairs or ends
//! them under rules.md §7.

use super::doc::{
    BadRequest, Forbidden, PayloadTooLarge, Unauthorized, UnitPairingRow, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, record_of, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::interchange::schema::UNIT_VILLAGE_PAIRINGS;
use xplus_core::values::format_date;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(secretaries, postings, visits, units, save_unit),
    components(schemas(
        SecretariesBody,
        PostingsBody,
        PostingRegionItem,
        TierItem,
        VacancyItem,
        CadreVisitsItem,
        UnitPairingItem
    ))
)]
pub struct ActivityDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
}

fn year(q: &YearQuery) -> Result<i32, ApiError> {
    Ok(crate::pages::checked_year(q.year)?)
}

#[derive(Serialize, ToSchema)]
pub struct TierItem {
    /// provincial, municipal, county
    tier: String,
    in_office: u32,
    target: u32,
}

#[derive(Serialize, ToSchema)]
pub struct VacancyItem {
    village_code: String,
    last_secretary: String,
}

#[derive(Serialize, ToSchema)]
pub struct SecretariesBody {
    year: i32,
    /// The day in office and vacant are counted: Dec 31 of the year, or today.
    as_of: String,
    tiers: Vec<TierItem>,
    checkups_kept: u64,
    checkups_adjusted: u64,
    vacancies_filled: u32,
    vacant_today: Vec<VacancyItem>,
}

/// Village party secretaries within reach: "312" tiers in office at the end of the year (today
/// for the current year) against the configured targets, the year's check-ups, vacancies filled
/// in the year and villages vacant on that day (`vacant_today`, named before it was dated).
#[utoipa::path(get, path = "/api/v1/secretaries", params(YearQuery),
    responses((status = 200, body = SecretariesBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn secretaries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = year(&q)?;
    let book = records::rule_book(state.store.as_ref()).await?;
    let rules = records::rules_for_view(&book, &user.access, year).set;
    let o =
        records::secretaries_overview(state.store.as_ref(), &user.access, &rules, year, today())
            .await?;
    Ok(Json(SecretariesBody {
        year,
        as_of: o.as_of.to_string(),
        tiers: o
            .tiers
            .iter()
            .map(|(t, n, target)| TierItem {
                tier: t.code().to_string(),
                in_office: *n,
                target: *target,
            })
            .collect(),
        checkups_kept: o.kept,
        checkups_adjusted: o.adjusted,
        vacancies_filled: o.filled_in_year,
        vacant_today: o
            .vacant
            .iter()
            .map(|(v, name)| VacancyItem {
                village_code: v.to_string(),
                last_secretary: name.clone(),
            })
            .collect(),
    })
    .into_response())
}

/// 选派干部驻村 of one region below the caller's.
#[derive(Serialize, ToSchema)]
pub struct PostingRegionItem {
    region_code: String,
    name: String,
    poor_villages: u64,
    covered: u64,
    uncovered: u64,
    cadres_posted: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PostingsBody {
    year: i32,
    /// The day coverage is taken: Dec 31 of the year.
    as_of: String,
    /// Poor villages not exited by the end of the year.
    poor_villages: u64,
    /// Of those, villages with a first secretary or work-team member posted on `as_of`.
    covered: u64,
    /// Selected cadres posted on `as_of`, each once.
    cadres_posted: u64,
    regions: Vec<PostingRegionItem>,
    /// The poor villages without a selected cadre posted.
    uncovered_villages: Vec<String>,
}

/// 选派干部驻村 within reach: on Dec 31 of the year, the poor villages not exited by then, those
/// with a selected cadre posted (a recall ends a posting on its decision day), and the selected
/// cadres posted, in all and per region below the caller's, with the villages not covered.
#[utoipa::path(get, path = "/api/v1/postings", params(YearQuery),
    responses((status = 200, body = PostingsBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn postings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = year(&q)?;
    let v = records::posting_coverage(state.store.as_ref(), &user.access, year).await?;
    let t = v.report.total;
    Ok(Json(PostingsBody {
        year,
        as_of: v.as_of.to_string(),
        poor_villages: t.poor_villages,
        covered: t.covered,
        cadres_posted: t.cadres,
        regions: (v.report.by_region.iter())
            .map(|(code, c)| PostingRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                poor_villages: c.poor_villages,
                covered: c.covered,
                uncovered: c.uncovered(),
                cadres_posted: c.cadres,
            })
            .collect(),
        uncovered_villages: v.report.uncovered.iter().map(|c| c.to_string()).collect(),
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CadreVisitsItem {
    cadre_id: String,
    name: String,
    unit: String,
    /// Visits in January … December.
    months: Vec<u32>,
    total: u32,
}

/// Visits of a year per cadre and month, to households within reach (a helper: their own).
#[utoipa::path(get, path = "/api/v1/visits/monthly", params(YearQuery),
    responses((status = 200, body = [CadreVisitsItem]), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn visits(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = year(&q)?;
    let list = records::visits_by_month(state.store.as_ref(), &user.access, year).await?;
    let items: Vec<CadreVisitsItem> = list
        .into_iter()
        .map(|v| CadreVisitsItem {
            cadre_id: v.cadre_id,
            name: v.name,
            unit: v.unit,
            months: v.months.to_vec(),
            total: v.total,
        })
        .collect();
    Ok(Json(items).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct UnitPairingItem {
    unit_id: String,
    unit: String,
    village_code: String,
    village: String,
    start_date: String,
    end_date: Option<String>,
    /// 1+1, 1+X or X+1 today; absent when the pairing is not active today.
    form: Option<String>,
    joint_party_org: bool,
    joint_party_org_date: Option<String>,
    /// Bindings per kind: project, funds, responsibility.
    bindings: BTreeMap<String, u64>,
    /// Amount bound, yuan.
    amount_bound: String,
}

/// The unit↔village pairings of the villages within reach, with the form and the bindings.
#[utoipa::path(get, path = "/api/v1/unit-pairings",
    responses((status = 200, body = [UnitPairingItem]), (status = 401, response = Unauthorized)))]
pub(super) async fn units(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult {
    let list = records::unit_pairings(state.store.as_ref(), &user.access, today()).await?;
    let items: Vec<UnitPairingItem> = list
        .into_iter()
        .map(|p| UnitPairingItem {
            unit_id: p.unit_id,
            unit: p.unit,
            village_code: p.village.to_string(),
            village: p.village_name,
            start_date: format_date(p.start),
            end_date: p.end.map(format_date),
            form: p.form.map(|f| f.code().to_string()),
            joint_party_org: p.joint_party_org,
            joint_party_org_date: p.joint_party_org_date.map(format_date),
            bindings: xplus_core::backbone::BindingKind::ALL
                .iter()
                .zip(p.bindings)
                .map(|(k, n)| (k.code().to_string(), n))
                .collect(),
            amount_bound: p.bound.to_string(),
        })
        .collect();
    Ok(Json(items).into_response())
}

/// Pairs a unit with a village, or ends a pairing (same unit, village and start with an end
/// date); a poor village that has not exited keeps its units (422 naming rules.md §7).
#[utoipa::path(post, path = "/api/v1/unit-pairings", request_body = UnitPairingRow,
    responses((status = 204, description = "saved"), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn save_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let values = record_of(&UNIT_VILLAGE_PAIRINGS, &body, None)?;
    records::save_unit_pairing(state.store.as_ref(), &user.access, values).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
