//! The interchange format (bundles of CSV files or one `.xlsx` workbook): which files and
//! columns exist and how one cell is read and written. Reading files is the store's job.

pub mod cell;
pub mod named;
pub mod schema;

pub use cell::Value;
pub use named::{column_of, Named};
pub use schema::{Column, ColumnType, CountyFrom, FileId, FileSpec, ALL_FILES};
