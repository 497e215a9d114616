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

use crate::error::StoreError;
use crate::records::ReadSession;
use crate::session::filter::Filter;
use crate::session::rows::{FromRow, Named};
use xplus_core::interchange::FileSpec;

/// Rows of a stored table matching `filter`, read as `T` (whose `SHAPE` is the table's own spec,
/// so the columns are the table's in file order).
pub(in crate::records) async fn select_rows<T: FromRow>(
    s: &mut dyn ReadSession,
    filter: &Filter,
) -> Result<Vec<T>, StoreError> {
    Ok(s.select(T::SHAPE, filter, "", None)
        .await?
        .iter()
        .filter_map(|values| T::from_row(Named::new(T::SHAPE, values)))
        .collect())
}

/// Where column `name` sits in a stored row of `file`, for a row read whole, changed in a column
/// or two and written back. A name the file does not have is a mistake in this crate, found by
/// the first test that writes the row, so it panics with both names.
pub(in crate::records) fn column_of(file: &'static FileSpec, name: &str) -> usize {
    match file.column_index(name) {
        Some(i) => i,
        None => panic!("file {} has no column {name}", file.name),
    }
}
