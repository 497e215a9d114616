//! What the monitoring list (rules.md §5) reads: the outcomes of returns, monitoring and risk
//! removal an applied assessment recorded for a year.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use chrono::NaiveDate;
use xplus_core::assessment::monitoring::MonitorReason;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode};

/// A recorded §5 outcome of a household: `outcome` is the code of a `MonitoringOutcome`, parsed
/// by the operation; the reasons are those of a household monitored.
pub(in crate::records) struct MonitoringRow {
    pub household_id: String,
    pub village: RegionCode,
    pub outcome: String,
    pub reasons: Vec<MonitorReason>,
    pub decided_on: NaiveDate,
    pub status_before: HouseholdStatus,
    pub exit_year: Option<i32>,
}

impl FromRow for MonitoringRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "monitoring_list",
        "监测名单",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("outcome", ColumnType::Text),
            column("reasons", ColumnType::Text),
            column("decided_on", ColumnType::Date),
            column("previous_status", ColumnType::Enum(&HouseholdStatus::SPEC)),
            column("exit_year", ColumnType::Year),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(MonitoringRow {
            household_id: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
            outcome: r.text("outcome")?.to_string(),
            reasons: r
                .text("reasons")
                .unwrap_or_default()
                .split(';')
                .filter_map(MonitorReason::parse)
                .collect(),
            decided_on: r.date("decided_on")?,
            status_before: r.code("previous_status").and_then(HouseholdStatus::parse)?,
            exit_year: r.int("exit_year").map(|y| y as i32),
        })
    }
}

/// The returns, monitoring and risk removals recorded for a year (the first argument), for
/// `within_scope` to narrow to the households in reach (`{within}`, the scope's arguments after
/// the year).
pub(in crate::records) const MONITORING: Query<MonitoringRow> = Query::new(
    "SELECT o.household_id, h.village_code, o.outcome, o.reasons, o.decided_on, \
     o.previous_status, o.exit_year \
     FROM assessment_outcomes o JOIN households h ON h.household_id = o.household_id \
     WHERE o.year = ? AND o.outcome IN ('returned', 'monitored', 'risk_removed'){within}",
);
