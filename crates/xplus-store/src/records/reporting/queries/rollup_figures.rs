//! The SQL of one county's roll-ups computed from its records (rollup_figures.rs). The large
//! reads are compact (`query_compact`, no value per cell): only their text is here, and the
//! operation reads their columns by position as the compact rows require.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// A county, by its code (a row whose code is not a region's is skipped).
pub(in crate::records) struct County {
    pub code: RegionCode,
}

impl FromRow for County {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Regions,
        "rollup_counties",
        "区县",
        &[column("county_code", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let code = r.int("county_code")?;
        Some(County {
            code: RegionCode::from_u64(code as u64).ok()?,
        })
    }
}

/// Every county of the registry, in no particular order.
pub(in crate::records) const COUNTIES: Query<County> =
    Query::new("SELECT code FROM regions WHERE level = 'county'");

/// A year, or none (an aggregate over no rows): INTEGER on both backends, unlike the BIGINT
/// codes. Never skipped, so that the first row is the statement's own.
pub(in crate::records) struct Year {
    pub year: Option<i64>,
}

impl FromRow for Year {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Incomes,
        "rollup_year",
        "年度",
        &[column("year", ColumnType::Year)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Year {
            year: r.int("year"),
        })
    }
}

/// The latest year with income records in a county (`?`: the county's code).
pub(in crate::records) const LATEST_INCOME_YEAR: Query<Year> =
    Query::new("SELECT MAX(year) FROM incomes WHERE county_code = ?");

/// The coverage window the stored roll-ups were computed with (no arguments).
pub(in crate::records) const COVERAGE_UNTIL: Query<Year> =
    Query::new("SELECT coverage_until FROM rollup_state WHERE id = 1");

/// The first year a household of a county was identified (`?`: the county's code).
pub(in crate::records) const FIRST_IDENTIFIED: Query<Year> =
    Query::new("SELECT MIN(identified_year) FROM households WHERE county_code = ?");

/// Compact, (household, members): the members per household of a county (`?`: the county).
pub(in crate::records) const MEMBER_COUNTS: &str =
    "SELECT household_id, COUNT(*) FROM members WHERE county_code = ? GROUP BY household_id";

/// Compact, (household, day as `YYYY-MM-DD…` text, change): the membership changes of the
/// households of a county now (`?`: the county; the changes follow their household's moves,
/// migration 0026).
pub(in crate::records) const MEMBER_CHANGES: &str =
    "SELECT c.household_id, CAST(c.changed_on AS TEXT), c.change \
     FROM member_changes c WHERE c.county_code = ?";

/// Compact, (household, village, status, exit year, causes as `a;b`, identified year): the
/// households of a county (`?`: the county).
pub(in crate::records) const HOUSEHOLDS: &str =
    "SELECT household_id, village_code, status, exit_year, causes, identified_year \
     FROM households WHERE county_code = ?";

/// Compact, (household, year, net income): the incomes of a county (`?`: the county).
pub(in crate::records) fn net_incomes() -> String {
    format!(
        "SELECT i.household_id, i.year, {} FROM incomes i WHERE i.county_code = ?",
        crate::sql::NET_INCOME_OF_I
    )
}

/// Compact, (household, year, outcome, previous status, previous exit year): the outcomes the
/// assessment recorded for the households of a county now (`?`: the county) — an outcome keeps
/// the county the household had when it was recorded, so it is joined to the household.
pub(in crate::records) const OUTCOMES: &str =
    "SELECT o.household_id, o.year, o.outcome, o.previous_status, o.previous_exit_year \
     FROM assessment_outcomes o JOIN households h ON h.household_id = o.household_id \
     WHERE h.county_code = ?";

/// Compact, (village, poor village, population, exit year): the villages of a county (`?`:
/// the county).
pub(in crate::records) const VILLAGES: &str =
    "SELECT village_code, poor_village, population, exit_year FROM villages \
     WHERE county_code = ?";

/// Compact, (household, year, amount): the dividends paid to the households of a county now
/// (`?`: the county; the payments follow their household's moves, migration 0026).
pub(in crate::records) const DIVIDENDS: &str =
    "SELECT d.household_id, d.year, d.amount FROM dividend_payments d WHERE d.county_code = ?";

/// A village's operating income of a year (rows without any of the three are skipped).
pub(in crate::records) struct CollectiveIncome {
    pub village: u64,
    pub year: i32,
    pub income: i64,
}

impl FromRow for CollectiveIncome {
    const SHAPE: &'static FileSpec = &shape(
        FileId::CollectiveIncome,
        "rollup_collective",
        "集体收入",
        &[
            column("village_code", COUNT),
            column("year", ColumnType::Year),
            column("operating_income", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let (village, year, income) = (
            r.int("village_code")?,
            r.int("year")?,
            r.int("operating_income")?,
        );
        Some(CollectiveIncome {
            village: village as u64,
            year: year as i32,
            income,
        })
    }
}

/// The operating incomes of the villages between two codes (`?`, `?`: a county's range).
pub(in crate::records) const COLLECTIVE_INCOMES: Query<CollectiveIncome> = Query::new(
    "SELECT village_code, year, operating_income FROM collective_income \
     WHERE village_code BETWEEN ? AND ?",
);
