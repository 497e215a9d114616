//! `xplus backup FILE` and `xplus restore FILE` (interchange.md): the copy is taken and checked
//! in the store (`xplus_store::backup`); here it is reported.

use crate::commands::{open, Failure};
use crate::output::Output;
use std::path::Path;
use std::process::ExitCode;

pub(crate) async fn backup(db: &str, file: &Path, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    let done = xplus_store::backup::backup(store.as_ref(), file).await?;
    let rows: u64 = done.manifest.tables.iter().map(|t| t.rows).sum();
    let (tables, size) = (done.manifest.tables.len(), megabytes(done.bytes));
    out.say(
        &format!(
            "已备份到 {}：{tables} 张表，{rows} 行，{size} MB",
            file.display()
        ),
        &format!(
            "backed up to {}: {tables} tables, {rows} rows, {size} MB",
            file.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn restore(db: &str, file: &Path, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    let done = xplus_store::backup::restore(store.as_ref(), file).await?;
    let (rows, n, head) = (done.rows, done.audit_entries, &done.audit_head);
    out.say(
        &format!(
            "已从 {} 恢复：{rows} 行；校验和无误，审计日志 {n} 条，哈希链无误，末条哈希 {head}",
            file.display()
        ),
        &format!(
            "restored from {}: {rows} rows; checksums match, the audit log's {n} entries hold their chain, head hash {head}",
            file.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_048_576.0)
}
