//! 选派干部驻村 (issue 23): on Dec 31 of a year, the poor villages within reach (not exited by
//! then), those with a selected cadre posted — a recall ends a posting on its decision day —
//! those without and which they are, and the selected cadres posted; per region below the one
//! viewed, each opening the regions below it.

use super::{html, narrowed, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::backbone::posting::Coverage;
use xplus_core::registry::{Level, RegionCode};
use xplus_store::records;

pub type Row = super::RegionRow<Coverage>;

#[derive(Template)]
#[template(path = "postings.html")]
struct PostingsPage {
    c: Chrome,
    year: i32,
    region: String,
    as_of: String,
    total: Coverage,
    rows: Vec<Row>,
    /// The poor villages without a selected cadre posted (code, name).
    uncovered: Vec<(RegionCode, String)>,
}

impl PostingsPage {
    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }
}

/// `/postings?year=&region=`: coverage of the account's reach, or of a region within it.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    let access = narrowed(&user.access, p.region.as_deref())?;
    let view = records::posting_coverage(state.store.as_ref(), &access, year).await?;
    let rows = super::region_rows(&view.report.by_region, |code| view.name(code).to_string());
    let uncovered = (view.report.uncovered.iter())
        .map(|v| (*v, view.name(v).to_string()))
        .collect();
    html(&PostingsPage {
        c: Chrome::new(l, &user, "secretaries"),
        year,
        region: p.region_text(),
        as_of: view.as_of.to_string(),
        total: view.report.total,
        rows,
        uncovered,
    })
}
