//! The SQL of the reporting operations and the rows it returns, by name: the operations in this
//! folder hold the rules, these files hold what is asked of the database — one file per
//! operation file, as the statements are many.

pub(super) mod case_figures;
pub(super) mod dashboard;
pub(super) mod gap_pages;
pub(super) mod report;
pub(super) mod responsibility;
pub(super) mod rollup;
pub(super) mod rollup_figures;
pub(super) mod rollup_verify;

pub(super) use crate::records::registry::read::fetch_within;
