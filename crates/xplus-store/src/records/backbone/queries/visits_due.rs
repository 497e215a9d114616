//! The SQL of the workbench's overdue visits: each pairing active on a day with its helper's last
//! visit to the household by then, and which of them are overdue — the day before which a visit
//! is too old comes from xplus-core (`backbone::visits::oldest_on_time`), so the query and the
//! rule agree on the boundary.

use crate::session::rows::{FromRow, Named};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// The pairings active on a day (the first three arguments: that day), each with the last visit
/// of its cadre to its household on or before it; `{within}` narrows to the households in reach
/// and `{cadre}` to one cadre (a helper's own pairings).
const ACTIVE: &str = "SELECT p.cadre_id, p.household_id, p.start_date, \
     (SELECT max(v.date) FROM visits v WHERE v.cadre_id = p.cadre_id \
      AND v.household_id = p.household_id AND v.date <= ?) AS last_visit \
     FROM cadre_household_pairings p \
     WHERE p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?){cadre}{within}";

/// The day a row of [`ACTIVE`] (as `x`) counts from: its last visit, or the pairing's start
/// when that is later (core's `backbone::visits::overdue`).
const SINCE: &str = "(CASE WHEN x.last_visit IS NOT NULL AND x.last_visit > x.start_date \
     THEN x.last_visit ELSE x.start_date END)";

/// Whether a row of [`ACTIVE`] is overdue: it counts from before the argument (the oldest day
/// still on time).
fn is_overdue() -> String {
    format!("{SINCE} < ?")
}

/// The pairings and how many of them are overdue.
pub(in crate::records) struct DueCount {
    pub paired: u64,
    pub overdue: u64,
}

impl FromRow for DueCount {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visits_due_count",
        "走访逾期",
        &[column("paired", COUNT), column("overdue", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(DueCount {
            paired: r.count("paired"),
            overdue: r.count("overdue"),
        })
    }
}

pub(in crate::records) fn count_sql() -> String {
    format!(
        "SELECT count(*), COALESCE(sum(CASE WHEN {} THEN 1 ELSE 0 END), 0) \
         FROM ({ACTIVE}) x",
        is_overdue()
    )
}

/// An overdue pairing with the names the list shows.
pub(in crate::records) struct DueRow {
    pub cadre_id: String,
    pub cadre_name: String,
    pub household_id: String,
    pub head: String,
    pub village: RegionCode,
    pub paired_since: NaiveDate,
    pub last_visit: Option<NaiveDate>,
}

impl FromRow for DueRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visits_due",
        "走访逾期",
        &[
            column("cadre_id", ColumnType::Text),
            column("cadre_name", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("head", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("start_date", ColumnType::Date),
            column("last_visit", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(DueRow {
            cadre_id: r.string("cadre_id"),
            cadre_name: r.string("cadre_name"),
            household_id: r.text("household_id")?.to_string(),
            head: r.string("head"),
            village: r.region("village_code")?,
            paired_since: r.date("start_date")?,
            last_visit: r.date("last_visit"),
        })
    }
}

/// The overdue pairings, the longest without a visit first (then by household and cadre), one
/// page (`{page}`).
pub(in crate::records) fn list_sql() -> String {
    format!(
        "SELECT x.cadre_id, c.name, x.household_id, {head}, h.village_code, x.start_date, \
         x.last_visit \
         FROM ({ACTIVE}) x \
         JOIN cadres c ON c.cadre_id = x.cadre_id \
         JOIN households h ON h.household_id = x.household_id \
         WHERE {} \
         ORDER BY {SINCE}, x.household_id, x.cadre_id{{page}}",
        is_overdue(),
        head = crate::session::head_name_of("x.household_id"),
    )
}
