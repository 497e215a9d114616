//! The SQL of the yearly assessment's operations and the rows it returns, by name: the operations
//! in this folder hold the rules, these files hold what is asked of the database — one file per
//! operation file, and the stored tables of the assessment (`assessment_outcomes`, the exit
//! batches) beside the reads of them. The rows hold xplus-core's types and plain values; the
//! store's own types (`Standing`, `BatchState`, …) are built by the operations, which sit above.

pub(super) mod apply;
pub(super) mod chain;
pub(super) mod exit_batches;
pub(super) mod exit_steps;
pub(super) mod exits;
pub(super) mod facts;
pub(super) mod judge;
pub(super) mod monitoring;

use xplus_core::interchange::FileSpec;

/// Where column `name` sits in a stored row of `file`, for a row read whole, changed in a column
/// or two and written back. A name the file does not have is a mistake in this crate, found by
/// the first test that writes the row, so it panics with both names.
pub(in crate::records) fn column_of(file: &'static FileSpec, name: &str) -> usize {
    match file.column_index(name) {
        Some(i) => i,
        None => panic!("file {} has no column {name}", file.name),
    }
}
