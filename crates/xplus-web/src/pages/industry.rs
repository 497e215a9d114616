//! 产业 page: rules.md §6 `in_industry` of the households poor at the start of a year and the
//! ways they take part, the one-village-one-product projects of the villages planned to exit
//! that year, organisations by kind with the households they bring along, labour training,
//! commissioners' trainings, job fairs and placements; and the same as a workbook.

use super::paging::{asked_page, query_of, year_or_latest, Pager};
use super::{html, is_htmx, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use xplus_core::rollup::Measure;
use xplus_store::records::{self, HouseholdIndustry, IndustryOverview};

#[derive(Template)]
#[template(path = "industry.html")]
struct IndustryPage {
    c: Chrome,
    o: IndustryOverview,
    gaps_total: usize,
    list: GapList,
}

/// A page of the households in no industry or job (the part htmx swaps).
#[derive(Template)]
#[template(path = "industry_gaps.html")]
struct GapList {
    l: Lang,
    pager: Pager,
    gaps: Vec<HouseholdIndustry>,
    names: Vec<String>,
}

/// `/industry`: the year and the page of the gap list.
#[derive(serde::Deserialize, Default)]
pub struct IndustryParams {
    year: Option<String>,
    page: Option<String>,
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
    headers: HeaderMap,
    Query(p): Query<IndustryParams>,
) -> Result<Response, WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let year = year_or_latest(&state, &user.access, p.year.as_deref(), Measure::ChainPoor).await?;
    let o = records::industry_overview(state.store.as_ref(), &user.access, year, today()).await?;
    let gaps_total = o.gaps().count();
    let pager = Pager::new(
        gaps_total as u64,
        asked,
        "/industry",
        &query_of(&[("year", &year.to_string())]),
        "gap-list",
    );
    let window = pager.window();
    let gaps: Vec<HouseholdIndustry> = o
        .gaps()
        .skip(window.offset as usize)
        .take(window.limit as usize)
        .cloned()
        .collect();
    let names = gaps.iter().map(|g| o.name(g.village).to_string()).collect();
    let list = GapList {
        l,
        pager,
        gaps,
        names,
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    html(&IndustryPage {
        c: Chrome::new(l, &user, "industry"),
        gaps_total,
        list,
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
