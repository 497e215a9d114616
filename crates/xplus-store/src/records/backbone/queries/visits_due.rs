//! The SQL of the workbench's overdue visits: each pairing active on a day with its helper's last
//! visit to the household by then, and which of them are overdue — the day before which a visit
//! is too old comes from xplus-core (`backbone::visits::oldest_on_time`), so the query and the
//! rule agree on the boundary.

use crate::session::rows::{FromRow, Named};
use crate::session::shape::{column, shape, COUNT};
use crate::store::Backend;
use chrono::NaiveDate;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// The last visit of a pairing's (`p`) cadre to its household on or before a day (one `?`).
const LAST_VISIT: &str = "(SELECT max(v.date) FROM visits v WHERE v.cadre_id = p.cadre_id \
     AND v.household_id = p.household_id AND v.date <= ?) AS last_visit";

/// Whether a pairing (`p`) is active on a day (two `?`: that day).
const ACTIVE_ON: &str = "p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?)";

/// The pairings active on a day (the first three arguments: that day), each with the last visit
/// of its cadre to its household on or before it; `{within}` narrows to the households in reach
/// and `{cadre}` to one cadre (a helper's own pairings).
fn active() -> String {
    format!(
        "SELECT p.cadre_id, p.household_id, p.start_date, {LAST_VISIT} \
         FROM cadre_household_pairings p WHERE {ACTIVE_ON}{{cadre}}{{within}}"
    )
}

/// The day a row of [`active`] (as `x`) counts from: its last visit, or the pairing's start
/// when that is later (core's `backbone::visits::overdue`).
const SINCE: &str = "(CASE WHEN x.last_visit IS NOT NULL AND x.last_visit > x.start_date \
     THEN x.last_visit ELSE x.start_date END)";

/// Whether a row of [`active`] is overdue: it counts from before the argument (the oldest day
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
         FROM ({}) x",
        is_overdue(),
        active()
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

/// The overdue pairings, the longest without a visit first (then by household, cadre and the
/// pairing's start, compared byte by byte as the kept counties' pages are: PostgreSQL's
/// collation would order ids otherwise), one page (`{page}`).
pub(in crate::records) fn list_sql(backend: Backend) -> String {
    let bytes = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " COLLATE \"C\"",
    };
    format!(
        "SELECT x.cadre_id, c.name, x.household_id, {head}, h.village_code, x.start_date, \
         x.last_visit \
         FROM ({active}) x \
         JOIN cadres c ON c.cadre_id = x.cadre_id \
         JOIN households h ON h.household_id = x.household_id \
         WHERE {} \
         ORDER BY {SINCE}, x.household_id{bytes}, x.cadre_id{bytes}, x.start_date{{page}}",
        is_overdue(),
        active = active(),
        head = crate::session::head_name_of("x.household_id"),
    )
}

/// A pairing active on the day counted, as a county's kept count reads it.
pub(in crate::records) struct ActivePairing {
    pub cadre_id: String,
    pub household_id: String,
    pub village: RegionCode,
    pub paired_since: NaiveDate,
    pub last_visit: Option<NaiveDate>,
}

impl FromRow for ActivePairing {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visits_due_pairings",
        "结对走访",
        &[
            column("cadre_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("last_visit", ColumnType::Date),
            column("village_code", ColumnType::Region),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(ActivePairing {
            cadre_id: r.text("cadre_id")?.to_string(),
            household_id: r.text("household_id")?.to_string(),
            paired_since: r.date("start_date")?,
            last_visit: r.date("last_visit"),
            village: r.region("village_code")?,
        })
    }
}

/// The pairings active on a day (the first three arguments: that day) of the households of the
/// villages between two codes (the last two: a county's range), each with its last visit and
/// its household's village — the rows [`active`] reads, for one county.
pub(in crate::records) fn in_county_sql() -> String {
    format!(
        "SELECT p.cadre_id, p.household_id, p.start_date, {LAST_VISIT}, h.village_code \
         FROM households h JOIN cadre_household_pairings p ON p.household_id = h.household_id \
         WHERE {ACTIVE_ON} AND h.village_code BETWEEN ? AND ?"
    )
}

/// A cadre's or a household head's name by the record's id.
pub(in crate::records) struct IdName {
    pub id: String,
    pub name: String,
}

impl FromRow for IdName {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visits_due_names",
        "姓名",
        &[
            column("id", ColumnType::Text),
            column("name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(IdName {
            id: r.text("id")?.to_string(),
            name: r.string("name"),
        })
    }
}

/// The names of `n` cadres (`?` each: an id).
pub(in crate::records) fn cadre_names_sql(n: usize) -> String {
    format!(
        "SELECT cadre_id, name FROM cadres WHERE cadre_id IN ({})",
        crate::session::filter::marks(n)
    )
}

/// The heads' names of `n` households (`?` each: an id).
pub(in crate::records) fn head_names_sql(n: usize) -> String {
    format!(
        "SELECT h.household_id, {} FROM households h WHERE h.household_id IN ({})",
        crate::session::head_name_of("h.household_id"),
        crate::session::filter::marks(n)
    )
}
