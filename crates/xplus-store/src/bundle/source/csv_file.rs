//! Reading a CSV file of a bundle: its encoding decided once for the whole file, and every
//! field decoded without replacement characters — a byte that is not valid in the file's
//! encoding is an error naming its row and column, never a name silently turned into another.

use super::{column_letters, Encoding, Inner, ReadLimits, SourceError, TableReader};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The encoding a file is decoded with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decoding {
    Utf8,
    Gb18030,
}

pub(super) fn open_csv(
    path: &Path,
    name: String,
    encoding: Encoding,
    limits: &ReadLimits,
) -> Result<TableReader, SourceError> {
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
    let decoding = match encoding {
        Encoding::Utf8 => Decoding::Utf8,
        Encoding::Gb18030 => Decoding::Gb18030,
        // A BOM is only ever written by tools saving UTF-8 (Excel's "CSV UTF-8").
        Encoding::Auto if bom => Decoding::Utf8,
        Encoding::Auto => decide(&mut file).map_err(open_err)?,
    };
    let skip = if bom && decoding == Decoding::Utf8 {
        UTF8_BOM.len() as u64
    } else {
        0
    };
    file.seek(SeekFrom::Start(skip)).map_err(open_err)?;
    let label = match decoding {
        Decoding::Utf8 if bom => "UTF-8 (BOM)",
        Decoding::Utf8 => "UTF-8",
        Decoding::Gb18030 => "GB18030",
    };
    // GB18030 is parsed as bytes too: none of its multi-byte sequences contains a comma, a
    // quote or a line break, so the fields are where they are in the text.
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        // With CRLF as terminator csv leaves a record's '\n' to the next read, which makes the
        // lines a record spans unknowable; ending records at '\n' only keeps line counts exact,
        // and the '\r' it leaves at the end of a line is removed below.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(64 * 1024)
        .from_reader(Tail {
            inner: file,
            last: None,
            eof: false,
            since_record: 0,
            record_limit: limits.row_bytes as u64 * 16,
        });
    let rows = CsvRows {
        reader,
        row: 0,
        decoding,
        row_limit: limits.row_bytes,
        scratch: Vec::new(),
        decoded: csv::ByteRecord::new(),
    };
    TableReader::new(name, label, Inner::Csv(Box::new(rows)))
}

/// Decides between UTF-8 and GB18030 by reading the whole file: Chinese text may appear only
/// after megabytes of ASCII ids and numbers. A file that is valid UTF-8 is UTF-8. Otherwise the
/// characters that are valid UTF-8 are weighed against the bytes that are not: GB18030 text
/// is mostly not valid UTF-8, while a UTF-8 file with a few bad bytes is mostly valid — such a
/// file stays UTF-8 and its bad bytes are errors by row, rather than every name in it being
/// read as GB18030.
fn decide(file: &mut File) -> io::Result<Decoding> {
    const CHUNK: usize = 256 * 1024;
    file.seek(SeekFrom::Start(0))?;
    // Room for a character cut off at the end of the previous chunk (at most 3 bytes).
    let mut buf = vec![0u8; CHUNK + 4];
    let mut carry = 0;
    let (mut wide, mut invalid) = (0u64, 0u64);
    let count_wide = |bytes: &[u8]| bytes.iter().filter(|&&b| b >= 0xC0).count() as u64;
    loop {
        let n = match file.read(&mut buf[carry..carry + CHUNK]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            invalid += u64::from(carry > 0);
            break;
        }
        let len = carry + n;
        let mut at = 0;
        carry = 0;
        while at < len {
            match std::str::from_utf8(&buf[at..len]) {
                Ok(_) => {
                    wide += count_wide(&buf[at..len]);
                    at = len;
                }
                Err(e) => {
                    wide += count_wide(&buf[at..at + e.valid_up_to()]);
                    match e.error_len() {
                        Some(bad) => {
                            invalid += 1;
                            at += e.valid_up_to() + bad;
                        }
                        None => {
                            let from = at + e.valid_up_to();
                            buf.copy_within(from..len, 0);
                            carry = len - from;
                            at = len;
                        }
                    }
                }
            }
        }
    }
    Ok(if invalid == 0 || wide > invalid {
        Decoding::Utf8
    } else {
        Decoding::Gb18030
    })
}

/// The CSV input, noting how it ends (whether the last record had a line break of its own
/// cannot be told from the reader's line count alone) and how much one record has taken: csv
/// grows its record buffer without bound, so a file of one endless line is refused instead.
struct Tail {
    inner: File,
    last: Option<u8>,
    eof: bool,
    since_record: u64,
    record_limit: u64,
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = Some(buf[n - 1]);
            self.since_record += n as u64;
            if self.since_record > self.record_limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "一行超过 {} MB / a record longer than {} MB",
                        self.record_limit >> 20,
                        self.record_limit >> 20
                    ),
                ));
            }
        } else if !buf.is_empty() {
            self.eof = true;
        }
        Ok(n)
    }
}

pub(super) struct CsvRows {
    reader: csv::Reader<Tail>,
    /// Row of the last record read.
    row: u32,
    decoding: Decoding,
    row_limit: usize,
    scratch: Vec<u8>,
    decoded: csv::ByteRecord,
}

impl CsvRows {
    pub(super) fn next(
        &mut self,
        file: &str,
        record: &mut csv::StringRecord,
    ) -> Result<Option<u32>, SourceError> {
        let start = self.reader.position().line();
        self.reader.get_mut().since_record = 0;
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
        if raw.as_slice().len() > self.row_limit {
            return Err(SourceError::LongRow {
                file: file.to_string(),
                row: self.row,
                limit_kb: self.row_limit >> 10,
            });
        }
        let bad = |field: usize, encoding: &'static str| SourceError::Encoding {
            file: file.to_string(),
            row: self.row,
            column: column_letters(field),
            encoding,
        };
        if self.decoding == Decoding::Gb18030 {
            self.decoded.clear();
            for (i, field) in raw.iter().enumerate() {
                if field.is_ascii() {
                    self.decoded.push_field(field);
                    continue;
                }
                let text = encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(field)
                    .ok_or_else(|| bad(i, "GB18030"))?;
                self.decoded.push_field(text.as_bytes());
            }
            std::mem::swap(&mut raw, &mut self.decoded);
        }
        match csv::StringRecord::from_byte_record(raw) {
            Ok(text) => {
                *record = text;
                Ok(Some(self.row))
            }
            Err(e) => Err(bad(e.utf8_error().field(), "UTF-8")),
        }
    }
}
