//! 集体 pages: the villages' collective economy of a year against the "123" plan and the strong
//! village goal, pledge loans per county, a project with its holders and payments (BOT status),
//! and a household's shares, dividends and loans.

use super::entries::shown;
use super::paging::{asked_page, query_of, year_or_latest, Pager};
use super::targets::{percent, TargetShown};
use super::{day_of, html, is_htmx, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use xplus_core::collective::economy::{AssetHolder, PlanStatus};
use xplus_core::collective::ledger::households_total;
use xplus_core::interchange::schema::VILLAGE_ENTERPRISES;
use xplus_core::interchange::schema::{LOANS, PROJECTS, PROJECT_INVESTORS};
use xplus_core::registry::RegionCode;
use xplus_core::rollup::Measure;
use xplus_core::rules::RuleSet;
use xplus_core::values::format_date;
use xplus_output::workbooks::TargetRow;
use xplus_store::records::{
    self, AssetRow, CollectiveOverview, CollectiveTargets, HouseholdShares, ProjectView,
    VillageCollective, VillageEconomy,
};

#[derive(Template)]
#[template(path = "collective.html")]
struct CollectivePage {
    c: Chrome,
    o: std::sync::Arc<CollectiveOverview>,
    list: VillageList,
    /// The targets of the region viewed and the empty-shell plan.
    t: CollectiveTargets,
    /// (what, target, actual) for each target line.
    targets: Vec<(String, TargetShown, String)>,
}

/// A page of the villages' incomes (the part htmx swaps).
#[derive(Template)]
#[template(path = "collective_villages.html")]
struct VillageList {
    l: Lang,
    pager: Pager,
    villages: Vec<VillageEconomy>,
}

/// `/collective`: the year and the page of the villages.
#[derive(serde::Deserialize, Default)]
pub struct CollectiveParams {
    year: Option<String>,
    page: Option<String>,
}

impl CollectivePage {
    fn reduction(&self) -> i64 {
        self.o.empty_shell_last_year as i64 - self.o.empty_shell as i64
    }

    fn strong_share(&self) -> String {
        if self.o.villages.is_empty() {
            return "-".into();
        }
        let bp = self.o.strong * 10_000 / self.o.villages.len() as u64;
        super::targets::percent(bp as i64)
    }

    fn count(&self, status: &str) -> u64 {
        PlanStatus::parse(status).map_or(0, |s| self.t.count(s))
    }
}

/// The year's figures against the targets in force for the region viewed: the "123" number,
/// no empty-shell village from the plan's last year, the strong-village share by its year. A
/// target before its year is shown without a verdict.
fn target_lines(
    l: Lang,
    o: &CollectiveOverview,
    t: &CollectiveTargets,
) -> Vec<(String, TargetShown, String)> {
    let mut lines = Vec::new();
    if let Some(r) = &t.reduction {
        let fewer = o.empty_shell_last_year as i64 - o.empty_shell as i64;
        lines.push((
            l.t(
                "“123”工程：比上年减少空壳村（个，不少于）",
                "\"123\" plan: fewer empty-shell villages than last year (at least)",
            )
            .to_string(),
            TargetShown::new(l, r, TargetShown::plain, Some(fewer >= r.value)),
            fewer.to_string(),
        ));
    }
    let zero = &t.zero_year;
    let due = i64::from(o.year) >= zero.value;
    lines.push((
        l.t(
            "消灭空壳村（目标年度起空壳村为0）",
            "No empty-shell village (none from the target year)",
        )
        .to_string(),
        TargetShown::new(
            l,
            zero,
            TargetShown::plain,
            due.then_some(o.empty_shell == 0),
        ),
        o.empty_shell.to_string(),
    ));
    let villages = o.villages.len() as u64;
    let by_year = i64::from(o.year) >= t.strong_year.value;
    let met = by_year.then(|| t.strong_bp.share_met(o.strong, villages));
    let actual = (o.strong * 10_000)
        .checked_div(villages)
        .map_or_else(|| "-".to_string(), |bp| percent(bp as i64));
    lines.push((
        format!(
            "{}{}{}",
            l.t("集体经济强村占比（", "Share of strong villages (by "),
            t.strong_year.value,
            l.t("年）", ")")
        ),
        TargetShown::new(l, &t.strong_bp, percent, met),
        actual,
    ));
    lines
}

/// The year's villages (computed from the records once per change of them) and the targets in
/// force for the region viewed, judged by its own rules (inherited where it has none).
async fn year_figures(
    state: &AppState,
    access: &xplus_core::accounts::Access,
    year: i32,
) -> Result<(std::sync::Arc<CollectiveOverview>, CollectiveTargets), WebError> {
    let day = today();
    state.refresh_marked().await?;
    let store = state.store.as_ref();
    let book = records::rule_book(store).await?;
    let rules = records::rules_for_view(&book, access, year).set;
    let compute = records::collective_overview(store, access, &rules, year, day);
    let o = state
        .computed("collective", access, year, day, compute)
        .await?;
    let t = records::collective_targets(store, access, &book, year).await?;
    Ok((o, t))
}

/// `/collective.xlsx?year=`: the page's villages, targets, plan and loans as a workbook.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<CollectiveParams>,
) -> Result<Response, WebError> {
    let year = year_or_latest(
        &state,
        &user.access,
        p.year.as_deref(),
        Measure::CollectiveReported,
    )
    .await?;
    let (o, t) = year_figures(&state, &user.access, year).await?;
    let targets: Vec<TargetRow> = target_lines(l, &o, &t)
        .into_iter()
        .map(|(what, shown, actual)| TargetRow {
            what,
            target: shown.value,
            origin: shown.origin,
            source: shown.source,
            actual,
            met: shown.met,
        })
        .collect();
    super::xlsx_download(format!("collective-{year}.xlsx"), move || {
        Ok(xplus_output::collective::collective_workbook(
            &o, &t, &targets,
        )?)
    })
    .await
}

pub async fn overview(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<CollectiveParams>,
) -> Result<Response, WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let year = year_or_latest(
        &state,
        &user.access,
        p.year.as_deref(),
        Measure::CollectiveReported,
    )
    .await?;
    let (o, t) = year_figures(&state, &user.access, year).await?;
    let pager = Pager::new(
        o.villages.len() as u64,
        asked,
        "/collective",
        &query_of(&[("year", &year.to_string())]),
        "list",
    );
    let window = pager.window();
    let villages = o
        .villages
        .iter()
        .skip(window.offset as usize)
        .take(window.limit as usize)
        .cloned()
        .collect();
    let list = VillageList { l, pager, villages };
    if is_htmx(&headers) {
        return html(&list);
    }
    html(&CollectivePage {
        c: Chrome::new(l, &user, "collective"),
        targets: target_lines(l, &o, &t),
        o,
        list,
        t,
    })
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    c: Chrome,
    facts: Vec<(String, String)>,
    v: ProjectView,
    id: String,
    /// The investors' columns (without the project) and their rows as shown.
    investor_headers: Vec<String>,
    investors: Vec<Vec<String>>,
    /// Shares left to grant to households: the total less the investors' and the households'.
    pool: i64,
}

pub async fn project(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let v = records::project_view(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let facts = PROJECTS
        .columns
        .iter()
        .zip(&v.project)
        .map(|(c, value)| {
            (
                crate::forms::column_label(l, c.zh, c.en),
                shown(l, c, value, &user.access),
            )
        })
        .collect();
    let investors = (v.investors.iter())
        .map(|r| {
            (PROJECT_INVESTORS.columns.iter().zip(r).skip(1))
                .map(|(c, value)| shown(l, c, value, &user.access))
                .collect()
        })
        .collect();
    let total = v.project.get(6).and_then(|t| t.as_int()).unwrap_or(0);
    let pool = households_total(total, v.investor_shares).unwrap_or(0) - v.held;
    html(&ProjectPage {
        c: Chrome::new(l, &user, "collective"),
        facts,
        investor_headers: (PROJECT_INVESTORS.columns.iter().skip(1))
            .map(|c| crate::forms::column_label(l, c.zh, c.en))
            .collect(),
        investors,
        pool,
        v,
        id,
    })
}

#[derive(Template)]
#[template(path = "shares.html")]
struct SharesPage {
    c: Chrome,
    id: String,
    s: HouseholdShares,
    loan_headers: Vec<String>,
    loans: Vec<Vec<String>>,
}

pub async fn household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let s = records::household_shares(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let loans = s
        .loans
        .iter()
        .map(|r| {
            LOANS
                .columns
                .iter()
                .zip(r)
                .map(|(c, v)| shown(l, c, v, &user.access))
                .collect()
        })
        .collect();
    html(&SharesPage {
        c: Chrome::new(l, &user, "households"),
        loan_headers: LOANS
            .columns
            .iter()
            .map(|c| crate::forms::column_label(l, c.zh, c.en))
            .collect(),
        loans,
        id,
        s,
    })
}

#[derive(serde::Deserialize)]
pub struct OnParam {
    date: Option<String>,
}

/// Who holds an asset, as the register says it.
pub(crate) fn holder_text(l: Lang, a: &AssetRow) -> String {
    let enterprise = a.enterprise.as_deref().unwrap_or("");
    match a.holder {
        AssetHolder::Village => l.t("村集体", "the village collective").to_string(),
        AssetHolder::Concession { end: Some(end) } => format!(
            "{enterprise} {}{}",
            l.t("特许经营至", "runs it until "),
            format_date(end)
        ),
        AssetHolder::Concession { end: None } => {
            format!("{enterprise} {}", l.t("特许经营中", "under concession"))
        }
        AssetHolder::PassedToVillage { on } => format!(
            "{}{}{} {enterprise}{}",
            l.t("村集体（", "the village collective (since "),
            format_date(on),
            l.t("期满无偿移交，原", ", handed over free by"),
            l.t("）", ")")
        ),
    }
}

#[derive(Template)]
#[template(path = "assets.html")]
struct AssetsPage {
    c: Chrome,
    on: String,
    assets: Vec<AssetRow>,
}

impl AssetsPage {
    fn holder(&self, a: &AssetRow) -> String {
        holder_text(self.c.l, a)
    }

    fn model(&self, a: &AssetRow) -> String {
        a.model
            .map(|m| self.c.l.label(m.code(), m.label_zh()))
            .unwrap_or_default()
    }

    /// (under concession, passed to the village, the village's from the start).
    fn counts(&self) -> (usize, usize, usize) {
        let of = |f: fn(&AssetHolder) -> bool| self.assets.iter().filter(|a| f(&a.holder)).count();
        (
            of(|h| matches!(h, AssetHolder::Concession { .. })),
            of(|h| matches!(h, AssetHolder::PassedToVillage { .. })),
            of(|h| matches!(h, AssetHolder::Village)),
        )
    }
}

/// The collective asset register (资产台账) on a day.
pub async fn assets(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<OnParam>,
) -> Result<Response, WebError> {
    let on = day_of(p.date.as_deref())?;
    let assets = records::asset_register(state.store.as_ref(), &user.access, on).await?;
    html(&AssetsPage {
        c: Chrome::new(l, &user, "collective"),
        on: format_date(on),
        assets,
    })
}

#[derive(Template)]
#[template(path = "village_collective.html")]
struct VillagePage {
    c: Chrome,
    v: VillageCollective,
    enterprise_headers: Vec<String>,
    enterprises: Vec<Vec<String>>,
}

impl VillagePage {
    fn holder(&self, a: &AssetRow) -> String {
        holder_text(self.c.l, a)
    }
}

/// A village's collective economy: income by year, projects and who holds them today, and the
/// enterprises and co-operatives it runs.
pub async fn village(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = RegionCode::parse(&code).map_err(|_| WebError::not_found())?;
    let v = records::village_collective(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        code,
        today(),
    )
    .await?
    .ok_or_else(WebError::not_found)?;
    let enterprises = v
        .enterprises
        .iter()
        .map(|r| {
            VILLAGE_ENTERPRISES
                .columns
                .iter()
                .zip(r)
                .map(|(c, value)| shown(l, c, value, &user.access))
                .collect()
        })
        .collect();
    html(&VillagePage {
        c: Chrome::new(l, &user, "collective"),
        enterprise_headers: VILLAGE_ENTERPRISES
            .columns
            .iter()
            .map(|c| crate::forms::column_label(l, c.zh, c.en))
            .collect(),
        enterprises,
        v,
    })
}
