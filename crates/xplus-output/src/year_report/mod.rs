//! The yearly report (`xplus report`) in its three formats: JSON for machines, a workbook for the
//! office and a printable A4 page whose charts are SVG (no script: it prints and opens anywhere,
//! also offline).

mod html;
mod json;
mod workbook;

pub use html::{case_rows, year_report_html, CaseRow, Language};
pub use json::year_report_json;
pub use workbook::year_report_workbook;
