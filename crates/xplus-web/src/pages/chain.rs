//! 全链条 page (rules.md §6): for the households poor at the start of a year within reach, the
//! five links and the full chain, per village, and the gap list with what to do next; the same
//! as a workbook.

use super::{html, today, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::assessment::chain::Link;
use xplus_store::records::{self, ChainView};

const SHOWN_GAPS: usize = 200;

pub struct VillageLine {
    pub code: String,
    pub name: String,
    /// 1 county, 2 town, 3 village: the indent of the line.
    pub depth: u8,
    pub poor: u64,
    pub links: [u64; 5],
    pub full: u64,
}

pub struct GapLine {
    pub household_id: String,
    pub village: String,
    pub missing: String,
    pub next: String,
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
    links: Vec<(String, u64)>,
    villages: Vec<VillageLine>,
    gaps: Vec<GapLine>,
    gaps_total: usize,
}

/// What to do next for a household's missing links, in words.
pub fn next_steps(l: Lang, view: &ChainView, h: &records::ChainHousehold) -> String {
    let steps = view.next.get(&h.village).cloned().unwrap_or_default();
    h.links
        .missing()
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

pub async fn page(
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
    let gaps = view.gaps();
    html(&ChainPage {
        c: Chrome::new(l, &user, "chain"),
        year,
        region: p.region_text(),
        poor: view.households.len() as u64,
        full: view.full(),
        links: Link::ALL
            .iter()
            .map(|k| (l.label(k.code(), k.label_zh()), view.count(*k)))
            .collect(),
        villages: view
            .by_region()
            .into_iter()
            .map(|(code, (poor, links, full))| VillageLine {
                code: code.to_string(),
                name: view.name(code).to_string(),
                depth: match code.level() {
                    xplus_core::registry::Level::Village => 3,
                    xplus_core::registry::Level::Town => 2,
                    _ => 1,
                },
                poor,
                links,
                full,
            })
            .collect(),
        gaps_total: gaps.len(),
        gaps: gaps
            .iter()
            .take(SHOWN_GAPS)
            .map(|h| GapLine {
                household_id: h.household_id.clone(),
                village: view.name(h.village).to_string(),
                missing: h
                    .links
                    .missing()
                    .iter()
                    .map(|k| l.label(k.code(), k.label_zh()))
                    .collect::<Vec<_>>()
                    .join("、"),
                next: next_steps(l, &view, h),
            })
            .collect(),
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
