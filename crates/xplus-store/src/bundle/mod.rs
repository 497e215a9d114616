//! Bundles: a folder of CSV files or one `.xlsx` workbook (interchange.md).

pub mod export;
pub mod import;
pub mod sink;
pub mod source;
