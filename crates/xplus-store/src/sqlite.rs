//! SQLite: the embedded default (`sqlite://xplus.db`), in WAL mode with foreign keys on.

use crate::accounts::NewUser;
use crate::audit::NewAudit;
use crate::error::{DbContext, StoreError};
use crate::sql;
use crate::store::{AuditSink, Backend, ImportTx, RowSink, Store};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;
use xplus_core::interchange::FileSpec;
use xplus_core::registry::RegionCode;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file: bulk reads and writes open their own connection to it.
    file: std::path::PathBuf,
}

impl SqliteStore {
    /// Bulk reads and writes use their own connections to the file, so an in-memory database
    /// (one per connection) cannot work and is refused.
    pub async fn connect(url: &str) -> Result<SqliteStore, StoreError> {
        if url.contains(":memory:") || url.contains("mode=memory") {
            return Err(StoreError::InMemory);
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|_| StoreError::BadUrl(url.to_string()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .context(format!("打开 {url} / opening {url}"))?;
        let file = options.get_filename().to_path_buf();
        Ok(SqliteStore { pool, file })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
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

    async fn begin_import(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        Ok(Box::new(
            crate::sqlite_bulk::BulkWriter::start(self.file.clone(), actor.to_string()).await?,
        ))
    }

    async fn read_rows(
        &self,
        file: &'static FileSpec,
        region: Option<RegionCode>,
        sink: &mut RowSink<'_>,
    ) -> Result<u64, StoreError> {
        let query = sql::select_rows(file, region, "");
        crate::sqlite_bulk::read_rows(self.file.clone(), file, query, sink).await
    }
    async fn add_user(&self, user: NewUser, actor: &str) -> Result<(), StoreError> {
        crate::sqlite_bulk::add_user(self.file.clone(), user, actor.to_string()).await
    }

    async fn append_audit(&self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        crate::sqlite_bulk::append_audit(self.file.clone(), entries).await
    }

    async fn read_audit(&self, sink: &mut AuditSink<'_>) -> Result<(i64, String), StoreError> {
        crate::audit::read_audit_with!(&self.pool, sink)
    }

    async fn has_rows(&self, file: &'static FileSpec) -> Result<bool, StoreError> {
        sql::has_rows_with!(&self.pool, file)
    }

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError> {
        sql::count_with!(&self.pool, file)
    }
}
