//! The files of `xplus crosscheck` (departments.md): the findings, one line per (member, finding),
//! and the problem rows whose number matched nobody because it is not a valid number. CSV (UTF-8,
//! formula-guarded) or a workbook, by the file's extension; the columns are the specified ones.

use crate::OutputError;
use rust_xlsxwriter::{Format, Workbook};
use xplus_core::text::guard_formula;
use xplus_store::records::{FindingRow, ProblemRow};

const FINDINGS: [&str; 6] = [
    "household_id",
    "id_number",
    "finding",
    "file",
    "row",
    "detail",
];
const PROBLEMS: [&str; 4] = ["file", "row", "value", "reason"];

fn finding_cells(f: &FindingRow) -> [String; 6] {
    [
        f.household_id.clone(),
        f.id_number.clone(),
        f.finding.code().to_string(),
        f.file.clone(),
        f.row.to_string(),
        f.detail.clone(),
    ]
}

fn problem_cells(p: &ProblemRow) -> [String; 4] {
    [
        p.file.clone(),
        p.row.to_string(),
        p.value.clone(),
        p.reason.clone(),
    ]
}

/// A table as CSV: its header, then its rows, every cell guarded against formulas.
fn csv_of<const N: usize>(
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Vec<u8>, OutputError> {
    let failed = |e: csv::Error| OutputError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(failed)?;
    for row in rows {
        w.write_record(row.iter().map(|c| guard_formula(c).into_owned()))
            .map_err(failed)?;
    }
    w.into_inner().map_err(|e| OutputError::Csv(e.to_string()))
}

/// The same as a one-sheet workbook (text cells; the row number as a number).
fn workbook_of<const N: usize>(
    sheet_name: &str,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
    number_column: usize,
) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if c == number_column => sheet.write_number(r, c as u16, n)?,
                _ => sheet.write_string(r, c as u16, cell)?,
            };
        }
    }
    Ok(book.save_to_buffer()?)
}

/// The findings, as CSV or (`workbook`) a workbook.
pub fn findings_file(findings: &[FindingRow], workbook: bool) -> Result<Vec<u8>, OutputError> {
    let rows = findings.iter().map(finding_cells);
    if workbook {
        workbook_of("findings", FINDINGS, rows, 4)
    } else {
        csv_of(FINDINGS, rows)
    }
}

/// The problem rows, as CSV or a workbook.
pub fn problems_file(problems: &[ProblemRow], workbook: bool) -> Result<Vec<u8>, OutputError> {
    let rows = problems.iter().map(problem_cells);
    if workbook {
        workbook_of("problems", PROBLEMS, rows, 1)
    } else {
        csv_of(PROBLEMS, rows)
    }
}
