//! The record primitives on SQLite, through rusqlite on the blocking pool: each call moves the
//! connection to a blocking thread and back. Readers reuse a few idle connections; a writer
//! opens its own with `BEGIN IMMEDIATE`, so it holds the write lock from its first read.

use crate::audit::NewAudit;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::session::Row;
use crate::session::{
    self, Arg, CompactRows, Filter, HouseholdSummary, Page, ReadSession, WriteSession,
};
use crate::sql;
use crate::sqlite_bulk::{append_in, bind_value, read_value, sqlite_error, sqlite_error_in};
use async_trait::async_trait;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xplus_core::audit::AuditEntry;
use xplus_core::interchange::schema::HOUSEHOLDS;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::{Household, RegionCode};

/// Reader connections, reused so a page does not open the file (and prepare its statements)
/// each time. At most `MAX_READERS` read at once: more would only compete for the same cores,
/// and connections opened beyond what stays idle would be closed again after one request.
pub(crate) struct Readers {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<tokio::sync::Semaphore>,
}

const MAX_READERS: usize = 8;

impl Default for Readers {
    fn default() -> Readers {
        Readers {
            idle: Mutex::default(),
            permits: Arc::new(tokio::sync::Semaphore::new(MAX_READERS)),
        }
    }
}

pub(crate) struct SqliteSession {
    conn: Option<Connection>,
    /// Where a reader's connection goes back to; `None` for a writer.
    readers: Option<Arc<Readers>>,
    _permit: Option<tokio::sync::OwnedSemaphorePermit>,
    /// What is already marked out of date in this transaction (counties, the generation).
    marked: std::collections::HashSet<sql::Touched>,
    /// The search index is set aside by `begin_bulk_load` and not yet filled.
    search_set_aside: bool,
}

/// A reader's connection: `query_only`, so that a read session cannot write even by mistake (the
/// type already has no write methods; this holds for SQL text too). The file is opened read-write
/// so that the connection shares the WAL index like any other.
pub(crate) fn connect(file: &std::path::Path) -> Result<Connection, StoreError> {
    let context = || format!("打开 {} / opening {}", file.display(), file.display());
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite_error_in(&context))?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(sqlite_error_in(&context))?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; PRAGMA mmap_size = 2147418112; \
         PRAGMA query_only = ON;",
    )
    .map_err(sqlite_error_in(&context))?;
    Ok(conn)
}

impl SqliteSession {
    pub(crate) async fn reader(
        file: PathBuf,
        readers: Arc<Readers>,
    ) -> Result<SqliteSession, StoreError> {
        let permit = readers
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Interrupted(e.to_string()))?;
        let idle = readers.idle.lock().expect("reader pool").pop();
        let conn = match idle {
            Some(c) => c,
            None => tokio::task::spawn_blocking(move || connect(&file))
                .await
                .map_err(|e| StoreError::Interrupted(e.to_string()))??,
        };
        Ok(SqliteSession {
            conn: Some(conn),
            readers: Some(readers),
            _permit: Some(permit),
            marked: Default::default(),
            search_set_aside: false,
        })
    }

    pub(crate) async fn writer(file: PathBuf) -> Result<SqliteSession, StoreError> {
        let conn = tokio::task::spawn_blocking(move || crate::sqlite_bulk::open(&file))
            .await
            .map_err(|e| StoreError::Interrupted(e.to_string()))??;
        Ok(SqliteSession {
            conn: Some(conn),
            readers: None,
            _permit: None,
            marked: Default::default(),
            search_set_aside: false,
        })
    }

    async fn run<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.take().ok_or_else(|| {
            StoreError::Interrupted("数据库连接已失效 / the connection was lost".into())
        })?;
        let (conn, out) = tokio::task::spawn_blocking(move || {
            let out = work(&conn);
            (conn, out)
        })
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?;
        self.conn = Some(conn);
        out
    }
}

impl Drop for SqliteSession {
    fn drop(&mut self) {
        // A writer's connection closes, which rolls back what was not committed.
        if let (Some(conn), Some(readers)) = (self.conn.take(), &self.readers) {
            readers.idle.lock().expect("reader pool").push(conn);
        }
    }
}

fn bind_args<'a>(
    stmt: &mut rusqlite::Statement<'_>,
    args: impl IntoIterator<Item = &'a Arg>,
) -> rusqlite::Result<()> {
    for (i, arg) in args.into_iter().enumerate() {
        match arg {
            Arg::Text(t) => stmt.raw_bind_parameter(i + 1, t.as_str())?,
            Arg::Int(v) => stmt.raw_bind_parameter(i + 1, v)?,
            Arg::Date(d) => stmt.raw_bind_parameter(i + 1, d.format("%Y-%m-%d").to_string())?,
            Arg::Bool(b) => stmt.raw_bind_parameter(i + 1, i64::from(*b))?,
            Arg::MaybeText(t) => stmt.raw_bind_parameter(i + 1, t.as_deref())?,
            Arg::MaybeInt(v) => stmt.raw_bind_parameter(i + 1, v)?,
            Arg::MaybeBool(v) => stmt.raw_bind_parameter(i + 1, v.map(i64::from))?,
            Arg::MaybeDate(v) => {
                stmt.raw_bind_parameter(i + 1, v.map(|d| d.format("%Y-%m-%d").to_string()))?
            }
        }
    }
    Ok(())
}

/// Prepares (cached), binds and steps a filtered query, turning each row into a `T`: what every
/// read below shares.
fn query_rows<'a, T>(
    conn: &Connection,
    text: &str,
    args: impl IntoIterator<Item = &'a Arg>,
    context: &dyn Fn() -> String,
    mut each: impl FnMut(&rusqlite::Row<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn
        .prepare_cached(text)
        .map_err(sqlite_error_in(&context))?;
    bind_args(&mut stmt, args).map_err(sqlite_error_in(&context))?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sqlite_error_in(&context))? {
        out.push(each(r)?);
    }
    Ok(out)
}

#[async_trait]
impl ReadSession for SqliteSession {
    async fn select(
        &mut self,
        file: &'static FileSpec,
        filter: &Filter,
        order: &str,
        page: Option<Page>,
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        session::refuse_nul(filter.args())?;
        let text = session::select_sql(file, filter, order, page, &mut || "?".into());
        let filter = filter.clone();
        self.run(move |conn| {
            let context = || format!("读取 {} / reading {}", file.name, file.name);
            query_rows(conn, &text, filter.args(), &context, |r| {
                (0..file.columns.len())
                    .map(|i| read_value(file, r, i))
                    .collect()
            })
        })
        .await
    }
    async fn query(
        &mut self,
        shape: &'static FileSpec,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        session::refuse_nul(args)?;
        let text = sql.to_string();
        let args = args.to_vec();
        self.run(move |conn| {
            let context = || format!("读取 {} / reading {}", shape.zh, shape.name);
            query_rows(conn, &text, &args, &context, |r| {
                (0..shape.columns.len())
                    .map(|i| read_value(shape, r, i))
                    .collect()
            })
        })
        .await
    }
    async fn query_compact(
        &mut self,
        context: &str,
        sql: &str,
        args: &[Arg],
        into: CompactRows,
    ) -> Result<CompactRows, StoreError> {
        session::refuse_nul(args)?;
        let text = sql.to_string();
        let args = args.to_vec();
        let context = context.to_string();
        self.run(move |conn| {
            let context = || context.clone();
            let mut out = into;
            let width = out.width();
            // Each row is pushed into `out`; the rows query_rows collects are of `()`.
            query_rows(conn, &text, &args, &context, |r| {
                for i in 0..width {
                    match r.get_ref(i).map_err(sqlite_error_in(&context))? {
                        ValueRef::Null => out.push_null(),
                        ValueRef::Integer(v) => out.push_int(v),
                        ValueRef::Text(t) => out.push_text(std::str::from_utf8(t).map_err(
                            |e| StoreError::Refused(Refusal::Invalid(format!("{}: {e}", context()))),
                        )?)?,
                        ValueRef::Real(_) | ValueRef::Blob(_) => {
                            return Err(StoreError::Refused(Refusal::Invalid(format!(
                                "{}: 第 {} 列不是整数或文字 / column {} is neither integer nor text",
                                context(),
                                i + 1,
                                i + 1
                            ))))
                        }
                    }
                }
                Ok(())
            })?;
            Ok(out)
        })
        .await
    }
    async fn count(&mut self, file: &'static FileSpec, filter: &Filter) -> Result<u64, StoreError> {
        session::refuse_nul(filter.args())?;
        let text = session::count_sql(file, filter, &mut || "?".into());
        let filter = filter.clone();
        self.run(move |conn| {
            let context = || format!("统计 {} / counting {}", file.name, file.name);
            let counts = query_rows(conn, &text, filter.args(), &context, |r| {
                r.get::<_, i64>(0).map_err(sqlite_error_in(&context))
            })?;
            Ok(counts.first().copied().unwrap_or(0) as u64)
        })
        .await
    }
    async fn household_summaries(
        &mut self,
        filter: &Filter,
        order: &str,
        page: Page,
    ) -> Result<Vec<HouseholdSummary>, StoreError> {
        session::refuse_nul(filter.args())?;
        let text = session::summaries_sql(filter, order, page, &mut || "?".into());
        let filter = filter.clone();
        self.run(move |conn| {
            let context = || "读取贫困户 / reading households".to_string();
            let file = &HOUSEHOLDS;
            let n = file.columns.len();
            query_rows(conn, &text, filter.args(), &context, |r| {
                let values = (0..n)
                    .map(|i| read_value(file, r, i))
                    .collect::<Result<Vec<_>, _>>()?;
                let extra = (|| {
                    Ok::<_, rusqlite::Error>((
                        r.get::<_, Option<String>>(n)?,
                        r.get::<_, Option<String>>(n + 1)?,
                        r.get::<_, i64>(n + 2)?,
                    ))
                })()
                .map_err(sqlite_error_in(&context))?;
                let household =
                    Household::from_row(&values).map_err(|e| session::corrupt_row(file, e))?;
                Ok(HouseholdSummary {
                    household,
                    village_name: extra.0.unwrap_or_default(),
                    head_name: extra.1,
                    members: extra.2 as u32,
                })
            })
        })
        .await
    }
    async fn audit_entries(
        &mut self,
        filter: &Filter,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let text = session::audit_sql(filter, limit, &mut || "?".into());
        let filter = filter.clone();
        self.run(move |conn| {
            let context = || "读取审计日志 / reading the audit log".to_string();
            query_rows(conn, &text, filter.args(), &context, |r| {
                (|| {
                    Ok::<_, rusqlite::Error>(AuditEntry {
                        seq: r.get(0)?,
                        at: r.get(1)?,
                        actor: r.get(2)?,
                        action: r.get(3)?,
                        entity: r.get(4)?,
                        record_key: r.get(5)?,
                        old_values: r.get(6)?,
                        new_values: r.get(7)?,
                        prev_hash: r.get(8)?,
                        hash: r.get(9)?,
                    })
                })()
                .map_err(sqlite_error_in(&context))
            })
        })
        .await
    }
    async fn audit_head(&mut self) -> Result<i64, StoreError> {
        self.run(|conn| {
            conn.query_row("SELECT seq FROM audit_head WHERE id = 1", [], |r| r.get(0))
                .map_err(sqlite_error("读取审计日志 / reading the audit log"))
        })
        .await
    }
}

#[async_trait]
impl WriteSession for SqliteSession {
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        session::refuse_nul(args)?;
        let text = sql.to_string();
        let args = args.to_vec();
        self.run(move |conn| {
            let context = || "写入数据库 / writing to the database".to_string();
            let mut stmt = conn
                .prepare_cached(&text)
                .map_err(sqlite_error_in(&context))?;
            bind_args(&mut stmt, &args).map_err(sqlite_error_in(&context))?;
            Ok(stmt.raw_execute().map_err(sqlite_error_in(&context))? as u64)
        })
        .await
    }
    async fn upsert(&mut self, file: &'static FileSpec, row: Row) -> Result<(), StoreError> {
        session::refuse_nul_values(&row.values)?;
        let touched = sql::Touched::of(file, &row);
        let dirty = self.marked.insert(touched).then_some(touched);
        self.run(move |conn| {
            let context = || format!("写入 {} / writing {}", file.name, file.name);
            let text = sql::upsert(file, 1, |_| "?".to_string());
            let mut stmt = conn
                .prepare_cached(&text)
                .map_err(sqlite_error_in(&context))?;
            let mut n = 0;
            for (column, value) in file.columns.iter().zip(&row.values) {
                n += 1;
                bind_value(&mut stmt, n, column, value).map_err(sqlite_error_in(&context))?;
            }
            if sql::has_county(file) {
                stmt.raw_bind_parameter(n + 1, row.county.map(|c| c.as_u64() as i64))
                    .map_err(sqlite_error_in(&context))?;
            }
            stmt.raw_execute().map_err(sqlite_error_in(&context))?;
            if let Some(touched) = dirty {
                crate::sqlite_bulk::mark_in(conn, touched).map_err(sqlite_error_in(&context))?;
            }
            Ok(())
        })
        .await
    }
    async fn append_audit(&mut self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        self.run(move |conn| append_in(conn, entries)).await
    }
    async fn touch(&mut self, county: Option<RegionCode>) -> Result<(), StoreError> {
        let touched = sql::Touched::in_county(county);
        if !self.marked.insert(touched) {
            return Ok(());
        }
        self.run(move |conn| {
            crate::sqlite_bulk::mark_in(conn, touched)
                .map_err(sqlite_error("写入数据库 / writing to the database"))
        })
        .await
    }
    async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: Vec<Vec<Arg>>,
    ) -> Result<(), StoreError> {
        let (text, args) = sql::insert_values(table, columns, rows);
        self.execute(&text, &args).await.map(drop)
    }
    async fn begin_bulk_load(&mut self, tables: &[&'static str]) -> Result<(), StoreError> {
        // SQLite's other indexes are B-trees filled about as fast either way; the search index
        // (FTS5, kept by triggers on members) made a city's restore take 36 s row by row.
        if !tables.contains(&"members") {
            return Ok(());
        }
        self.run(|conn| {
            conn.execute_batch(crate::sqlite_bulk::DEFER_SEARCH)
                .map_err(sqlite_error("准备恢复 / preparing the restore"))
        })
        .await?;
        self.search_set_aside = true;
        Ok(())
    }
    async fn finish_bulk_load(&mut self) -> Result<(), StoreError> {
        if !self.search_set_aside {
            return Ok(());
        }
        self.run(|conn| {
            conn.execute_batch(crate::sqlite_bulk::FILL_SEARCH)
                .map_err(sqlite_error("填充查找索引 / filling the search index"))
        })
        .await?;
        self.search_set_aside = false;
        Ok(())
    }
    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        // What begin_bulk_load set aside must be back before anything commits.
        if self.search_set_aside {
            return Err(session::bulk_load_unfinished());
        }
        self.run(|conn| {
            conn.execute_batch("COMMIT")
                .map_err(sqlite_error("提交 / committing"))
        })
        .await
    }
}
