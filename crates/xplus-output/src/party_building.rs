//! 基层党组织建设 as a workbook (`/party-building.xlsx`): the year's weak party organisations and
//! standardisation checks of a region and of each region below it, then the weak organisations
//! still open on Dec 31 with who answers for them. The figures are the page's.

use crate::workbooks::failed;
use crate::OutputError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use xplus_core::assessment::village::format_bp_percent;
use xplus_core::backbone::party_building::PartyFigures;
use xplus_core::text::guard_formula;
use xplus_store::records::PartyBuilding;

const HEADER: [&str; 11] = [
    "地区 region",
    "区划代码 code",
    "软弱涣散村党组织 weak organisations",
    "已整顿转化 rectified",
    "未整顿转化 still open",
    "标准化建设检查村 villages checked",
    "达标村 meeting the standard",
    "达标率 share meeting",
    "检查的贫困村 poor villages checked",
    "达标的贫困村 poor villages meeting",
    "截至 as of",
];

/// One row of figures from column 0: the name, the code, the counts, the share, the day.
fn figures_row(
    sheet: &mut Worksheet,
    row: u32,
    name: &str,
    code: &str,
    f: &PartyFigures,
    as_of: &str,
) -> Result<(), OutputError> {
    sheet
        .write_string(row, 0, guard_formula(name))
        .map_err(failed)?;
    sheet.write_string(row, 1, code).map_err(failed)?;
    let counts = [f.weak, f.rectified, f.open(), f.checked, f.meeting];
    for (i, n) in counts.iter().enumerate() {
        sheet
            .write_number(row, 2 + i as u16, *n as f64)
            .map_err(failed)?;
    }
    let share = f.meeting_bp().map(format_bp_percent).unwrap_or_default();
    sheet.write_string(row, 7, share).map_err(failed)?;
    sheet
        .write_number(row, 8, f.poor_checked as f64)
        .map_err(failed)?;
    sheet
        .write_number(row, 9, f.poor_meeting as f64)
        .map_err(failed)?;
    sheet.write_string(row, 10, as_of).map_err(failed)?;
    Ok(())
}

/// The workbook: sheet 基层党组织建设 (the total, then each region below), sheet 未整顿转化 (the
/// weak organisations still open on Dec 31: village, name, year listed, responsible leader).
pub fn party_building_workbook(v: &PartyBuilding) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let as_of = v.as_of.to_string();
    let sheet = book.add_worksheet();
    sheet.set_name("基层党组织建设").map_err(failed)?;
    sheet.set_column_width(0, 24).map_err(failed)?;
    for (col, text) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *text, &bold)
            .map_err(failed)?;
    }
    let (root_name, root_code) = match &v.root {
        Some(r) => (format!("{}（合计）", v.name(r)), r.to_string()),
        None => ("合计 total".to_string(), String::new()),
    };
    figures_row(sheet, 1, &root_name, &root_code, &v.report.total, &as_of)?;
    for (i, (code, f)) in v.report.by_region.iter().enumerate() {
        let row = i as u32 + 2;
        figures_row(sheet, row, v.name(code), &code.to_string(), f, &as_of)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("未整顿转化").map_err(failed)?;
    sheet.set_column_width(1, 20).map_err(failed)?;
    let head = [
        "村代码 village",
        "村名 name",
        "列入年度 year listed",
        "责任领导 responsible leader",
    ];
    for (col, text) in head.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *text, &bold)
            .map_err(failed)?;
    }
    for (i, o) in v.report.open.iter().enumerate() {
        let row = i as u32 + 1;
        sheet
            .write_string(row, 0, o.village.to_string())
            .map_err(failed)?;
        sheet
            .write_string(row, 1, guard_formula(v.name(&o.village)))
            .map_err(failed)?;
        sheet
            .write_number(row, 2, f64::from(o.year))
            .map_err(failed)?;
        sheet
            .write_string(row, 3, guard_formula(&o.leader))
            .map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}
