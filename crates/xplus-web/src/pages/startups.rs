//! 大学生村官创业 (issue 23): on Dec 31 of a year, the graduate officials' start-ups within reach
//! begun by then, their funds, distinct bases and the poor households linked to them by then
//! (each once), per region below the one viewed — each opening the regions below it — and start-up
//! by start-up.

use super::{html, narrowed, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::backbone::startup::{StartupLine, StartupTotals};
use xplus_core::registry::Level;
use xplus_store::records;

pub type Row = super::RegionRow<StartupTotals>;

/// One start-up of the list, its village named.
pub struct Line {
    pub s: StartupLine,
    pub village: String,
    pub start: String,
}

#[derive(Template)]
#[template(path = "startups.html")]
struct StartupsPage {
    c: Chrome,
    year: i32,
    region: String,
    as_of: String,
    total: StartupTotals,
    rows: Vec<Row>,
    lines: Vec<Line>,
}

impl StartupsPage {
    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }
}

/// `/startups?year=&region=`: the start-ups of the account's reach, or of a region within it.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    let access = narrowed(&user.access, p.region.as_deref())?;
    let view = records::startup_view(state.store.as_ref(), &access, year).await?;
    let rows = super::region_rows(&view.report.by_region, |code| view.name(code).to_string());
    let lines = (view.lines.iter())
        .map(|s| Line {
            village: view.name(&s.village).to_string(),
            start: s.start.map(|d| d.to_string()).unwrap_or_default(),
            s: s.clone(),
        })
        .collect();
    html(&StartupsPage {
        c: Chrome::new(l, &user, "secretaries"),
        year,
        region: p.region_text(),
        as_of: view.as_of.to_string(),
        total: view.report.total,
        rows,
        lines,
    })
}
