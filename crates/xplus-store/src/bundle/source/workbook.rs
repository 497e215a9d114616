//! Reading an `.xlsx` workbook sheet by sheet in bounded memory, whatever its declared
//! dimensions or how far it inflates.
//!
//! Two things keep memory bounded:
//! - before calamine opens the workbook, every XML part of the archive is inflated once and
//!   counted ([`check_parts`]): a part past its size limit, or a run of text between two tags
//!   longer than a cell can hold (one huge cell, or gigabytes of whitespace), is refused before
//!   anything is parsed, so calamine's buffers never hold more than one bounded run;
//! - cells are streamed with calamine's cell reader, never as a `Range`: a stray cell at
//!   XFD1048576 would make a range allocate rows × columns.
//!
//! calamine's cell reader borrows the workbook it reads, so the workbook lives on a thread of
//! its own that sends rows in small batches through a bounded channel; parsing the XML then
//! also runs beside the checking of the rows.

use super::{column_letters, number_text, SourceError};
use calamine::{open_workbook, DataRef, Reader, SheetType, Xlsx};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// How large a workbook may be. The defaults are far above any real bundle (a sheet of Excel's
/// 1,048,576 rows is a few hundred MB of XML) and far below what would exhaust a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Uncompressed bytes of one sheet (or other XML part).
    pub part_bytes: u64,
    /// Uncompressed bytes of the shared-strings part, which calamine holds in memory whole.
    pub shared_strings_bytes: u64,
    /// Uncompressed bytes of all XML parts together.
    pub total_bytes: u64,
    /// Bytes of text between two tags: one cell's value, or whitespace. Excel's own limit is
    /// 32,767 characters a cell; escaped, that is at most ~200 KB.
    pub run_bytes: usize,
    /// Bytes of text in one row (of a sheet, or one CSV record).
    pub row_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            part_bytes: 1 << 30,
            shared_strings_bytes: 256 << 20,
            total_bytes: 4 << 30,
            run_bytes: 256 << 10,
            row_bytes: 1 << 20,
        }
    }
}

/// Inflates every part of the archive once, counting, and refuses the workbook when a limit
/// is passed. Every part, whatever its name: calamine reads a sheet from whatever path the
/// workbook's relationships name.
fn check_parts(path: &Path, limits: &ReadLimits) -> Result<(), SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Open {
        path: path.display().to_string(),
        source,
    })?;
    let broken = |zh: &str, en: String| not_a_workbook(path, zh, en);
    let mut zip = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| broken("不是 zip 压缩包", format!("not a zip archive: {e}")))?;
    if zip.index_for_name("xl/workbook.xml").is_none() {
        return Err(broken(
            "缺少 xl/workbook.xml",
            "xl/workbook.xml is missing".into(),
        ));
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let part = zip
            .by_index(i)
            .map_err(|e| broken("压缩包已损坏", format!("the archive is damaged: {e}")))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        let limit = if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            limits.shared_strings_bytes
        } else {
            limits.part_bytes
        };
        check_part(path, part, &name, limit, limits, &mut total, &mut buf)?;
    }
    Ok(())
}

/// One part: its inflated size, the workbook's running total, and the longest run from one `<`
/// to the next — what quick-xml holds in one buffer, a cell's text or a tag with its attributes.
/// Comments and CDATA sections may hold `<` without ending, so a part with either is refused
/// (Excel writes neither).
fn check_part(
    path: &Path,
    mut part: impl Read,
    name: &str,
    limit: u64,
    limits: &ReadLimits,
    total: &mut u64,
    buf: &mut [u8],
) -> Result<(), SourceError> {
    let too_large = |limit: u64, part: &str| SourceError::TooLarge {
        path: path.display().to_string(),
        part: part.to_string(),
        limit_mb: limit >> 20,
    };
    let (mut size, mut run) = (0u64, 0usize);
    // The end of the previous chunk, for a comment's or CDATA's opening cut in two.
    let mut tail: Vec<u8> = Vec::with_capacity(24);
    loop {
        let n = match part.read(buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(not_a_workbook(
                    path,
                    &format!("{name} 无法解压"),
                    format!("{name} cannot be inflated: {e}"),
                ))
            }
        };
        let chunk = &buf[..n];
        size += n as u64;
        *total += n as u64;
        if size > limit {
            return Err(too_large(limit, name));
        }
        if *total > limits.total_bytes {
            return Err(too_large(limits.total_bytes, "*"));
        }
        let mut from = 0;
        let mut longest = 0;
        for at in memchr::memchr_iter(b'<', chunk) {
            longest = longest.max(run + at - from);
            run = 0;
            from = at;
        }
        run += n - from;
        if longest.max(run) > limits.run_bytes {
            return Err(SourceError::LongCell {
                path: path.display().to_string(),
                part: name.to_string(),
                limit_kb: limits.run_bytes >> 10,
            });
        }
        tail.extend_from_slice(&chunk[..n.min(16)]);
        let hidden = |hay: &[u8]| {
            memchr::memmem::find(hay, b"<!--").is_some()
                || memchr::memmem::find(hay, b"<![CDATA[").is_some()
        };
        if hidden(&tail) || hidden(chunk) {
            return Err(not_a_workbook(
                path,
                &format!("{name} 含有 XML 注释或 CDATA，Excel 不会写入这些内容"),
                format!("{name} holds an XML comment or CDATA section, which Excel never writes"),
            ));
        }
        tail.clear();
        tail.extend_from_slice(&chunk[n.saturating_sub(8)..]);
    }
}

fn not_a_workbook(path: &Path, zh: &str, en: String) -> SourceError {
    SourceError::NotAWorkbook {
        path: path.display().to_string(),
        zh: zh.to_string(),
        en,
    }
}

/// One row of a sheet: its zero-based number and its non-empty cells (zero-based column, text).
#[derive(Debug)]
pub(super) struct SheetRow {
    pub row: u32,
    pub cells: Vec<(u32, String)>,
}

/// What the workbook's thread sends for a sheet.
pub(super) enum Message {
    Rows(Vec<SheetRow>),
    Failed(SourceError),
    End,
}

enum Request {
    HasData {
        sheet: String,
        reply: mpsc::Sender<Result<bool, SourceError>>,
    },
    Rows {
        sheet: String,
        out: mpsc::SyncSender<Message>,
    },
}

/// The workbook, open on its own thread; dropping this ends the thread.
pub(super) struct WorkbookReader {
    requests: mpsc::Sender<Request>,
    path: PathBuf,
}

/// Excel's grid: 1,048,576 rows of 16,384 columns (A to XFD).
const EXCEL_ROWS: u32 = 1 << 20;
const EXCEL_COLUMNS: u32 = 1 << 14;

/// Rows per message and messages in flight: a few MB at most between the threads.
const BATCH_ROWS: usize = 256;
const IN_FLIGHT: usize = 2;

type Book = Xlsx<BufReader<File>>;

impl WorkbookReader {
    /// Checks the archive, opens it and returns the names of its worksheets.
    pub fn open(
        path: &Path,
        limits: ReadLimits,
    ) -> Result<(WorkbookReader, Vec<String>), SourceError> {
        check_parts(path, &limits)?;
        let (names_tx, names_rx) = mpsc::channel();
        let (requests, incoming) = mpsc::channel();
        let owned = path.to_path_buf();
        std::thread::Builder::new()
            .name("xlsx-reader".into())
            .spawn(move || serve(&owned, limits, names_tx, incoming))
            .map_err(|source| SourceError::Open {
                path: path.display().to_string(),
                source,
            })?;
        let gone = || gone(path);
        let names = names_rx.recv().map_err(|_| gone())??;
        Ok((
            WorkbookReader {
                requests,
                path: path.to_path_buf(),
            },
            names,
        ))
    }

    /// Whether a sheet has any non-empty cell (only sheets with data are worth a word when
    /// their name is unknown; workbooks often keep an empty "Sheet1").
    pub fn has_data(&self, sheet: &str) -> Result<bool, SourceError> {
        let (reply, answer) = mpsc::channel();
        self.requests
            .send(Request::HasData {
                sheet: sheet.to_string(),
                reply,
            })
            .map_err(|_| gone(&self.path))?;
        answer.recv().map_err(|_| gone(&self.path))?
    }

    /// Starts streaming a sheet's rows.
    pub fn rows(&self, sheet: &str) -> Result<SheetRows, SourceError> {
        let (out, rows) = mpsc::sync_channel(IN_FLIGHT);
        self.requests
            .send(Request::Rows {
                sheet: sheet.to_string(),
                out,
            })
            .map_err(|_| gone(&self.path))?;
        Ok(SheetRows {
            sheet: sheet.to_string(),
            path: self.path.clone(),
            incoming: rows,
            pending: VecDeque::new(),
            first_col: None,
            done: false,
        })
    }
}

fn gone(path: &Path) -> SourceError {
    not_a_workbook(
        path,
        "读取工作簿的线程意外结束",
        "the thread reading the workbook stopped".into(),
    )
}

fn workbook_error(path: &Path, e: calamine::XlsxError) -> SourceError {
    SourceError::Workbook {
        path: path.display().to_string(),
        source: calamine::Error::Xlsx(e),
    }
}

/// The workbook's thread: opens it, answers requests until the reader is dropped.
fn serve(
    path: &Path,
    limits: ReadLimits,
    names: mpsc::Sender<Result<Vec<String>, SourceError>>,
    requests: mpsc::Receiver<Request>,
) {
    let mut book: Book = match open_workbook(path) {
        Ok(book) => book,
        Err(e) => {
            let _ = names.send(Err(workbook_error(path, e)));
            return;
        }
    };
    // Chart and dialog sheets hold no rows.
    let sheets = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    if names.send(Ok(sheets)).is_err() {
        return;
    }
    for request in requests {
        match request {
            Request::HasData { sheet, reply } => {
                let _ = reply.send(has_data(&mut book, path, &sheet));
            }
            Request::Rows { sheet, out } => {
                let last = match stream(&mut book, path, &sheet, &limits, &out) {
                    Ok(()) => Message::End,
                    Err(e) => Message::Failed(e),
                };
                // The reader may have stopped early (an error elsewhere in the file); then
                // nobody listens and there is nothing to do.
                let _ = out.send(last);
            }
        }
    }
}

fn has_data(book: &mut Book, path: &Path, sheet: &str) -> Result<bool, SourceError> {
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| workbook_error(path, e))?;
    let mut text = String::new();
    while let Some(cell) = cells.next_cell().map_err(|e| workbook_error(path, e))? {
        text.clear();
        cell_text(cell.get_value(), &mut text);
        if !text.is_empty() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Sends the rows of `sheet` in batches; `Err` for a problem that ends the sheet.
fn stream(
    book: &mut Book,
    path: &Path,
    sheet: &str,
    limits: &ReadLimits,
    out: &mpsc::SyncSender<Message>,
) -> Result<(), SourceError> {
    let mut cells = book
        .worksheet_cells_reader(sheet)
        .map_err(|e| workbook_error(path, e))?;
    let mut batch: Vec<SheetRow> = Vec::with_capacity(BATCH_ROWS);
    let mut current: Option<SheetRow> = None;
    let mut row_bytes = 0usize;
    let mut text = String::new();
    while let Some(cell) = cells.next_cell().map_err(|e| workbook_error(path, e))? {
        let (row, col) = cell.get_position();
        // calamine takes any reference ("AAAAAAA1" is column 321,272,406); beyond Excel's own
        // grid a workbook is damaged or made up, and rows must not be built that wide.
        if row >= EXCEL_ROWS || col >= EXCEL_COLUMNS {
            return Err(not_a_workbook(
                path,
                &format!("工作表 {sheet} 中有超出 Excel 范围的单元格"),
                format!("sheet {sheet} has a cell beyond Excel's grid"),
            ));
        }
        if let DataRef::Error(e) = cell.get_value() {
            return Err(SourceError::CellError {
                sheet: sheet.to_string(),
                row: row + 1,
                column: column_letters(col as usize),
                error: e.to_string(),
            });
        }
        text.clear();
        cell_text(cell.get_value(), &mut text);
        if text.is_empty() {
            // Formatted but empty cells, however far away, are no data.
            continue;
        }
        match &current {
            Some(r) if r.row == row => {}
            Some(r) if r.row > row => {
                return Err(SourceError::RowOrder {
                    sheet: sheet.to_string(),
                    row: row + 1,
                })
            }
            _ => {
                if let Some(done) = current.take() {
                    batch.push(done);
                    if batch.len() >= BATCH_ROWS {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                        if out.send(Message::Rows(full)).is_err() {
                            return Ok(());
                        }
                    }
                }
                current = Some(SheetRow {
                    row,
                    cells: Vec::new(),
                });
                row_bytes = 0;
            }
        }
        row_bytes += text.len();
        if row_bytes > limits.row_bytes {
            return Err(SourceError::LongRow {
                file: format!("{sheet}.csv"),
                row: row + 1,
                limit_kb: limits.row_bytes >> 10,
            });
        }
        if let Some(r) = current.as_mut() {
            r.cells.push((col, text.clone()));
        }
    }
    batch.extend(current);
    if !batch.is_empty() {
        let _ = out.send(Message::Rows(batch));
    }
    Ok(())
}

/// The receiving end of a sheet: rows as records, columns counted from the header's first.
pub(super) struct SheetRows {
    sheet: String,
    path: PathBuf,
    incoming: mpsc::Receiver<Message>,
    pending: VecDeque<SheetRow>,
    /// The header's first column (zero-based): set by the first row read.
    pub first_col: Option<u32>,
    done: bool,
}

impl SheetRows {
    /// The next row with data into `record`, and its row number as Excel shows it.
    pub fn next(&mut self, record: &mut csv::StringRecord) -> Result<Option<u32>, SourceError> {
        let row = loop {
            if let Some(row) = self.pending.pop_front() {
                break row;
            }
            if self.done {
                return Ok(None);
            }
            match self.incoming.recv() {
                Ok(Message::Rows(rows)) => self.pending.extend(rows),
                Ok(Message::End) => self.done = true,
                Ok(Message::Failed(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Err(_) => {
                    self.done = true;
                    return Err(gone(&self.path));
                }
            }
        };
        let number = row.row + 1;
        let first = *self
            .first_col
            .get_or_insert_with(|| row.cells.iter().map(|c| c.0).min().unwrap_or(0));
        record.clear();
        if let Some(&(col, _)) = row.cells.iter().find(|(c, _)| *c < first) {
            return Err(SourceError::ExtraCells {
                file: format!("{}.csv", self.sheet),
                row: number,
                column: column_letters(col as usize),
            });
        }
        let width = row.cells.iter().map(|c| c.0 - first + 1).max().unwrap_or(0);
        let mut fields = vec![""; width as usize];
        for (col, text) in &row.cells {
            fields[(col - first) as usize] = text;
        }
        for f in fields {
            record.push_field(f);
        }
        Ok(Some(number))
    }
}

/// Writes a cell as the text a user would have typed into it.
fn cell_text(cell: &DataRef<'_>, out: &mut String) {
    match cell {
        DataRef::Empty | DataRef::Error(_) => {}
        DataRef::String(s) => out.push_str(s.trim()),
        DataRef::SharedString(s) => out.push_str(s.trim()),
        DataRef::Int(i) => out.push_str(&i.to_string()),
        DataRef::Float(f) => out.push_str(&number_text(*f)),
        // As Excel shows it: a boolean column reads TRUE as yes, and a money or text column
        // refuses it instead of taking it as 1.
        DataRef::Bool(b) => out.push_str(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            out.push_str(&format!("{y:04}-{m:02}-{d:02}"));
        }
        DataRef::DateTime(dt) => out.push_str(&number_text(dt.as_f64())),
        DataRef::DateTimeIso(s) => {
            // "2016-03-05T08:00:00" → the date; a bare time has no date to give.
            let date = s.split('T').next().unwrap_or(s);
            out.push_str(date.trim());
        }
        DataRef::DurationIso(s) => out.push_str(s.trim()),
    }
}
