//! 远教 pages: the yearly training coverage of rules.md §10 within the account's reach, per
//! county, town and village, the gap list, and the same as an Excel workbook.

use super::{html, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use xplus_core::education::coverage::{Coverage, Gap};
use xplus_core::registry::{Level, RegionCode};
use xplus_core::values::format_date;
use xplus_store::records::{self, CoverageView};

/// The gap list shown on the page; the workbook has all of it.
const SHOWN_GAPS: usize = 200;

#[derive(Deserialize, Default)]
pub struct CoverageParams {
    year: Option<String>,
    from: Option<String>,
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
    total: Coverage,
    rows: Vec<Row>,
    gaps: Vec<Gap>,
    gaps_total: usize,
    view: CoverageView,
}

impl CoveragePage {
    fn rate(&self, c: &Coverage) -> String {
        c.rate_bp()
            .map(|bp| format!("{}.{:02}%", bp / 100, bp % 100))
            .unwrap_or_else(|| "—".into())
    }

    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }

    fn village(&self, code: &RegionCode) -> &str {
        self.view.name(*code)
    }

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

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<CoverageParams>,
) -> Result<Response, WebError> {
    let (year, from) = p.read()?;
    let view = records::coverage(state.store.as_ref(), &user.access, year, from, today()).await?;
    let rows = [Level::County, Level::Town, Level::Village]
        .into_iter()
        .flat_map(|level| view.report.level(level).collect::<Vec<_>>())
        .map(|(code, c)| Row {
            code,
            name: view.name(code).to_string(),
            level: code.level(),
            c,
        })
        .collect();
    let gaps = view.gaps.iter().take(SHOWN_GAPS).cloned().collect();
    html(&CoveragePage {
        c: Chrome::new(l, &user, "coverage"),
        year,
        from: format_date(from),
        total: view.report.total,
        rows,
        gaps,
        gaps_total: view.gaps.len(),
        view,
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<CoverageParams>,
) -> Result<Response, WebError> {
    let (year, from) = p.read()?;
    let view = records::coverage(state.store.as_ref(), &user.access, year, from, today()).await?;
    super::xlsx_download(format!("coverage-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::coverage_workbook(&view)?)
    })
    .await
}
