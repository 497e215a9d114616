//! SQLite: the embedded default (`sqlite://xplus.db`), in WAL mode with foreign keys on.

use crate::error::{DbContext, StoreError};
use crate::param::{self, Param, SqlKind};
use crate::sql;
use crate::store::{Backend, ImportTx, Row, RowSink, Store};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row as _, Sqlite, SqlitePool, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::RegionCode;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::BadUrl(url.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // Imports hold big transactions; a larger page cache keeps index pages in memory.
            .pragma("cache_size", "-65536");
        // An in-memory database exists once per connection, so it must stay on one.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await
            .context(format!("打开 {url} / opening {url}"))?;
        Ok(SqliteStore { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn bind<'q>(
    q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    p: Param,
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    match p {
        Param::Text(v) => q.bind(v),
        Param::I64(v) => q.bind(v),
        Param::I32(v) => q.bind(v),
        Param::Bool(v) => q.bind(v),
        Param::Date(v) => q.bind(v),
    }
}

fn decode(file: &'static FileSpec, row: &SqliteRow) -> Result<Vec<Value>, StoreError> {
    let mut out = Vec::with_capacity(file.columns.len());
    for (i, column) in file.columns.iter().enumerate() {
        let p = match param::kind(column) {
            SqlKind::Text => row.try_get(i).map(Param::Text),
            SqlKind::I64 => row.try_get(i).map(Param::I64),
            SqlKind::I32 => row.try_get(i).map(Param::I32),
            SqlKind::Bool => row.try_get(i).map(Param::Bool),
            SqlKind::Date => row.try_get(i).map(Param::Date),
        }
        .context(format!("读取 {} / reading {}", file.name, file.name))?;
        out.push(param::to_value(file.name, column, p)?);
    }
    Ok(out)
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn begin_import(&self) -> Result<Box<dyn ImportTx>, StoreError> {
        let tx = self
            .pool
            .begin()
            .await
            .context("开始导入事务 / starting the import")?;
        Ok(Box::new(SqliteImport {
            tx,
            statements: HashMap::new(),
        }))
    }

    async fn read_rows(
        &self,
        file: &'static FileSpec,
        region: Option<RegionCode>,
        sink: &mut RowSink<'_>,
    ) -> Result<u64, StoreError> {
        let cols: Vec<&str> = file.columns.iter().map(|c| c.en).collect();
        let filter = region
            .and_then(|r| sql::region_filter(file, r.as_u64(), r.level()))
            .map(|f| format!(" WHERE {f}"))
            .unwrap_or_default();
        let query = format!(
            "SELECT {} FROM {}{filter} ORDER BY {}",
            cols.join(", "),
            file.name,
            sql::order_by(file, "")
        );
        let mut rows = sqlx::query(&query).fetch(&self.pool);
        let mut n = 0;
        while let Some(row) = rows
            .try_next()
            .await
            .context(format!("读取 {} / reading {}", file.name, file.name))?
        {
            sink(&decode(file, &row)?)?;
            n += 1;
        }
        Ok(n)
    }

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}", file.name))
            .fetch_one(&self.pool)
            .await
            .context(format!("统计 {} / counting {}", file.name, file.name))?;
        Ok(n as u64)
    }
}

struct SqliteImport {
    tx: Transaction<'static, Sqlite>,
    statements: HashMap<(&'static str, usize), String>,
}

#[async_trait]
impl ImportTx for SqliteImport {
    async fn upsert(&mut self, file: &'static FileSpec, rows: &[Row]) -> Result<(), StoreError> {
        for chunk in rows.chunks(sql::batch_rows(file)) {
            let text = self
                .statements
                .entry((file.name, chunk.len()))
                .or_insert_with(|| sql::upsert(file, chunk.len(), |n| format!("?{n}")));
            let mut q = sqlx::query(text.as_str());
            for row in chunk {
                for (column, value) in file.columns.iter().zip(&row.values) {
                    q = bind(q, param::to_param(column, value));
                }
                if sql::has_county(file) {
                    q = q.bind(row.county.map(|c| c.as_u64() as i64));
                }
            }
            q.execute(&mut *self.tx)
                .await
                .context(format!("写入 {} / writing {}", file.name, file.name))?;
        }
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx
            .commit()
            .await
            .context("提交导入 / committing the import")
    }

    async fn rollback(self: Box<Self>) -> Result<(), StoreError> {
        self.tx
            .rollback()
            .await
            .context("撤销导入 / rolling back the import")
    }
}
