//! The SQL of the 集体 collective operations and the rows it returns, by name: the operations in
//! this folder hold the rules, this module holds what is asked of the database, in the file of
//! the operation's name.

pub(super) mod adjustment;
pub(super) mod assets;
pub(super) mod dividends;
pub(super) mod overview;

use crate::session::rows::{FromRow, Named};
use xplus_core::interchange::Value;

/// A row of a bundle table (as `ReadSession::select` returns it, in file order) read as `T`,
/// whose shape is that table's `FileSpec`; None when `T` skips it.
pub(in crate::records) fn read_row<T: FromRow>(values: &[Value]) -> Option<T> {
    T::from_row(Named::new(T::SHAPE, values))
}
