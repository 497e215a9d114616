//! SQLite: the embedded default (`sqlite://xplus.db`), in WAL mode with foreign keys on.

use crate::error::{DbContext, StoreError};
use crate::param::{self, Param, SqlKind};
use crate::sql;
use crate::store::{Backend, ImportTx, RowSink, Store};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row as _, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::RegionCode;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file, for the import writer's own connection (None for `:memory:`).
    file: Option<std::path::PathBuf>,
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
            .pragma("cache_size", "-65536");
        // An in-memory database exists once per connection, so it must stay on one.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options.clone())
            .await
            .context(format!("打开 {url} / opening {url}"))?;
        let file = (!url.contains(":memory:")).then(|| options.get_filename().to_path_buf());
        Ok(SqliteStore { pool, file })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

fn decode(file: &'static FileSpec, row: &SqliteRow) -> Result<Vec<Value>, StoreError> {
    let mut out = Vec::with_capacity(file.columns.len());
    for (i, column) in file.columns.iter().enumerate() {
        let p = match param::kind(column) {
            SqlKind::Text => row
                .try_get::<Option<String>, _>(i)
                .map(|v| Param::Text(v.map(std::borrow::Cow::Owned))),
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
        let file = self.file.clone().ok_or(StoreError::InMemoryImport)?;
        Ok(Box::new(
            crate::sqlite_import::BulkWriter::start(file).await?,
        ))
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
