//! 远教 pages: the yearly training coverage of rules.md §10 within the account's reach, per
//! county, town and village, the gap list, and the same as an Excel workbook.

use super::paging::{asked_page, query_of, year_or_latest, Pager};
use super::{html, is_htmx, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use xplus_core::education::coverage::{Coverage, Gap};
use xplus_core::registry::{Level, RegionCode};
use xplus_core::rollup::Measure;
use xplus_core::values::format_date;
use xplus_store::records;

#[derive(Deserialize, Default)]
pub struct CoverageParams {
    year: Option<String>,
    from: Option<String>,
    /// A region within reach to open (its children are listed, its gaps paged).
    #[serde(default)]
    region: Option<String>,
    page: Option<String>,
}

impl CoverageParams {
    fn read(&self) -> Result<(i32, NaiveDate), WebError> {
        let year = super::year_of(self.year.as_deref())?;
        Ok((year, super::day_of(self.from.as_deref())?))
    }
}

struct Row {
    code: RegionCode,
    name: String,
    level: Level,
    c: Coverage,
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    c: Chrome,
    year: i32,
    from: String,
    region: String,
    total: Coverage,
    rows: Vec<Row>,
    list: GapList,
    /// The coverage target of the region viewed (the one opened, else the account's).
    target: super::targets::TargetShown,
}

/// A page of the households not reached (the part htmx swaps).
#[derive(Template)]
#[template(path = "coverage_gaps.html")]
struct GapList {
    l: Lang,
    pager: Pager,
    gaps: Vec<Gap>,
    /// The names of the villages of the shown gaps.
    names: Vec<String>,
}

impl GapList {
    fn next(&self, g: &Gap) -> String {
        g.next
            .as_ref()
            .map(|n| {
                format!(
                    "{} {} ({})",
                    format_date(n.date),
                    n.session_id,
                    n.station_id
                )
            })
            .unwrap_or_else(|| "—".into())
    }
}

impl CoveragePage {
    fn rate(&self, c: &Coverage) -> String {
        c.rate_bp()
            .map(|bp| super::targets::percent(bp as i64))
            .unwrap_or_else(|| "—".into())
    }

    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }
}

/// The §10 figures of a region from the kept ones.
fn coverage_of(f: &records::ChainFigures) -> Coverage {
    use xplus_core::assessment::chain::Link;
    Coverage {
        poor: f.poor,
        trained: f.link(Link::Trained),
        person_times: f.person_times,
    }
}

/// What the page shows above the gap list: the whole reach and the regions below it.
struct Summary {
    total: Coverage,
    rows: Vec<Row>,
}

/// The page from the kept figures (see chain.rs): None when they cannot answer.
async fn from_kept(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    (year, from): (i32, NaiveDate),
    list: &mut (dyn FnMut(u64) -> Pager + Send),
    l: Lang,
) -> Result<Option<(Summary, GapList)>, WebError> {
    let Some(kept) = super::chain::kept_figures(state, access, year).await? else {
        return Ok(None);
    };
    let total = coverage_of(&kept.total);
    let pager = list(total.gaps());
    let Some(page) =
        records::training_gap_page(state.store.as_ref(), access, year, from, pager.window())
            .await?
    else {
        return Ok(None);
    };
    let names = page
        .gaps
        .iter()
        .map(|g| {
            page.names
                .get(&g.village.as_u64())
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let root = super::chain::root_of(access);
    let rows = kept
        .regions
        .iter()
        .filter(|(code, _)| super::chain::is_child_of(**code, root))
        .map(|(code, f)| Row {
            code: *code,
            name: kept.names.get(&code.as_u64()).cloned().unwrap_or_default(),
            level: code.level(),
            c: coverage_of(f),
        })
        .collect();
    let list = GapList {
        l,
        pager,
        gaps: page.gaps,
        names,
    };
    Ok(Some((Summary { total, rows }, list)))
}

/// The page from the records of the whole reach.
async fn from_records(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    (year, from): (i32, NaiveDate),
    list: &mut (dyn FnMut(u64) -> Pager + Send),
    l: Lang,
) -> Result<(Summary, GapList), WebError> {
    let view = records::coverage(state.store.as_ref(), access, year, from, today()).await?;
    let pager = list(view.gaps.len() as u64);
    let window = pager.window();
    let gaps: Vec<Gap> = view
        .gaps
        .iter()
        .skip(window.offset as usize)
        .take(window.limit as usize)
        .cloned()
        .collect();
    let names = gaps
        .iter()
        .map(|g| view.name(g.village).to_string())
        .collect();
    let root = super::chain::root_of(access);
    let rows = [Level::County, Level::Town, Level::Village]
        .into_iter()
        .flat_map(|level| view.report.level(level).collect::<Vec<_>>())
        .filter(|(code, _)| super::chain::is_child_of(*code, root))
        .map(|(code, c)| Row {
            code,
            name: view.name(code).to_string(),
            level: code.level(),
            c,
        })
        .collect();
    let summary = Summary {
        total: view.report.total,
        rows,
    };
    let list = GapList {
        l,
        pager,
        gaps,
        names,
    };
    Ok((summary, list))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<CoverageParams>,
) -> Result<Response, WebError> {
    let from = super::day_of(p.from.as_deref())?;
    let year = year_or_latest(&state, &user.access, p.year.as_deref(), Measure::ChainPoor).await?;
    let asked = asked_page(p.page.as_deref())?;
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let region = p.region.clone().unwrap_or_default().trim().to_string();
    let query = query_of(&[
        ("year", &year.to_string()),
        ("from", &format_date(from)),
        ("region", &region),
    ]);
    let mut pager = |total: u64| Pager::new(total, asked, "/coverage", &query, "gap-list");
    let (summary, list) = match from_kept(&state, &access, (year, from), &mut pager, l).await? {
        Some(kept) => kept,
        None => from_records(&state, &access, (year, from), &mut pager, l).await?,
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    let which = super::targets::Coverage::Training;
    let covered = (summary.total.trained, summary.total.poor);
    let target = super::targets::coverage_target(&state, &access, l, which, year, covered).await?;
    html(&CoveragePage {
        c: Chrome::new(l, &user, "coverage"),
        target,
        year,
        from: format_date(from),
        region,
        total: summary.total,
        rows: summary.rows,
        list,
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<CoverageParams>,
) -> Result<Response, WebError> {
    let (year, from) = p.read()?;
    let view = records::coverage(state.store.as_ref(), &user.access, year, from, today()).await?;
    let which = super::targets::Coverage::Training;
    let t = view.report.total;
    let covered = (t.trained, t.poor);
    let target =
        super::targets::coverage_target_row(&state, &user.access, which, year, covered).await?;
    super::xlsx_download(format!("coverage-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::coverage_workbook(
            &view,
            &[target],
        )?)
    })
    .await
}
