//! A bundle sent as one zip archive (the web upload): its files are written, flat, into a
//! folder that is then read like any bundle folder — or, when the archive holds one workbook,
//! that workbook.
//!
//! The archive comes from anyone who can upload, so it is read as hostile: a name that climbs
//! out of its folder, a symbolic link, an encrypted entry or an archive inside the archive is
//! refused, naming the entry; the inflated size is bounded by the sizes the archive declares
//! *and* by counting the bytes actually inflated (a declared size can lie). Entries of macOS
//! (`__MACOSX/`) and hidden files (names starting with a dot) are skipped.

use super::{has_extension, SourceError, WORKBOOK_EXTENSIONS};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Limits on what one archive may inflate to.
#[derive(Debug, Clone, Copy)]
pub struct ZipLimits {
    /// All entries together, inflated.
    pub total_bytes: u64,
    /// Entries of any kind (folders too).
    pub entries: usize,
}

impl Default for ZipLimits {
    fn default() -> Self {
        // A province's bundle inflates to about 1 GB; the limit leaves room without letting a
        // small upload fill the disk.
        ZipLimits {
            total_bytes: 4 << 30,
            entries: 10_000,
        }
    }
}

/// Unpacks the bundle archive `zip` into the empty folder `into`; returns the path to import:
/// `into` itself, or the one workbook the archive held. Error messages name the archive by its
/// file name only and its entries by their names in the archive.
pub fn unpack_zip(zip: &Path, into: &Path, limits: ZipLimits) -> Result<PathBuf, SourceError> {
    let shown = zip
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bad = |zh: &str, en: &str| SourceError::BadZip {
        path: shown.clone(),
        zh: zh.to_string(),
        en: en.to_string(),
    };
    let file = File::open(zip).map_err(|source| SourceError::Open {
        path: shown.clone(),
        source,
    })?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|_| bad("不是有效的 zip 压缩包", "not a valid zip archive"))?;
    if archive.len() > limits.entries {
        return Err(bad(
            &format!("条目超过 {} 个", limits.entries),
            &format!("it has over {} entries", limits.entries),
        ));
    }
    // First pass: names and declared sizes only, so a bomb is refused before a byte is written.
    let mut plan: Vec<(usize, String, String)> = Vec::new();
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|_| bad("压缩包已损坏", "the archive is damaged"))?;
        let name = entry_name(entry.name_raw());
        if skipped(&name) || entry.is_dir() {
            continue;
        }
        let unsafe_name = entry.enclosed_name().is_none()
            || name.starts_with(['/', '\\'])
            || name.contains(':')
            || name.split(['/', '\\']).any(|part| part == "..");
        if unsafe_name || entry.is_symlink() {
            return Err(SourceError::ZipEntry {
                entry: name,
                zh: "路径不安全（指向压缩包之外或是链接）".into(),
                en: "its path is unsafe (it leads outside the archive or is a link)".into(),
            });
        }
        if entry.encrypted() {
            return Err(SourceError::ZipEntry {
                entry: name,
                zh: "已加密，请不加密重新压缩".into(),
                en: "it is encrypted; compress it again without a password".into(),
            });
        }
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_string();
        if nested_archive(&base) {
            return Err(SourceError::ZipEntry {
                entry: name,
                zh: "本身也是压缩包；请把其中的文件直接放进一个压缩包".into(),
                en: "is itself an archive; put its files directly into one archive".into(),
            });
        }
        if let Some((_, first, _)) = plan.iter().find(|(_, _, b)| b.eq_ignore_ascii_case(&base)) {
            return Err(SourceError::ZipDuplicate {
                first: first.clone(),
                second: name,
            });
        }
        declared = declared.saturating_add(entry.size());
        if declared > limits.total_bytes {
            return Err(too_large(&name, limits));
        }
        plan.push((i, name, base));
    }
    if plan.is_empty() {
        return Err(bad("里面没有文件", "it holds no files"));
    }
    let workbooks: Vec<&str> = plan
        .iter()
        .filter(|(_, _, b)| is_workbook(b))
        .map(|(_, n, _)| n.as_str())
        .collect();
    if workbooks.len() > 1 || (workbooks.len() == 1 && plan.len() > 1) {
        return Err(bad(
            "应只含一个 .xlsx 工作簿，或只含一组 .csv 文件",
            "it should hold one .xlsx workbook or a set of .csv files, not both or several workbooks",
        ));
    }
    let mut inflated = 0u64;
    for (i, name, base) in &plan {
        let entry = archive
            .by_index(*i)
            .map_err(|_| bad("压缩包已损坏", "the archive is damaged"))?;
        inflated = write_entry(entry, name, &into.join(base), inflated, limits)?;
    }
    Ok(match plan.as_slice() {
        [(_, _, base)] if is_workbook(base) => into.join(base),
        _ => into.to_path_buf(),
    })
}

/// Inflates one entry to `to`, counting against the archive's limit; returns the new total.
fn write_entry(
    entry: impl Read,
    name: &str,
    to: &Path,
    before: u64,
    limits: ZipLimits,
) -> Result<u64, SourceError> {
    let io = |source| SourceError::ZipEntry {
        entry: name.to_string(),
        zh: format!("无法解压（{source}）"),
        en: format!("cannot be unpacked ({source})"),
    };
    let mut out = File::create(to).map_err(io)?;
    let room = limits.total_bytes - before.min(limits.total_bytes);
    // One byte over the room tells a lying declared size from an exact fit.
    let mut limited = entry.take(room + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    loop {
        let n = limited.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        written += n as u64;
        if written > room {
            return Err(too_large(name, limits));
        }
        out.write_all(&buf[..n]).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(before + written)
}

fn too_large(entry: &str, limits: ZipLimits) -> SourceError {
    SourceError::ZipTooLarge {
        entry: entry.to_string(),
        limit_mb: limits.total_bytes >> 20,
    }
}

/// The entry's name: UTF-8 when it is, else GB18030 (what Windows in Chinese writes without
/// marking it), so that "贫困户.csv" is found by its name.
fn entry_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(raw).0.into_owned(),
    }
}

/// macOS's resource folder and hidden files (".DS_Store", "._households.csv") hold no rows.
fn skipped(name: &str) -> bool {
    name.split(['/', '\\']).enumerate().any(|(i, part)| {
        (part.starts_with('.') && part != "." && part != "..") || (i == 0 && part == "__MACOSX")
    })
}

fn nested_archive(base: &str) -> bool {
    has_extension(
        Path::new(base),
        &["zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz"],
    )
}

/// A workbook the bundle reader opens as one (the same formats as outside an archive).
fn is_workbook(base: &str) -> bool {
    has_extension(Path::new(base), WORKBOOK_EXTENSIONS)
}
