//! Figures over many households: the dashboard, the year report, the responsibility cards and the
//! roll-ups that keep them fast.

pub(crate) mod case_figures;
pub(crate) mod dashboard;
pub(crate) mod gap_pages;
pub(crate) mod latest;
mod queries;
pub(crate) mod ranking;
pub(crate) mod report;
pub(crate) mod responsibility;
pub(crate) mod rollup;
pub(crate) mod rollup_figures;
pub(crate) mod rollup_verify;
