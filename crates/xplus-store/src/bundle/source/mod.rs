//! Reading a bundle: a folder of CSV files or one workbook, matched to the interchange specs,
//! and read row by row as text. Typing the cells is the importer's job (`cell::parse`).
//!
//! Nothing is passed over in silence (interchange.md, "Files"): a file whose name the format
//! does not know, an empty folder, a workbook without sheets, a byte not valid in the file's
//! encoding and a row shorter than the header are all errors.

mod csv_file;
mod workbook;
mod zip_bundle;

use std::io;
use std::path::{Path, PathBuf};

pub use workbook::ReadLimits;
use workbook::{SheetRows, WorkbookReader};
use xplus_core::interchange::schema::{find_department_file, find_file, FileSpec};
pub use zip_bundle::{unpack_zip, ZipLimits};

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
        "{file} 第{row}行 {column} 列含有 {encoding} 编码中无效的字节，文件可能已损坏或混用了编码；请检查该行，或把整个文件另存为 UTF-8 编码 / \
         {file} row {row} column {column} holds bytes that are not valid {encoding}; the file may be damaged or mix encodings — check the row, or save the whole file as UTF-8"
    )]
    Encoding {
        file: String,
        row: u32,
        column: String,
        encoding: &'static str,
    },
    #[error(
        "{file} 第{row}行只有{fields}个字段，表头有{expected}个；每行的字段数应与表头相同 / \
         {file} row {row} has {fields} fields where the header has {expected}"
    )]
    ShortRow {
        file: String,
        row: u32,
        fields: usize,
        expected: usize,
    },
    #[error(
        "{file} 从第{row}行起的一条记录超过 {limit_mb} MB（可能少了一个引号），不予读取 / {file}: the record from row {row} on is longer than {limit_mb} MB (a quote may be missing) and is not read"
    )]
    LongRecord {
        file: String,
        row: u32,
        limit_mb: u64,
    },
    #[error("{file} 第{row}行超过 {limit_kb} KB / {file} row {row} is longer than {limit_kb} KB")]
    LongRow {
        file: String,
        row: u32,
        limit_kb: usize,
    },
    #[error(
        "工作表 {sheet} 第{row}行出现在后面的行之后，工作簿可能已损坏 / sheet {sheet} row {row} comes after a later row; the workbook may be damaged"
    )]
    RowOrder { sheet: String, row: u32 },
    #[error("{path} 不是有效的 .xlsx 工作簿：{zh} / {path} is not a valid .xlsx workbook: {en}")]
    NotAWorkbook {
        path: String,
        zh: String,
        en: String,
    },
    #[error(
        "{path} 只接受 .xlsx 工作簿，请在 Excel 或 WPS 中另存为 .xlsx / {path}: only .xlsx workbooks are read; save it as .xlsx in Excel or WPS"
    )]
    WorkbookFormat { path: String },
    #[error(
        "工作簿 {path} 解压后过大（{part} 超过 {limit_mb} MB），不予读取 / the workbook {path} inflates too far ({part} is over {limit_mb} MB) and is not read"
    )]
    TooLarge {
        path: String,
        part: String,
        limit_mb: u64,
    },
    #[error(
        "工作簿 {path} 中（{part}）有一个单元格或一段空白超过 {limit_kb} KB，不予读取 / the workbook {path} has a cell or a run of whitespace over {limit_kb} KB (in {part}) and is not read"
    )]
    LongCell {
        path: String,
        part: String,
        limit_kb: usize,
    },
    #[error(
        "{path} 中没有数据包文件（应为 households.csv 等，或同名工作表）/ {path} holds no file of the bundle format (households.csv and the like, or sheets of those names)"
    )]
    Empty { path: String },
    #[error(
        "{path} 中没有部门数据文件（应为 deaths.csv、payroll.csv、vehicles.csv、businesses.csv、properties.csv、medical.csv、assistance.csv 之一，或同名工作表）/ {path} holds no department file (deaths.csv, payroll.csv, vehicles.csv, businesses.csv, properties.csv, medical.csv or assistance.csv, or sheets of those names)"
    )]
    EmptyDepartment { path: String },
    #[error("压缩包 {path} 无法读取：{zh} / the archive {path} cannot be read: {en}")]
    BadZip {
        path: String,
        zh: String,
        en: String,
    },
    #[error("压缩包中的 {entry} {zh} / the archive's entry {entry}: {en}")]
    ZipEntry {
        entry: String,
        zh: String,
        en: String,
    },
    #[error(
        "压缩包中的 {first} 和 {second} 是同名文件，请只保留一个 / the archive holds {first} and {second}, files of the same name; keep only one"
    )]
    ZipDuplicate { first: String, second: String },
    #[error(
        "压缩包解压后过大（到 {entry} 时已超过 {limit_mb} MB），不予读取 / the archive inflates too far (over {limit_mb} MB by {entry}) and is not read"
    )]
    ZipTooLarge { entry: String, limit_mb: u64 },
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

impl BundleFile {
    /// The name the user gave it, for messages about it.
    pub fn name(&self) -> &str {
        &self.name
    }
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
            SourceError::ExtraCells { row, column, .. }
            | SourceError::Encoding { row, column, .. } => Some((*row, column)),
            SourceError::ShortRow { row, .. } | SourceError::LongRow { row, .. } => {
                Some((*row, ""))
            }
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
    limits: ReadLimits,
    /// Kept open between sheets: opening an `.xlsx` parses its whole shared-strings table.
    workbook: Option<WorkbookReader>,
    files: Vec<BundleFile>,
    unknown: Vec<String>,
    /// Which files a name may be: the bundle's, or the department bundle's.
    catalogue: Catalogue,
}

/// The files a source is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Catalogue {
    Bundle,
    Departments,
}

impl Catalogue {
    fn find(self, name: &str) -> Option<&'static FileSpec> {
        match self {
            Catalogue::Bundle => find_file(name),
            Catalogue::Departments => find_department_file(name),
        }
    }
}

impl BundleSource {
    /// A department bundle (departments.md): the same reader and checks as a bundle, for the
    /// seven department files.
    pub fn open_departments(path: &Path, encoding: Encoding) -> Result<BundleSource, SourceError> {
        BundleSource::open_in(
            path,
            encoding,
            ReadLimits::default(),
            Catalogue::Departments,
        )
    }

    /// `path` is a folder of `*.csv` files or a workbook; files and sheets are matched to specs
    /// by name (English or Chinese, any case).
    pub fn open(path: &Path, encoding: Encoding) -> Result<BundleSource, SourceError> {
        BundleSource::open_with(path, encoding, ReadLimits::default())
    }

    /// As [`BundleSource::open`], with other size limits.
    pub fn open_with(
        path: &Path,
        encoding: Encoding,
        limits: ReadLimits,
    ) -> Result<BundleSource, SourceError> {
        BundleSource::open_in(path, encoding, limits, Catalogue::Bundle)
    }

    fn open_in(
        path: &Path,
        encoding: Encoding,
        limits: ReadLimits,
        catalogue: Catalogue,
    ) -> Result<BundleSource, SourceError> {
        let meta = std::fs::metadata(path).map_err(|source| SourceError::Open {
            path: path.display().to_string(),
            source,
        })?;
        let mut source = BundleSource {
            path: path.to_path_buf(),
            encoding,
            limits,
            workbook: None,
            files: Vec::new(),
            unknown: Vec::new(),
            catalogue,
        };
        if meta.is_dir() {
            source.scan_folder()?;
        } else if has_extension(path, WORKBOOK_EXTENSIONS) {
            source.scan_workbook()?;
        } else if has_extension(path, &["xlsb", "xls", "xla", "xlam", "ods", "et"]) {
            // calamine reads these formats only as whole grids, which a stray far-away cell
            // makes as large as rows × columns.
            return Err(SourceError::WorkbookFormat {
                path: path.display().to_string(),
            });
        } else {
            return Err(SourceError::NotABundle {
                path: path.display().to_string(),
            });
        }
        if source.files.is_empty() && source.unknown.is_empty() {
            let path = source.display_name();
            return Err(match catalogue {
                Catalogue::Bundle => SourceError::Empty { path },
                Catalogue::Departments => SourceError::EmptyDepartment { path },
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
            // A folder inside the bundle's folder (even one named "x.csv") holds no rows.
            if !path.is_file() {
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            entries.push((name.into_owned(), path));
        }
        // Sorted so that duplicate reports and `unknown()` do not depend on the file system.
        entries.sort();
        for (name, path) in entries {
            // Every other file is named as unknown: a misspelt "members.csv.txt" would
            // otherwise be skipped and its rows silently missing.
            let spec = name
                .len()
                .checked_sub(4)
                .filter(|&cut| name.is_char_boundary(cut))
                .filter(|&cut| name[cut..].eq_ignore_ascii_case(".csv"))
                .and_then(|cut| self.catalogue.find(&name[..cut]));
            match spec {
                Some(spec) => self.add(spec, name, Location::Csv(path))?,
                None => self.unknown.push(name),
            }
        }
        Ok(())
    }

    fn scan_workbook(&mut self) -> Result<(), SourceError> {
        let (workbook, sheets) = WorkbookReader::open(&self.path, self.limits)?;
        for sheet in sheets {
            match self.catalogue.find(&sheet) {
                Some(spec) => {
                    let name = format!("{sheet}.csv");
                    self.add(spec, name, Location::Sheet(sheet))?;
                }
                // Workbooks often keep an empty "Sheet1"; only sheets with data are worth a word.
                None if workbook.has_data(&sheet)? => self.unknown.push(sheet),
                None => {}
            }
        }
        self.workbook = Some(workbook);
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

    /// Matched files in dependency order.
    pub fn files(&self) -> &[BundleFile] {
        &self.files
    }

    /// File or sheet names that match no spec.
    pub fn unknown(&self) -> &[String] {
        &self.unknown
    }

    /// Reads one file. One table of a workbook at a time: its sheets come from one reading
    /// thread, so a second table opened before the first is read to its end would wait on it.
    pub fn open_table(&self, file: &BundleFile) -> Result<TableReader, SourceError> {
        match &file.location {
            Location::Csv(path) => {
                csv_file::open_csv(path, file.name.clone(), self.encoding, &self.limits)
            }
            Location::Sheet(sheet) => {
                let rows = self
                    .workbook
                    .as_ref()
                    .expect("a source with sheets keeps its workbook")
                    .rows(sheet)?;
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

/// The workbook formats read as a bundle (one sheet per file), also inside a zip.
pub(super) const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm"];

/// Whether `path` ends in one of `extensions` (without the dot, any case).
pub(super) fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Reads the rows of one file of a bundle as text.
pub struct TableReader {
    file_name: String,
    header: Vec<String>,
    encoding: &'static str,
    inner: Inner,
}

enum Inner {
    Csv(Box<csv_file::CsvRows>),
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
        // Rows before the header with nothing in them are passed over — blank lines, and
        // Excel's ",,,," — so the first row with something in it is the header.
        let mut record = csv::StringRecord::new();
        while table.next_row(&mut record)?.is_some() {
            let cells = record
                .iter()
                .map(|c| c.trim().trim_start_matches('\u{feff}').trim().to_string());
            table.header = cells.collect();
            if table.header.iter().any(|h| !h.is_empty()) {
                break;
            }
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
                    Inner::Sheet(sheet) => sheet.first_col.unwrap_or(0) as usize,
                    Inner::Csv(_) => 0,
                };
                return Err(SourceError::ExtraCells {
                    file: self.file_name.clone(),
                    row,
                    column: column_letters(first + width + extra),
                });
            }
            match &self.inner {
                // A CSV row has all its fields ("a,b,,"); fewer means a field went missing and
                // the values after it would land in the wrong columns.
                Inner::Csv(_) if record.len() < width => {
                    return Err(SourceError::ShortRow {
                        file: self.file_name.clone(),
                        row,
                        fields: record.len(),
                        expected: width,
                    })
                }
                Inner::Csv(_) => unguard_formulas(record),
                // A sheet leaves out empty cells at the end of a row; its strings are exact
                // (an apostrophe Excel shows as a prefix is not part of the value).
                Inner::Sheet(_) => {}
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

/// Removes the apostrophe an export put before a cell Excel would run as a formula.
fn unguard_formulas(record: &mut csv::StringRecord) {
    if !record.iter().any(|f| f.starts_with('\'')) {
        return;
    }
    let fields: Vec<String> = record
        .iter()
        .map(|f| xplus_core::text::unguard_formula(f).to_string())
        .collect();
    record.clear();
    for f in &fields {
        record.push_field(f);
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
