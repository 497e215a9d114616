//! 一户一工人 on the 产业 page: of the households poor on Dec 31 of the year, those with a
//! member in work that day and those without, per region below the one viewed, and the list of
//! the households without a worker a page at a time (`/industry/workers`, which htmx swaps in
//! and which stands as a page of its own without htmx).

use super::paging::{asked_page, query_of, year_or_latest, Pager, PAGE_SIZE};
use super::{html, is_htmx, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use xplus_core::accounts::Access;
use xplus_core::rollup::Measure;
use xplus_store::records::{self, NoWorker, OneWorker, Page, WorkerFigures};

/// A region's 一户一工人 figures, as the page lists them.
pub struct WorkerLine {
    pub name: String,
    pub figures: WorkerFigures,
}

impl WorkerLine {
    pub fn share(&self) -> String {
        share(&self.figures)
    }
}

/// The share of the poor households with a worker ("-" without any).
pub fn share(f: &WorkerFigures) -> String {
    f.share_bp()
        .map_or_else(|| "-".into(), |bp| super::targets::percent(bp as i64))
}

/// A page of the households without a worker (the part htmx swaps).
#[derive(Template)]
#[template(path = "industry_workers.html")]
pub struct WorkerGaps {
    l: Lang,
    pager: Pager,
    gaps: Vec<NoWorker>,
    names: Vec<String>,
}

/// `/industry/workers` without htmx: that list alone, on a page of its own.
#[derive(Template)]
#[template(path = "industry_workers_page.html")]
struct WorkersHtml {
    c: Chrome,
    year: i32,
    list: WorkerGaps,
}

/// The figures of the card: in all, the regions below the one viewed, and page `asked` of the
/// households without a worker.
pub struct WorkersCard {
    pub total: WorkerFigures,
    pub lines: Vec<WorkerLine>,
    pub list: WorkerGaps,
}

impl WorkersCard {
    pub fn share(&self) -> String {
        share(&self.total)
    }
}

/// 一户一工人 of `year` within `access`'s reach with page `asked` of the list (a page past the
/// end shows the last).
pub async fn card(
    state: &AppState,
    access: &Access,
    l: Lang,
    year: i32,
    asked: u64,
) -> Result<WorkersCard, WebError> {
    let read = |page: Page| records::one_worker(state.store.as_ref(), access, year, page, today());
    let mut w = read(Page {
        offset: asked.saturating_sub(1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
    })
    .await?;
    let pager = Pager::new(
        w.gaps.total,
        asked,
        "/industry/workers",
        &query_of(&[("year", &year.to_string())]),
        "worker-gap-list",
    );
    if pager.page != asked {
        w = read(pager.window()).await?;
    }
    let root = super::chain::root_of(access);
    let lines = (w.by_region.iter())
        .filter(|(code, _)| super::chain::is_child_of(**code, root))
        .map(|(code, figures)| WorkerLine {
            name: w.name(*code).to_string(),
            figures: *figures,
        })
        .collect();
    Ok(WorkersCard {
        total: w.total,
        lines,
        list: gap_list(l, pager, &mut w),
    })
}

fn gap_list(l: Lang, pager: Pager, w: &mut OneWorker) -> WorkerGaps {
    let gaps = std::mem::take(&mut w.gaps.gaps);
    let names = gaps
        .iter()
        .map(|g| {
            (w.gaps.names.get(&g.village.as_u64()))
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    WorkerGaps {
        l,
        pager,
        gaps,
        names,
    }
}

#[derive(serde::Deserialize, Default)]
pub struct WorkersParams {
    year: Option<String>,
    page: Option<String>,
}

/// `/industry/workers`: a page of the households without a worker.
pub async fn workers(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<WorkersParams>,
) -> Result<Response, WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let year = year_or_latest(&state, &user.access, p.year.as_deref(), Measure::ChainPoor).await?;
    let card = card(&state, &user.access, l, year, asked).await?;
    if is_htmx(&headers) {
        return html(&card.list);
    }
    html(&WorkersHtml {
        c: Chrome::new(l, &user, "industry"),
        year,
        list: card.list,
    })
}
