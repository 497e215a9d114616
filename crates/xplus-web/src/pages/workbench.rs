//! 工作台 (issue 19): every role's landing page — what waits for this account, each count a link
//! to the list behind it: exit batches waiting for a step it may take (by step), batches in their
//! public notice and when it ends, households with gaps in the full chain, paired households
//! whose helper is overdue with a visit, households under monitoring, and an administrator's
//! recent imports. Region figures come from the roll-ups (the dashboard's cached figures), so the
//! page costs the same for a village as for a province.

use super::{html, today, Chrome, YearParam};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_core::accounts::{Role, Scope};
use xplus_core::assessment::procedure::ExitStep;
use xplus_core::rollup::Measure;
use xplus_store::records::{self, AuditQuery, VisitsDue, WaitingBatch};

/// A count with the list behind it.
pub struct Count {
    pub id: &'static str,
    pub label: String,
    pub value: u64,
    pub href: String,
    /// A line under the count (how it is counted).
    pub note: String,
}

/// An import of this account: when, how many rows, how many warnings.
pub struct ImportLine {
    pub at: String,
    pub rows: u64,
    pub warnings: u64,
}

#[derive(Template)]
#[template(path = "workbench.html")]
struct WorkbenchPage {
    c: Chrome,
    year: i32,
    greeting: String,
    waiting: Vec<Count>,
    notices: Vec<WaitingBatch>,
    counts: Vec<Count>,
    imports: Option<Vec<ImportLine>>,
    links: Vec<(String, String)>,
}

/// The year the workbench counts: the one asked for (or remembered), else for a region the
/// latest year its roll-ups have the chain's figures for (the dashboard's default), else the
/// latest year with a poverty line (the assessment's).
async fn year(state: &AppState, user: &Signed, asked: Option<&str>) -> Result<i32, WebError> {
    if super::paging::latest_asked(asked).is_none() {
        // One row of the roll-ups, not the region's whole dashboard (the page reads that once,
        // for its counts).
        let chain = records::latest_year_of(state.store.as_ref(), &user.access, Measure::ChainPoor);
        if let Some(y) = chain.await? {
            return Ok(y);
        }
    }
    super::assessment::assessment_year(state, asked).await
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year(&state, &user, p.year.as_deref()).await?;
    let store = state.store.as_ref();
    let batches = records::open_batches(store, &user.access, today()).await?;
    // The overdue visits are counted over every pairing within reach (a scan, not a roll-up):
    // the page comes at once and that tile fills itself in (`/workbench/tile/visits`).
    let counts = region_counts(&state, &user, l, year).await?;
    let imports = if user.access.may_import() {
        Some(recent_imports(&state, &user).await?)
    } else {
        None
    };
    let mut waiting = waiting_counts(l, &batches);
    waiting.extend(task_tiles(&state, &user, l).await?);
    html(&WorkbenchPage {
        greeting: greeting(l, &user),
        waiting,
        notices: batches
            .into_iter()
            .filter(|b| b.stage == xplus_core::assessment::procedure::ExitStage::Notice)
            .collect(),
        counts,
        imports,
        links: links(l, &user),
        c: Chrome::new(l, &user, "workbench"),
        year,
    })
}

fn greeting(l: Lang, user: &Signed) -> String {
    let role = user.access.role();
    format!(
        "{} · {}",
        user.account.name,
        l.label(role.code(), role.label_zh())
    )
}

/// The batches (of any year) waiting for a step this account may take, one count per step (only
/// steps with batches), each leading to the exit list narrowed to them.
pub(super) fn waiting_counts(l: Lang, batches: &[WaitingBatch]) -> Vec<Count> {
    ExitStep::ALL
        .iter()
        .filter_map(|step| {
            let n = batches
                .iter()
                .filter(|b| b.mine && b.step == Some(*step))
                .count() as u64;
            (n > 0).then(|| Count {
                id: step.code(),
                label: format!(
                    "{}{}",
                    l.t("待", "Waiting for "),
                    l.label(step.code(), step.label_zh())
                ),
                value: n,
                href: format!("/exits?step={}", step.code()),
                note: l.t("个退出批次", "exit batches").to_string(),
            })
        })
        .collect()
}

/// The verification tasks within reach that wait for an outcome, and the overdue among them
/// (部门比对核查), each leading to the task list; nothing when there are none.
pub(super) async fn task_tiles(
    state: &AppState,
    user: &Signed,
    l: Lang,
) -> Result<Vec<Count>, WebError> {
    let counts = records::task_counts(state.store.as_ref(), &user.access, today()).await?;
    let (open, overdue) = counts.totals();
    let mut tiles = Vec::new();
    if open > 0 {
        tiles.push(Count {
            id: "tasks-open",
            label: l.t("待核查任务", "Open verification tasks").into(),
            value: open,
            href: "/tasks?handling=verify".into(),
            note: l
                .t(
                    "部门数据比对发现，待核实",
                    "found by other departments' lists",
                )
                .into(),
        });
    }
    if overdue > 0 {
        tiles.push(Count {
            id: "tasks-overdue",
            label: l.t("逾期核查任务", "Overdue verification tasks").into(),
            value: overdue,
            href: "/tasks?state=overdue".into(),
            note: l.t("已过核查期限", "past their due day").into(),
        });
    }
    Ok(tiles)
}

fn visits_count(l: Lang, due: &VisitsDue, year: i32) -> Count {
    Count {
        id: "visits-overdue",
        label: l
            .t("走访逾期的结对户", "Paired households overdue for a visit")
            .into(),
        value: due.overdue,
        href: format!("/workbench/visits?year={year}"),
        note: format!(
            "{}{}{}{}{}",
            l.t("共结对 ", "of "),
            due.paired,
            l.t(" 户；超过 ", " paired, more than "),
            due.interval_days,
            l.t(
                &format!(" 天未走访（截至 {}）", due.as_of),
                &format!(" days without a visit (as of {})", due.as_of)
            ),
        ),
    }
}

/// Chain gaps and monitored households: from the roll-ups for a region, from the chain itself
/// for a helper (whose reach is a handful of households).
async fn region_counts(
    state: &AppState,
    user: &Signed,
    l: Lang,
    year: i32,
) -> Result<Vec<Count>, WebError> {
    let (gaps, poor, monitored) = match records::dashboard_region(&user.access, None) {
        Some(region) => {
            let (d, _) = state.dashboard(region, today()).await?;
            let f = &d.region;
            let poor = f.get(Measure::ChainPoor, year, "");
            // The gap list's households: a link missing that applies to them.
            let full = f.get(Measure::ChainFullApplicable, year, "");
            let monitored = f.get(Measure::MonitoredHouseholds, 0, "");
            (poor - full, poor, Some(monitored))
        }
        None => {
            let chain =
                records::full_chain(state.store.as_ref(), &user.access, year, today()).await?;
            let poor = chain.households.len() as i64;
            (chain.gaps().len() as i64, poor, None)
        }
    };
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    let mut out = vec![Count {
        id: "chain-gaps",
        label: l
            .t(
                "全链条有缺环的贫困户",
                "Poor households with a gap in the chain",
            )
            .into(),
        value: n(gaps),
        href: format!("/chain?year={year}"),
        note: format!(
            "{}{}{}",
            l.t(&format!("{year} 年初贫困户 "), &format!("of {year}'s ")),
            poor,
            l.t(" 户", " poor households at the start of the year")
        ),
    }];
    if let Some(m) = monitored {
        out.push(Count {
            id: "monitored",
            label: l.t("防返贫监测户", "Households under monitoring").into(),
            value: n(m),
            href: format!("/monitoring?year={year}"),
            note: l.t("当前处于监测中的户", "monitored now").into(),
        });
    }
    Ok(out)
}

async fn recent_imports(state: &AppState, user: &Signed) -> Result<Vec<ImportLine>, WebError> {
    let query = AuditQuery {
        actor: Some(user.account.name.clone()),
        entity: Some("bundle".into()),
        record_key: None,
        before: None,
    };
    let entries = records::audit_page(state.store.as_ref(), &user.access, &query, 5).await?;
    Ok(entries
        .iter()
        .filter(|e| e.action == "import")
        .map(|e| {
            let summary: serde_json::Value = e
                .new_values
                .as_deref()
                .and_then(|v| serde_json::from_str(v).ok())
                .unwrap_or_default();
            ImportLine {
                at: e.at.chars().take(16).collect::<String>().replace('T', " "),
                rows: summary["rows"]
                    .as_object()
                    .map_or(0, |m| m.values().filter_map(|v| v.as_u64()).sum()),
                warnings: summary["warnings"].as_u64().unwrap_or(0),
            }
        })
        .collect())
}

/// The pages a role starts its day from.
fn links(l: Lang, user: &Signed) -> Vec<(String, String)> {
    let link = |href: &str, zh: &str, en: &str| (href.to_string(), l.t(zh, en).to_string());
    let mut out = Vec::new();
    match (user.access.role(), user.access.scope()) {
        (_, Scope::PairedWith(_)) => {
            out.push(link("/households", "我的帮扶户", "My households"));
            out.push(link("/records/visits", "记录走访", "Record a visit"));
        }
        (Role::Secretary, Scope::Region(v)) => {
            out.push(link(&format!("/regions/{v}"), "本村", "My village"));
            out.push(link(
                &format!("/responsibility/{v}"),
                "扶持谁·怎么扶·谁来扶",
                "Responsibility list",
            ));
            out.push(link(
                &format!("/exits/{v}"),
                "本村退出程序",
                "Exit procedure",
            ));
        }
        _ => {
            out.push(link("/dashboard", "数据看板", "Dashboard"));
            out.push(link("/exits", "退出程序", "Exit procedure"));
            out.push(link("/report", "年度报告", "Yearly report"));
        }
    }
    out
}

/// The overdue visits within `user`'s reach in `year`. Counties marked for a roll-up refresh
/// are counted from the records at each reading until it runs, so one is started.
async fn due_within(state: &AppState, user: &Signed, year: i32) -> Result<VisitsDue, WebError> {
    let day = today();
    let due = records::visits_due(
        state.store.as_ref(),
        &user.access,
        year,
        day,
        &state.kept_due,
    );
    let due = due.await?;
    if due.marked > 0 {
        state.refresh_soon();
    }
    Ok(due)
}

#[derive(Template)]
#[template(path = "workbench_tile.html")]
struct TilePart {
    n: Count,
}

/// The overdue-visit tile of the workbench, asked for by the page once it is shown.
pub async fn visits_tile(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = year(&state, &user, p.year.as_deref()).await?;
    let due = due_within(&state, &user, year).await?;
    html(&TilePart {
        n: visits_count(l, &due, year),
    })
}

#[derive(Template)]
#[template(path = "visits_due.html")]
struct VisitsDuePage {
    c: Chrome,
    year: i32,
    due: VisitsDue,
    rows: Vec<records::DueVisit>,
    pager: super::paging::Pager,
    l: Lang,
}

/// The list alone, for htmx's page links.
#[derive(Template)]
#[template(path = "visits_due_list.html")]
struct VisitsDueList {
    c: Chrome,
    rows: Vec<records::DueVisit>,
    pager: super::paging::Pager,
    l: Lang,
}

#[derive(serde::Deserialize)]
pub struct DueParams {
    year: Option<String>,
    page: Option<String>,
}

/// The list behind the overdue count: the longest without a visit first, paged.
pub async fn visits_due(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: axum::http::HeaderMap,
    Query(p): Query<DueParams>,
) -> Result<Response, WebError> {
    let year = year(&state, &user, p.year.as_deref()).await?;
    let store = state.store.as_ref();
    let due = due_within(&state, &user, year).await?;
    let pager = super::paging::Pager::new(
        due.overdue,
        super::paging::asked_page(p.page.as_deref())?,
        "/workbench/visits",
        &super::paging::query_of(&[("year", &year.to_string())]),
        "visits-due-list",
    );
    let rows = records::overdue_visits(store, &user.access, &due, pager.window()).await?;
    if super::is_htmx(&headers) {
        return html(&VisitsDueList {
            c: Chrome::new(l, &user, "workbench"),
            rows,
            pager,
            l,
        });
    }
    html(&VisitsDuePage {
        c: Chrome::new(l, &user, "workbench"),
        year,
        due,
        rows,
        pager,
        l,
    })
}
