//! What an import reports: its findings, the files it read, and the `--errors` CSV.

use crate::error::StoreError;
use std::path::Path;
use xplus_core::text;

/// One finding, pointing at the cell as Excel shows it (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: String,
    /// 0 when the finding is about the bundle or a whole file rather than one row.
    pub row: u32,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// One file of a bundle as it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRead {
    /// "households.csv", "贫困户.csv", or a sheet name with ".csv" added.
    pub name: String,
    pub rows: u64,
    /// How it was decoded: "UTF-8", "UTF-8 (BOM)", "GB18030" or "xlsx" (shown to the user, who
    /// can then tell a file saved in the wrong encoding).
    pub encoding: &'static str,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// How many errors and warnings were found; more than the lists hold when a bundle has
    /// over `MAX_KEPT_ISSUES` of them.
    pub errors_total: u64,
    pub warnings_total: u64,
    /// The files read, in dependency order.
    pub files: Vec<FileRead>,
    /// True when the bundle was written; false when errors kept it out.
    pub committed: bool,
}

/// What an import is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Reading the stored records the bundle's rows are checked against.
    Stored,
    /// Reading and checking the bundle's files (then `file` and `rows` follow).
    Checking,
    /// Every file read: the rules across files, then the writing's end and the commit.
    Finishing,
}

/// Told about progress now and then, so a terminal can show a bar (`rows` every 10,000 rows:
/// cheap enough for an atomic counter).
pub trait ImportProgress: Send + Sync {
    fn file(&self, name: &str);
    fn rows(&self, rows_in_file: u64);
    /// A new stage; `files` is the number of files the bundle holds (0 when not yet known).
    fn stage(&self, _stage: ImportStage, _files: usize) {}
}

/// Writes issues as the `--errors` CSV: `file,row,column,value,reason`.
pub fn write_issues(path: &Path, issues: &[Issue]) -> Result<(), StoreError> {
    let io = |source: std::io::Error| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut w = csv::Writer::from_path(path).map_err(|e| io(e.into()))?;
    w.write_record(["file", "row", "column", "value", "reason"])
        .map_err(|e| io(e.into()))?;
    for i in issues {
        let row = if i.row == 0 {
            String::new()
        } else {
            i.row.to_string()
        };
        // The value is what a user typed: it must not run as a formula in Excel.
        w.write_record([
            text::guard_formula(&i.file).as_ref(),
            &row,
            text::guard_formula(&i.column).as_ref(),
            text::guard_formula(&i.value).as_ref(),
            &i.reason,
        ])
        .map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)
}
