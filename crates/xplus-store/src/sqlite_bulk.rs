//! Bulk reads and writes of SQLite: whole tables for export and import. Going through the async
//! driver cost more per value than SQLite's own work (measured on a city: an import three times
//! as long, an export of 410,000 members 4 s), so they use the C API on their own connection in
//! a thread of their own; everything else goes through sqlx.
//!
//! Writing: one writer thread inserts rows with prepared multi-row statements while the
//! checker reads the next file. Reading: a thread steps through the query and hands batches of
//! rows to the async side.

use crate::audit::{seal, NewAudit};
use crate::error::StoreError;
use crate::param::{self, Param, SqlKind};
use crate::sql;
use crate::store::{ImportTx, Row, RowSink};
use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};
use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use xplus_core::interchange::{FileSpec, Value};

enum Command {
    Rows(&'static FileSpec, Vec<Row>),
    Audit(NewAudit),
    Finish {
        commit: bool,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

pub(crate) struct BulkWriter {
    sender: mpsc::Sender<Command>,
}

pub(crate) fn sqlite_error(
    context: impl Into<String>,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Sqlite { context, source }
}

/// Like [`sqlite_error`], with the context written only when there is an error: the reads and
/// writes that call this do so for every row and every cell.
pub(crate) fn sqlite_error_in(
    context: impl FnOnce() -> String,
) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite {
        context: context(),
        source,
    }
}

/// Opens the writer's connection and starts the one transaction of the import.
pub(crate) fn open(file: &std::path::Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite_error(format!(
        "打开 {} / opening {}",
        file.display(),
        file.display()
    )))?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(sqlite_error("设置等待时间 / setting the busy timeout"))?;
    // Foreign keys stay on: the checker has already resolved every reference, and the database
    // checks them once more. A big page cache keeps the indexes of a whole city in memory, and
    // statement journals of multi-row work stay off the disk.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA cache_size = -65536;
         PRAGMA temp_store = MEMORY;
         BEGIN IMMEDIATE;",
    )
    .map_err(sqlite_error("开始导入事务 / starting the import"))?;
    Ok(conn)
}

/// Rows per statement: opening the cursors of a table, its indexes and its parents once per
/// statement rather than once per row is most of the gain of multi-row inserts.
const ROWS_PER_STATEMENT: usize = 200;

pub(crate) fn bind_value(
    stmt: &mut rusqlite::CachedStatement<'_>,
    n: usize,
    column: &xplus_core::interchange::Column,
    value: &Value,
) -> rusqlite::Result<()> {
    match param::to_param(column, value) {
        Param::Text(v) => stmt.raw_bind_parameter(n, v.as_deref()),
        Param::I64(v) => stmt.raw_bind_parameter(n, v),
        Param::I32(v) => stmt.raw_bind_parameter(n, v),
        Param::Bool(v) => stmt.raw_bind_parameter(n, v.map(i64::from)),
        // The same text form sqlx reads back as a date.
        Param::Date(v) => stmt.raw_bind_parameter(n, v.map(|d| d.format("%Y-%m-%d").to_string())),
    }
}

/// What the writer remembers across batches.
struct WriterState {
    actor: String,
    /// Per table: whether it had rows before this import (only then can a row be an update).
    had_rows: std::collections::HashMap<&'static str, bool>,
    /// What is already marked out of date (counties, the generation).
    marked: std::collections::HashSet<sql::Touched>,
    /// The search index is filled once at the end (the members table was empty).
    search_deferred: bool,
}

/// Sets the search index's triggers aside for the rest of the import's (or a restore's)
/// transaction (migration 0020: filling FTS5 row by row cost six times a single INSERT … SELECT).
pub(crate) const DEFER_SEARCH: &str = "UPDATE search_fill SET deferred = 1 WHERE id = 1";

/// Fills the search index with every member once, and puts the triggers back, before commit.
/// In rowid order: FTS5 writes its pending terms out as a new segment whenever a rowid is not
/// above the last one, so members in file order made a segment per row or two and spent most of
/// the fill merging them (measured on a city, 410,405 members: 7.8 s in file order, 1.9 s sorted).
pub(crate) const FILL_SEARCH: &str = "INSERT INTO person_terms (rowid, terms) \
     SELECT person, terms FROM person_terms_of ORDER BY person; \
     UPDATE search_fill SET deferred = 0 WHERE id = 1;";

/// The stored rows among `chunk`'s keys, by record key.
fn stored_rows(
    conn: &Connection,
    file: &'static FileSpec,
    chunk: &[Row],
) -> Result<std::collections::HashMap<Vec<String>, Vec<Value>>, StoreError> {
    let context = || format!("读取 {} / reading {}", file.name, file.name);
    let text = sql::select_by_keys(file, chunk.len(), |_| "?".to_string());
    let mut stmt = conn
        .prepare_cached(&text)
        .map_err(sqlite_error_in(&context))?;
    let mut n = 0;
    for row in chunk {
        for &k in file.key {
            n += 1;
            bind_value(&mut stmt, n, &file.columns[k], &row.values[k])
                .map_err(sqlite_error_in(&context))?;
        }
    }
    let mut found = std::collections::HashMap::new();
    let mut rows = stmt.raw_query();
    while let Some(r) = rows.next().map_err(sqlite_error_in(&context))? {
        let values = (0..file.columns.len())
            .map(|i| read_value(file, r, i))
            .collect::<Result<Vec<_>, _>>()?;
        found.insert(crate::audit::key_cells(file, &values), values);
    }
    Ok(found)
}

/// Upserts `rows`; a stored row that a bundle row changes gets an audit entry with the values
/// before and after, in the same transaction.
fn write(
    conn: &Connection,
    state: &mut WriterState,
    file: &'static FileSpec,
    rows: &[Row],
) -> Result<(), StoreError> {
    let context = || format!("写入 {} / writing {}", file.name, file.name);
    let had_rows = match state.had_rows.get(file.name) {
        Some(&had) => had,
        None => {
            let had = conn
                .prepare(&sql::any_row(file))
                .and_then(|mut s| s.exists([]))
                .map_err(sqlite_error_in(&context))?;
            state.had_rows.insert(file.name, had);
            // Members into an empty table: every member is this import's, so the search index
            // (empty with it) is filled once, set-based, at the end.
            if file.id == xplus_core::interchange::FileId::Members && !had {
                conn.execute_batch(DEFER_SEARCH)
                    .map_err(sqlite_error_in(&context))?;
                state.search_deferred = true;
            }
            had
        }
    };
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut changes = Vec::new();
        if had_rows {
            let stored = stored_rows(conn, file, chunk)?;
            for row in chunk {
                let old = stored.get(&crate::audit::key_cells(file, &row.values));
                changes.extend(crate::audit::row_change(
                    &state.actor,
                    file,
                    old,
                    &row.values,
                ));
            }
        }
        let text = sql::upsert(file, chunk.len(), |_| "?".to_string());
        let mut stmt = conn
            .prepare_cached(&text)
            .map_err(sqlite_error_in(&context))?;
        let mut n = 0;
        for row in chunk {
            for (column, value) in file.columns.iter().zip(&row.values) {
                n += 1;
                bind_value(&mut stmt, n, column, value).map_err(sqlite_error_in(&context))?;
            }
            if sql::has_county(file) {
                n += 1;
                stmt.raw_bind_parameter(n, row.county.map(|c| c.as_u64() as i64))
                    .map_err(sqlite_error_in(&context))?;
            }
        }
        stmt.raw_execute().map_err(sqlite_error_in(&context))?;
        if !changes.is_empty() {
            append_in(conn, changes)?;
        }
        for touched in chunk.iter().map(|r| sql::Touched::of(file, r)) {
            if state.marked.insert(touched) {
                mark_in(conn, touched).map_err(sqlite_error_in(&context))?;
            }
        }
    }
    Ok(())
}

/// Appends entries on `conn`, which must be inside a write transaction.
pub(crate) fn append_in(conn: &Connection, entries: Vec<NewAudit>) -> Result<(), StoreError> {
    let context = || "写入审计日志 / writing the audit log".to_string();
    let (mut seq, mut hash): (i64, String) = conn
        .query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sqlite_error_in(&context))?;
    let mut insert = conn
        .prepare_cached(
            "INSERT INTO audit_log (seq, at, actor, action, entity, record_key, old_values, \
             new_values, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .map_err(sqlite_error_in(&context))?;
    for new in entries {
        let e = seal(seq, &hash, new);
        insert
            .execute(rusqlite::params![
                e.seq,
                e.at,
                e.actor,
                e.action,
                e.entity,
                e.record_key,
                e.old_values,
                e.new_values,
                e.prev_hash,
                e.hash
            ])
            .map_err(sqlite_error_in(&context))?;
        seq = e.seq;
        hash = e.hash;
        // The head moves with every entry: the next one is checked against it (a trigger).
        conn.execute(
            "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
            rusqlite::params![seq, hash],
        )
        .map_err(sqlite_error_in(&context))?;
    }
    Ok(())
}

/// Appends entries in a transaction of their own.
pub(crate) async fn append_audit(path: PathBuf, entries: Vec<NewAudit>) -> Result<(), StoreError> {
    tokio::task::spawn_blocking(move || {
        let conn = open(&path)?;
        append_in(&conn, entries)?;
        conn.execute_batch("COMMIT")
            .map_err(sqlite_error("提交审计日志 / committing the audit log"))
    })
    .await
    .map_err(|e| StoreError::Interrupted(e.to_string()))?
}

impl BulkWriter {
    pub(crate) async fn start(file: PathBuf, actor: String) -> Result<BulkWriter, StoreError> {
        let (sender, mut receiver) = mpsc::channel::<Command>(4);
        let (ready, started) = oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("xplus-sqlite-import".into())
            .spawn(move || {
                let conn = match open(&file) {
                    Ok(c) => {
                        let _ = ready.send(Ok(()));
                        c
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let mut failure: Option<StoreError> = None;
                let mut state = WriterState {
                    actor,
                    had_rows: std::collections::HashMap::new(),
                    marked: Default::default(),
                    search_deferred: false,
                };
                while let Some(command) = receiver.blocking_recv() {
                    match command {
                        Command::Rows(spec, rows) => {
                            if failure.is_none() {
                                failure = write(&conn, &mut state, spec, &rows).err();
                            }
                        }
                        Command::Audit(entry) => {
                            if failure.is_none() {
                                failure = append_in(&conn, vec![entry]).err();
                            }
                        }
                        Command::Finish { commit, reply } => {
                            if commit && failure.is_none() && state.search_deferred {
                                failure = conn
                                    .execute_batch(FILL_SEARCH)
                                    .map_err(sqlite_error(
                                        "填充查找索引 / filling the search index",
                                    ))
                                    .err();
                            }
                            let end = if commit && failure.is_none() {
                                "COMMIT"
                            } else {
                                "ROLLBACK"
                            };
                            let ended = conn
                                .execute_batch(end)
                                .map_err(sqlite_error("结束导入事务 / ending the import"));
                            let _ = reply.send(match failure {
                                Some(e) => Err(e),
                                None => ended,
                            });
                            return;
                        }
                    }
                }
                // Dropped without a decision: closing the connection rolls the import back.
            });
        spawned.map_err(|e| StoreError::Interrupted(e.to_string()))?;
        started
            .await
            .map_err(|e| StoreError::Interrupted(e.to_string()))??;
        Ok(BulkWriter { sender })
    }

    async fn finish(self, commit: bool) -> Result<(), StoreError> {
        let (reply, result) = oneshot::channel();
        self.sender
            .send(Command::Finish { commit, reply })
            .await
            .map_err(|_| {
                StoreError::Interrupted("SQLite 写入线程已退出 / the SQLite writer stopped".into())
            })?;
        result.await.map_err(|_| {
            StoreError::Interrupted("SQLite 写入线程已退出 / the SQLite writer stopped".into())
        })?
    }
}

#[async_trait]
impl ImportTx for BulkWriter {
    async fn upsert(&mut self, file: &'static FileSpec, rows: Vec<Row>) -> Result<(), StoreError> {
        self.sender
            .send(Command::Rows(file, rows))
            .await
            .map_err(|_| {
                StoreError::Interrupted("SQLite 写入线程已退出 / the SQLite writer stopped".into())
            })
    }

    async fn audit(&mut self, entry: NewAudit) -> Result<(), StoreError> {
        self.sender.send(Command::Audit(entry)).await.map_err(|_| {
            StoreError::Interrupted("SQLite 写入线程已退出 / the SQLite writer stopped".into())
        })
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.finish(true).await
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.finish(false).await
    }
}

const READ_BATCH: usize = 1_000;

pub(crate) fn read_value(
    file: &'static FileSpec,
    row: &rusqlite::Row<'_>,
    i: usize,
) -> Result<Value, StoreError> {
    let column = &file.columns[i];
    let context = || format!("读取 {} / reading {}", file.name, file.name);
    let p = match param::kind(column) {
        SqlKind::Text => row
            .get::<_, Option<String>>(i)
            .map(|v| Param::Text(v.map(Cow::Owned))),
        SqlKind::I64 => row.get::<_, Option<i64>>(i).map(Param::I64),
        SqlKind::I32 => row.get::<_, Option<i32>>(i).map(Param::I32),
        SqlKind::Bool => row
            .get::<_, Option<i64>>(i)
            .map(|v| Param::Bool(v.map(|b| b != 0))),
        SqlKind::Date => row.get::<_, Option<String>>(i).and_then(|v| {
            let date = v
                .map(|text| chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d"))
                .transpose()
                .map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        i,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?;
            Ok(Param::Date(date))
        }),
    }
    .map_err(sqlite_error_in(&context))?;
    param::to_value(file.name, column, p)
}

/// Runs `query` (a select of the file's columns) on its own connection and hands every row to
/// `sink`, in order.
pub(crate) async fn read_rows(
    path: PathBuf,
    file: &'static FileSpec,
    query: String,
    sink: &mut RowSink<'_>,
) -> Result<u64, StoreError> {
    let (sender, mut receiver) = mpsc::channel::<Result<Vec<Vec<Value>>, StoreError>>(4);
    let reader = tokio::task::spawn_blocking(move || {
        let run = || -> Result<(), StoreError> {
            let context = || format!("读取 {} / reading {}", file.name, file.name);
            let conn = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(sqlite_error_in(&context))?;
            conn.busy_timeout(Duration::from_secs(30))
                .map_err(sqlite_error_in(&context))?;
            let mut stmt = conn.prepare(&query).map_err(sqlite_error_in(&context))?;
            let mut rows = stmt.query([]).map_err(sqlite_error_in(&context))?;
            let mut batch = Vec::with_capacity(READ_BATCH);
            while let Some(row) = rows.next().map_err(sqlite_error_in(&context))? {
                let values = (0..file.columns.len())
                    .map(|i| read_value(file, row, i))
                    .collect::<Result<Vec<_>, _>>()?;
                batch.push(values);
                if batch.len() == READ_BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(READ_BATCH));
                    if sender.blocking_send(Ok(full)).is_err() {
                        // The consumer stopped (its sink failed): nothing more to read.
                        return Ok(());
                    }
                }
            }
            if !batch.is_empty() {
                let _ = sender.blocking_send(Ok(batch));
            }
            Ok(())
        };
        if let Err(e) = run() {
            let _ = sender.blocking_send(Err(e));
        }
    });
    let mut n = 0;
    while let Some(batch) = receiver.recv().await {
        for values in batch? {
            sink(&values)?;
            n += 1;
        }
    }
    reader
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?;
    Ok(n)
}

/// Marks what a written row made out of date (`sql::Touched`), in the writer's transaction.
pub(crate) fn mark_in(conn: &rusqlite::Connection, touched: sql::Touched) -> rusqlite::Result<()> {
    let (text, county) = touched.mark("?");
    let mut stmt = conn.prepare_cached(&text)?;
    match county {
        Some(c) => stmt.execute([c]),
        None => stmt.execute([]),
    }
    .map(|_| ())
}
