//! 产业 page: rules.md §6 `in_industry` of the households poor at the start of a year and the
//! ways they take part, the one-village-one-product projects of the villages planned to exit
//! that year, organisations by kind with the households they bring along, labour training,
//! commissioners' trainings, job fairs and placements; the industry and start-up support targets
//! (产业创业扶贫对象) by region; and the same as a workbook.

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
use xplus_store::records::{
    self, HouseholdIndustry, IndustryActivity, IndustryPage, IndustryTargets, Page,
    PlannedExitVillage, TargetFigures,
};

#[derive(Template)]
#[template(path = "industry.html")]
struct IndustryHtml {
    c: Chrome,
    o: IndustryPage,
    activity: Arc<IndustryActivity>,
    list: GapList,
    villages: VillageList,
    /// The coverage target of the region viewed.
    target: super::targets::TargetShown,
    /// The industry and start-up support targets: in all, and per region below the one viewed.
    targets: Arc<IndustryTargets>,
    target_lines: Vec<TargetLine>,
    /// 一户一工人: households poor on Dec 31 with and without a member in work.
    workers: super::industry_workers::WorkersCard,
}

/// A region's industry and start-up support targets, as the page lists them.
struct TargetLine {
    name: String,
    figures: TargetFigures,
}

/// The targets' share of the households poor at the start of the year ("-" without any).
fn target_share(f: &TargetFigures) -> String {
    f.share_bp()
        .map_or_else(|| "-".into(), |bp| super::targets::percent(bp as i64))
}

impl TargetLine {
    fn share(&self) -> String {
        target_share(&self.figures)
    }
}

/// The regions directly below the one `access` is rooted at, with their targets.
fn target_lines(access: &xplus_core::accounts::Access, t: &IndustryTargets) -> Vec<TargetLine> {
    let root = super::chain::root_of(access);
    t.by_region
        .iter()
        .filter(|(code, _)| super::chain::is_child_of(**code, root))
        .map(|(code, figures)| TargetLine {
            name: t.name(*code).to_string(),
            figures: *figures,
        })
        .collect()
}

/// A page of the villages planned to exit in the year (the part htmx swaps; a province plans
/// hundreds).
#[derive(Template)]
#[template(path = "industry_villages.html")]
struct VillageList {
    l: Lang,
    pager: Pager,
    villages: Vec<PlannedExitVillage>,
}

/// `/industry/villages` without htmx: that list alone, on a page of its own.
#[derive(Template)]
#[template(path = "industry_villages_page.html")]
struct VillagesHtml {
    c: Chrome,
    year: i32,
    list: VillageList,
}

/// Page `asked` of the planned-exit villages of `activity` (kept whole for the reach and year).
fn village_list(l: Lang, activity: &IndustryActivity, year: i32, asked: u64) -> VillageList {
    let pager = Pager::new(
        activity.planned_exit.len() as u64,
        asked,
        "/industry/villages",
        &query_of(&[("year", &year.to_string())]),
        "planned-exit-list",
    );
    let w = pager.window();
    let villages = activity
        .planned_exit
        .iter()
        .skip(usize::try_from(w.offset).unwrap_or(usize::MAX))
        .take(PAGE_SIZE as usize)
        .cloned()
        .collect();
    VillageList { l, pager, villages }
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
    fn target_share(&self) -> String {
        target_share(&self.targets.total)
    }

    fn share(&self) -> String {
        let n = self.o.poor;
        if n == 0 {
            return "-".into();
        }
        let bp = self.o.in_industry * 10_000 / n;
        super::targets::percent(bp as i64)
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

/// The page asked for and the year: the one asked for, else the latest the roll-ups count
/// households poor at its start (both lists of the page).
async fn page_and_year(
    state: &AppState,
    user: &crate::auth::Signed,
    p: &IndustryParams,
) -> Result<(u64, i32), WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let year = year_or_latest(state, &user.access, p.year.as_deref(), Measure::ChainPoor).await?;
    Ok((asked, year))
}

pub async fn overview(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<IndustryParams>,
) -> Result<Response, WebError> {
    let (asked, year) = page_and_year(&state, &user, &p).await?;
    // Edits since the last refresh are folded into the kept figures first (unless another
    // request is doing it), so the page reads them rather than every household of the year.
    state.refresh_marked().await?;
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
    let targets = industry_targets(&state, &user.access, year).await?;
    let workers = super::industry_workers::card(&state, &user.access, l, year, 1).await?;
    let which = super::targets::Coverage::Industry;
    let covered = (o.in_industry, o.poor);
    let target =
        super::targets::coverage_target(&state, &user.access, l, which, year, covered).await?;
    html(&IndustryHtml {
        c: Chrome::new(l, &user, "industry"),
        target,
        target_lines: target_lines(&user.access, &targets),
        workers,
        targets,
        list,
        villages: village_list(l, &activity, year, 1),
        activity,
        o,
    })
}

/// `/industry/villages`: a page of the villages planned to exit (htmx swaps it into `/industry`).
pub async fn villages(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<IndustryParams>,
) -> Result<Response, WebError> {
    let (asked, year) = page_and_year(&state, &user, &p).await?;
    let activity = activity(&state, &user.access, year).await?;
    let list = village_list(l, &activity, year, asked);
    if is_htmx(&headers) {
        return html(&list);
    }
    html(&VillagesHtml {
        c: Chrome::new(l, &user, "industry"),
        year,
        list,
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

/// The industry and start-up support targets of `year` within `access`'s reach, computed once
/// per change of the data, as `activity` is; the page and the API share them.
pub(crate) async fn industry_targets(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
) -> Result<Arc<IndustryTargets>, xplus_store::StoreError> {
    let (store, day) = (state.store.as_ref(), today());
    let compute = records::industry_targets(store, access, year, day);
    state
        .computed("industry_targets", access, year, day, compute)
        .await
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year_of(p.year.as_deref())?;
    let o = records::industry_overview(state.store.as_ref(), &user.access, year, today()).await?;
    let which = super::targets::Coverage::Industry;
    let covered = (o.in_industry(), o.households.len() as u64);
    let target =
        super::targets::coverage_target_row(&state, &user.access, which, year, covered).await?;
    super::xlsx_download(format!("industry-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::industry_workbook(&o, &[target])?)
    })
    .await
}
