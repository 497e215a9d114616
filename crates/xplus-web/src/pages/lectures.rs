//! 讲学授课 (issue 23): a year's training sessions held at the stations within reach and the
//! person-times they reached (attendances), by the kind of lecturer — 党员干部, 党校老师, 技能专家,
//! 致富能手 — in all and per region below the one viewed, each opening the regions below it. Next
//! to the coverage page (/coverage), which counts households rather than sessions.

use super::{html, narrowed, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::education::lectures::Lectures;
use xplus_core::education::LecturerKind;
use xplus_core::registry::Level;
use xplus_store::records;

pub type Row = super::RegionRow<Lectures>;

#[derive(Template)]
#[template(path = "lectures.html")]
struct LecturesPage {
    c: Chrome,
    year: i32,
    region: String,
    total: Lectures,
    rows: Vec<Row>,
    kinds: Vec<LecturerKind>,
}

impl LecturesPage {
    fn level(&self, level: &Level) -> String {
        self.c.l.label(level.code(), level.label_zh())
    }

    fn kind(&self, kind: &LecturerKind) -> String {
        self.c.l.label(kind.code(), kind.label_zh())
    }

    /// "sessions / person-times" of one kind.
    fn pair(&self, t: &Lectures, kind: &LecturerKind) -> String {
        format!("{} / {}", t.sessions_of(*kind), t.person_times_of(*kind))
    }
}

/// `/lectures?year=&region=`: the lectures of the account's reach, or of a region within it.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    let access = narrowed(&user.access, p.region.as_deref())?;
    let view = records::lecture_view(state.store.as_ref(), &access, year).await?;
    let rows = super::region_rows(&view.report.by_region, |code| view.name(code).to_string());
    html(&LecturesPage {
        c: Chrome::new(l, &user, "coverage"),
        year,
        region: p.region_text(),
        total: view.report.total,
        rows,
        kinds: LecturerKind::ALL.to_vec(),
    })
}
