//! The SQL of 大学生村官创业 (startups.rs): the start-ups of a reach begun by a day, and the
//! households linked to them by that day.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::values::Date;
use xplus_core::Fen;

/// A start-up as the page reads it.
pub(in crate::records) struct StartupRow {
    pub id: String,
    pub village: RegionCode,
    pub name: String,
    pub base: Option<String>,
    pub funding: Fen,
    pub start: Option<Date>,
}

impl FromRow for StartupRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Startups,
        "startup_lines",
        "村官创业",
        &[
            column("startup_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("base", ColumnType::Text),
            column("funding", ColumnType::Money { negative: false }),
            column("start_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StartupRow {
            id: r.text("startup_id")?.to_string(),
            village: r.region("village_code")?,
            name: r.string("name"),
            base: r.text("base").map(str::to_string),
            funding: r.money("funding").unwrap_or_default(),
            start: r.date("start_date"),
        })
    }
}

/// The start-ups begun by a day (one without a start date counts) in the villages between two
/// codes; `?`: the day, then the two codes.
pub(in crate::records) const STARTUPS_IN: Query<StartupRow> = Query::new(
    "SELECT startup_id, village_code, name, base, funding, start_date FROM startups \
     WHERE (start_date IS NULL OR start_date <= ?) AND village_code BETWEEN ? AND ? \
     ORDER BY village_code, startup_id",
);

/// A household linked to a start-up.
pub(in crate::records) struct LinkRow {
    pub startup: String,
    pub household: String,
}

impl FromRow for LinkRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::StartupHouseholds,
        "startup_links",
        "创业带动贫困户",
        &[
            column("startup_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LinkRow {
            startup: r.text("startup_id")?.to_string(),
            household: r.text("household_id")?.to_string(),
        })
    }
}

/// The households that joined by a day the start-ups of `STARTUPS_IN`; `?`: the day (joined),
/// the day (begun), then the two codes of the start-ups' villages. A link that ended counts.
pub(in crate::records) const LINKS_IN: Query<LinkRow> = Query::new(
    "SELECT l.startup_id, l.household_id FROM startup_households l \
     JOIN startups s ON s.startup_id = l.startup_id \
     WHERE l.join_date <= ? AND (s.start_date IS NULL OR s.start_date <= ?) \
     AND s.village_code BETWEEN ? AND ?",
);
