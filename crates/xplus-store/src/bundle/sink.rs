//! Writing a bundle: a folder of CSV files (UTF-8, LF) or one `.xlsx` workbook whose cells
//! keep their types where Excel users expect numbers, and text where Excel would damage them.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use xplus_core::interchange::cell::{self, Value};
use xplus_core::interchange::schema::{find_file, Column, ColumnType, FileSpec};
use xplus_core::text;

/// Data rows a worksheet can hold: Excel's 1,048,576 rows less the header.
pub const MAX_SHEET_ROWS: u32 = 1_048_575;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("无法创建文件夹 {path} / cannot create folder {path}: {source}")]
    CreateFolder {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("无法写入文件 {path} / cannot write file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error("无法写入文件 {path} / cannot write file {path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error("无法写入工作簿 {path} / cannot write workbook {path}: {source}")]
    Workbook {
        path: String,
        #[source]
        source: XlsxError,
    },
    #[error(
        "工作表 {sheet} 超过 Excel 每张表 1,048,575 行的上限，请导出为 CSV 文件夹（路径不以 .xlsx 结尾） / \
         sheet {sheet} has more rows than Excel's limit of 1,048,575; export to a folder of CSV files instead (a path not ending in .xlsx)"
    )]
    TooManyRows { sheet: String },
    #[error("内部错误：写入 {file} 的一行有 {got} 个值，应为 {expected} 个 / internal error: a row of {file} has {got} values, not {expected}")]
    Width {
        file: String,
        expected: usize,
        got: usize,
    },
    #[error(
        "内部错误：尚未开始写文件 / internal error: a row was written before a file was begun"
    )]
    NotBegun,
}

pub struct BundleSink {
    out: Out,
    current: Option<Current>,
    row_limit: u32,
}

enum Out {
    Folder(PathBuf),
    Workbook(Box<Xlsx>),
}

struct Xlsx {
    path: PathBuf,
    workbook: Workbook,
    money: Format,
    bold: Format,
}

struct Current {
    spec: &'static FileSpec,
    chinese: bool,
    rows: u32,
    target: Target,
}

enum Target {
    Csv {
        path: PathBuf,
        // Boxed: the writer's buffer state would make every `Current` as large.
        writer: Box<csv::Writer<std::io::BufWriter<File>>>,
    },
    Sheet {
        index: usize,
    },
}

impl BundleSink {
    /// A path ending in `.xlsx` is one workbook, written by `finish`; anything else is a folder,
    /// created if missing.
    pub fn create(path: &Path) -> Result<BundleSink, SinkError> {
        let workbook = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        let out = if workbook {
            Out::Workbook(Box::new(Xlsx {
                path: path.to_path_buf(),
                workbook: Workbook::new(),
                money: Format::new().set_num_format("0.00"),
                bold: Format::new().set_bold(),
            }))
        } else {
            std::fs::create_dir_all(path).map_err(|source| SinkError::CreateFolder {
                path: path.display().to_string(),
                source,
            })?;
            Out::Folder(path.to_path_buf())
        };
        Ok(BundleSink {
            out,
            current: None,
            row_limit: MAX_SHEET_ROWS,
        })
    }

    /// Starts the file or sheet of `spec`, with English or Chinese headers. A file still open
    /// is ended first.
    pub fn begin(&mut self, spec: &'static FileSpec, chinese: bool) -> Result<(), SinkError> {
        self.end()?;
        let headers = spec.columns.iter().map(|c| header(c, chinese));
        let target = match &mut self.out {
            Out::Folder(dir) => {
                let path = dir.join(spec.file_name());
                remove_aliases(dir, spec)?;
                let mut file = std::fs::File::create(&path).map_err(|source| SinkError::Io {
                    path: path.display().to_string(),
                    source,
                })?;
                // A byte-order mark makes Chinese Excel open the file as UTF-8 rather than GBK;
                // the importer accepts files with or without it.
                std::io::Write::write_all(&mut file, "\u{feff}".as_bytes()).map_err(|source| {
                    SinkError::Io {
                        path: path.display().to_string(),
                        source,
                    }
                })?;
                let mut writer = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::Any(b'\n'))
                    .from_writer(std::io::BufWriter::new(file));
                writer
                    .write_record(headers)
                    .map_err(|source| csv_error(&path, source))?;
                Target::Csv {
                    path,
                    writer: Box::new(writer),
                }
            }
            Out::Workbook(xlsx_out) => {
                let Xlsx {
                    path,
                    workbook,
                    bold,
                    ..
                } = &mut **xlsx_out;
                let xlsx = |source| SinkError::Workbook {
                    path: path.display().to_string(),
                    source,
                };
                // Constant-memory sheets stream rows to a temporary file, so exporting a big
                // sheet does not hold all its cells in memory until the workbook is saved.
                let sheet = workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(xlsx)?;
                sheet.set_name(spec.name).map_err(xlsx)?;
                for (i, (column, text)) in spec.columns.iter().zip(headers).enumerate() {
                    let col = i as u16;
                    sheet
                        .set_column_width(col, column_width(column, text))
                        .map_err(xlsx)?;
                    sheet
                        .write_string_with_format(0, col, text, bold)
                        .map_err(xlsx)?;
                }
                sheet.set_freeze_panes(1, 0).map_err(xlsx)?;
                Target::Sheet {
                    index: workbook.worksheets().len() - 1,
                }
            }
        };
        self.current = Some(Current {
            spec,
            chinese,
            rows: 0,
            target,
        });
        Ok(())
    }

    /// One row, values in `spec.columns` order.
    pub fn write(&mut self, values: &[Value]) -> Result<(), SinkError> {
        let current = self.current.as_mut().ok_or(SinkError::NotBegun)?;
        let spec = current.spec;
        if values.len() != spec.columns.len() {
            return Err(SinkError::Width {
                file: spec.file_name(),
                expected: spec.columns.len(),
                got: values.len(),
            });
        }
        match (&mut current.target, &mut self.out) {
            (Target::Csv { path, writer }, _) => {
                for (column, value) in spec.columns.iter().zip(values) {
                    let text = cell::format(column, value, current.chinese);
                    // Text typed by users gets an apostrophe where Excel would run it as a
                    // formula (interchange.md); numbers such as a negative income stay numbers.
                    let field = match value {
                        Value::Text(_) => text::guard_formula(&text),
                        _ => std::borrow::Cow::Borrowed(text.as_str()),
                    };
                    writer
                        .write_field(field.as_ref())
                        .map_err(|source| csv_error(path, source))?;
                }
                writer
                    .write_record(None::<&[u8]>)
                    .map_err(|source| csv_error(path, source))?;
            }
            (Target::Sheet { index }, Out::Workbook(xlsx_out)) => {
                let Xlsx {
                    path,
                    workbook,
                    money,
                    ..
                } = &mut **xlsx_out;
                if current.rows >= self.row_limit {
                    return Err(SinkError::TooManyRows {
                        sheet: spec.name.to_string(),
                    });
                }
                let xlsx = |source| SinkError::Workbook {
                    path: path.display().to_string(),
                    source,
                };
                let sheet = workbook.worksheet_from_index(*index).map_err(xlsx)?;
                let row = current.rows + 1;
                for (i, (column, value)) in spec.columns.iter().zip(values).enumerate() {
                    let col = i as u16;
                    match (value, column.ty) {
                        (Value::Null, _) => {}
                        (Value::Money(fen), _) => {
                            sheet
                                .write_number_with_format(row, col, fen.0 as f64 / 100.0, money)
                                .map_err(xlsx)?;
                        }
                        (Value::Int(v), ColumnType::Int { .. } | ColumnType::Year) => {
                            sheet.write_number(row, col, *v as f64).map_err(xlsx)?;
                        }
                        // Ids and region codes as numbers would lose digits or show as 3.41E+11.
                        _ => {
                            let text = cell::format(column, value, current.chinese);
                            if !text.is_empty() {
                                sheet.write_string(row, col, text).map_err(xlsx)?;
                            }
                        }
                    }
                }
            }
            (Target::Sheet { .. }, Out::Folder(_)) => unreachable!("sheets only in workbooks"),
        }
        current.rows += 1;
        Ok(())
    }

    /// Ends the current file: a CSV file is flushed and closed; a sheet is kept for `finish`.
    pub fn end(&mut self) -> Result<(), SinkError> {
        if let Some(Current {
            target: Target::Csv { path, mut writer },
            ..
        }) = self.current.take()
        {
            writer.flush().map_err(|source| SinkError::Io {
                path: path.display().to_string(),
                source,
            })?;
        }
        Ok(())
    }

    /// Ends the current file and, for a workbook, saves it.
    pub fn finish(mut self) -> Result<(), SinkError> {
        self.end()?;
        if let Out::Workbook(xlsx_out) = &mut self.out {
            let Xlsx { path, workbook, .. } = &mut **xlsx_out;
            workbook
                .save(&*path)
                .map_err(|source| SinkError::Workbook {
                    path: path.display().to_string(),
                    source,
                })?;
        }
        Ok(())
    }
}

fn header(column: &Column, chinese: bool) -> &'static str {
    if chinese {
        column.zh
    } else {
        column.en
    }
}

fn csv_error(path: &Path, source: csv::Error) -> SinkError {
    SinkError::Csv {
        path: path.display().to_string(),
        source,
    }
}

/// Removes files of the folder that a reader would take for the same spec under another name
/// (贫困户.csv, Households.CSV): left beside the new file, they would make the folder an
/// ambiguous bundle that cannot be imported.
fn remove_aliases(dir: &Path, spec: &FileSpec) -> Result<(), SinkError> {
    let io_err = |path: &Path, source| SinkError::Io {
        path: path.display().to_string(),
        source,
    };
    let own = spec.file_name();
    for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let path = entry.map_err(|e| io_err(dir, e))?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if is_csv
            && name != own
            && path.is_file()
            && find_file(stem).is_some_and(|f| f.id == spec.id)
        {
            std::fs::remove_file(&path).map_err(|e| io_err(&path, e))?;
        }
    }
    Ok(())
}

/// Wide enough for the header and a typical value, so that ids are not shown as "####".
fn column_width(column: &Column, header: &str) -> f64 {
    let typical = match column.ty {
        ColumnType::IdNumber => 20.0,
        ColumnType::Region => 14.0,
        ColumnType::Date | ColumnType::Money { .. } => 12.0,
        ColumnType::Text | ColumnType::Key | ColumnType::Name => 16.0,
        ColumnType::Multi(_) => 24.0,
        ColumnType::Enum(_) => 12.0,
        ColumnType::Year | ColumnType::Bool | ColumnType::Int { .. } => 8.0,
    };
    // Chinese characters take two columns' worth of width.
    let header_width: usize = header
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 2 })
        .sum();
    f64::max(typical, header_width as f64 + 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xplus_core::interchange::schema::UNITS;

    #[test]
    fn a_sheet_beyond_the_row_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = BundleSink::create(&dir.path().join("b.xlsx")).unwrap();
        sink.row_limit = 2;
        sink.begin(&UNITS, false).unwrap();
        let row = [
            Value::Text("U1".into()),
            Value::Text("县委组织部".into()),
            Value::Code("organ"),
        ];
        sink.write(&row).unwrap();
        sink.write(&row).unwrap();
        let err = sink.write(&row).unwrap_err();
        assert!(matches!(&err, SinkError::TooManyRows { sheet } if sheet == "units"));
        assert!(err.to_string().contains("CSV"), "{err}");
    }

    #[test]
    fn folders_have_no_row_limit() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = BundleSink::create(dir.path()).unwrap();
        sink.row_limit = 1;
        sink.begin(&UNITS, true).unwrap();
        let row = [
            Value::Text("U1".into()),
            Value::Text("县委组织部".into()),
            Value::Code("organ"),
        ];
        sink.write(&row).unwrap();
        sink.write(&row).unwrap();
        sink.finish().unwrap();
        let text = std::fs::read_to_string(dir.path().join("units.csv")).unwrap();
        assert_eq!(
            text,
            "\u{feff}单位编号,单位名称,类型\nU1,县委组织部,机关\nU1,县委组织部,机关\n"
        );
    }
}
