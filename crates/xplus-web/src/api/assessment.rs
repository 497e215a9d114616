//! The JSON API of the yearly assessment: the "why" of one household in a year — every
//! criterion of rules.md §3 (or §5 for a household exited before the year) with the value found,
//! the threshold and its source, and what an applied run recorded.

use crate::api::doc::{BadRequest, NotFound, Unauthorized, Unprocessable};
use crate::api::ApiError;
use crate::auth::ApiUser;
use crate::i18n::Lang;
use crate::pages::assessment::explain;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records::{self, Judgement};

#[derive(OpenApi)]
#[openapi(
    paths(why, monitoring, chain),
    components(schemas(
        WhyBody,
        CriterionItem,
        RecordedItem,
        MonitoringBody,
        MonitoringItem,
        ChainBody,
        ChainGapItem
    ))
)]
pub struct AssessmentDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct CriterionItem {
    /// `income`, `food`, `clothing`, `education`, `medical`, `housing`, `water` (§3), or
    /// `return_line`, `monitoring_line`, `medical_spending` (§5).
    code: String,
    criterion: String,
    passed: bool,
    value: String,
    threshold: String,
    source: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecordedItem {
    outcome: String,
    reasons: String,
    status_before: String,
    status_after: String,
}

#[derive(Serialize, ToSchema)]
pub struct WhyBody {
    household_id: String,
    year: i32,
    village_code: String,
    /// Status at the start of the year.
    status_at_start: String,
    /// `exit` (§3) or `monitoring` (§5).
    test: String,
    members: i64,
    /// Yuan with two decimals; null without an income record for the year.
    net_income: Option<String>,
    per_capita_net_income: Option<String>,
    poverty_line: String,
    poverty_line_source: String,
    /// §3: meets every criterion.
    exit_eligible: Option<bool>,
    /// §5: returned, monitored or stable.
    monitoring_outcome: Option<String>,
    verdict: String,
    criteria: Vec<CriterionItem>,
    recorded: Option<RecordedItem>,
}

/// Why a household may or may not exit (or is monitored) in a year; 404 when it is out of
/// reach or was not assessed that year, 422 when the year has no poverty line configured.
#[utoipa::path(get, path = "/api/v1/households/{id}/assessment",
    params(YearQuery, ("id" = String, Path, description = "household id")),
    responses((status = 200, body = WhyBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized),
              (status = 404, response = NotFound), (status = 422, response = Unprocessable)))]
pub(super) async fn why(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    l: Lang,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> Result<Response, ApiError> {
    let year = crate::pages::checked_year(q.year)?;
    let w = records::household_assessment(state.store.as_ref(), &user.access, &id, year, today())
        .await?
        .ok_or_else(|| ApiError(crate::error::WebError::not_found()))?;
    let (lines, verdict) = explain(l, &w);
    let a = &w.assessment;
    Ok(Json(WhyBody {
        household_id: a.household_id.clone(),
        year,
        village_code: a.village.to_string(),
        status_at_start: a.at_start.status.code().to_string(),
        test: match a.judgement {
            Judgement::Exit(_) => "exit",
            Judgement::Monitoring(_) => "monitoring",
        }
        .to_string(),
        members: a.members,
        net_income: a.net_income.map(|n| n.to_string()),
        per_capita_net_income: a.per_capita.map(|n| n.to_string()),
        poverty_line: w.poverty_line.value.to_string(),
        poverty_line_source: w.poverty_line.source.to_string(),
        exit_eligible: a.exit().map(|d| d.eligible()),
        monitoring_outcome: match &a.judgement {
            Judgement::Monitoring(m) => Some(
                match m {
                    xplus_core::assessment::monitoring::MonitorOutcome::Returned => "returned",
                    xplus_core::assessment::monitoring::MonitorOutcome::Monitored(_) => "monitored",
                    xplus_core::assessment::monitoring::MonitorOutcome::Stable => "stable",
                }
                .to_string(),
            ),
            Judgement::Exit(_) => None,
        },
        verdict,
        criteria: lines
            .into_iter()
            .map(|x| CriterionItem {
                code: x.code.to_string(),
                criterion: x.criterion,
                passed: x.passed,
                value: x.value,
                threshold: x.threshold,
                source: x.source,
            })
            .collect(),
        recorded: w.recorded.as_ref().map(|r| RecordedItem {
            outcome: r.outcome.clone(),
            reasons: r.reasons.clone(),
            status_before: r.before.status.code().to_string(),
            status_after: r.after.status.code().to_string(),
        }),
    })
    .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// Page of the list, from 1.
    page: Option<u64>,
    /// Households per page (default 1,000, at most 10,000).
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct MonitoringItem {
    household_id: String,
    village_code: String,
    /// `returned`, `monitored` or `risk_removed`.
    outcome: String,
    /// §5 reasons of a monitored household: `low_income`, `medical_spending`, `warning`,
    /// `no_income`.
    reasons: Vec<String>,
    /// The day the assessment was applied (YYYY-MM-DD).
    decided_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct MonitoringBody {
    year: i32,
    returned: u64,
    monitored: u64,
    risk_removed: u64,
    total: u64,
    /// One page of the list, by outcome, village and household.
    households: Vec<MonitoringItem>,
}

/// The monitoring list of a year (rules.md §5) as the applied assessment recorded it.
#[utoipa::path(get, path = "/api/v1/monitoring", params(ListQuery),
    responses((status = 200, body = MonitoringBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn monitoring(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<ListQuery>, ApiError>,
) -> Result<Response, ApiError> {
    use xplus_store::records::MonitoringOutcome as O;
    let year = crate::pages::checked_year(q.year)?;
    let list = records::monitoring_list(state.store.as_ref(), &user.access, year, today()).await?;
    let (skip, take) = crate::pages::page_window(q.page, q.per_page);
    Ok(Json(MonitoringBody {
        year,
        returned: list.count(O::Returned) as u64,
        monitored: list.count(O::Monitored) as u64,
        risk_removed: list.count(O::RiskRemoved) as u64,
        total: list.entries.len() as u64,
        households: list
            .entries
            .iter()
            .skip(skip)
            .take(take)
            .map(|e| MonitoringItem {
                household_id: e.household_id.clone(),
                village_code: e.village.to_string(),
                outcome: e.outcome.code().to_string(),
                reasons: e.reasons.iter().map(|r| r.code().to_string()).collect(),
                decided_on: xplus_core::values::format_date(e.decided_on),
            })
            .collect(),
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ChainGapItem {
    household_id: String,
    village_code: String,
    /// The missing links that apply to the household: `trained_in_year`, `paired_cadre`,
    /// `paired_unit_village`, `holding_shares`, `in_industry`.
    missing: Vec<String>,
    /// The links that do not apply (不适用), each with why: `village_not_poor` or
    /// `no_collective_project`.
    not_applicable: std::collections::BTreeMap<String, String>,
    /// What to do next, in words.
    next: String,
}

#[derive(Serialize, ToSchema)]
pub struct ChainBody {
    year: i32,
    /// Households poor or returned at the start of the year within reach.
    poor: u64,
    /// Households covered per link (rules.md §6), `full_chain` (all five) and
    /// `full_chain_applicable` (every link that applies to the household).
    coverage: std::collections::BTreeMap<String, u64>,
    gaps_total: u64,
    /// One page of the gap list, in village and household order.
    gaps: Vec<ChainGapItem>,
}

/// rules.md §6: the five links of the poor households of a year within reach, and the gaps.
#[utoipa::path(get, path = "/api/v1/chain", params(ListQuery),
    responses((status = 200, body = ChainBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn chain(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    l: Lang,
    WithRejection(Query(q), _): WithRejection<Query<ListQuery>, ApiError>,
) -> Result<Response, ApiError> {
    use xplus_core::assessment::chain::Link;
    let year = crate::pages::checked_year(q.year)?;
    let view = records::full_chain(state.store.as_ref(), &user.access, year, today()).await?;
    let (skip, take) = crate::pages::page_window(q.page, q.per_page);
    let mut coverage: std::collections::BTreeMap<String, u64> = Link::ALL
        .iter()
        .map(|k| (k.code().to_string(), view.count(*k)))
        .collect();
    coverage.insert("full_chain".into(), view.full());
    coverage.insert("full_chain_applicable".into(), view.full_applicable());
    let gaps = view.gaps();
    Ok(Json(ChainBody {
        year,
        poor: view.households.len() as u64,
        coverage,
        gaps_total: gaps.len() as u64,
        gaps: gaps
            .iter()
            .skip(skip)
            .take(take)
            .map(|h| ChainGapItem {
                household_id: h.household_id.clone(),
                village_code: h.village.to_string(),
                missing: h
                    .links
                    .gaps()
                    .iter()
                    .map(|k| k.code().to_string())
                    .collect(),
                not_applicable: (h.links.not_applicable_links().iter())
                    .map(|(k, why)| (k.code().to_string(), why.code().to_string()))
                    .collect(),
                next: crate::pages::chain::next_steps(l, &view, h),
            })
            .collect(),
    })
    .into_response())
}
