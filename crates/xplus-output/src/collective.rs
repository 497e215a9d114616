//! The 集体 workbook of a year: what /collective shows, for an office that keeps its own tables
//! — each village's operating income against §9's lines, the targets in force with where they
//! were set, the empty-shell plan's standing village by village, and the pledge loans per county.

use crate::targets::{target_sheet, TargetRow};
use crate::workbooks::{failed, plain_sheet, Cell};
use crate::OutputError;
use rust_xlsxwriter::Workbook;
use xplus_core::money::Fen;
use xplus_store::records::{CollectiveOverview, CollectiveTargets};

fn yuan(f: Fen) -> Cell<'static> {
    Cell::Money(f)
}

fn yes(b: bool) -> Cell<'static> {
    Cell::Text(if b { "是" } else { "否" })
}

/// Sheets 各村集体经济, 目标, 空壳村消除计划 and 农权贷; money in yuan as numbers with two
/// decimals, as the other workbooks write it.
pub fn collective_workbook(
    o: &CollectiveOverview,
    t: &CollectiveTargets,
    targets: &[TargetRow],
) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    plain_sheet(
        &mut book,
        "各村集体经济",
        &[
            "村代码 village code",
            "村 village",
            "贫困村 poor village",
            "集体经营性收入（元）operating income (yuan)",
            "空壳村 empty-shell",
            "强村 strong",
        ],
        o.villages.iter().map(|v| {
            vec![
                Cell::Owned(v.code.to_string()),
                Cell::Text(&v.name),
                yes(v.poor_village),
                v.income.map_or(Cell::Empty, yuan),
                yes(v.empty_shell),
                yes(v.strong),
            ]
        }),
    )?;
    target_sheet(&mut book, targets)?;
    plain_sheet(
        &mut book,
        "空壳村消除计划",
        &[
            "村代码 village code",
            "村 village",
            "计划消除年度 planned year",
            "措施 measure",
            "本年集体经营性收入（元）income (yuan)",
            "进度 standing",
        ],
        t.planned.iter().map(|v| {
            vec![
                Cell::Owned(v.code.to_string()),
                Cell::Text(&v.name),
                Cell::Count(v.planned_year.max(0) as u64),
                v.measure.as_deref().map_or(Cell::Empty, Cell::Text),
                v.income.map_or(Cell::Empty, yuan),
                Cell::Text(v.status.label_zh()),
            ]
        }),
    )?;
    plain_sheet(
        &mut book,
        "农权贷",
        &[
            "县代码 county code",
            "县 county",
            "发放笔数 issued",
            "发放金额（元）issued (yuan)",
            "未还清笔数 outstanding",
            "未还清金额（元）outstanding (yuan)",
            "已还清笔数 repaid",
            "已还清金额（元）repaid (yuan)",
        ],
        o.loans.iter().map(|c| {
            vec![
                Cell::Owned(c.county.to_string()),
                Cell::Text(&c.name),
                Cell::Count(c.issued),
                yuan(c.issued_amount),
                Cell::Count(c.outstanding),
                yuan(c.outstanding_amount),
                Cell::Count(c.repaid),
                yuan(c.repaid_amount),
            ]
        }),
    )?;
    book.save_to_buffer().map_err(failed)
}
