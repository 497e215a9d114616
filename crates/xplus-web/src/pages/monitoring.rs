//! 防返贫监测 page: the monitoring list of a year as the applied assessment recorded it (rules.md
//! §5) — returned, monitored with the reasons, risk removed with the date and the reason — and
//! the same as a workbook.

use super::{html, today, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use xplus_store::records::{self, MonitoringList, MonitoringOutcome, RISK_REMOVED_BECAUSE};

/// Rows shown on the page; the workbook has all of them.
const SHOWN: usize = 500;

pub struct Shown {
    pub household_id: String,
    pub village: String,
    pub outcome: String,
    pub reasons: String,
    pub decided_on: String,
}

#[derive(Template)]
#[template(path = "monitoring.html")]
struct MonitoringPage {
    c: Chrome,
    year: i32,
    /// The region the page is narrowed to, "" for the whole reach.
    region: String,
    returned: usize,
    monitored: usize,
    risk_removed: usize,
    by_reason: Vec<(String, usize)>,
    rows: Vec<Shown>,
    total: usize,
    /// Department warnings open today within the page's reach (they keep a household monitored
    /// in the assessment of the year they are open at the end of).
    open_warnings: u64,
    /// Monitoring cases open today within the page's reach, by category.
    open_cases: Vec<(String, u64)>,
}

fn shown(l: Lang, list: &MonitoringList) -> Vec<Shown> {
    list.entries
        .iter()
        .take(SHOWN)
        .map(|e| Shown {
            household_id: e.household_id.clone(),
            village: list
                .names
                .get(&e.village.as_u64())
                .cloned()
                .unwrap_or_else(|| e.village.to_string()),
            outcome: l.label(e.outcome.code(), e.outcome.label_zh()),
            reasons: match e.outcome {
                MonitoringOutcome::RiskRemoved => RISK_REMOVED_BECAUSE.to_string(),
                _ => e
                    .reasons
                    .iter()
                    .map(|r| l.label(r.code(), r.label_zh()))
                    .collect::<Vec<_>>()
                    .join("、"),
            },
            decided_on: xplus_core::values::format_date(e.decided_on),
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let list = records::monitoring_list(state.store.as_ref(), &access, year, today()).await?;
    let warnings = records::FindingFilter {
        handling: Some(xplus_core::assessment::tasks::Handling::Warning),
        per_page: 1,
        ..Default::default()
    };
    let open_warnings = records::finding_list(state.store.as_ref(), &access, &warnings, today())
        .await?
        .total;
    let open_cases = records::case_counts(state.store.as_ref(), &access, today()).await?;
    html(&MonitoringPage {
        c: Chrome::new(l, &user, "monitoring"),
        year,
        region: p.region_text(),
        returned: list.count(MonitoringOutcome::Returned),
        monitored: list.count(MonitoringOutcome::Monitored),
        risk_removed: list.count(MonitoringOutcome::RiskRemoved),
        by_reason: list
            .by_reason()
            .into_iter()
            .map(|(r, n)| (l.label(r.code(), r.label_zh()), n))
            .collect(),
        rows: shown(l, &list),
        total: list.entries.len(),
        open_warnings,
        open_cases: (open_cases.iter())
            .map(|(c, n)| (l.label(c.code(), c.label_zh()), *n))
            .collect(),
    })
}

pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let list = records::monitoring_list(
        state.store.as_ref(),
        &super::narrowed(&user.access, p.region.as_deref())?,
        year,
        today(),
    )
    .await?;
    super::xlsx_download(format!("monitoring-{year}.xlsx"), move || {
        Ok(xplus_output::workbooks::monitoring_workbook(&list)?)
    })
    .await
}
