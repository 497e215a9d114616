//! 产业 page: rules.md §6 `in_industry` of the households poor at the start of a year and the
//! ways they take part, the one-village-one-product projects of the villages planned to exit
//! that year, organisations by kind with the households they bring along, labour training,
//! commissioners' trainings, job fairs and placements; and the same as a workbook.

use super::{html, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_store::records::{self, HouseholdIndustry, IndustryOverview};

/// The gap list shown on the page; the workbook has all of it.
const SHOWN_GAPS: usize = 200;

#[derive(Template)]
#[template(path = "industry.html")]
struct IndustryPage {
    c: Chrome,
    o: IndustryOverview,
    gaps: Vec<HouseholdIndustry>,
    gaps_total: usize,
}

impl IndustryPage {
    fn share(&self) -> String {
        let n = self.o.households.len() as u64;
        if n == 0 {
            return "-".into();
        }
        let bp = self.o.in_industry() * 10_000 / n;
        format!("{}.{:02}%", bp / 100, bp % 100)
    }

    /// (label, households) of each way of taking part.
    fn links(&self) -> Vec<(String, u64)> {
        let l = self.c.l;
        let names = [
            ("党组织带动", "Brought along by an organisation"),
            ("参加一村一品", "In a one-village-one-product project"),
            ("户发展产业", "Own industry"),
            ("劳动力培训", "Labour course"),
            ("转移就业", "Placement"),
        ];
        names
            .iter()
            .zip(self.o.by_link())
            .map(|((zh, en), n)| (l.t(zh, en).to_string(), n))
            .collect()
    }
}

pub async fn overview(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year_of(p.year.as_deref())?;
    let o = records::industry_overview(state.store.as_ref(), &user.access, year, today()).await?;
    let gaps: Vec<HouseholdIndustry> = o.gaps().take(SHOWN_GAPS).cloned().collect();
    html(&IndustryPage {
        c: Chrome::new(l, &user, "industry"),
        gaps_total: o.gaps().count(),
        gaps,
        o,
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year_of(p.year.as_deref())?;
    let o = records::industry_overview(state.store.as_ref(), &user.access, year, today()).await?;
    super::xlsx_download(format!("industry-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::industry_workbook(&o)?)
    })
    .await
}
