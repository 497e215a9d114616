//! The SQL of the roll-ups' refresh and state (rollup.rs): the stored figures, the counties
//! marked for a refresh, and the statements that rewrite a county's figures and its sums.

use super::rollup_figures::County;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::rollup::Measure;

/// One stored figure (rows without a region, a known measure, a year or a value are skipped).
pub(in crate::records) struct StoredFigure {
    pub region: u64,
    pub measure: Measure,
    pub year: i32,
    pub bucket: String,
    pub value: i64,
}

impl FromRow for StoredFigure {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "rollups",
        "汇总",
        &[
            column("region_code", ColumnType::Region),
            column("measure", ColumnType::Text),
            column("year", ColumnType::Year),
            column("bucket", ColumnType::Text),
            column("value", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let (region, measure, year, value) = (
            r.region("region_code")?,
            r.text("measure").and_then(Measure::parse)?,
            r.int("year")?,
            r.int("value")?,
        );
        Some(StoredFigure {
            region: region.as_u64(),
            measure,
            year: year as i32,
            bucket: r.string("bucket"),
            value,
        })
    }
}

/// The counties marked for a refresh, in code order (no arguments).
pub(in crate::records) const DIRTY_COUNTIES: Query<County> =
    Query::new("SELECT county_code FROM rollup_dirty ORDER BY county_code");

/// A county marked for a refresh, as stored (never skipped: only whether there is one counts).
pub(in crate::records) struct Marked;

impl FromRow for Marked {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Regions,
        "rollup_dirty",
        "待刷新",
        &[column("county_code", COUNT)],
    );

    fn from_row(_: Named<'_>) -> Option<Self> {
        Some(Marked)
    }
}

/// A county between two codes marked for a refresh (`?`, `?`: the range).
pub(in crate::records) const MARKED_BETWEEN: Query<Marked> =
    Query::new("SELECT county_code FROM rollup_dirty WHERE county_code BETWEEN ? AND ? LIMIT 1");

/// Whether one county is still marked (`?`: the county's code).
pub(in crate::records) const STILL_MARKED: Query<Marked> =
    Query::new("SELECT county_code FROM rollup_dirty WHERE county_code = ?");

/// The roll-ups' generation, or none before the first (never skipped), and whether any county
/// is marked for a refresh — read in one statement, so a refresh committing in between cannot
/// pair the old generation with "nothing marked".
pub(in crate::records) struct Generation {
    pub generation: Option<i64>,
    pub marked: bool,
}

impl FromRow for Generation {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Regions,
        "rollup_generation",
        "汇总代数",
        &[column("generation", COUNT), column("marked", COUNT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Generation {
            generation: r.int("generation"),
            marked: r.count("marked") > 0,
        })
    }
}

/// The roll-ups' generation and whether any county is marked (no arguments).
pub(in crate::records) const GENERATION: Query<Generation> = Query::new(
    "SELECT generation, (SELECT count(*) FROM (SELECT 1 FROM rollup_dirty LIMIT 1) d) AS marked \
     FROM rollup_state WHERE id = 1",
);

/// Marks the counties between two codes for a refresh (`?`, `?`: the range).
pub(in crate::records) const MARK_COUNTIES_BETWEEN: &str =
    "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
     WHERE level = 'county' AND code BETWEEN ? AND ? ON CONFLICT DO NOTHING";

/// Marks every county for a refresh (no arguments).
pub(in crate::records) const MARK_ALL_COUNTIES: &str =
    "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
     WHERE level = 'county' ON CONFLICT DO NOTHING";

/// Sets the coverage window of the stored roll-ups (`?`: its last year).
pub(in crate::records) const SET_COVERAGE_UNTIL: &str =
    "UPDATE rollup_state SET coverage_until = ? WHERE id = 1";

/// Deletes the figures of the regions between two codes (`?`, `?`: a county's range).
pub(in crate::records) const DELETE_FIGURES_BETWEEN: &str =
    "DELETE FROM rollups WHERE region_code BETWEEN ? AND ?";

/// Takes a county's mark away (`?`: the county's code).
pub(in crate::records) const UNMARK_COUNTY: &str = "DELETE FROM rollup_dirty WHERE county_code = ?";

/// Brings PostgreSQL's statistics of the kept figures up to date. A refresh fills these tables
/// itself, after an import's own `ANALYZE`: without statistics (autovacuum may be off, or not
/// yet round) the planner took a region's hundreds of thousands of visit totals for a few
/// thousand and hashed them all for each county, instead of looking up the county's cadres.
pub(in crate::records) const ANALYZE_KEPT: &str =
    "ANALYZE rollups, cadre_visit_reach, cadre_visit_months, visit_month_totals";

/// Records that a county's refresh made the next generation (`?`: the county; run before the
/// generation moves on): figures kept from its records before carry an older stamp.
pub(in crate::records) const STAMP_COUNTY: &str =
    "INSERT INTO county_refreshes (county_code, refreshed) \
     SELECT ?, generation + 1 FROM rollup_state WHERE id = 1 \
     ON CONFLICT (county_code) DO UPDATE SET refreshed = excluded.refreshed";

/// Inserts `rows` figures, each six arguments in order: region, parent, measure, year, bucket,
/// value.
pub(in crate::records) fn insert_figures(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO rollups (region_code, parent_code, measure, year, bucket, value) VALUES ",
    );
    for i in 0..rows {
        sql.push_str(if i == 0 {
            "(?, ?, ?, ?, ?, ?)"
        } else {
            ", (?, ?, ?, ?, ?, ?)"
        });
    }
    sql
}

/// Deletes one region's figures (`?`: its code).
pub(in crate::records) const DELETE_FIGURES_OF: &str = "DELETE FROM rollups WHERE region_code = ?";

/// Stores a region's figures as the sums of its children's (`?`: the region, its parent, the
/// region again as the children's parent).
pub(in crate::records) const RESUM: &str =
    "INSERT INTO rollups (region_code, parent_code, measure, year, bucket, value) \
     SELECT ?, ?, measure, year, bucket, CAST(SUM(value) AS BIGINT) FROM rollups \
     WHERE parent_code = ? GROUP BY measure, year, bucket";

/// Deletes a county's visit tallies (`?`: the county's code).
pub(in crate::records) const DELETE_VISIT_MONTHS: &str =
    "DELETE FROM cadre_visit_months WHERE county_code = ?";

/// Takes a county's kept tallies out of its cadres' totals within a region above it (`?`: the
/// region, the county), before they are recomputed; totals left at zero are removed.
pub(in crate::records) const SUBTRACT_VISIT_REACH: [&str; 2] = [
    "UPDATE cadre_visit_reach SET total = cadre_visit_reach.total - m.total \
     FROM cadre_visit_months m WHERE cadre_visit_reach.region_code = ? AND m.county_code = ? \
     AND cadre_visit_reach.cadre_id = m.cadre_id AND cadre_visit_reach.year = m.year",
    "DELETE FROM cadre_visit_reach WHERE region_code = ? AND total <= 0 AND cadre_id IN \
     (SELECT cadre_id FROM cadre_visit_months WHERE county_code = ?)",
];

/// Adds a county's new tallies to its cadres' totals within a region above it (`?`: the region,
/// the county).
pub(in crate::records) const ADD_VISIT_REACH: &str =
    "INSERT INTO cadre_visit_reach (region_code, cadre_id, year, total) \
     SELECT ?, m.cadre_id, m.year, m.total FROM cadre_visit_months m WHERE m.county_code = ? \
     ON CONFLICT (region_code, cadre_id, year) \
     DO UPDATE SET total = cadre_visit_reach.total + excluded.total";

/// Replaces a county's month totals from its new tallies (`?`: the county, twice).
pub(in crate::records) const MONTH_TOTALS: [&str; 2] = [
    "DELETE FROM visit_month_totals WHERE county_code = ?",
    "INSERT INTO visit_month_totals \
     SELECT county_code, year, sum(total), sum(m1), sum(m2), sum(m3), sum(m4), sum(m5), \
     sum(m6), sum(m7), sum(m8), sum(m9), sum(m10), sum(m11), sum(m12) \
     FROM cadre_visit_months WHERE county_code = ? GROUP BY county_code, year",
];

/// Tallies a county's visits per cadre, year and month into `cadre_visit_months` (`?`: the
/// county's code) in one grouped pass over the county's visits. A date is read as its ISO text
/// on both backends (SQLite keeps the text, PostgreSQL's DATE prints it), so year and month are
/// its first four and its sixth and seventh characters.
pub(in crate::records) fn tally_visit_months() -> String {
    let months: String = (1..=12)
        .map(|m| {
            format!(
                ", sum(CASE WHEN substr(CAST(date AS TEXT), 6, 2) = '{m:02}' THEN 1 ELSE 0 END)"
            )
        })
        .collect();
    let columns: String = (1..=12).map(|m| format!(", m{m}")).collect();
    format!(
        "INSERT INTO cadre_visit_months (year, county_code, cadre_id, total{columns}) \
         SELECT CAST(substr(CAST(date AS TEXT), 1, 4) AS INTEGER), county_code, cadre_id, \
         count(*){months} FROM visits WHERE county_code = ? \
         GROUP BY CAST(substr(CAST(date AS TEXT), 1, 4) AS INTEGER), county_code, cadre_id"
    )
}

/// A county within a reach with the stamp of its last refresh (0: never) and whether it is
/// marked for another, read in one statement.
pub(in crate::records) struct CountyStamp {
    pub county: RegionCode,
    pub refreshed: i64,
    pub marked: bool,
}

impl FromRow for CountyStamp {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Regions,
        "county_refreshes",
        "区县刷新",
        &[
            column("county_code", ColumnType::Region),
            column("refreshed", COUNT),
            column("marked", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CountyStamp {
            county: r.region("county_code")?,
            refreshed: r.int("refreshed").unwrap_or(0),
            marked: r.count("marked") > 0,
        })
    }
}

/// The counties between two codes (`?`, `?`) with their refresh stamps.
pub(in crate::records) const COUNTY_STAMPS: Query<CountyStamp> = Query::new(
    "SELECT r.code, \
     COALESCE((SELECT cr.refreshed FROM county_refreshes cr WHERE cr.county_code = r.code), 0), \
     (SELECT count(*) FROM rollup_dirty d WHERE d.county_code = r.code) \
     FROM regions r WHERE r.level = 'county' AND r.code BETWEEN ? AND ? ORDER BY r.code",
);
