//! The backup file: one zip archive (open it with any unzip tool to look inside) holding a
//! `manifest.json` and one `tables/NAME.jsonl` per table, a JSON array of cells per row. The
//! manifest names each table's columns, its row count and the SHA-256 of its file, and the audit
//! log's length and head hash, so that a restore can tell a damaged or truncated file before it
//! writes anything. Rows are streamed in and out; no table is held in memory whole.

use crate::error::{Refusal, StoreError};
use crate::session::dump::{Cell, DumpSink};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub(crate) const FORMAT: &str = "xplus-backup";
pub(crate) const VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// `sqlite` or `postgres`: where the copy was taken (it restores into either).
    pub source: String,
    pub tables: Vec<TableEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: u64,
    pub sha256: String,
}

fn entry_name(table: &str) -> String {
    format!("tables/{table}.jsonl")
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn zip_error(path: &Path) -> impl Fn(zip::result::ZipError) -> StoreError + '_ {
    move |e| StoreError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

/// A damaged, truncated or foreign file: refused as bad input, nothing written.
pub(crate) fn damaged(path: &Path, why: impl std::fmt::Display) -> StoreError {
    StoreError::Refused(Refusal::Invalid(format!(
        "备份文件 {} 已损坏或不是 xplus 备份：{why} / {} is damaged or not an xplus backup: {why}",
        path.display(),
        path.display()
    )))
}

/// The table being written.
struct Open {
    entry: TableEntry,
    hash: Sha256,
}

/// Writes the archive as a backend streams its tables (a [`DumpSink`]).
pub(crate) struct ArchiveWriter {
    path: PathBuf,
    zip: ZipWriter<BufWriter<File>>,
    open: Option<Open>,
    done: Vec<TableEntry>,
    line: Vec<u8>,
}

impl ArchiveWriter {
    pub(crate) fn create(path: &Path) -> Result<ArchiveWriter, StoreError> {
        let file = File::create(path).map_err(io(path))?;
        Ok(ArchiveWriter {
            path: path.to_path_buf(),
            zip: ZipWriter::new(BufWriter::with_capacity(1 << 20, file)),
            open: None,
            done: Vec::new(),
            line: Vec::new(),
        })
    }

    fn close_table(&mut self) {
        if let Some(open) = self.open.take() {
            let mut entry = open.entry;
            entry.sha256 = hex(&open.hash.finalize());
            self.done.push(entry);
        }
    }

    /// Writes the manifest and closes the file; returns the manifest.
    pub(crate) fn finish(mut self, source: &str) -> Result<Manifest, StoreError> {
        self.close_table();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            source: source.into(),
            tables: std::mem::take(&mut self.done),
        };
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        (self.zip.start_file(MANIFEST, options)).map_err(zip_error(&self.path))?;
        let text = serde_json::to_vec_pretty(&manifest).expect("a manifest serialises");
        self.zip.write_all(&text).map_err(io(&self.path))?;
        let mut file = self.zip.finish().map_err(zip_error(&self.path))?;
        file.flush().map_err(io(&self.path))?;
        file.get_ref().sync_all().map_err(io(&self.path))?;
        Ok(manifest)
    }
}

impl DumpSink for ArchiveWriter {
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any> {
        self
    }

    fn table(&mut self, name: &'static str, columns: Vec<String>) -> Result<(), StoreError> {
        self.close_table();
        // Fast deflate: the archive is written while the server runs, and table files are
        // repetitive enough that a low level already shrinks them several times.
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        (self.zip.start_file(entry_name(name), options)).map_err(zip_error(&self.path))?;
        self.open = Some(Open {
            entry: TableEntry {
                name: name.into(),
                columns,
                rows: 0,
                sha256: String::new(),
            },
            hash: Sha256::new(),
        });
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), StoreError> {
        let open = self.open.as_mut().expect("a table is open before its rows");
        self.line.clear();
        serde_json::to_writer(&mut self.line, cells).expect("cells serialise");
        self.line.push(b'\n');
        open.hash.update(&self.line);
        open.entry.rows += 1;
        self.zip.write_all(&self.line).map_err(io(&self.path))
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    crate::accounts::sessions::hex(bytes)
}

/// An archive opened for reading, its manifest read.
pub(crate) struct ArchiveReader {
    path: PathBuf,
    zip: ZipArchive<BufReader<File>>,
    pub(crate) manifest: Manifest,
}

impl ArchiveReader {
    pub(crate) fn open(path: &Path) -> Result<ArchiveReader, StoreError> {
        let file = File::open(path).map_err(io(path))?;
        let mut zip = ZipArchive::new(BufReader::new(file)).map_err(|e| damaged(path, e))?;
        let mut text = Vec::new();
        zip.by_name(MANIFEST)
            .map_err(|e| damaged(path, e))?
            .take(16 << 20)
            .read_to_end(&mut text)
            .map_err(|e| damaged(path, e))?;
        let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| damaged(path, e))?;
        if manifest.format != FORMAT || manifest.version != VERSION {
            return Err(damaged(
                path,
                format!(
                    "格式 {} 版本 {} / format {} version {}",
                    manifest.format, manifest.version, manifest.format, manifest.version
                ),
            ));
        }
        Ok(ArchiveReader {
            path: path.to_path_buf(),
            zip,
            manifest,
        })
    }

    /// The rows of `table`, in order.
    pub(crate) fn table<'a>(
        &'a mut self,
        table: &'a TableEntry,
    ) -> Result<TableRows<'a>, StoreError> {
        let path = self.path.clone();
        let entry = (self.zip.by_name(&entry_name(&table.name))).map_err(|e| damaged(&path, e))?;
        Ok(TableRows {
            path,
            table,
            lines: BufReader::with_capacity(1 << 20, entry),
            hash: Sha256::new(),
            read: 0,
            line: Vec::new(),
        })
    }
}

/// The rows of one table file, checked as they are read: each is a row of the table's width,
/// and at the end their count and checksum are the manifest's (a restore writes them in a
/// transaction it drops on an error, so rows read before a bad checksum are never kept).
pub(crate) struct TableRows<'a> {
    path: PathBuf,
    table: &'a TableEntry,
    lines: BufReader<zip::read::ZipFile<'a, BufReader<File>>>,
    hash: Sha256,
    read: u64,
    line: Vec<u8>,
}

impl TableRows<'_> {
    pub(crate) fn next_row(&mut self) -> Result<Option<Vec<Cell>>, StoreError> {
        let (path, table) = (&self.path, self.table);
        self.line.clear();
        let n = (self.lines.read_until(b'\n', &mut self.line)).map_err(|e| damaged(path, e))?;
        if n == 0 {
            let hash = std::mem::take(&mut self.hash);
            if self.read != table.rows || hex(&hash.finalize()) != table.sha256 {
                return Err(damaged(
                    path,
                    format!(
                        "{} 的校验和不符 / {} fails its checksum",
                        table.name, table.name
                    ),
                ));
            }
            return Ok(None);
        }
        self.hash.update(&self.line);
        self.read += 1;
        let row = self.read;
        parse_row(&self.line, table.columns.len())
            .map(Some)
            .ok_or_else(|| {
                damaged(
                    path,
                    format!("{} 第 {row} 行 / {} row {row}", table.name, table.name),
                )
            })
    }
}

/// One line of a table file: a JSON array of `columns` cells (integers, text or null).
fn parse_row(line: &[u8], columns: usize) -> Option<Vec<Cell>> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(line).ok()?;
    if values.len() != columns {
        return None;
    }
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::Null => Some(Cell::Null),
            serde_json::Value::Number(n) => n.as_i64().map(Cell::Int),
            serde_json::Value::String(s) => Some(Cell::Text(s)),
            _ => None,
        })
        .collect()
}
