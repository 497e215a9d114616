//! The "why" of a household's assessment (rules.md §3 and §5): for a year, every criterion with
//! the value found, the threshold and where the threshold comes from — the same computation as
//! `xplus assess`, for one household within the user's reach.

use super::{html, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use xplus_core::assessment::monitoring::MonitorOutcome;
use xplus_store::records::{self, Judgement, WhyView};

/// One line of the page: criterion, passed, value found, threshold, source.
pub struct Line {
    /// The criterion's code (§3's `failed` codes; return_line, monitoring_line, medical_spending).
    pub code: &'static str,
    pub criterion: String,
    pub passed: bool,
    pub value: String,
    pub threshold: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    c: Chrome,
    id: String,
    year: i32,
    why: Option<WhyView>,
    lines: Vec<Line>,
    verdict: String,
}

/// The lines and the verdict of a view, in the user's language.
pub fn explain(l: Lang, why: &WhyView) -> (Vec<Line>, String) {
    let a = &why.assessment;
    match &a.judgement {
        Judgement::Exit(d) => {
            let lines = d
                .findings
                .iter()
                .map(|f| Line {
                    code: f.criterion.code(),
                    criterion: l
                        .label(f.criterion.code(), f.criterion.label_zh())
                        .to_string(),
                    passed: f.passed,
                    value: l.pick(&f.value),
                    threshold: l.pick(&f.threshold),
                    source: l.pick(&f.source),
                })
                .collect();
            let verdict = if d.eligible() {
                l.t("符合退出标准", "Meets every exit criterion")
                    .to_string()
            } else {
                format!(
                    "{}：{}",
                    l.t("暂不符合退出标准", "Does not meet the exit criteria yet"),
                    d.failed()
                        .iter()
                        .map(|c| l.label(c.code(), c.label_zh()).to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                )
            };
            (lines, verdict)
        }
        Judgement::Monitoring(outcome) => {
            let line = &why.poverty_line;
            let pct = &why.monitoring_line_percent;
            let members = a.members;
            let net = a.net_income.map_or_else(
                || l.t("无当年收入记录", "no income recorded").to_string(),
                |n| n.to_string(),
            );
            let lines = vec![
                Line {
                    code: "return_line",
                    criterion: l
                        .t(
                            "返贫线（扶贫标准 × 人数）",
                            "Return line (poverty line × members)",
                        )
                        .into(),
                    passed: !matches!(outcome, MonitorOutcome::Returned),
                    value: net.clone(),
                    threshold: format!("> {} × {members}", line.value),
                    source: l.pick(&line.source),
                },
                Line {
                    code: "monitoring_line",
                    criterion: l.t("监测线", "Monitoring line").into(),
                    passed: !matches!(outcome, MonitorOutcome::Monitored(r) if r.iter().any(|r| r.code() == "low_income" || r.code() == "no_income")),
                    value: net,
                    threshold: format!("≥ {} × {members} × {}%", line.value, pct.value),
                    source: l.pick(&pct.source),
                },
                Line {
                    code: "medical_spending",
                    criterion: l.t("刚性医疗支出", "Rigid medical spending").into(),
                    passed: !matches!(outcome, MonitorOutcome::Monitored(r) if r.iter().any(|r| r.code() == "medical_spending")),
                    value: a
                        .medical_cost
                        .map_or_else(|| "-".to_string(), |m| m.to_string()),
                    threshold: l
                        .t("不超过当年纯收入", "not above the year's net income")
                        .into(),
                    source: l
                        .t("防返贫动态监测", "monitoring against return to poverty")
                        .into(),
                },
            ];
            let verdict = match outcome {
                MonitorOutcome::Returned => l.t("返贫", "Returned to poverty").to_string(),
                MonitorOutcome::Monitored(reasons) => format!(
                    "{}：{}",
                    l.t("纳入监测", "Monitored"),
                    reasons
                        .iter()
                        .map(|r| l.label(r.code(), r.label_zh()).to_string())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                MonitorOutcome::Stable => {
                    l.t("稳定，无返贫风险", "Stable, no risk found").to_string()
                }
            };
            (lines, verdict)
        }
    }
}

/// The year asked for, or the latest with a poverty line (the shipped lines end in 2020).
pub async fn assessment_year(state: &AppState, asked: Option<&str>) -> Result<i32, WebError> {
    if asked.is_some_and(|y| !y.trim().is_empty()) {
        return year_of(asked);
    }
    let this_year = chrono::Datelike::year(&today());
    Ok(records::rule_book(state.store.as_ref())
        .await?
        .latest_line_year(this_year)
        .unwrap_or(this_year))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = assessment_year(&state, p.year.as_deref()).await?;
    let store = state.store.as_ref();
    // Out of reach reads like missing.
    records::household(store, &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let why = records::household_assessment(store, &user.access, &id, year, today()).await?;
    let (lines, verdict) = why.as_ref().map(|w| explain(l, w)).unwrap_or_default();
    html(&AssessmentPage {
        c: Chrome::new(l, &user, "households"),
        id,
        year,
        why,
        lines,
        verdict,
    })
}
