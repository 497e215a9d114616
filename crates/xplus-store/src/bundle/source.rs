//! Reading a bundle: a folder of CSV files or one workbook, matched to the interchange specs,
//! and read row by row as text. Typing the cells is the importer's job (`cell::parse`).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use calamine::{open_workbook_auto, Data, Range, Reader, Sheets};
use xplus_core::interchange::schema::{find_file, FileSpec};

/// How CSV files are decoded (`--encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Auto,
    Utf8,
    Gb18030,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("无法读取文件 {path} / cannot read file {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "{path} 既不是文件夹，也不是 .xlsx/.xls 工作簿 / {path} is neither a folder nor an .xlsx/.xls workbook"
    )]
    NotABundle { path: String },
    #[error("无法读取工作簿 {path} / cannot read workbook {path}: {source}")]
    Workbook {
        path: String,
        #[source]
        source: calamine::Error,
    },
    #[error(
        "{first} 和 {second} 都是 {file}，请只保留一个 / {first} and {second} are both {file}; keep only one"
    )]
    Duplicate {
        file: String,
        first: String,
        second: String,
    },
    #[error("无法读取 {file} 第{row}行 / cannot read {file} row {row}: {source}")]
    Read {
        file: String,
        row: u32,
        #[source]
        source: csv::Error,
    },
    #[error(
        "{file} 第{row}行 {column} 列不是有效的 UTF-8 文字，请检查文件编码或用 --encoding 指定 / \
         {file} row {row} column {column} is not valid UTF-8 text; check the file's encoding or use --encoding"
    )]
    Encoding {
        file: String,
        row: u32,
        column: String,
    },
    #[error(
        "{file} 第{row}行 {column} 列在表头之外还有内容 / {file} row {row} has a value in column {column}, beyond the header"
    )]
    ExtraCells {
        file: String,
        row: u32,
        column: String,
    },
    #[error(
        "工作表 {sheet} 第{row}行 {column} 列是错误值 {error} / sheet {sheet} row {row} column {column} holds the error {error}"
    )]
    CellError {
        sheet: String,
        row: u32,
        column: String,
        error: String,
    },
}

/// A file of the bundle matched to its spec.
#[derive(Debug)]
pub struct BundleFile {
    pub spec: &'static FileSpec,
    /// The name the user gave it: "贫困户.csv", or a sheet name with ".csv" added.
    name: String,
    location: Location,
}

#[derive(Debug)]
enum Location {
    Csv(PathBuf),
    Sheet(String),
}

impl SourceError {
    /// For a problem confined to one row, after which the file can be read on: its row and
    /// column.
    pub fn row_problem(&self) -> Option<(u32, &str)> {
        match self {
            SourceError::ExtraCells { row, column, .. } => Some((*row, column)),
            _ => None,
        }
    }
}

impl BundleFile {
    /// The name used in error reports, as `TableReader::file_name` gives it.
    pub fn file_name(&self) -> &str {
        &self.name
    }
}

pub struct BundleSource {
    path: PathBuf,
    encoding: Encoding,
    /// Kept open between sheets: opening an `.xlsx` parses its whole shared-strings table.
    workbook: Mutex<Option<Workbook>>,
    files: Vec<BundleFile>,
    unknown: Vec<String>,
}

impl BundleSource {
    /// `path` is a folder of `*.csv` files or a workbook; files and sheets are matched to specs
    /// by name (English or Chinese, any case).
    pub fn open(path: &Path, encoding: Encoding) -> Result<BundleSource, SourceError> {
        let meta = std::fs::metadata(path).map_err(|source| SourceError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let mut source = BundleSource {
            path: path.to_path_buf(),
            encoding,
            workbook: Mutex::new(None),
            files: Vec::new(),
            unknown: Vec::new(),
        };
        if meta.is_dir() {
            source.scan_folder()?;
        } else if is_workbook(path) {
            source.scan_workbook()?;
        } else {
            return Err(SourceError::NotABundle {
                path: path.display().to_string(),
            });
        }
        source.files.sort_by_key(|f| f.spec.id);
        Ok(source)
    }

    fn scan_folder(&mut self) -> Result<(), SourceError> {
        let open_err = |source| SourceError::Open {
            path: self.path.display().to_string(),
            source,
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&self.path).map_err(open_err)? {
            let path = entry.map_err(open_err)?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            // A folder named "x.csv" is not a file of the bundle.
            if name.to_ascii_lowercase().ends_with(".csv") && path.is_file() {
                let stem = name[..name.len() - 4].to_string();
                entries.push((name.into_owned(), stem, path));
            }
        }
        // Sorted so that duplicate reports and `unknown()` do not depend on the file system.
        entries.sort();
        for (name, stem, path) in entries {
            match find_file(&stem) {
                Some(spec) => self.add(spec, name, Location::Csv(path))?,
                None => self.unknown.push(name),
            }
        }
        Ok(())
    }

    fn scan_workbook(&mut self) -> Result<(), SourceError> {
        let mut workbook = open_workbook_auto(&self.path).map_err(|e| self.workbook_error(e))?;
        for sheet in workbook.sheet_names() {
            match find_file(&sheet) {
                Some(spec) => {
                    let name = format!("{sheet}.csv");
                    self.add(spec, name, Location::Sheet(sheet))?;
                }
                None => {
                    // Workbooks often keep an empty "Sheet1"; only sheets with data are worth a word.
                    let range = workbook
                        .worksheet_range(&sheet)
                        .map_err(|e| self.workbook_error(e))?;
                    if !range.is_empty() {
                        self.unknown.push(sheet);
                    }
                }
            }
        }
        *self.workbook.get_mut().unwrap_or_else(|p| p.into_inner()) = Some(workbook);
        Ok(())
    }

    fn add(
        &mut self,
        spec: &'static FileSpec,
        name: String,
        location: Location,
    ) -> Result<(), SourceError> {
        if let Some(first) = self.files.iter().find(|f| f.spec.id == spec.id) {
            return Err(SourceError::Duplicate {
                file: spec.file_name(),
                first: first.name.clone(),
                second: name,
            });
        }
        self.files.push(BundleFile {
            spec,
            name,
            location,
        });
        Ok(())
    }

    fn workbook_error(&self, source: calamine::Error) -> SourceError {
        SourceError::Workbook {
            path: self.display_name(),
            source,
        }
    }

    /// Matched files in dependency order.
    pub fn files(&self) -> &[BundleFile] {
        &self.files
    }

    /// File or sheet names that match no spec.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }

    pub fn open_table(&self, file: &BundleFile) -> Result<TableReader, SourceError> {
        match &file.location {
            Location::Csv(path) => open_csv(path, file.name.clone(), self.encoding),
            Location::Sheet(sheet) => {
                let mut workbook = self.workbook.lock().unwrap_or_else(|p| p.into_inner());
                let range = workbook
                    .as_mut()
                    .expect("a source with sheets keeps its workbook")
                    .worksheet_range(sheet)
                    .map_err(|e| self.workbook_error(e))?;
                let rows = SheetRows::new(sheet.clone(), range);
                TableReader::new(file.name.clone(), "xlsx", Inner::Sheet(rows))
            }
        }
    }

    /// The path as given.
    pub fn display_name(&self) -> String {
        self.path.display().to_string()
    }
}

impl std::fmt::Debug for BundleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleSource")
            .field("path", &self.path)
            .field("files", &self.files)
            .field("unknown", &self.unknown)
            .finish_non_exhaustive()
    }
}

fn is_workbook(path: &Path) -> bool {
    const EXTENSIONS: [&str; 7] = ["xlsx", "xlsm", "xlsb", "xls", "xla", "xlam", "ods"];
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

type Workbook = Sheets<io::BufReader<File>>;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn open_csv(path: &Path, name: String, encoding: Encoding) -> Result<TableReader, SourceError> {
    let open_err = |source| SourceError::Open {
        path: path.display().to_string(),
        source,
    };
    let mut file = File::open(path).map_err(open_err)?;
    let mut start = Vec::with_capacity(3);
    (&mut file)
        .take(3)
        .read_to_end(&mut start)
        .map_err(open_err)?;
    let bom = start == UTF8_BOM;
    let gb18030 = match encoding {
        Encoding::Utf8 => false,
        Encoding::Gb18030 => true,
        // A BOM is only ever written by tools saving UTF-8 (Excel's "CSV UTF-8"); trusting it
        // spares a pass over a large file, and a stray bad byte then gets reported by row
        // instead of turning every Chinese character into another one.
        Encoding::Auto => !bom && !is_utf8(&mut file).map_err(open_err)?,
    };
    let (input, label): (Box<dyn Read + Send>, &'static str) = if gb18030 {
        file.seek(SeekFrom::Start(0)).map_err(open_err)?;
        let decoder = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding_rs::GB18030))
            .bom_sniffing(false)
            .build(file);
        (Box::new(decoder), "GB18030")
    } else {
        let skip = if bom { UTF8_BOM.len() as u64 } else { 0 };
        file.seek(SeekFrom::Start(skip)).map_err(open_err)?;
        (Box::new(file), if bom { "UTF-8 (BOM)" } else { "UTF-8" })
    };
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        // With CRLF as terminator csv leaves a record's '\n' to the next read, which makes the
        // lines a record spans unknowable; ending records at '\n' only keeps line counts exact,
        // and the '\r' it leaves at the end of a line is removed below.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(64 * 1024)
        .from_reader(Tail {
            inner: input,
            last: None,
            eof: false,
        });
    let rows = CsvRows {
        reader,
        row: 0,
        scratch: Vec::new(),
    };
    TableReader::new(name, label, Inner::Csv(rows))
}

/// Streams the whole file: Chinese text may appear only after megabytes of ASCII ids and
/// numbers, so looking at a prefix would misjudge GB18030 files as UTF-8.
fn is_utf8(file: &mut File) -> io::Result<bool> {
    const CHUNK: usize = 256 * 1024;
    file.seek(SeekFrom::Start(0))?;
    // Room for a character cut off at the end of the previous chunk (at most 3 bytes).
    let mut buf = vec![0u8; CHUNK + 4];
    let mut carry = 0;
    loop {
        let n = match file.read(&mut buf[carry..carry + CHUNK]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(carry == 0);
        }
        let len = carry + n;
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The CSV input, noting how it ends: whether the last record had a line break of its own
/// cannot be told from the reader's line count alone.
struct Tail {
    inner: Box<dyn Read + Send>,
    last: Option<u8>,
    eof: bool,
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = Some(buf[n - 1]);
        } else if !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

/// Reads the rows of one file of a bundle as text.
pub struct TableReader {
    file_name: String,
    header: Vec<String>,
    encoding: &'static str,
    inner: Inner,
}

enum Inner {
    Csv(CsvRows),
    Sheet(SheetRows),
}

impl TableReader {
    fn new(
        file_name: String,
        encoding: &'static str,
        inner: Inner,
    ) -> Result<TableReader, SourceError> {
        let mut table = TableReader {
            file_name,
            header: Vec::new(),
            encoding,
            inner,
        };
        // Blank lines (CSV) and empty rows (sheet ranges start at the first cell with data)
        // before the header are passed over: the first row with something in it is the header.
        let mut record = csv::StringRecord::new();
        if table.next_row(&mut record)?.is_some() {
            table.header = record
                .iter()
                .map(|c| c.trim().trim_start_matches('\u{feff}').trim().to_string())
                .collect();
        }
        // Excel saves "a,b,,," when a column further right was once used; those empty header
        // cells name nothing, and cells under them must be empty.
        while table.header.last().is_some_and(|h| h.is_empty()) {
            table.header.pop();
        }
        Ok(table)
    }

    /// "households.csv", "贫困户.csv", or a sheet name with ".csv" added.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// Header cells, trimmed, without BOM.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// "UTF-8", "UTF-8 (BOM)", "GB18030" or "xlsx".
    pub fn encoding_used(&self) -> &'static str {
        self.encoding
    }

    /// Reads the next non-blank data row into `record`, as wide as the header, and returns its
    /// row number as Excel shows it (the header is row 1).
    pub fn read(&mut self, record: &mut csv::StringRecord) -> Result<Option<u32>, SourceError> {
        loop {
            let Some(row) = self.next_row(record)? else {
                return Ok(None);
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let width = self.header.len();
            if let Some(extra) = record.iter().skip(width).position(|c| !c.trim().is_empty()) {
                let first = match &self.inner {
                    Inner::Sheet(sheet) => sheet.first_col,
                    Inner::Csv(_) => 0,
                };
                return Err(SourceError::ExtraCells {
                    file: self.file_name.clone(),
                    row,
                    column: column_letters(first + width + extra),
                });
            }
            record.truncate(width);
            while record.len() < width {
                record.push_field("");
            }
            return Ok(Some(row));
        }
    }

    fn next_row(&mut self, record: &mut csv::StringRecord) -> Result<Option<u32>, SourceError> {
        match &mut self.inner {
            Inner::Csv(csv) => csv.next(&self.file_name, record),
            Inner::Sheet(sheet) => sheet.next(record),
        }
    }
}

struct CsvRows {
    reader: csv::Reader<Tail>,
    /// Row of the last record read.
    row: u32,
    scratch: Vec<u8>,
}

impl CsvRows {
    fn next(
        &mut self,
        file: &str,
        record: &mut csv::StringRecord,
    ) -> Result<Option<u32>, SourceError> {
        let start = self.reader.position().line();
        // Read as bytes and converted in place, so that a bad byte can be placed by column.
        let mut raw = std::mem::take(record).into_byte_record();
        match self.reader.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(source) => {
                return Err(SourceError::Read {
                    file: file.to_string(),
                    row: self.row.saturating_add(1),
                    source,
                })
            }
        }
        if let Some(last) = raw.iter().next_back().filter(|f| f.ends_with(b"\r")) {
            self.scratch.clear();
            self.scratch.extend_from_slice(&last[..last.len() - 1]);
            raw.truncate(raw.len() - 1);
            raw.push_field(&self.scratch);
        }
        // csv skips blank lines without a record but counts the lines it passes, blank or
        // inside quoted fields. Excel shows a blank line as a row and a quoted field's line
        // breaks within one row, so the rows passed are the lines passed less those breaks.
        let inside: usize = raw
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count())
            .sum();
        let tail = self.reader.get_ref();
        let terminated = !(tail.eof && tail.last != Some(b'\n'));
        let passed = self.reader.position().line() - start;
        let blank = passed.saturating_sub(inside as u64 + u64::from(terminated));
        self.row = u32::try_from(u64::from(self.row) + blank + 1).unwrap_or(u32::MAX);
        match csv::StringRecord::from_byte_record(raw) {
            Ok(text) => {
                *record = text;
                Ok(Some(self.row))
            }
            Err(e) => Err(SourceError::Encoding {
                file: file.to_string(),
                row: self.row,
                column: column_letters(e.utf8_error().field()),
            }),
        }
    }
}

struct SheetRows {
    sheet: String,
    range: Range<Data>,
    /// Where the range lies in the sheet (zero-based), for the numbers and letters Excel shows.
    first_row: u32,
    first_col: usize,
    /// Next row to read, relative to the range.
    next: usize,
    text: String,
}

impl SheetRows {
    fn new(sheet: String, range: Range<Data>) -> SheetRows {
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        SheetRows {
            sheet,
            range,
            first_row,
            first_col: first_col as usize,
            next: 0,
            text: String::new(),
        }
    }

    fn next(&mut self, record: &mut csv::StringRecord) -> Result<Option<u32>, SourceError> {
        let (height, width) = self.range.get_size();
        if self.next >= height {
            return Ok(None);
        }
        let row = self.first_row + self.next as u32 + 1;
        record.clear();
        for c in 0..width {
            self.text.clear();
            match self.range.get((self.next, c)) {
                Some(Data::Error(e)) => {
                    return Err(SourceError::CellError {
                        sheet: self.sheet.clone(),
                        row,
                        column: column_letters(self.first_col + c),
                        error: e.to_string(),
                    })
                }
                Some(cell) => cell_text(cell, &mut self.text),
                None => {}
            }
            record.push_field(&self.text);
        }
        self.next += 1;
        Ok(Some(row))
    }
}

/// "A", "B", …, "Z", "AA", … for a zero-based column index.
pub fn column_letters(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// Writes a cell as the text a user would have typed into it.
fn cell_text(cell: &Data, out: &mut String) {
    match cell {
        Data::Empty | Data::Error(_) => {}
        Data::String(s) => out.push_str(s.trim()),
        Data::Int(i) => out.push_str(&i.to_string()),
        Data::Float(f) => out.push_str(&number_text(*f)),
        Data::Bool(b) => out.push(if *b { '1' } else { '0' }),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            out.push_str(&format!("{y:04}-{m:02}-{d:02}"));
        }
        Data::DateTime(dt) => out.push_str(&number_text(dt.as_f64())),
        Data::DateTimeIso(s) => {
            // "2016-03-05T08:00:00" → the date; a bare time has no date to give.
            let date = s.split('T').next().unwrap_or(s);
            out.push_str(date.trim());
        }
        Data::DurationIso(s) => out.push_str(s.trim()),
    }
}

/// The text of a number cell: whole numbers without ".0" or exponent (years, 12-digit region
/// codes), amounts with at most two decimals without the float noise Excel's binary values
/// carry, anything else as the shortest text that reads back as the same number.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return (f as i64).to_string();
    }
    let cents = (f * 100.0).round();
    if (f - cents / 100.0).abs() < 1e-9 {
        let s = format!("{:.2}", cents / 100.0);
        return s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    // f64's Display gives the shortest round-trip form and never an exponent.
    f.to_string()
}
