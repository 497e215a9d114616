//! `xplus backup FILE` and `xplus restore FILE` (interchange.md): a consistent copy of the whole
//! database taken while the server runs and writes, and its restore into an empty database of
//! either backend — the way a county moves from its SQLite laptop to the city's PostgreSQL.
//!
//! A backend streams every table from one snapshot ([`Store::dump`]) into the archive
//! (`archive.rs`: a zip of JSON lines with a manifest of row counts and checksums). A restore
//! reads it back in one write transaction: each cell is typed as the target's column takes it
//! and the rows written in bulk (`WriteSession::insert_rows`: COPY on PostgreSQL, with indexes
//! and foreign keys built once at the end), the audit log is appended entry by entry behind its
//! head while its hash chain is recomputed,
//! and any mismatch — a checksum, a row, a column, a broken chain, a target that is not empty —
//! refuses the whole file and the transaction is dropped, so nothing is written.

mod archive;
mod queries;
mod tables;

pub use archive::{Manifest, TableEntry};

use crate::error::{Refusal, StoreError};
use crate::session::dump::Cell;
use crate::session::{Arg, WriteSession};
use crate::store::{Backend, Store};
use archive::{damaged, ArchiveReader, ArchiveWriter};
use std::path::{Path, PathBuf};
use tables::{AUDIT_HEAD, AUDIT_LOG, ROLLUP_STATE, TABLES};
use xplus_core::audit::{AuditEntry, ChainCheck};

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackedUp {
    pub manifest: Manifest,
    /// The file's size in bytes.
    pub bytes: u64,
}

/// Copies the whole database into `path` (written beside it first and renamed at the end, so
/// that a backup stopped half-way never leaves a file that looks whole).
pub async fn backup(store: &dyn Store, path: &Path) -> Result<BackedUp, StoreError> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    let writer = ArchiveWriter::create(&partial)?;
    let result = async {
        let sink = store.dump(TABLES.to_vec(), Box::new(writer)).await?;
        let writer = sink
            .into_any()
            .downcast::<ArchiveWriter>()
            .expect("the sink given is the sink returned");
        let source = match store.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        writer.finish(source)
    }
    .await;
    let manifest = match result {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok(BackedUp { manifest, bytes })
}

/// What a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub tables: usize,
    pub rows: u64,
    pub audit_entries: i64,
    pub audit_head: String,
}

/// How a target column takes a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Date,
    Text,
}

impl Kind {
    /// From the type a backend declares (SQLite keeps yes/no as integers and dates as text).
    fn of(declared: &str) -> Kind {
        let d = declared.to_ascii_lowercase();
        if d.contains("int") {
            Kind::Int
        } else if d == "boolean" {
            Kind::Bool
        } else if d == "date" {
            Kind::Date
        } else {
            Kind::Text
        }
    }

    fn arg(self, cell: Cell) -> Option<Arg> {
        Some(match (self, cell) {
            (Kind::Int, Cell::Int(v)) => Arg::MaybeInt(Some(v)),
            (Kind::Int, Cell::Null) => Arg::MaybeInt(None),
            (Kind::Bool, Cell::Int(v)) => Arg::MaybeBool(Some(v != 0)),
            (Kind::Bool, Cell::Null) => Arg::MaybeBool(None),
            (Kind::Date, Cell::Text(t)) => Arg::MaybeDate(Some(
                chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok()?,
            )),
            (Kind::Date, Cell::Null) => Arg::MaybeDate(None),
            (Kind::Text, Cell::Text(t)) => Arg::MaybeText(Some(t)),
            (Kind::Text, Cell::Null) => Arg::MaybeText(None),
            _ => return None,
        })
    }
}

/// Restores the backup at `path` into `store`, which must be empty (migrated, nothing else).
///
/// Errors: `Invalid` for a damaged, truncated or foreign file (nothing written), `Conflict`
/// when the database already holds data, and the failures of the store.
pub async fn restore(store: &dyn Store, path: &Path) -> Result<Restored, StoreError> {
    let mut archive = ArchiveReader::open(path)?;
    let listed: Vec<&str> = archive
        .manifest
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    let expected: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
    if listed != expected {
        return Err(damaged(
            path,
            "所列的表与本版本不同 / its tables differ from this version's",
        ));
    }
    ensure_empty(store).await?;
    let names: Vec<&'static str> = TABLES.iter().map(|t| t.name).collect();
    let target = store.table_columns(names.clone()).await?;
    let kinds = (archive.manifest.tables.iter().zip(&target))
        .map(|(entry, columns)| column_kinds(path, entry, columns))
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = store.write_session().await?;
    let mut restored = Restored {
        tables: TABLES.len(),
        rows: 0,
        audit_entries: 0,
        audit_head: String::new(),
    };
    let mut chain = ChainCheck::default();
    let mut head = None;
    // The target is empty: its indexes are built once over the restored rows.
    s.begin_bulk_load(&names).await?;
    for (i, entry) in archive.manifest.tables.clone().iter().enumerate() {
        let mut rows = archive.table(entry)?;
        let kinds = &kinds[i];
        match entry.name.as_str() {
            AUDIT_LOG => {
                while let Some(cells) = rows.next_row()? {
                    let e = audit_entry(&entry.columns, &cells)
                        .ok_or_else(|| damaged(path, "审计日志的一行 / an audit log row"))?;
                    chain.next(&e).map_err(|b| damaged(path, b.describe()))?;
                    insert(s.as_mut(), path, entry, kinds, vec![cells]).await?;
                    s.execute(queries::MOVE_HEAD, &[Arg::Int(e.seq), Arg::Text(e.hash)])
                        .await?;
                    restored.rows += 1;
                }
            }
            AUDIT_HEAD => {
                // Not inserted: the head moved with each entry above; read to check it.
                while let Some(cells) = rows.next_row()? {
                    head = audit_head(&entry.columns, &cells);
                    restored.rows += 1;
                }
            }
            name => {
                if name == ROLLUP_STATE {
                    s.execute(queries::CLEAR_ROLLUP_STATE, &[]).await?;
                }
                let batch_rows = (30_000 / entry.columns.len().max(1)).clamp(1, 1000);
                let mut batch = Vec::with_capacity(batch_rows);
                while let Some(cells) = rows.next_row()? {
                    batch.push(cells);
                    if batch.len() == batch_rows {
                        restored.rows += batch.len() as u64;
                        insert(s.as_mut(), path, entry, kinds, std::mem::take(&mut batch)).await?;
                    }
                }
                restored.rows += batch.len() as u64;
                insert(s.as_mut(), path, entry, kinds, batch).await?;
            }
        }
    }
    let head = head.ok_or_else(|| damaged(path, "没有审计链头 / no audit head"))?;
    restored.audit_entries = chain
        .finish(Some((head.0, &head.1)))
        .map_err(|b| damaged(path, b.describe()))?;
    restored.audit_head = chain.head_hash().to_string();
    if store.backend() == Backend::Postgres {
        s.execute(queries::FOLLOW_USER_IDS, &[]).await?;
    }
    s.finish_bulk_load().await?;
    s.commit().await?;
    // The database's own check, as `xplus audit verify` runs it.
    match crate::verify_audit(store).await? {
        Ok(status) if status.entries == restored.audit_entries => Ok(restored),
        Ok(status) => Err(StoreError::Interrupted(format!(
            "恢复后审计日志有 {} 条，应为 {} 条 / the restored audit log has {} entries, not {}",
            status.entries, restored.audit_entries, status.entries, restored.audit_entries
        ))),
        Err(b) => Err(StoreError::Interrupted(b.describe())),
    }
}

/// Refuses a target that holds anything beyond what the migrations write.
async fn ensure_empty(store: &dyn Store) -> Result<(), StoreError> {
    let mut s = store.read_session().await?;
    for table in TABLES {
        if table.name == AUDIT_HEAD || table.name == ROLLUP_STATE {
            continue;
        }
        let rows = s
            .query(&queries::COUNTED_SHAPE, &queries::count(table.name), &[])
            .await?;
        let n = rows.first().and_then(|r| r[0].as_int()).unwrap_or(0);
        if n > 0 {
            return Err(StoreError::Refused(Refusal::Conflict(format!(
                "目标数据库不是空的（{} 有 {n} 行），只能恢复到新建的空数据库 / the target database \
                 is not empty ({} has {n} rows); restore into a new, empty database",
                table.name, table.name
            ))));
        }
    }
    Ok(())
}

/// The kind of each of the backup's columns in the target, whose columns (`target`) must be
/// the same.
fn column_kinds(
    path: &Path,
    entry: &TableEntry,
    target: &[(String, String)],
) -> Result<Vec<Kind>, StoreError> {
    let mut same: Vec<&str> = target.iter().map(|(c, _)| c.as_str()).collect();
    let mut given: Vec<&str> = entry.columns.iter().map(String::as_str).collect();
    same.sort_unstable();
    given.sort_unstable();
    if same != given {
        return Err(damaged(
            path,
            format!(
                "{} 的列与本数据库不同 / the columns of {} differ from this database's",
                entry.name, entry.name
            ),
        ));
    }
    Ok(entry
        .columns
        .iter()
        .map(|c| Kind::of(&target.iter().find(|(t, _)| t == c).expect("same").1))
        .collect())
}

async fn insert(
    s: &mut dyn WriteSession,
    path: &Path,
    entry: &TableEntry,
    kinds: &[Kind],
    rows: Vec<Vec<Cell>>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut typed = Vec::with_capacity(rows.len());
    for row in rows {
        let mut args = Vec::with_capacity(kinds.len());
        for ((cell, kind), column) in row.into_iter().zip(kinds).zip(&entry.columns) {
            args.push(kind.arg(cell).ok_or_else(|| {
                damaged(
                    path,
                    format!(
                        "{} 的 {column} 列取值不符 / a value of {}.{column} does not fit",
                        entry.name, entry.name
                    ),
                )
            })?);
        }
        typed.push(args);
    }
    s.insert_rows(&entry.name, &entry.columns, typed)
        .await
        .map_err(|e| in_table(&entry.name, e))?;
    Ok(())
}

/// A database's refusal of a restored row, naming the table (a key or reference the copy breaks).
fn in_table(table: &str, e: StoreError) -> StoreError {
    let context = |c: String| format!("恢复 {table} 表时 / restoring table {table}: {c}");
    match e {
        StoreError::Database { context: c, source } => StoreError::Database {
            context: context(c),
            source,
        },
        StoreError::Sqlite { context: c, source } => StoreError::Sqlite {
            context: context(c),
            source,
        },
        e => e,
    }
}

fn text(columns: &[String], cells: &[Cell], name: &str) -> Option<Option<String>> {
    let i = columns.iter().position(|c| c == name)?;
    match &cells[i] {
        Cell::Text(t) => Some(Some(t.clone())),
        Cell::Null => Some(None),
        Cell::Int(_) => None,
    }
}

fn int(columns: &[String], cells: &[Cell], name: &str) -> Option<i64> {
    let i = columns.iter().position(|c| c == name)?;
    match &cells[i] {
        Cell::Int(v) => Some(*v),
        _ => None,
    }
}

/// An audit log row of the backup, to recompute its chain.
fn audit_entry(columns: &[String], cells: &[Cell]) -> Option<AuditEntry> {
    let t = |name: &str| text(columns, cells, name);
    Some(AuditEntry {
        seq: int(columns, cells, "seq")?,
        at: t("at")??,
        actor: t("actor")??,
        action: t("action")??,
        entity: t("entity")??,
        record_key: t("record_key")??,
        old_values: t("old_values")?,
        new_values: t("new_values")?,
        prev_hash: t("prev_hash")??,
        hash: t("hash")??,
    })
}

fn audit_head(columns: &[String], cells: &[Cell]) -> Option<(i64, String)> {
    Some((int(columns, cells, "seq")?, text(columns, cells, "hash")??))
}
