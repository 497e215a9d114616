//! The SQL of the gap lists' pages (gap_pages.rs): the kept §6 and §10 figures of one year, of a
//! region, of its children, or of the villages within a range.

use super::rollup::StoredFigure;
use crate::session::rows::Query;

/// The measures the tables read: poor at the start, each link, all five, person-times, the ways
/// of taking part in industry.
macro_rules! kept_measures {
    () => {
        "measure IN ('coverage.poor_at_start', 'coverage.link', 'coverage.full_chain', \
         'coverage.full_chain_applicable', 'coverage.person_times', 'industry.way')"
    };
}

/// A region's own figures (`?`: the region, the year).
pub(in crate::records) const KEPT_OF_REGION: Query<StoredFigure> = Query::new(concat!(
    "SELECT region_code, measure, year, bucket, value FROM rollups \
     WHERE region_code = ? AND year = ? AND ",
    kept_measures!()
));

/// The figures of a region's children (`?`: the region, 0 for the provinces; the year).
pub(in crate::records) const KEPT_CHILDREN: Query<StoredFigure> = Query::new(concat!(
    "SELECT region_code, measure, year, bucket, value FROM rollups \
     WHERE parent_code = ? AND year = ? AND ",
    kept_measures!()
));

/// The figures of the villages (codes not ending in 000) between two codes (`?`: the year, the
/// range), for their gaps in the chain: poor at the start, each link, all five, all that apply.
pub(in crate::records) const KEPT_CHAIN_VILLAGES: Query<StoredFigure> = Query::new(
    "SELECT region_code, measure, year, bucket, value FROM rollups \
     WHERE measure IN ('coverage.poor_at_start', 'coverage.link', 'coverage.full_chain', \
     'coverage.full_chain_applicable') \
     AND year = ? AND region_code BETWEEN ? AND ? AND region_code % 1000 <> 0",
);

/// The same villages' figures for 一户一工人: poor at the end (the standings at the end, every
/// status, about six rows a village) and with a worker then. Apart from the chain's, whose
/// pages need none of them.
pub(in crate::records) const KEPT_WORKER_VILLAGES: Query<StoredFigure> = Query::new(
    "SELECT region_code, measure, year, bucket, value FROM rollups \
     WHERE measure IN ('households.at_end', 'industry.with_worker') \
     AND year = ? AND region_code BETWEEN ? AND ? AND region_code % 1000 <> 0",
);
