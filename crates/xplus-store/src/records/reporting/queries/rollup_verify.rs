//! The SQL of the roll-ups' verification (rollup_verify.rs): the counties to recompute and the
//! stored figures to compare with; the kept visit tables compared with their sources in the
//! database, and a region's visit totals rebuilt.

use super::rollup::StoredFigure;
use super::rollup_figures::County;
use crate::session::rows::Query;

/// Every county of the registry, in code order (no arguments).
pub(in crate::records) const COUNTIES_IN_ORDER: Query<County> =
    Query::new("SELECT code FROM regions WHERE level = 'county' ORDER BY code");

/// The stored figures of the regions between two codes (`?`, `?`: the range).
pub(in crate::records) const FIGURES_BETWEEN: Query<StoredFigure> = Query::new(
    "SELECT region_code, measure, year, bucket, value FROM rollups \
     WHERE region_code BETWEEN ? AND ?",
);

/// The month columns of the visit tallies, in order.
fn month_columns() -> String {
    (1..=12).map(|m| format!(", m{m}")).collect()
}

/// Rows in one of two selects and not in the other, either way round, as `n`.
fn differing(a: &str, b: &str) -> String {
    format!(
        "SELECT (SELECT count(*) FROM ({a} EXCEPT {b}) x) \
         + (SELECT count(*) FROM ({b} EXCEPT {a}) y) AS n"
    )
}

/// A county's kept tallies (`cadre_visit_months`) against its visits tallied afresh: the rows
/// that differ (`?`: the county, four times).
pub(in crate::records) fn months_differ() -> String {
    let columns = month_columns();
    let stored = format!(
        "SELECT year, county_code, cadre_id, total{columns} FROM cadre_visit_months \
         WHERE county_code = ?"
    );
    let tally = super::rollup::tally_visit_months();
    // The tally's select, without its INSERT line.
    let fresh = tally
        .split_once(") SELECT ")
        .map(|(_, select)| format!("SELECT {select}"))
        .unwrap_or(tally);
    differing(&stored, &fresh)
}

/// A county's kept month totals (`visit_month_totals`) against its kept tallies summed: the rows
/// that differ (`?`: the county, four times).
pub(in crate::records) fn month_totals_differ() -> String {
    let sums: String = (1..=12).map(|m| format!(", sum(m{m})")).collect();
    let stored = format!(
        "SELECT county_code, year, total{} FROM visit_month_totals WHERE county_code = ?",
        month_columns()
    );
    let fresh = format!(
        "SELECT county_code, year, sum(total){sums} FROM cadre_visit_months \
         WHERE county_code = ? GROUP BY county_code, year"
    );
    differing(&stored, &fresh)
}

/// A region's kept visit totals per cadre (`cadre_visit_reach`) against its counties' tallies
/// summed: the rows that differ (`?`: the region, its counties' range twice, the region).
pub(in crate::records) fn reach_differs() -> String {
    let stored = "SELECT cadre_id, year, total FROM cadre_visit_reach WHERE region_code = ?";
    differing(stored, REACH_OF_COUNTIES)
}

/// The visit totals per cadre and year of the counties between two codes (`?`, `?`).
const REACH_OF_COUNTIES: &str = "SELECT cadre_id, year, sum(total) FROM cadre_visit_months \
     WHERE county_code BETWEEN ? AND ? GROUP BY cadre_id, year";

/// Replaces a region's kept visit totals per cadre with its counties' tallies summed (`?`: the
/// region, then the region again and its counties' range).
pub(in crate::records) const REBUILD_REACH: [&str; 2] = [
    "DELETE FROM cadre_visit_reach WHERE region_code = ?",
    "INSERT INTO cadre_visit_reach (region_code, cadre_id, year, total) \
     SELECT ?, cadre_id, year, sum(total) FROM cadre_visit_months \
     WHERE county_code BETWEEN ? AND ? GROUP BY cadre_id, year",
];

/// The regions above counties whose visit totals are kept: every city and province (the whole
/// registry, region 0, is added by the caller).
pub(in crate::records) const REGIONS_ABOVE_COUNTIES: Query<County> =
    Query::new("SELECT code FROM regions WHERE level = 'city' OR level = 'province' ORDER BY code");
