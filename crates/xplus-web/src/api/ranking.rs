//! The JSON API of 排名: what `/ranking` shows — the regions below one, each indicator's parts,
//! value and rank — listed by the indicator asked for.

use crate::api::doc::{BadRequest, Forbidden, Unauthorized};
use crate::api::ApiError;
use crate::auth::ApiUser;
use crate::pages::ranking::{asked, RankingParams};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::ranking::rank_regions;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(ranking),
    components(schemas(RankingBody, RankedItem, IndicatorItem))
)]
pub struct RankingDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// The year (default: the latest with coverage figures); others than 1949–2100 are 400.
    year: Option<String>,
    /// A region within reach (12 digits; default: the caller's own, everywhere for an
    /// administrator or auditor); outside reach, or a helper's account, is 403.
    region: Option<String>,
    /// The indicator to list by: `exit_rate` (default), `villages_exited`, `incidence`,
    /// `full_chain`, `trained`, `in_industry`, `one_worker`; another is 400.
    by: Option<String>,
    /// `county`: every county below the region instead of the level just below.
    level: Option<String>,
}

/// One indicator of one region.
#[derive(Serialize, ToSchema)]
pub struct IndicatorItem {
    numerator: i64,
    denominator: i64,
    /// Basis points (1/100 of a percent), absent with nothing to divide.
    value_bp: Option<i64>,
    /// 1 is best; ties share a rank; absent without a value.
    rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct RankedItem {
    region_code: String,
    name: String,
    /// Indicator code → its figures.
    indicators: std::collections::BTreeMap<String, IndicatorItem>,
}

#[derive(Serialize, ToSchema)]
pub struct RankingBody {
    year: i32,
    /// The region (absent: the whole registry).
    region_code: Option<String>,
    by: String,
    /// The regions, best first by `by`; those without a value last.
    regions: Vec<RankedItem>,
}

/// 排名: the regions below one on a year's indicators, from the roll-ups.
#[utoipa::path(get, path = "/api/v1/ranking", params(RankingQuery),
    responses((status = 200, body = RankingBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn ranking(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<RankingQuery>, ApiError>,
) -> Result<Response, ApiError> {
    let p = RankingParams {
        region: q.region,
        year: q.year,
        by: q.by,
        level: q.level,
    };
    let a = asked(&state, &user.access, &p).await?;
    let regions = records::ranking(state.store.as_ref(), a.region, a.year, a.counties).await?;
    let counts: Vec<_> = regions.iter().map(|r| r.counts).collect();
    let items = rank_regions(&counts, a.by)
        .into_iter()
        .map(|line| {
            let r = &regions[line.index];
            let indicators = (xplus_core::ranking::Indicator::ALL.iter())
                .zip(&line.standings)
                .map(|(i, s)| {
                    let item = IndicatorItem {
                        numerator: s.numerator,
                        denominator: s.denominator,
                        value_bp: s.value_bp,
                        rank: s.rank,
                    };
                    (i.code().to_string(), item)
                })
                .collect();
            RankedItem {
                region_code: r.code.to_string(),
                name: r.name.clone(),
                indicators,
            }
        })
        .collect();
    Ok(Json(RankingBody {
        year: a.year,
        region_code: a.region.map(|r| r.to_string()),
        by: a.by.code().to_string(),
        regions: items,
    })
    .into_response())
}
