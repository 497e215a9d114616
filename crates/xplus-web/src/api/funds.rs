//! The JSON API of 多元投入 (funds.csv): a year's funds within a region, by source, link, the
//! regions one level below and year — what `/funds` shows. The ledger itself is under
//! /api/v1/records/funds.

use crate::api::doc::{BadRequest, NotFound, Unauthorized};
use crate::api::ApiError;
use crate::auth::ApiUser;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::collective::funds::FundSource;
use xplus_core::registry::RegionCode;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(funds),
    components(schemas(FundsBody, FundLine, FundRegionItem, FundYearItem))
)]
pub struct FundsDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FundsQuery {
    /// The year (default: the last with funds in the region, else this year); others are
    /// refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// A region within reach (12 digits; default: the caller's own, everywhere for an
    /// administrator or auditor); outside reach is 404.
    region: Option<String>,
}

/// The funds of one source or link: yuan (two decimals, as text) and how many.
#[derive(Serialize, ToSchema)]
pub struct FundLine {
    /// The code, as in funds.csv (`fiscal`, `education` …).
    code: String,
    label: String,
    amount: String,
    funds: u64,
}

#[derive(Serialize, ToSchema)]
pub struct FundRegionItem {
    region_code: String,
    name: String,
    /// The region asked for itself: funds recorded at its own code (本级).
    own: bool,
    /// Source code → yuan.
    by_source: std::collections::BTreeMap<String, String>,
    amount: String,
    funds: u64,
}

#[derive(Serialize, ToSchema)]
pub struct FundYearItem {
    year: i32,
    /// Source code → yuan.
    by_source: std::collections::BTreeMap<String, String>,
    amount: String,
}

#[derive(Serialize, ToSchema)]
pub struct FundsBody {
    year: i32,
    /// The region (absent: the whole registry).
    region_code: Option<String>,
    amount: String,
    funds: u64,
    by_source: Vec<FundLine>,
    by_link: Vec<FundLine>,
    /// The region itself when it holds funds of its own, then each region one level below.
    regions: Vec<FundRegionItem>,
    /// Every year with funds in the region.
    years: Vec<FundYearItem>,
}

fn by_source(amounts: &[xplus_core::Fen]) -> std::collections::BTreeMap<String, String> {
    (FundSource::ALL.iter().zip(amounts))
        .map(|(s, a)| (s.code().to_string(), a.to_string()))
        .collect()
}

/// 多元投入: the funds (funds.csv) of a year within a region, by source, link, region and year.
/// A station's investment and a pledge loan are in their own ledgers and not counted here.
#[utoipa::path(get, path = "/api/v1/funds", params(FundsQuery),
    responses((status = 200, body = FundsBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn funds(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<FundsQuery>, ApiError>,
) -> Result<Response, ApiError> {
    let year = match q.year {
        Some(y) => Some(crate::pages::checked_year(Some(y))?),
        None => None,
    };
    let region = match q.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(crate::pages::region_of(r)?),
        None => None,
    };
    let o = records::funds_overview(
        state.store.as_ref(),
        &user.access,
        region,
        year,
        today().year(),
    )
    .await?;
    let line = |code: &str, label: &str, t: &records::FundTotal| FundLine {
        code: code.to_string(),
        label: label.to_string(),
        amount: t.amount.to_string(),
        funds: t.funds,
    };
    Ok(Json(FundsBody {
        year: o.year,
        region_code: o.region.map(|r: RegionCode| r.to_string()),
        amount: o.total.amount.to_string(),
        funds: o.total.funds,
        by_source: (o.by_source.iter())
            .map(|(s, t)| line(s.code(), s.label_zh(), t))
            .collect(),
        by_link: (o.by_link.iter())
            .map(|(l, t)| line(l.code(), l.label_zh(), t))
            .collect(),
        regions: (o.regions.iter())
            .map(|g| FundRegionItem {
                region_code: g.code.to_string(),
                name: g.name.clone(),
                own: g.own,
                by_source: by_source(&g.by_source),
                amount: g.total.amount.to_string(),
                funds: g.total.funds,
            })
            .collect(),
        years: (o.years.iter())
            .map(|(y, amounts)| FundYearItem {
                year: *y,
                by_source: by_source(amounts),
                amount: o.total_of_year(*y).to_string(),
            })
            .collect(),
    })
    .into_response())
}
