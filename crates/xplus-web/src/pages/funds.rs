//! 多元投入 (`/funds`, issue 23): the funds of funds.csv put into the chain in the region viewed
//! in a year — by source, by link, by the regions one level below (each a link to its own page)
//! and by year — with the same as a workbook (`/funds.xlsx`).

use super::targets::percent;
use super::{html, region_of, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use xplus_core::collective::funds::FundSource;
use xplus_core::registry::{Level, RegionCode};
use xplus_core::Fen;
use xplus_store::records::{self, FundsOverview};

/// `/funds` and `/funds.xlsx`: the year (default: the last with funds) and the region (default:
/// the account's own).
#[derive(serde::Deserialize, Default)]
pub struct FundsParams {
    year: Option<String>,
    region: Option<String>,
}

/// A line of a breakdown as shown: label, yuan, share of the total, number of funds.
pub struct Line {
    pub label: String,
    pub amount: String,
    pub share: String,
    pub funds: u64,
}

/// A region below the one viewed: its code, name, link (none for the region itself or a
/// village), the yuan per source and the total.
pub struct RegionLine {
    pub code: String,
    pub name: String,
    pub href: Option<String>,
    pub amounts: Vec<String>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "funds.html")]
struct FundsPage {
    c: Chrome,
    year: i32,
    region: String,
    name: String,
    query: String,
    total: String,
    funds: u64,
    sources: Vec<Line>,
    links: Vec<Line>,
    /// The source names heading the regions' columns.
    heads: Vec<String>,
    regions: Vec<RegionLine>,
    /// (year, yuan, link to the year).
    years: Vec<(i32, String, String)>,
}

fn share(part: Fen, total: Fen) -> String {
    (part.0 * 10_000)
        .checked_div(total.0)
        .map_or_else(|| "-".to_string(), percent)
}

/// The year and region asked for, read from the query.
async fn overview_of(
    state: &AppState,
    user: &crate::auth::Signed,
    p: &FundsParams,
) -> Result<FundsOverview, WebError> {
    let year = match p.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => Some(super::year_of(Some(y))?),
        None => None,
    };
    let region = match p.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(region_of(r)?),
        None => None,
    };
    let this_year = today().year();
    Ok(
        records::funds_overview(state.store.as_ref(), &user.access, region, year, this_year)
            .await?,
    )
}

fn region_query(o: &FundsOverview) -> String {
    o.region.map(|r| format!("&region={r}")).unwrap_or_default()
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<FundsParams>,
) -> Result<Response, WebError> {
    let o = overview_of(&state, &user, &p).await?;
    let line = |label: String, t: &records::FundTotal| Line {
        label,
        amount: t.amount.to_string(),
        share: share(t.amount, o.total.amount),
        funds: t.funds,
    };
    let sources = (o.by_source.iter())
        .map(|(s, t)| line(l.t(s.label_zh(), s.en()).to_string(), t))
        .collect();
    let links = (o.by_link.iter())
        .map(|(k, t)| line(l.t(k.label_zh(), k.en()).to_string(), t))
        .collect();
    let year = o.year;
    let down = |code: RegionCode, own: bool| {
        (!own && code.level() != Level::Village && user.access.covers_region(code))
            .then(|| format!("/funds?year={year}&region={code}"))
    };
    let regions = (o.regions.iter())
        .map(|g| RegionLine {
            code: g.code.to_string(),
            name: if g.own {
                format!("{}{}", g.name, l.t("（本级）", " (own)"))
            } else {
                g.name.clone()
            },
            href: down(g.code, g.own),
            amounts: g.by_source.iter().map(Fen::to_string).collect(),
            total: g.total.amount.to_string(),
        })
        .collect();
    let rq = region_query(&o);
    let years = (o.years.iter().rev())
        .map(|(y, _)| {
            (
                *y,
                o.total_of_year(*y).to_string(),
                format!("/funds?year={y}{rq}"),
            )
        })
        .collect();
    html(&FundsPage {
        c: Chrome::new(l, &user, "collective"),
        year,
        region: o.region.map(|r| r.to_string()).unwrap_or_default(),
        name: o.name.clone(),
        query: format!("year={year}{rq}"),
        total: o.total.amount.to_string(),
        funds: o.total.funds,
        sources,
        links,
        heads: (FundSource::ALL.iter())
            .map(|s| l.t(s.label_zh(), s.en()).to_string())
            .collect(),
        regions,
        years,
    })
}

/// `/funds.xlsx`: what the page shows, with every year's funds by source.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<FundsParams>,
) -> Result<Response, WebError> {
    let o = overview_of(&state, &user, &p).await?;
    let name = match o.region {
        Some(r) => format!("funds-{r}-{}.xlsx", o.year),
        None => format!("funds-{}.xlsx", o.year),
    };
    super::xlsx_download(name, move || Ok(xplus_output::funds::funds_workbook(&o)?)).await
}
