//! The monitoring list of a year (rules.md §5, 防返贫动态监测) as an applied assessment recorded
//! it: households returned, monitored (with the reasons) and those whose risk was removed (with
//! the date and the reason), within the account's reach.

use super::queries::monitoring::{MonitoringRow, MONITORING};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, names_of, within_scope};
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::monitoring::MonitorReason;
use xplus_core::registry::{HouseholdStatus, RegionCode};

/// What §5 decided for a household in the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MonitoringOutcome {
    Returned,
    Monitored,
    RiskRemoved,
}

impl MonitoringOutcome {
    pub fn code(self) -> &'static str {
        match self {
            MonitoringOutcome::Returned => "returned",
            MonitoringOutcome::Monitored => "monitored",
            MonitoringOutcome::RiskRemoved => "risk_removed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MonitoringOutcome::Returned => "返贫",
            MonitoringOutcome::Monitored => "纳入监测",
            MonitoringOutcome::RiskRemoved => "风险消除",
        }
    }

    fn parse(code: &str) -> Option<MonitoringOutcome> {
        [
            MonitoringOutcome::Returned,
            MonitoringOutcome::Monitored,
            MonitoringOutcome::RiskRemoved,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringEntry {
    pub household_id: String,
    pub village: RegionCode,
    pub outcome: MonitoringOutcome,
    pub reasons: Vec<MonitorReason>,
    /// The day the assessment was applied.
    pub decided_on: NaiveDate,
    pub status_before: HouseholdStatus,
    pub exit_year: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringList {
    pub year: i32,
    /// By outcome, village, household.
    pub entries: Vec<MonitoringEntry>,
    pub names: HashMap<u64, String>,
}

impl MonitoringList {
    pub fn count(&self, outcome: MonitoringOutcome) -> usize {
        self.entries.iter().filter(|e| e.outcome == outcome).count()
    }

    /// Monitored households per reason (one household may have several).
    pub fn by_reason(&self) -> Vec<(MonitorReason, usize)> {
        MonitorReason::ALL
            .iter()
            .map(|r| {
                (
                    *r,
                    self.entries
                        .iter()
                        .filter(|e| e.reasons.contains(r))
                        .count(),
                )
            })
            .collect()
    }
}

/// The reason a risk was removed (rules.md §5): what held when it was decided.
pub const RISK_REMOVED_BECAUSE: &str =
    "收入不低于监测线、刚性支出未超过收入、无部门预警 / income at or above the monitoring line, spending within income, no open warning";

pub async fn monitoring_list(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<MonitoringList, StoreError> {
    let (sql, args) = within_scope(
        &household_scope(access, today),
        MONITORING.sql,
        "h",
        vec![Arg::Int(i64::from(year))],
    );
    let mut s = store.read_session().await?;
    let mut entries: Vec<MonitoringEntry> = fetch_sql::<MonitoringRow>(s.as_mut(), &sql, &args)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(MonitoringEntry {
                household_id: r.household_id,
                village: r.village,
                outcome: MonitoringOutcome::parse(&r.outcome)?,
                reasons: r.reasons,
                decided_on: r.decided_on,
                status_before: r.status_before,
                exit_year: r.exit_year,
            })
        })
        .collect();
    entries.sort_by(|a, b| {
        (a.outcome, a.village, &a.household_id).cmp(&(b.outcome, b.village, &b.household_id))
    });
    let names = names_of(s.as_mut(), entries.iter().map(|e| e.village.as_u64())).await?;
    Ok(MonitoringList {
        year,
        entries,
        names,
    })
}
