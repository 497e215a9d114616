//! The SQLite side of a bundle import: one writer thread with its own connection inserts rows
//! with prepared statements while the checker reads the next file. Going through the async
//! driver cost more per bound value than SQLite's own work (measured: a city took three times
//! as long), so bulk writes use the C API directly; everything else goes through sqlx.

use crate::error::StoreError;
use crate::param::{self, Param};
use crate::sql;
use crate::store::{ImportTx, Row};
use async_trait::async_trait;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use xplus_core::interchange::FileSpec;

enum Command {
    Rows(&'static FileSpec, Vec<Row>),
    Finish {
        commit: bool,
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
}

pub(crate) struct BulkWriter {
    sender: mpsc::Sender<Command>,
}

fn sqlite_error(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Sqlite { context, source }
}

/// Opens the writer's connection and starts the one transaction of the import.
fn open(file: &std::path::Path) -> Result<Connection, StoreError> {
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
         PRAGMA cache_size = -131072;
         PRAGMA temp_store = MEMORY;
         BEGIN IMMEDIATE;",
    )
    .map_err(sqlite_error("开始导入事务 / starting the import"))?;
    Ok(conn)
}

/// Rows per statement: opening the cursors of a table, its indexes and its parents once per
/// statement rather than once per row is most of the gain of multi-row inserts.
const ROWS_PER_STATEMENT: usize = 200;

fn write(conn: &Connection, file: &'static FileSpec, rows: &[Row]) -> Result<(), StoreError> {
    let context = || format!("写入 {} / writing {}", file.name, file.name);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let text = sql::upsert(file, chunk.len(), |_| "?".to_string());
        let mut stmt = conn
            .prepare_cached(&text)
            .map_err(sqlite_error(context()))?;
        let mut n = 0;
        for row in chunk {
            for (column, value) in file.columns.iter().zip(&row.values) {
                n += 1;
                let bound = match param::to_param(column, value) {
                    Param::Text(v) => stmt.raw_bind_parameter(n, v.as_deref()),
                    Param::I64(v) => stmt.raw_bind_parameter(n, v),
                    Param::I32(v) => stmt.raw_bind_parameter(n, v),
                    Param::Bool(v) => stmt.raw_bind_parameter(n, v.map(i64::from)),
                    // The same text form sqlx reads back as a date.
                    Param::Date(v) => {
                        stmt.raw_bind_parameter(n, v.map(|d| d.format("%Y-%m-%d").to_string()))
                    }
                };
                bound.map_err(sqlite_error(context()))?;
            }
            if sql::has_county(file) {
                n += 1;
                stmt.raw_bind_parameter(n, row.county.map(|c| c.as_u64() as i64))
                    .map_err(sqlite_error(context()))?;
            }
        }
        stmt.raw_execute().map_err(sqlite_error(context()))?;
    }
    Ok(())
}

impl BulkWriter {
    pub(crate) async fn start(file: PathBuf) -> Result<BulkWriter, StoreError> {
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
                while let Some(command) = receiver.blocking_recv() {
                    match command {
                        Command::Rows(spec, rows) => {
                            if failure.is_none() {
                                failure = write(&conn, spec, &rows).err();
                            }
                        }
                        Command::Finish { commit, reply } => {
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

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.finish(true).await
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.finish(false).await
    }
}
