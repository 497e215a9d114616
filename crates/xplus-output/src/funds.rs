//! 多元投入 (funds.csv) as a workbook: the year's funds of a region by source, by link and by the
//! regions below it, and every year's by source. The yearly report's sheet is the first of them.

use crate::workbooks::failed;
use crate::OutputError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use xplus_core::collective::funds::FundSource;
use xplus_core::text::guard_formula;
use xplus_core::Fen;
use xplus_store::records::FundsOverview;

/// Bold text cells across a row.
fn headings(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[String],
    bold: &Format,
) -> Result<(), OutputError> {
    for (col, text) in cells.iter().enumerate() {
        sheet
            .write_string_with_format(row, col as u16, text, bold)
            .map_err(failed)?;
    }
    Ok(())
}

/// Yuan cells from column `from` on.
fn amounts(
    sheet: &mut Worksheet,
    row: u32,
    from: u16,
    fen: impl Iterator<Item = Fen>,
    money: &Format,
) -> Result<(), OutputError> {
    for (i, f) in fen.enumerate() {
        sheet
            .write_number_with_format(row, from + i as u16, f.0 as f64 / 100.0, money)
            .map_err(failed)?;
    }
    Ok(())
}

/// The sheet 多元投入: the funds of the year by source with the total, by link, then each region
/// below the one viewed (its own funds first, 本级) by source.
pub(crate) fn funds_sheet(
    book: &mut Workbook,
    o: &FundsOverview,
    bold: &Format,
    money: &Format,
) -> Result<(), OutputError> {
    let sheet = book.add_worksheet();
    sheet.set_name("多元投入").map_err(failed)?;
    sheet.set_column_width(0, 30).map_err(failed)?;
    sheet.set_column_width(1, 18).map_err(failed)?;
    let line = |sheet: &mut Worksheet, row: u32, label: String, fen: Fen, n: u64| {
        sheet.write_string(row, 0, label).map_err(failed)?;
        amounts(sheet, row, 1, [fen].into_iter(), money)?;
        sheet.write_number(row, 2, n as f64).map_err(failed)?;
        Ok::<(), OutputError>(())
    };
    let head = |first: &str| [first, "金额（元）amount", "笔数 funds"].map(str::to_string);
    headings(sheet, 0, &head("资金来源 source"), bold)?;
    let mut row = 1;
    for (s, t) in &o.by_source {
        line(
            sheet,
            row,
            format!("{} {}", s.label_zh(), s.en()),
            t.amount,
            t.funds,
        )?;
        row += 1;
    }
    line(
        sheet,
        row,
        "合计 total".into(),
        o.total.amount,
        o.total.funds,
    )?;
    row += 2;
    headings(sheet, row, &head("投入环节 link"), bold)?;
    for (l, t) in &o.by_link {
        row += 1;
        line(
            sheet,
            row,
            format!("{} {}", l.label_zh(), l.en()),
            t.amount,
            t.funds,
        )?;
    }
    row += 2;
    let mut header = vec!["地区 region".to_string(), "区划代码 code".to_string()];
    header.extend(FundSource::ALL.iter().map(|s| s.label_zh().to_string()));
    header.push("合计 total".into());
    headings(sheet, row, &header, bold)?;
    for g in &o.regions {
        row += 1;
        let name = if g.own {
            format!("{}（本级）", g.name)
        } else {
            g.name.clone()
        };
        sheet
            .write_string(row, 0, guard_formula(&name))
            .map_err(failed)?;
        sheet
            .write_string(row, 1, g.code.to_string())
            .map_err(failed)?;
        let cells = g.by_source.iter().copied().chain([g.total.amount]);
        amounts(sheet, row, 2, cells, money)?;
    }
    Ok(())
}

/// The funds workbook of `/funds.xlsx`: the year's sheet, then 历年投入 (every year by source).
pub fn funds_workbook(o: &FundsOverview) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    funds_sheet(&mut book, o, &bold, &money)?;
    let sheet = book.add_worksheet();
    sheet.set_name("历年投入").map_err(failed)?;
    let mut header = vec!["年度 year".to_string()];
    header.extend(FundSource::ALL.iter().map(|s| s.label_zh().to_string()));
    header.push("合计 total".into());
    headings(sheet, 0, &header, &bold)?;
    for (i, (year, by_source)) in o.years.iter().enumerate() {
        let row = i as u32 + 1;
        sheet
            .write_number(row, 0, f64::from(*year))
            .map_err(failed)?;
        let total = Fen(by_source.iter().map(|f| f.0).sum());
        amounts(
            sheet,
            row,
            1,
            by_source.iter().copied().chain([total]),
            &money,
        )?;
    }
    book.save_to_buffer().map_err(failed)
}
