//! The JSON API of the yearly assessment: the "why" of one household in a year — every
//! criterion of rules.md §3 (or §5 for a household exited before the year) with the value found,
//! the threshold and its source, and what an applied run recorded.

use crate::api::ApiError;
use crate::auth::ApiUser;
use crate::i18n::Lang;
use crate::pages::assessment::explain;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records::{self, Judgement};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/households/{id}/assessment", get(why))
}

#[derive(OpenApi)]
#[openapi(paths(why), components(schemas(WhyBody, CriterionItem, RecordedItem)))]
pub struct AssessmentDoc;

#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// The year (default: this year).
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

/// Why a household may or may not exit (or is monitored) in a year.
#[utoipa::path(get, path = "/api/v1/households/{id}/assessment", params(YearQuery, ("id" = String, Path)),
    responses((status = 200, body = WhyBody), (status = 404, description = "out of reach, or not assessed that year", body = crate::api::Problem)))]
async fn why(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    l: Lang,
    Path(id): Path<String>,
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
