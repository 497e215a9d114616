//! The targets in force (rules.md §9, "312", coverage) as a workbook's sheet 目标, so that a
//! workbook passed on says what its region was measured against, as its page does.

use crate::workbooks::{plain_sheet, Cell};
use crate::OutputError;
use rust_xlsxwriter::Workbook;
use xplus_core::assessment::village::format_bp_percent;
use xplus_core::rules::Target;

/// A target line of a workbook, as its page shows it: the target, where it was set, the year's
/// figure and the verdict (None where nothing is judged, e.g. before the target's year).
pub struct TargetRow {
    pub what: String,
    pub target: String,
    pub origin: String,
    pub source: String,
    pub actual: String,
    pub met: Option<bool>,
}

impl TargetRow {
    /// A coverage target (a share in basis points) judged on `n` of `d` households by core's
    /// exact comparison; nothing to count is not judged.
    pub fn share(what: &str, t: &Target, (n, d): (u64, u64)) -> TargetRow {
        TargetRow {
            what: what.to_string(),
            target: format_bp_percent(t.value),
            origin: t.origin.describe(false),
            source: t.source.to_string(),
            actual: (n * 10_000)
                .checked_div(d)
                .map_or_else(|| "-".to_string(), |bp| format_bp_percent(bp as i64)),
            met: (d > 0).then(|| t.share_met(n, d)),
        }
    }
}

/// Sheet 目标: the targets in force for the region of the workbook (none written without any).
pub(crate) fn target_sheet(book: &mut Workbook, rows: &[TargetRow]) -> Result<(), OutputError> {
    if rows.is_empty() {
        return Ok(());
    }
    plain_sheet(
        book,
        "目标",
        &[
            "目标 target",
            "目标值 value",
            "设置 set by",
            "依据 source",
            "本年 this year",
            "是否达到 met",
        ],
        rows.iter().map(|r| {
            vec![
                Cell::Text(&r.what),
                Cell::Text(&r.target),
                Cell::Text(&r.origin),
                Cell::Text(&r.source),
                Cell::Text(&r.actual),
                Cell::Text(match r.met {
                    Some(true) => "达到",
                    Some(false) => "未达到",
                    None => "未到目标年度",
                }),
            ]
        }),
    )
}
