//! 数据看板 dashboard (issue 7): a region's headline figures and six charts — exits and returns by
//! year, poverty causes, the coverage of each link by child region, incidence by village, the
//! distribution of income per head, the collective economy against its lines — read from the
//! roll-ups only. Every figure and every chart element links to the list behind it (the household
//! list, the full chain, the monitoring list, a child region's dashboard), each of which exports
//! to Excel. The charts are Apache ECharts (vendored, docs/web.md), drawn by dashboard.js from
//! the data-chart attribute of each chart; the tables under them hold the same figures.

mod facts;

use super::{html, region_of, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use facts::facts;
use serde_json::json;
use xplus_core::assessment::chain::Link;
use xplus_core::registry::{Level, PovertyCause};
use xplus_core::rollup::{incidence_per_10k, income_band_label, Measure, INCOME_BAND_FLOORS_YUAN};
use xplus_store::records::{self, Dashboard, RegionFigures};

#[derive(serde::Deserialize, Default)]
pub struct DashboardParams {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

/// A figure with the list behind it.
pub struct Fact {
    pub id: &'static str,
    pub label: String,
    pub value: String,
    pub href: String,
}

/// One chart: its title, the ECharts description (JSON) and the same figures as table rows
/// (label, value, link).
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub spec: String,
    pub rows: Vec<(String, String, String)>,
    pub note: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    name: String,
    region: String,
    year: i32,
    years: Vec<i32>,
    up: Option<String>,
    facts: Vec<Fact>,
    charts: Vec<Chart>,
    refreshed: usize,
    updating: bool,
}

fn q(region: &str) -> String {
    crate::forms::url_encode(region)
}

/// `n / of` in thousandths, halves up; None of nothing.
fn per_mille(n: i64, of: i64) -> Option<i64> {
    (of > 0).then(|| (n * 2000 + of) / (of * 2))
}

/// `n / of` as a percentage with one decimal ("—" of nothing).
fn fmt_percent(n: i64, of: i64) -> String {
    per_mille(n, of).map_or_else(|| "—".into(), |t| format!("{}.{}%", t / 10, t % 10))
}

/// An incidence in ten-thousandths as a percentage with two decimals (core's one format).
fn fmt_incidence(per_10k: i64) -> String {
    xplus_core::assessment::village::format_bp_percent(per_10k)
}

/// Where a child region's bar leads: a village's own list (`village_page`), or the child's
/// dashboard above the village level.
fn child_href(c: &RegionFigures, year: i32, village_page: impl Fn(&str) -> String) -> String {
    let code = c.code.map(|r| r.to_string()).unwrap_or_default();
    match c.code.map(|r| r.level()) {
        Some(Level::Village) => village_page(&code),
        _ => format!("/dashboard?region={code}&year={year}"),
    }
}

/// A bar chart; `percent`: the values are shares in % (the axis and the tooltip say so), the
/// one unit of shares on every page.
fn bar(
    categories: &[String],
    series: Vec<serde_json::Value>,
    horizontal: bool,
    percent: bool,
) -> String {
    json!({
        "kind": "bar",
        "categories": categories,
        "horizontal": horizontal,
        "unit": if percent { "%" } else { "" },
        "series": series,
    })
    .to_string()
}

/// A share in % with one decimal, for a chart (0 of nothing).
fn percent_value(n: i64, of: i64) -> f64 {
    per_mille(n, of).map_or(0.0, |t| t as f64 / 10.0)
}

fn series<V: serde::Serialize>(name: &str, values: Vec<(V, String)>) -> serde_json::Value {
    json!({
        "name": name,
        "data": values.into_iter().map(|(v, href)| json!({"value": v, "href": href})).collect::<Vec<_>>(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let region = match p.region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(region_of(r)?),
        None => None,
    };
    let Some(region) = records::dashboard_region(&user.access, region) else {
        return Err(WebError::forbidden(
            "看板按区划统计，您的账号不在此范围 / the dashboard is by region, outside your reach",
        ));
    };
    let (d, fresh) = state.dashboard(region, today()).await?;
    let d = d.as_ref();
    let years = d.region.years();
    let year = match p.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse()
            .map_err(|_| WebError::bad_request(format!("年度无效 / invalid year: {y}")))?,
        None => default_year(&d.region),
    };
    let code = d.region.code.map(|c| c.to_string()).unwrap_or_default();
    // The region above, when the account reaches it ("" for the whole registry).
    let up = d.region.code.and_then(|c| match c.parent() {
        Some(p) if user.access.covers_region(p) => Some(p.to_string()),
        None if user.access.covers_region(c)
            && matches!(user.access.scope(), xplus_core::accounts::Scope::Everywhere) =>
        {
            Some(String::new())
        }
        _ => None,
    });
    let mut facts = facts(l, d, &code, year);
    facts.extend(task_facts(&state, &user, l, d.region.code, &code).await?);
    html(&DashboardPage {
        c: Chrome::new(l, &user, "dashboard"),
        name: l.pick(&d.region.name),
        region: code.clone(),
        year,
        years,
        up,
        facts,
        charts: vec![
            exits_chart(l, d, &code),
            causes_chart(l, d, &code, year),
            coverage_chart(l, d, year),
            incidence_chart(l, d),
            income_chart(l, d, &code, year),
            collective_chart(l, d, year),
        ],
        refreshed: fresh.refreshed,
        updating: fresh.updating,
    })
}

/// The verification tasks of the region open today and the overdue among them (they are of
/// today, not of the year shown: a task is done or not now).
async fn task_facts(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    region: Option<xplus_core::registry::RegionCode>,
    code: &str,
) -> Result<Vec<Fact>, WebError> {
    let access = match region {
        Some(r) => user
            .access
            .narrowed_to(r)
            .unwrap_or_else(|| user.access.clone()),
        None => user.access.clone(),
    };
    let counts = records::task_counts(state.store.as_ref(), &access, today()).await?;
    let (open, overdue) = counts.totals();
    let href = |state: &str| format!("/tasks?state={state}&handling=verify&region={}", q(code));
    Ok(vec![
        Fact {
            id: "tasks-open",
            label: l.t("待核查任务", "Open verification tasks").into(),
            value: open.to_string(),
            href: href("open"),
        },
        Fact {
            id: "tasks-overdue",
            label: l.t("逾期核查任务", "Overdue verification tasks").into(),
            value: overdue.to_string(),
            href: href("overdue"),
        },
    ])
}

/// The latest year with coverage figures, else the latest with any.
pub(crate) fn default_year(f: &RegionFigures) -> i32 {
    let covered = f.by_year(Measure::ChainPoor);
    covered
        .last()
        .map(|(y, _)| *y)
        .or_else(|| f.years().last().copied())
        .unwrap_or_else(|| chrono::Datelike::year(&today()))
}

fn exits_chart(l: Lang, d: &Dashboard, region: &str) -> Chart {
    let f = &d.region;
    let r = q(region);
    let exits = f.by_year(Measure::ExitedHouseholds);
    let returns = f.by_year(Measure::ReturnsRecorded);
    let mut years: Vec<i32> = exits.iter().chain(&returns).map(|(y, _)| *y).collect();
    years.sort_unstable();
    years.dedup();
    let value = |list: &[(i32, i64)], y: i32| {
        list.iter()
            .find(|(year, _)| *year == y)
            .map_or(0, |(_, n)| *n)
    };
    let exit_href = |y: i32| format!("/households?region={r}&exit_year={y}");
    let return_href = |y: i32| format!("/monitoring?year={y}&region={r}");
    let mut rows = Vec::new();
    for &y in &years {
        rows.push((
            format!("{y} {}", l.t("脱贫", "exited")),
            value(&exits, y).to_string(),
            exit_href(y),
        ));
        rows.push((
            format!("{y} {}", l.t("返贫", "returned")),
            value(&returns, y).to_string(),
            return_href(y),
        ));
    }
    Chart {
        id: "exits",
        title: l.t("脱贫与返贫（户，按年度）", "Exits and returns by year (households)").into(),
        spec: bar(
            &years.iter().map(|y| y.to_string()).collect::<Vec<_>>(),
            vec![
                series(
                    l.t("脱贫户", "Exited"),
                    years.iter().map(|&y| (value(&exits, y), exit_href(y))).collect(),
                ),
                series(
                    l.t("返贫户", "Returned"),
                    years.iter().map(|&y| (value(&returns, y), return_href(y))).collect(),
                ),
            ],
            false,
            false,
        ),
        rows,
        note: l
            .t(
                "脱贫按户的脱贫年度；返贫按年度评估记录的年度。",
                "Exits by each household's exit year; returns by the year the assessment (assess --apply) recorded them.",
            )
            .into(),
    }
}

fn causes_chart(l: Lang, d: &Dashboard, region: &str, year: i32) -> Chart {
    let r = q(region);
    let at = d.region.at_end(year);
    let when = if at.as_recorded_now {
        String::new()
    } else {
        format!("&at_end={year}")
    };
    let mut causes: Vec<(String, i64, String)> = at
        .causes
        .iter()
        .map(|(code, n)| {
            let (code, n) = (code.as_str(), *n);
            let label = PovertyCause::parse(code)
                .map(|c| l.label(c.code(), c.label_zh()))
                .unwrap_or_else(|| code.to_string());
            (
                label,
                n,
                format!("/households?region={r}&poor=1&cause={}{when}", q(code)),
            )
        })
        .collect();
    causes.sort_by_key(|c| std::cmp::Reverse(c.1));
    Chart {
        id: "causes",
        title: format!(
            "{year}{}",
            l.t(
                "年末致贫原因（贫困户，一户可有多项）",
                " year-end poverty causes (poor households; several per household)",
            )
        ),
        spec: bar(
            &causes.iter().map(|c| c.0.clone()).collect::<Vec<_>>(),
            vec![series(
                l.t("户数", "Households"),
                causes.iter().map(|c| (c.1, c.2.clone())).collect(),
            )],
            true,
            false,
        ),
        rows: causes
            .into_iter()
            .map(|(label, n, href)| (label, n.to_string(), href))
            .collect(),
        note: String::new(),
    }
}

fn coverage_chart(l: Lang, d: &Dashboard, year: i32) -> Chart {
    let names: Vec<String> = d.children.iter().map(|c| c.name.clone()).collect();
    // A village's list is its full chain.
    let href =
        |c: &RegionFigures| child_href(c, year, |code| format!("/chain?year={year}&region={code}"));
    let percent = percent_value;
    let mut all = Vec::new();
    let mut rows = Vec::new();
    for link in Link::ALL {
        all.push(series(
            &l.label(link.code(), link.label_zh()),
            d.children
                .iter()
                .map(|c| {
                    let poor = c.get(Measure::ChainPoor, year, "");
                    (
                        percent(c.get(Measure::ChainLink, year, link.code()), poor),
                        href(c),
                    )
                })
                .collect(),
        ));
    }
    all.push(series(
        l.t("全链条（适用环节）", "Full chain (links that apply)"),
        d.children
            .iter()
            .map(|c| {
                let poor = c.get(Measure::ChainPoor, year, "");
                let applicable = c.get(Measure::ChainFullApplicable, year, "");
                (percent(applicable, poor), href(c))
            })
            .collect(),
    ));
    for c in &d.children {
        let poor = c.get(Measure::ChainPoor, year, "");
        let links: Vec<String> = Link::ALL
            .iter()
            .map(|k| fmt_percent(c.get(Measure::ChainLink, year, k.code()), poor))
            .collect();
        rows.push((
            c.name.clone(),
            format!(
                "{} {poor}；{}；{} {}（{} {}）",
                l.t("年初贫困户", "poor at start"),
                links.join(" · "),
                l.t("全链条", "full chain"),
                fmt_percent(c.get(Measure::ChainFullApplicable, year, ""), poor),
                l.t("五环全有", "all five"),
                fmt_percent(c.get(Measure::ChainFull, year, ""), poor)
            ),
            href(c),
        ));
    }
    Chart {
        id: "coverage",
        title: format!(
            "{year}{}",
            l.t("年各环节覆盖率（%，按下级区划）", ": coverage of each link by region (%)")
        ),
        spec: bar(&names, all, false, true),
        rows,
        note: l
            .t(
                "覆盖率 = 该环节覆盖的年初贫困户 ÷ 年初贫困户（全链条覆盖口径）。点击进入下级区划，村级进入全链条名单。",
                "Coverage = poor households at the start of the year with the link ÷ those households (the full-chain rule). Click to open the region below; a village opens its full-chain list.",
            )
            .into(),
    }
}

fn incidence_chart(l: Lang, d: &Dashboard) -> Chart {
    let villages: Vec<(&str, i64, i64, String)> = d
        .top_villages
        .iter()
        .filter_map(|(code, name, poor, population)| {
            Some((
                name.as_str(),
                incidence_per_10k(*poor, *population)?,
                *poor,
                format!("/households?region={code}&poor=1"),
            ))
        })
        .collect();
    Chart {
        id: "incidence",
        title: l
            .t(
                "当前贫困发生率最高的村（%）",
                "Villages with the highest incidence now (%)",
            )
            .into(),
        spec: bar(
            &villages.iter().map(|v| v.0.to_string()).collect::<Vec<_>>(),
            vec![series(
                l.t("贫困发生率（%）", "Incidence (%)"),
                // Ten-thousandths to % with two decimals, as the table shows them.
                villages
                    .iter()
                    .map(|v| (v.1 as f64 / 100.0, v.3.clone()))
                    .collect(),
            )],
            true,
            true,
        ),
        rows: villages
            .iter()
            .map(|(name, per10k, poor, href)| {
                (
                    name.to_string(),
                    format!(
                        "{}（{poor} {}）",
                        fmt_incidence(*per10k),
                        l.t("人", "persons")
                    ),
                    href.clone(),
                )
            })
            .collect(),
        note: l
            .t(
                "贫困发生率 = 贫困人口 ÷ 户籍人口（村表）。",
                "Incidence = poor persons ÷ registered population (villages table).",
            )
            .into(),
    }
}

fn income_chart(l: Lang, d: &Dashboard, region: &str, year: i32) -> Chart {
    let r = q(region);
    let counts = d.region.buckets(Measure::IncomeBand, year);
    let bands: Vec<(String, i64, String)> = (0..INCOME_BAND_FLOORS_YUAN.len())
        .map(|b| {
            let n = counts
                .iter()
                .find(|(k, _)| *k == b.to_string())
                .map_or(0, |(_, n)| *n);
            (
                income_band_label(b),
                n,
                format!("/households?region={r}&income_year={year}&band={b}"),
            )
        })
        .collect();
    Chart {
        id: "income",
        title: format!(
            "{year}{}",
            l.t("年人均纯收入分布（元，户数）", ": net income per head (yuan; households)")
        ),
        spec: bar(
            &bands.iter().map(|b| b.0.clone()).collect::<Vec<_>>(),
            vec![series(
                l.t("户数", "Households"),
                bands.iter().map(|b| (b.1, b.2.clone())).collect(),
            )],
            false,
            false,
        ),
        rows: bands
            .into_iter()
            .map(|(label, n, href)| (label, n.to_string(), href))
            .collect(),
        note: l
            .t(
                "建档立卡户（清退除外）当年纯收入 ÷ 家庭人口；无成员的户不计。",
                "Registered households (not removed): the year's net income ÷ members; households without members are left out.",
            )
            .into(),
    }
}

fn collective_chart(l: Lang, d: &Dashboard, year: i32) -> Chart {
    let names: Vec<String> = d.children.iter().map(|c| c.name.clone()).collect();
    let href =
        |c: &RegionFigures| child_href(c, year, |code| format!("/collective/villages/{code}"));
    let measure = |m: Measure, name: &str| {
        series(
            name,
            d.children
                .iter()
                .map(|c| (c.get(m, year, ""), href(c)))
                .collect(),
        )
    };
    Chart {
        id: "collective",
        title: format!(
            "{year}{}",
            l.t("年村集体经济（村数，按下级区划）", ": collective economy (villages, by region)")
        ),
        spec: bar(
            &names,
            vec![
                measure(Measure::CollectiveReported, l.t("报告收入的村", "Reporting")),
                measure(Measure::EmptyShell, l.t("空壳村", "Empty shell")),
                measure(Measure::Strong, l.t("达到强村标准", "At the strong line")),
            ],
            false,
            false,
        ),
        rows: d
            .children
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    format!(
                        "{} {}；{} {}；{} {}；{} {}",
                        l.t("报告", "reporting"),
                        c.get(Measure::CollectiveReported, year, ""),
                        l.t("空壳", "empty shell"),
                        c.get(Measure::EmptyShell, year, ""),
                        l.t("强村", "strong"),
                        c.get(Measure::Strong, year, ""),
                        l.t("收入（元）", "income (yuan)"),
                        xplus_core::Fen(c.get(Measure::CollectiveIncome, year, ""))
                    ),
                    href(c),
                )
            })
            .collect(),
        note: l
            .t(
                "空壳村、强村按各村所在县当年的标准判定（村集体经济标准，可按县设置）。",
                "Empty-shell and strong villages are judged by the lines of each village's county for the year (the collective-economy lines, settable per county).",
            )
            .into(),
    }
}
