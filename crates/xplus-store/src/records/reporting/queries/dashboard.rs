//! The SQL of the dashboard (dashboard.rs), which reads the stored roll-ups only.

use super::rollup::StoredFigure;
use crate::session::rows::Query;

/// The stored figures of one region (`?`: its code).
pub(in crate::records) const FIGURES_OF_REGION: Query<StoredFigure> = Query::new(
    "SELECT region_code, measure, year, bucket, value FROM rollups WHERE region_code = ?",
);

/// The stored figures of a region's children (`?`: the region's code, 0 for the provinces).
pub(in crate::records) const FIGURES_OF_CHILDREN: Query<StoredFigure> = Query::new(
    "SELECT region_code, measure, year, bucket, value FROM rollups WHERE parent_code = ?",
);

/// Compact, (region, value): one measure's figures without a year in the regions between two
/// codes (`?`: the measure's code, then the range) — an index range per measure.
pub(in crate::records) const MEASURE_BETWEEN: &str = "SELECT region_code, value FROM rollups \
     WHERE measure = ? AND year = 0 AND region_code BETWEEN ? AND ?";
