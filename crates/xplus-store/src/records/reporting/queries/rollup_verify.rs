//! The SQL of the roll-ups' verification (rollup_verify.rs): the counties to recompute and the
//! stored figures to compare with.

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
