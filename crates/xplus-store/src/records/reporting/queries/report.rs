//! The SQL of the yearly report (report.rs): the counts of households, persons and villages,
//! training, dividends and 一村一品 projects, and the official rural income per head.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{Count, FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// A sum as BIGINT, zero over no rows (on PostgreSQL a bare sum of bigint is numeric).
fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// Households and their persons by status and exit, within a scope (an aggregate: one row).
#[derive(Default)]
pub(in crate::records) struct HouseholdCounts {
    /// `poor` or `returned` as recorded (interchange.md).
    pub poor: u64,
    pub poor_persons: u64,
    pub exited: u64,
    pub exited_persons: u64,
    pub monitored: u64,
    pub returned: u64,
}

impl FromRow for HouseholdCounts {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "report_households",
        "报告户数",
        &[
            column("poor", COUNT),
            column("poor_persons", COUNT),
            column("exited", COUNT),
            column("exited_persons", COUNT),
            column("monitored", COUNT),
            column("returned", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HouseholdCounts {
            poor: r.count("poor"),
            poor_persons: r.count("poor_persons"),
            exited: r.count("exited"),
            exited_persons: r.count("exited_persons"),
            monitored: r.count("monitored"),
            returned: r.count("returned"),
        })
    }
}

/// The households within `scope` counted as they stood at the end of a year (rows:
/// [`HouseholdCounts`]); `?`: the year (exits), the year again (exited persons), `scope`'s
/// arguments (`scope` holds "identified by the year"), then `later`'s. The outcomes after the
/// moment are grouped once (one pass over them), not looked up household by household.
///
/// The standing at the end of the year is core's `registry::standing_at_end`: the one the
/// earliest outcome applied for a later year replaced, else today's — so recording a later year
/// never moves these figures. Written in SQL because a province counts millions of households;
/// the store's report tests hold the two together.
/// Which outcomes came after the moment reported on: those of a later year (the end of a year),
/// or those decided after a day (`report --as-of`).
pub(in crate::records) enum Later {
    Year(Arg),
    Decided(Arg),
}

impl Later {
    fn condition(&self) -> &'static str {
        match self {
            Later::Year(_) => "l.year > ?",
            Later::Decided(_) => "l.decided_on > ?",
        }
    }

    pub fn arg(&self) -> Arg {
        match self {
            Later::Year(a) | Later::Decided(a) => a.clone(),
        }
    }
}

/// The persons of a household at the moment reported on are today's members with the changes
/// after that day undone (core `registry::membership::persons_on`): one less for each who joined
/// since, one more for each who left — the last `?` is that day.
pub(in crate::records) fn household_counts(scope: &Filter, later: &Later) -> String {
    let persons =
        "((SELECT COUNT(*) FROM members m WHERE m.household_id = y.household_id) + y.delta)";
    // interchange.md: `households.poor` counts households `poor` or `returned`.
    let poor = "y.status IN ('poor', 'returned')";
    let of_scope = scope.render_where(&mut || "?".into());
    format!(
        "SELECT {}, {}, {}, {}, {}, {} FROM (\
         SELECT x.household_id, \
         CASE WHEN o.household_id IS NULL THEN x.status ELSE o.previous_status END AS status, \
         CASE WHEN o.household_id IS NULL THEN x.exit_year ELSE o.previous_exit_year END \
         AS exit_year, COALESCE(d.delta, 0) AS delta \
         FROM (SELECT household_id, status, exit_year FROM households{of_scope}) x \
         LEFT JOIN (SELECT l.household_id, MIN(l.year) AS later FROM assessment_outcomes l \
         WHERE {later} GROUP BY l.household_id) f ON f.household_id = x.household_id \
         LEFT JOIN assessment_outcomes o \
         ON o.household_id = x.household_id AND o.year = f.later \
         LEFT JOIN (SELECT c.household_id, \
         {undone} AS delta \
         FROM member_changes c WHERE c.changed_on > ? GROUP BY c.household_id) d \
         ON d.household_id = x.household_id) y",
        sum(&format!("CASE WHEN {poor} THEN 1 ELSE 0 END")),
        sum(&format!("CASE WHEN {poor} THEN {persons} ELSE 0 END")),
        sum("CASE WHEN y.exit_year = ? THEN 1 ELSE 0 END"),
        sum(&format!(
            "CASE WHEN y.exit_year = ? THEN {persons} ELSE 0 END"
        )),
        sum("CASE WHEN y.status = 'monitored' THEN 1 ELSE 0 END"),
        sum("CASE WHEN y.status = 'returned' THEN 1 ELSE 0 END"),
        later = later.condition(),
        undone = crate::sql::MEMBERS_UNDONE_OF_C,
    )
}

/// Poor villages of a year (an aggregate: one row).
#[derive(Default)]
pub(in crate::records) struct VillageCounts {
    /// Not exited before the year.
    pub poor: u64,
    pub exited: u64,
    /// Not exited by the end of the year.
    pub remaining: u64,
}

impl FromRow for VillageCounts {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "report_villages",
        "报告村数",
        &[
            column("poor", COUNT),
            column("exited", COUNT),
            column("remaining", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageCounts {
            poor: r.count("poor"),
            exited: r.count("exited"),
            remaining: r.count("remaining"),
        })
    }
}

/// The poor villages between two codes counted for a year; `?`: the year three times (poor at
/// its start, exited in it, remaining at its end), then the two codes.
pub(in crate::records) const VILLAGE_COUNTS: Query<VillageCounts> = Query::new(
    "SELECT \
     CAST(COALESCE(SUM(CASE WHEN exit_year IS NULL OR exit_year >= ? THEN 1 ELSE 0 END), 0) \
     AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN exit_year = ? THEN 1 ELSE 0 END), 0) AS BIGINT), \
     CAST(COALESCE(SUM(CASE WHEN exit_year IS NULL OR exit_year > ? THEN 1 ELSE 0 END), 0) \
     AS BIGINT) \
     FROM villages WHERE poor_village = TRUE AND village_code BETWEEN ? AND ?",
);

/// 一村一品 projects started in a year or before (or without a year) in the villages between
/// two codes; `?`: the year, then the two codes.
pub(in crate::records) const PROJECT_COUNT: Query<Count> = Query::new(
    "SELECT COUNT(*) FROM ovop_projects \
     WHERE (year IS NULL OR year <= ?) AND village_code BETWEEN ? AND ?",
);

/// Training sessions and attendances (an aggregate: one row).
#[derive(Default)]
pub(in crate::records) struct TrainingCounts {
    pub sessions: u64,
    pub attendance: u64,
}

impl FromRow for TrainingCounts {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Attendance,
        "report_training",
        "报告培训",
        &[column("sessions", COUNT), column("attendance", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(TrainingCounts {
            sessions: r.count("sessions"),
            attendance: r.count("attendance"),
        })
    }
}

/// Sessions dated between two days and the attendances of households at them; a template for
/// `within_scope` (alias `a`): `?`: the first and last day, then the scope's arguments.
pub(in crate::records) const TRAINING_COUNTS: Query<TrainingCounts> = Query::new(
    "SELECT COUNT(DISTINCT a.session_id), COUNT(*) FROM attendance a \
     JOIN training_sessions t ON t.session_id = a.session_id \
     WHERE t.date BETWEEN ? AND ?{within}",
);

/// Dividends paid and the households paid (an aggregate: one row).
#[derive(Default)]
pub(in crate::records) struct DividendTotals {
    /// The sum read back as a count (a negative sum as zero), as the report always did.
    pub paid: Fen,
    pub households: u64,
}

impl FromRow for DividendTotals {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DividendPayments,
        "report_dividends",
        "报告分红",
        &[column("paid", COUNT), column("households", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(DividendTotals {
            paid: Fen(r.count("paid") as i64),
            households: r.count("households"),
        })
    }
}

/// The dividends of a year; a template for `within_scope` (alias `d`): `?`: the year, then the
/// scope's arguments.
pub(in crate::records) const DIVIDEND_TOTALS: Query<DividendTotals> = Query::new(
    "SELECT CAST(COALESCE(SUM(d.amount), 0) AS BIGINT), COUNT(DISTINCT d.household_id) \
     FROM dividend_payments d WHERE d.year = ?{within}",
);

/// A region's official rural income per head of a year (rows without the region, the year or
/// the income are skipped).
pub(in crate::records) struct RuralIncomeRow {
    pub region: RegionCode,
    pub name: String,
    pub year: i64,
    pub income: Fen,
}

impl FromRow for RuralIncomeRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Statistics,
        "report_statistics",
        "报告统计",
        &[
            column("region_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("year", ColumnType::Year),
            column(
                "rural_income_per_capita",
                ColumnType::Money { negative: false },
            ),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(RuralIncomeRow {
            region: r.region("region_code")?,
            year: r.int("year")?,
            income: r.money("rural_income_per_capita")?,
            name: r.string("name"),
        })
    }
}

/// The official figures of two years (`?`, `?`: the year and the one before) in the regions
/// between two codes (`?`, `?`), in order of region and year.
pub(in crate::records) const RURAL_INCOMES: Query<RuralIncomeRow> = Query::new(
    "SELECT s.region_code, r.name, s.year, s.rural_income_per_capita FROM statistics s \
     LEFT JOIN regions r ON r.code = s.region_code \
     WHERE (s.year = ? OR s.year = ?) AND s.region_code BETWEEN ? AND ? \
     ORDER BY s.region_code, s.year",
);
