//! The SQL of the 集体 collective operations and the rows it returns, by name: the operations in
//! this folder hold the rules, this module holds what is asked of the database, in the file of
//! the operation's name.

pub(super) mod adjustment;
pub(super) mod assets;
pub(super) mod dividends;
pub(super) mod funds;
pub(super) mod investors;
pub(super) mod overview;
pub(super) mod plan;

pub(in crate::records) use crate::session::rows::read_row;
