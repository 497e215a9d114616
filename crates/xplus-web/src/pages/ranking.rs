//! 排名 (issue 23): the regions below an official's side by side on a year's indicators (core
//! `ranking`), read from the roll-ups, listed by the indicator chosen; a province's or a city's
//! official may rank every county below instead of the level just below. `/ranking.xlsx` gives
//! the same table and the figures behind it.

use super::{html, region_of, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::assessment::village::format_bp_percent;
use xplus_core::ranking::{rank_regions, Indicator};
use xplus_core::registry::{Level, RegionCode};
use xplus_store::records::{self, RankedRegion};

#[derive(serde::Deserialize, Default)]
pub struct RankingParams {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    /// The indicator to list by (its code; default the exit rate).
    #[serde(default)]
    pub by: Option<String>,
    /// `county`: every county below, not only the level just below.
    #[serde(default)]
    pub level: Option<String>,
}

/// What a request asks for, checked.
pub struct Asked {
    pub region: Option<RegionCode>,
    pub year: i32,
    pub by: Indicator,
    pub counties: bool,
}

/// The request's region (within the account's reach: 403 otherwise, and for a helper, whose
/// reach is households), year (default: the latest with coverage figures), indicator and level.
pub async fn asked(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    p: &RankingParams,
) -> Result<Asked, WebError> {
    let region = match p.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(region_of(r)?),
        None => None,
    };
    let Some(region) = records::dashboard_region(access, region) else {
        return Err(WebError::forbidden(
            "排名按区划统计，您的账号不在此范围 / the ranking is by region, outside your reach",
        ));
    };
    let year = match p.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => super::year_of(Some(y))?,
        None => {
            let (d, _) = state.dashboard(region, today()).await?;
            super::dashboard::default_year(&d.region)
        }
    };
    let by = match p.by.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Indicator::parse(b).ok_or_else(|| {
            WebError::bad_request(format!("排名指标 {b} 无效 / unknown indicator {b}"))
        })?,
        None => Indicator::ExitRate,
    };
    let counties = match p.level.as_deref().map(str::trim) {
        None | Some("") => false,
        Some("county") => true,
        Some(other) => {
            return Err(WebError::bad_request(format!(
                "排名级别 {other} 无效 / unknown level {other}"
            )))
        }
    };
    Ok(Asked {
        region,
        year,
        by,
        counties,
    })
}

/// One indicator of a row as shown.
pub struct Shown {
    pub value: String,
    pub parts: String,
    pub rank: String,
}

pub struct Row {
    pub code: RegionCode,
    pub name: String,
    pub rank: String,
    pub cells: Vec<Shown>,
    /// A region with regions below it to rank in turn.
    pub opens: bool,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    c: Chrome,
    year: i32,
    region: String,
    by: String,
    counties: bool,
    /// Whether ranking every county differs from the level below (a city or above).
    may_counties: bool,
    /// (code, label) of every indicator, in column order.
    indicators: Vec<(String, String)>,
    rows: Vec<Row>,
}

/// The rows of `regions` listed by `by`.
fn rows_of(l: Lang, regions: &[RankedRegion], by: Indicator) -> Vec<Row> {
    let counts: Vec<_> = regions.iter().map(|r| r.counts).collect();
    let dash = || "-".to_string();
    rank_regions(&counts, by)
        .into_iter()
        .map(|line| {
            let r = &regions[line.index];
            let cells = (line.standings.iter())
                .map(|s| Shown {
                    value: s.value_bp.map_or_else(dash, format_bp_percent),
                    parts: format!("{}/{}", s.numerator, s.denominator),
                    rank: s.rank.map_or_else(dash, |n| n.to_string()),
                })
                .collect();
            Row {
                code: r.code,
                name: l.pick(&r.name),
                rank: (line.of(by).and_then(|s| s.rank)).map_or_else(dash, |n| n.to_string()),
                cells,
                opens: r.code.level() < Level::Town,
            }
        })
        .collect()
}

/// `/ranking?year=&region=&by=&level=`.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<RankingParams>,
) -> Result<Response, WebError> {
    let a = asked(&state, &user.access, &p).await?;
    let regions = records::ranking(state.store.as_ref(), a.region, a.year, a.counties).await?;
    let label = |i: &Indicator| {
        if l.is_en() {
            i.label_en()
        } else {
            i.label_zh()
        }
    };
    html(&RankingPage {
        c: Chrome::new(l, &user, "dashboard"),
        year: a.year,
        region: a.region.map(|r| r.to_string()).unwrap_or_default(),
        by: a.by.code().to_string(),
        counties: a.counties,
        may_counties: a.region.is_none_or(|r| r.level() < Level::County),
        indicators: (Indicator::ALL.iter())
            .map(|i| (i.code().to_string(), label(i).to_string()))
            .collect(),
        rows: rows_of(l, &regions, a.by),
    })
}

/// `/ranking.xlsx?year=&region=&by=&level=`: the same regions as a workbook.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<RankingParams>,
) -> Result<Response, WebError> {
    let a = asked(&state, &user.access, &p).await?;
    let regions = records::ranking(state.store.as_ref(), a.region, a.year, a.counties).await?;
    let by = a.by;
    super::xlsx_download(format!("ranking-{}.xlsx", a.year), move || {
        Ok(xplus_output::ranking::ranking_workbook(&regions, by)?)
    })
    .await
}
