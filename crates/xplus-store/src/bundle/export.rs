//! `xplus export`: every file of the bundle format, from the database, in key order — so that
//! two exports of the same data are byte-identical and an export imports back unchanged.

use super::sink::BundleSink;
use crate::error::StoreError;
use crate::store::Store;
use std::path::Path;
use xplus_core::interchange::ALL_FILES;
use xplus_core::registry::RegionCode;

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Chinese headers and labels (是/否, 贫困 …) instead of the English codes.
    pub chinese: bool,
    /// Only the households (and what hangs on them) within this region.
    pub region: Option<RegionCode>,
}

/// Told which file is being written and how many rows so far.
pub trait ExportProgress: Send + Sync {
    fn file(&self, name: &str);
    fn rows(&self, rows_in_file: u64);
}

/// Writes the bundle to `path` (a folder, or a workbook if it ends in `.xlsx`); returns the
/// rows written per file.
pub async fn export_bundle(
    store: &dyn Store,
    path: &Path,
    options: &ExportOptions,
    progress: &dyn ExportProgress,
) -> Result<Vec<(String, u64)>, StoreError> {
    let mut sink = BundleSink::create(path)?;
    let mut counts = Vec::new();
    for spec in ALL_FILES {
        progress.file(&spec.file_name());
        sink.begin(spec, options.chinese)?;
        let mut written = 0u64;
        let n = store
            .read_rows(spec, options.region, &mut |values| {
                sink.write(values)?;
                written += 1;
                if written.is_multiple_of(10_000) {
                    progress.rows(written);
                }
                Ok(())
            })
            .await?;
        progress.rows(n);
        sink.end()?;
        counts.push((spec.file_name(), n));
    }
    sink.finish()?;
    Ok(counts)
}
