//! Every report and list as a file people use: CSV (formula-guarded, UTF-8), Excel workbooks and
//! printable HTML (askama templates, like the pages). The command line and the web call the same
//! functions, so a report reads the same whichever way it was asked for.
//!
//! Nothing here reads the database: callers pass the views the store computed.

pub mod assessment;
pub mod collective;
pub mod crosscheck;
pub mod funds;
pub mod party_building;
pub mod ranking;
pub mod review;
mod targets;
pub mod workbooks;
pub mod year_report;

/// Why a file could not be built (never bad input: the views are already checked).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("无法生成工作簿 / cannot build the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    #[error("无法生成 CSV / cannot build the CSV: {0}")]
    Csv(String),
    #[error("无法生成报告页面 / cannot build the report page: {0}")]
    Page(#[from] askama::Error),
}
