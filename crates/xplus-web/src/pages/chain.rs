//! 全链条 page (rules.md §6): for the households poor at the start of a year within reach, the
//! five links and the full chain, per village, and the gap list with what to do next; the same
//! as a workbook.

use super::paging::{asked_page, query_of, Pager};
use super::{html, is_htmx, today, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use xplus_core::assessment::chain::Link;
use xplus_core::rollup::Measure;
use xplus_store::records::{self, ChainView};

pub struct VillageLine {
    pub code: String,
    pub name: String,
    pub poor: u64,
    pub links: [u64; 5],
    pub full: u64,
    pub full_applicable: u64,
}

/// The regions one level below `root` (None: the whole registry, whose counties are shown):
/// the tree stays collapsed until a region is opened.
pub fn is_child_of(
    code: xplus_core::registry::RegionCode,
    root: Option<xplus_core::registry::RegionCode>,
) -> bool {
    use xplus_core::registry::Level;
    match root {
        Some(r) if matches!(r.level(), Level::County | Level::Town) => code.parent() == Some(r),
        Some(r) if r.level() == Level::Village => code == r,
        Some(r) => code.level() == Level::County && code.is_within(r),
        None => code.level() == Level::County,
    }
}

/// The region a page of the account (narrowed to `region`) is rooted at.
pub fn root_of(access: &xplus_core::accounts::Access) -> Option<xplus_core::registry::RegionCode> {
    match access.scope() {
        xplus_core::accounts::Scope::Region(r) => Some(*r),
        _ => None,
    }
}

pub struct GapLine {
    pub household_id: String,
    pub village: String,
    pub missing: String,
    pub next: String,
    /// The links that do not apply, with why.
    pub not_applicable: String,
}

#[derive(Template)]
#[template(path = "chain.html")]
struct ChainPage {
    c: Chrome,
    year: i32,
    /// The region the page is narrowed to, "" for the whole reach.
    region: String,
    poor: u64,
    full: u64,
    full_applicable: u64,
    links: Vec<(String, u64)>,
    villages: Vec<VillageLine>,
    /// The region one level up, to go back to ("" for the account's own region).
    up: Option<String>,
    list: GapList,
}

/// A page of the gap list (the part htmx swaps).
#[derive(Template)]
#[template(path = "chain_gaps.html")]
struct GapList {
    l: Lang,
    pager: Pager,
    gaps: Vec<GapLine>,
}

/// `/chain`: the year, a region within reach, the page of the gap list.
#[derive(serde::Deserialize, Default)]
pub struct ChainParams {
    year: Option<String>,
    #[serde(default)]
    region: Option<String>,
    page: Option<String>,
}

/// What to do next for a household's missing links, in words.
pub fn next_steps(l: Lang, view: &ChainView, h: &records::ChainHousehold) -> String {
    let steps = view.next.get(&h.village).cloned().unwrap_or_default();
    h.links
        .gaps()
        .iter()
        .map(|link| match link {
            Link::Trained => match (&steps.next_session, steps.stations.is_empty()) {
                (Some(n), _) => format!(
                    "{} {}（{}）",
                    l.t("参加培训", "attend"),
                    n.session_id,
                    xplus_core::values::format_date(n.date)
                ),
                (None, false) => format!(
                    "{} {}",
                    l.t("由站点安排培训：", "to be trained by "),
                    steps.stations.join("、")
                ),
                (None, true) => l
                    .t("本村无服务站点", "no station serves the village")
                    .into(),
            },
            Link::PairedCadre | Link::PairedUnit if !steps.units.is_empty() => format!(
                "{} {}",
                l.t("由包村单位安排结对：", "a cadre of "),
                steps.units.join("、")
            ),
            Link::PairedCadre => l.t("安排帮扶干部结对", "pair a helper cadre").into(),
            Link::PairedUnit => l.t("安排单位包村", "pair a unit with the village").into(),
            Link::HoldingShares => match steps.pools.first() {
                Some((project, left)) => format!(
                    "{} {project}（{} {left}）",
                    l.t("从股池配股：", "grant shares of "),
                    l.t("剩余", "left")
                ),
                None => l
                    .t("本村无可配股的项目", "no project with shares left")
                    .into(),
            },
            Link::InIndustry => l
                .t("带动参与产业或转移就业", "bring into an industry or a job")
                .into(),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// What the page shows above the gap list.
struct Summary {
    poor: u64,
    full: u64,
    full_applicable: u64,
    links: [u64; 5],
    villages: Vec<VillageLine>,
}

/// The gap list's lines of `view`'s households (`gaps`: those shown).
fn gap_lines(l: Lang, view: &ChainView, gaps: &[&records::ChainHousehold]) -> Vec<GapLine> {
    gaps.iter()
        .map(|h| GapLine {
            household_id: h.household_id.clone(),
            village: view.name(h.village).to_string(),
            missing: h
                .links
                .gaps()
                .iter()
                .map(|k| l.label(k.code(), k.label_zh()))
                .collect::<Vec<_>>()
                .join("、"),
            next: next_steps(l, view, h),
            not_applicable: h
                .links
                .not_applicable_links()
                .iter()
                .map(|(k, why)| {
                    format!(
                        "{}（{}）",
                        l.label(k.code(), k.label_zh()),
                        l.label(why.code(), why.label_zh())
                    )
                })
                .collect::<Vec<_>>()
                .join("、"),
        })
        .collect()
}

/// The kept figures of `access`'s reach for `year`, once the counties with changes are folded
/// in (unless another request is doing it); None when a page must read the records instead (see
/// `records::kept_chain`). The full-chain and the 远教 pages both start here.
pub(super) async fn kept_figures(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
) -> Result<Option<records::KeptChain>, WebError> {
    state.refresh_marked().await?;
    Ok(records::kept_chain(state.store.as_ref(), access, year).await?)
}

/// The page from the kept figures (a region's reach, a year of the kept window, nothing
/// marked for a refresh): the figures of the regions shown and one page of gaps, whatever the
/// size of the reach. None when they cannot answer.
async fn from_kept(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
    list: &mut (dyn FnMut(u64) -> Pager + Send),
    l: Lang,
) -> Result<Option<(Summary, GapList)>, WebError> {
    let Some(kept) = kept_figures(state, access, year).await? else {
        return Ok(None);
    };
    let pager = list(kept.total.missing(records::Missing::AnyLink));
    let Some((_, view)) =
        records::chain_gap_page(state.store.as_ref(), access, year, pager.window(), today())
            .await?
    else {
        return Ok(None);
    };
    let shown: Vec<&records::ChainHousehold> = view.households.iter().collect();
    let gaps = gap_lines(l, &view, &shown);
    let root = root_of(access);
    let summary = Summary {
        poor: kept.total.poor,
        full: kept.total.full,
        full_applicable: kept.total.full_applicable,
        links: kept.total.links,
        villages: kept
            .regions
            .iter()
            .filter(|(code, _)| is_child_of(**code, root))
            .map(|(code, f)| VillageLine {
                code: code.to_string(),
                name: kept.names.get(&code.as_u64()).cloned().unwrap_or_default(),
                poor: f.poor,
                links: f.links,
                full: f.full,
                full_applicable: f.full_applicable,
            })
            .collect(),
    };
    Ok(Some((summary, GapList { l, pager, gaps })))
}

/// The page from the records of the whole reach (a helper's households, a year outside the
/// kept window, or figures not yet refreshed).
async fn from_records(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
    list: &mut (dyn FnMut(u64) -> Pager + Send),
    l: Lang,
) -> Result<(Summary, GapList), WebError> {
    let view = records::full_chain(state.store.as_ref(), access, year, today()).await?;
    let gaps = view.gaps();
    let pager = list(gaps.len() as u64);
    let window = pager.window();
    let shown: Vec<&records::ChainHousehold> = gaps
        .into_iter()
        .skip(window.offset as usize)
        .take(window.limit as usize)
        .collect();
    let lines = gap_lines(l, &view, &shown);
    let root = root_of(access);
    let summary = Summary {
        poor: view.households.len() as u64,
        full: view.full(),
        full_applicable: view.full_applicable(),
        links: std::array::from_fn(|i| view.count(Link::ALL[i])),
        villages: view
            .by_region()
            .into_iter()
            .filter(|(code, _)| is_child_of(*code, root))
            .map(|(code, (poor, links, full, full_applicable))| VillageLine {
                code: code.to_string(),
                name: view.name(code).to_string(),
                poor,
                links,
                full,
                full_applicable,
            })
            .collect(),
    };
    Ok((
        summary,
        GapList {
            l,
            pager,
            gaps: lines,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<ChainParams>,
) -> Result<Response, WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let year = match super::paging::latest_asked(p.year.as_deref()) {
        Some(_) => super::assessment::assessment_year(&state, p.year.as_deref()).await?,
        None => match records::latest_year_of(state.store.as_ref(), &access, Measure::ChainPoor)
            .await?
        {
            Some(y) => y,
            None => super::assessment::assessment_year(&state, None).await?,
        },
    };
    let region = p.region.clone().unwrap_or_default().trim().to_string();
    let query = query_of(&[("year", &year.to_string()), ("region", &region)]);
    let mut pager = |total: u64| Pager::new(total, asked, "/chain", &query, "gap-list");
    let (summary, list) = match from_kept(&state, &access, year, &mut pager, l).await? {
        Some(kept) => kept,
        None => from_records(&state, &access, year, &mut pager, l).await?,
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    let root = root_of(&access);
    let own = root_of(&user.access);
    html(&ChainPage {
        c: Chrome::new(l, &user, "chain"),
        year,
        poor: summary.poor,
        full: summary.full,
        full_applicable: summary.full_applicable,
        links: Link::ALL
            .iter()
            .zip(summary.links)
            .map(|(k, n)| (l.label(k.code(), k.label_zh()), n))
            .collect(),
        villages: summary.villages,
        up: match (root, own) {
            (Some(r), o) if Some(r) != o => Some(
                r.parent()
                    .filter(|up| own.is_none_or(|o| up.is_within(o)))
                    .map(|up| up.to_string())
                    .unwrap_or_default(),
            ),
            _ => None,
        },
        region,
        list,
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let view = records::full_chain(
        state.store.as_ref(),
        &super::narrowed(&user.access, p.region.as_deref())?,
        year,
        today(),
    )
    .await?;
    let next: Vec<String> = view
        .gaps()
        .iter()
        .map(|h| next_steps(l, &view, h))
        .collect();
    super::xlsx_download(format!("full-chain-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::chain_workbook(&view, &next)?)
    })
    .await
}
