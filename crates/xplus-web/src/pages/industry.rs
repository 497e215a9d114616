//! 产业 page: rules.md §6 `in_industry` of the households poor at the start of a year and the
//! ways they take part, the one-village-one-product projects of the villages planned to exit
//! that year, organisations by kind with the households they bring along, labour training,
//! commissioners' trainings, job fairs and placements; and the same as a workbook.

use super::paging::{asked_page, query_of, year_or_latest, Pager, PAGE_SIZE};
use super::{html, is_htmx, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::sync::Arc;
use xplus_core::rollup::Measure;
use xplus_store::records::{self, HouseholdIndustry, IndustryActivity, IndustryPage, Page};

#[derive(Template)]
#[template(path = "industry.html")]
struct IndustryHtml {
    c: Chrome,
    o: IndustryPage,
    activity: Arc<IndustryActivity>,
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

impl IndustryHtml {
    fn share(&self) -> String {
        let n = self.o.poor;
        if n == 0 {
            return "-".into();
        }
        let bp = self.o.in_industry * 10_000 / n;
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
            .zip(self.o.ways)
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
    // Edits since the last refresh are folded into the kept figures first (unless another
    // request is doing it), so the page reads them rather than every household of the year.
    state.refresh_marked(today()).await?;
    let read = |page: Page| {
        records::industry_page(state.store.as_ref(), &user.access, year, page, today())
    };
    let mut o = read(Page {
        offset: asked.saturating_sub(1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
    })
    .await?;
    let pager = Pager::new(
        o.gaps.total,
        asked,
        "/industry",
        &query_of(&[("year", &year.to_string())]),
        "gap-list",
    );
    // A page past the end (an old link, a typed number) shows the last page, read again.
    if pager.page != asked {
        o = read(pager.window()).await?;
    }
    let gaps = std::mem::take(&mut o.gaps.gaps);
    let names = gaps
        .iter()
        .map(|g| {
            o.gaps
                .names
                .get(&g.village.as_u64())
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let list = GapList {
        l,
        pager,
        gaps,
        names,
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    let activity = activity(&state, &user.access, year).await?;
    html(&IndustryHtml {
        c: Chrome::new(l, &user, "industry"),
        list,
        activity,
        o,
    })
}

/// The module's figures beside the households' ways for `access`'s reach and `year`, computed
/// once per change of the data (see `AppState::computed`); the page and the API share them.
pub(crate) async fn activity(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
) -> Result<Arc<IndustryActivity>, xplus_store::StoreError> {
    let (store, day) = (state.store.as_ref(), today());
    let compute = records::industry_activity(store, access, year, day);
    state.computed("industry", access, year, day, compute).await
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
