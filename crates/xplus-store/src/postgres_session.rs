//! The record primitives on PostgreSQL: a pooled connection for reading, a transaction holding
//! the write lock for writing.

use crate::audit::NewAudit;
use crate::error::Refusal;
use crate::error::{DbContext, StoreError};
use crate::param;
use crate::postgres_rows::{append_in, bind, decode};
use crate::session::Row;
use crate::session::{
    self, Arg, CompactRows, Filter, HouseholdSummary, Page, ReadSession, WriteSession,
};
use crate::sql;
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgArguments;
use sqlx::{PgConnection, PgPool, Postgres, Row as _, Transaction};
use std::collections::HashSet;
use xplus_core::audit::AuditEntry;
use xplus_core::interchange::schema::HOUSEHOLDS;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::{Household, RegionCode};

pub(crate) enum PgSession {
    Reader(PoolConnection<Postgres>),
    Writer(Transaction<'static, Postgres>, Written),
}

/// What a writing session has learnt in its transaction.
#[derive(Default)]
pub(crate) struct Written {
    /// What is already marked out of date (counties, the generation).
    marked: HashSet<sql::Touched>,
    /// Per table written that is split by province: whether a province of it is on a shard.
    /// Asked once per transaction, not per row; a province moves only under the write lock the
    /// writer holds.
    sharded: std::collections::HashMap<&'static str, bool>,
    /// What `begin_bulk_load` dropped (the statements that put it back) and the tables loaded.
    set_aside: Vec<String>,
    bulk_loaded: Vec<&'static str>,
}

impl PgSession {
    pub(crate) async fn reader(pool: &PgPool) -> Result<Box<dyn ReadSession>, StoreError> {
        let conn = pool
            .acquire()
            .await
            .context("连接 PostgreSQL / connecting to PostgreSQL")?;
        Ok(Box::new(PgSession::Reader(conn)))
    }

    fn conn(&mut self) -> &mut PgConnection {
        match self {
            PgSession::Reader(c) => c,
            PgSession::Writer(t, _) => t,
        }
    }

    /// Whether a province of `table` is on a shard ([`crate::postgres_exec::is_sharded`]).
    async fn sharded(&mut self, table: &'static str) -> Result<bool, StoreError> {
        let PgSession::Writer(tx, written) = self else {
            return crate::postgres_exec::is_sharded(self.conn(), table).await;
        };
        if let Some(&sharded) = written.sharded.get(table) {
            return Ok(sharded);
        }
        let sharded = crate::postgres_exec::is_sharded(tx, table).await?;
        written.sharded.insert(table, sharded);
        Ok(sharded)
    }
}

fn numbered() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("${n}")
    }
}

fn with_args<'q>(
    mut q: sqlx::query::Query<'q, Postgres, PgArguments>,
    args: impl IntoIterator<Item = &'q Arg>,
) -> sqlx::query::Query<'q, Postgres, PgArguments> {
    for arg in args {
        q = match arg {
            Arg::Text(t) => q.bind(t.as_str()),
            Arg::Int(v) => q.bind(*v),
            Arg::Date(d) => q.bind(*d),
            Arg::Bool(b) => q.bind(*b),
            Arg::MaybeText(t) => q.bind(t.as_deref()),
            Arg::MaybeInt(v) => q.bind(*v),
            Arg::MaybeBool(v) => q.bind(*v),
            Arg::MaybeDate(v) => q.bind(*v),
        };
    }
    q
}

#[async_trait]
impl ReadSession for PgSession {
    async fn select(
        &mut self,
        file: &'static FileSpec,
        filter: &Filter,
        order: &str,
        page: Option<Page>,
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        session::refuse_nul(filter.args())?;
        let text = session::select_sql(file, filter, order, page, &mut numbered());
        let rows = with_args(sqlx::query(&text), filter.args())
            .fetch_all(self.conn())
            .await
            .context(format!("读取 {} / reading {}", file.name, file.name))?;
        rows.iter().map(|r| decode(file, r)).collect()
    }
    async fn query(
        &mut self,
        shape: &'static FileSpec,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<Vec<Value>>, StoreError> {
        session::refuse_nul(args)?;
        let text = crate::session::render_marks(sql, &mut numbered());
        let rows = with_args(sqlx::query(&text), args)
            .fetch_all(self.conn())
            .await
            .context(format!("读取 {} / reading {}", shape.zh, shape.name))?;
        rows.iter().map(|r| decode(shape, r)).collect()
    }
    async fn query_compact(
        &mut self,
        context: &str,
        sql: &str,
        args: &[Arg],
        into: CompactRows,
    ) -> Result<CompactRows, StoreError> {
        session::refuse_nul(args)?;
        use sqlx::{Column as _, TypeInfo as _};
        let text = crate::session::render_marks(sql, &mut numbered());
        use futures_util::TryStreamExt;
        // Streamed, each row copied into the buffer and dropped: collecting a county's rows
        // first (`fetch_all`) spent a third of a city assessment's time having the kernel
        // zero fresh pages for them.
        let mut rows = with_args(sqlx::query(&text), args).fetch(self.conn());
        let mut out = into;
        let width = out.width();
        while let Some(r) = rows.try_next().await.context(context)? {
            for i in 0..width {
                let kind = r
                    .columns()
                    .get(i)
                    .map(|c| c.type_info().name())
                    .unwrap_or("");
                let int = match kind {
                    "INT8" => r.try_get::<Option<i64>, _>(i),
                    "INT4" => r.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)),
                    "INT2" => r.try_get::<Option<i16>, _>(i).map(|v| v.map(i64::from)),
                    "BOOL" => r.try_get::<Option<bool>, _>(i).map(|v| v.map(i64::from)),
                    "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => {
                        match r
                            .try_get::<Option<&str>, _>(i)
                            .context(context)?
                        {
                            Some(t) => out.push_text(t)?,
                            None => out.push_null(),
                        }
                        continue;
                    }
                    other => {
                        return Err(StoreError::Refused(Refusal::Invalid(format!(
                            "{context}: 第 {} 列的类型 {other} 不是整数或文字 / column {} is {other}, neither integer nor text",
                            i + 1,
                            i + 1
                        ))))
                    }
                };
                match int.context(context)? {
                    Some(v) => out.push_int(v),
                    None => out.push_null(),
                }
            }
        }
        Ok(out)
    }
    async fn count(&mut self, file: &'static FileSpec, filter: &Filter) -> Result<u64, StoreError> {
        session::refuse_nul(filter.args())?;
        let text = session::count_sql(file, filter, &mut numbered());
        let row = with_args(sqlx::query(&text), filter.args())
            .fetch_one(self.conn())
            .await
            .context(format!("统计 {} / counting {}", file.name, file.name))?;
        let n: i64 = row
            .try_get(0)
            .context(format!("统计 {} / counting {}", file.name, file.name))?;
        Ok(n as u64)
    }
    async fn household_summaries(
        &mut self,
        filter: &Filter,
        order: &str,
        page: Page,
    ) -> Result<Vec<HouseholdSummary>, StoreError> {
        session::refuse_nul(filter.args())?;
        let context = || "读取贫困户 / reading households".to_string();
        let text = session::summaries_sql(filter, order, page, &mut numbered());
        let rows = with_args(sqlx::query(&text), filter.args())
            .fetch_all(self.conn())
            .await
            .context(context())?;
        let n = HOUSEHOLDS.columns.len();
        rows.iter()
            .map(|r| {
                let values = decode(&HOUSEHOLDS, r)?;
                Ok(HouseholdSummary {
                    household: Household::from_row(&values)
                        .map_err(|e| session::corrupt_row(&HOUSEHOLDS, e))?,
                    village_name: r
                        .try_get::<Option<String>, _>(n)
                        .context(context())?
                        .unwrap_or_default(),
                    head_name: r.try_get(n + 1).context(context())?,
                    members: r.try_get::<i64, _>(n + 2).context(context())? as u32,
                })
            })
            .collect()
    }
    async fn audit_entries(
        &mut self,
        filter: &Filter,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let context = || "读取审计日志 / reading the audit log".to_string();
        let text = session::audit_sql(filter, limit, &mut numbered());
        let rows = with_args(sqlx::query(&text), filter.args())
            .fetch_all(self.conn())
            .await
            .context(context())?;
        rows.iter()
            .map(|row| {
                Ok(AuditEntry {
                    seq: row.try_get(0).context(context())?,
                    at: row.try_get(1).context(context())?,
                    actor: row.try_get(2).context(context())?,
                    action: row.try_get(3).context(context())?,
                    entity: row.try_get(4).context(context())?,
                    record_key: row.try_get(5).context(context())?,
                    old_values: row.try_get(6).context(context())?,
                    new_values: row.try_get(7).context(context())?,
                    prev_hash: row.try_get(8).context(context())?,
                    hash: row.try_get(9).context(context())?,
                })
            })
            .collect()
    }
    async fn audit_head(&mut self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(self.conn())
            .await
            .context("读取审计日志 / reading the audit log")
    }
}

#[async_trait]
impl WriteSession for PgSession {
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
        session::refuse_nul(args)?;
        let text = crate::session::render_marks(sql, &mut numbered());
        let done = with_args(sqlx::query(&text), args)
            .execute(self.conn())
            .await
            .context("写入数据库 / writing to the database")?;
        Ok(done.rows_affected())
    }
    async fn upsert(&mut self, file: &'static FileSpec, row: Row) -> Result<(), StoreError> {
        session::refuse_nul_values(&row.values)?;
        let partitionable = crate::postgres_partition::merges(file.name);
        let statements = if !partitionable {
            vec![sql::upsert(file, 1, |n| format!("${n}"))]
        } else if self.sharded(file.name).await? {
            sql::sharded_upsert(file, &sql::values_source(file))
        } else {
            vec![sql::merge(file, &sql::values_source(file))]
        };
        for text in &statements {
            let mut q = sqlx::query(text);
            for (column, value) in file.columns.iter().zip(&row.values) {
                q = bind(q, param::to_param(column, value));
            }
            if sql::has_county(file) {
                q = q.bind(row.county.map(|c| c.as_u64() as i64));
            }
            q.execute(self.conn())
                .await
                .context(format!("写入 {} / writing {}", file.name, file.name))?;
        }
        if let PgSession::Writer(tx, written) = &mut *self {
            let touched = sql::Touched::of(file, &row);
            if written.marked.insert(touched) {
                mark_in(tx, touched)
                    .await
                    .context(format!("写入 {} / writing {}", file.name, file.name))?;
            }
        }
        Ok(())
    }
    async fn append_audit(&mut self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        match self {
            PgSession::Writer(tx, _) => append_in(tx, entries).await,
            PgSession::Reader(_) => Err(StoreError::Interrupted(
                "只读连接不能写审计日志 / a reading session cannot write the audit log".into(),
            )),
        }
    }
    async fn touch(&mut self, county: Option<RegionCode>) -> Result<(), StoreError> {
        let PgSession::Writer(tx, written) = &mut *self else {
            return Err(reader_cannot_write());
        };
        let touched = sql::Touched::in_county(county);
        if written.marked.insert(touched) {
            mark_in(tx, touched)
                .await
                .context("写入数据库 / writing to the database".to_string())?;
        }
        Ok(())
    }
    async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: Vec<Vec<Arg>>,
    ) -> Result<(), StoreError> {
        for row in &rows {
            session::refuse_nul(row)?;
        }
        if rows.len() == 1 {
            // One row (the audit log is restored entry by entry): an INSERT is one round trip
            // where a COPY is three.
            let (text, args) = sql::insert_values(table, columns, rows);
            return self.execute(&text, &args).await.map(drop);
        }
        let PgSession::Writer(tx, _) = self else {
            return Err(reader_cannot_write());
        };
        crate::postgres_copy::copy_args(tx, table, columns, &rows).await
    }
    async fn begin_bulk_load(&mut self, tables: &[&'static str]) -> Result<(), StoreError> {
        use crate::postgres_copy::set_aside;
        for &table in tables {
            // A table with a province on a shard keeps its indexes: the shard's are its own.
            if crate::postgres_partition::merges(table) && self.sharded(table).await? {
                continue;
            }
            let PgSession::Writer(tx, written) = self else {
                return Err(reader_cannot_write());
            };
            let put_back = set_aside(tx, table).await?;
            written.set_aside.extend(put_back);
            written.bulk_loaded.push(table);
        }
        Ok(())
    }
    async fn finish_bulk_load(&mut self) -> Result<(), StoreError> {
        let PgSession::Writer(tx, written) = self else {
            return Err(reader_cannot_write());
        };
        let statements = std::mem::take(&mut written.set_aside);
        let loaded = std::mem::take(&mut written.bulk_loaded);
        crate::postgres_copy::restore(tx, &statements, &loaded).await
    }
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        match *self {
            // What begin_bulk_load dropped must be back before anything commits.
            PgSession::Writer(_, written) if !written.set_aside.is_empty() => {
                Err(session::bulk_load_unfinished())
            }
            PgSession::Writer(tx, _) => tx.commit().await.context("提交 / committing"),
            PgSession::Reader(_) => Ok(()),
        }
    }
}

fn reader_cannot_write() -> StoreError {
    StoreError::Interrupted("只读连接不能写入 / a reading session cannot write".into())
}

/// Marks what a written row made out of date (`sql::Touched`), in the writer's transaction.
pub(crate) async fn mark_in(
    conn: &mut sqlx::PgConnection,
    touched: sql::Touched,
) -> Result<(), sqlx::Error> {
    let (text, county) = touched.mark("$1");
    let mut q = sqlx::query(&text);
    if let Some(c) = county {
        q = q.bind(c);
    }
    q.execute(conn).await.map(|_| ())
}
