//! Reading a CSV file of a bundle: its encoding decided once for the whole file, and every
//! field decoded without replacement characters — a byte that is not valid in the file's
//! encoding is an error naming its row and column, never a name silently turned into another.

use super::{column_letters, Encoding, Inner, ReadLimits, SourceError, TableReader};
use std::fs::File;
use std::io::{self, BufRead, Read, Seek, SeekFrom};
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
            overflow: false,
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

/// Decides between UTF-8 and GB18030 by reading the whole file, line by line: Chinese text may
/// appear only after megabytes of ASCII ids and numbers. Lines, not bytes, are weighed:
/// - a file with no line that is invalid UTF-8 is UTF-8 — unless its only non-ASCII characters
///   are two-byte ones and it is valid GB18030 too: Chinese in UTF-8 takes three bytes, so a
///   short GBK file that happens to be valid UTF-8 ("小" is D0 A1, Cyrillic "С" in UTF-8) is
///   GB18030;
/// - a file with lines that are valid UTF-8 holding non-ASCII text, more than the invalid ones or
///   at least five and 1 % of the lines with non-ASCII bytes, is UTF-8: a UTF-8 file with a few
///   bad bytes, or a file mixing encodings, then gets an error on each bad row instead of having
///   its UTF-8 rows read as GB18030 (a GB18030 line is valid UTF-8 only by rare chance);
/// - anything else is GB18030, whose invalid sequences are errors by row as well.
fn decide(file: &mut File) -> io::Result<Decoding> {
    file.seek(SeekFrom::Start(0))?;
    let mut reader = io::BufReader::with_capacity(256 * 1024, &mut *file);
    let mut line = Vec::new();
    let (mut utf8, mut bad, mut wide, mut two_byte_only_gb) = (0u64, 0u64, false, true);
    loop {
        line.clear();
        // A line is looked at up to 16 MB; a longer one is refused by the reader later.
        let n = (&mut reader).take(16 << 20).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        if line.is_ascii() {
            continue;
        }
        match std::str::from_utf8(&line) {
            Ok(text) => {
                utf8 += 1;
                wide |= text.chars().any(|c| c.len_utf8() > 2);
                two_byte_only_gb &= encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(&line)
                    .is_some();
            }
            Err(_) => bad += 1,
        }
    }
    let non_ascii = utf8 + bad;
    Ok(match (utf8, bad) {
        (0, 0) => Decoding::Utf8,
        (_, 0) if !wide && two_byte_only_gb => Decoding::Gb18030,
        (_, 0) => Decoding::Utf8,
        _ if utf8 > bad || (utf8 >= 5 && utf8 * 100 >= non_ascii) => Decoding::Utf8,
        _ => Decoding::Gb18030,
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
    /// Set when a record ran past `record_limit` (the read error csv reports is this).
    overflow: bool,
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = Some(buf[n - 1]);
            self.since_record += n as u64;
            if self.since_record > self.record_limit {
                self.overflow = true;
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "a record past the limit",
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
            Err(_) if self.reader.get_ref().overflow => {
                return Err(SourceError::LongRecord {
                    file: file.to_string(),
                    row: self.row.saturating_add(1),
                    limit_mb: self.reader.get_ref().record_limit >> 20,
                })
            }
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
