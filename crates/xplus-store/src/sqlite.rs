//! SQLite: the embedded default (`sqlite://xplus.db`), in WAL mode with foreign keys on.

use crate::accounts::sessions::{self, Account, NewSession};
use crate::audit::NewAudit;
use crate::error::{DbContext, StoreError};
use crate::session::dump::{DumpSink, DumpTable};
use crate::session::{ReadSession, WriteSession};
use crate::sql;
use crate::sqlite_session::SqliteSession;
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
    readers: std::sync::Arc<crate::sqlite_session::Readers>,
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
        Ok(SqliteStore {
            pool,
            file,
            readers: Default::default(),
        })
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
    async fn append_audit(&self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        crate::sqlite_bulk::append_audit(self.file.clone(), entries).await
    }

    async fn read_audit(&self, sink: &mut AuditSink<'_>) -> Result<(i64, String), StoreError> {
        crate::audit::read_audit_with!(&self.pool, sink)
    }

    async fn has_rows(&self, file: &'static FileSpec) -> Result<bool, StoreError> {
        sql::has_rows_with!(&self.pool, file)
    }

    async fn read_session(&self) -> Result<Box<dyn ReadSession>, StoreError> {
        Ok(Box::new(
            SqliteSession::reader(self.file.clone(), self.readers.clone()).await?,
        ))
    }

    async fn write_session(&self) -> Result<Box<dyn WriteSession>, StoreError> {
        Ok(Box::new(SqliteSession::writer(self.file.clone()).await?))
    }

    async fn find_account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        sessions::find_account_with!(&self.pool, name)
    }

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError> {
        sessions::start_session_with!(&self.pool, session)
    }

    async fn session_account(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<(Account, String)>, StoreError> {
        sessions::session_account_with!(&self.pool, id_hash, now)
    }

    async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        sessions::end_session_with!(&self.pool, id_hash)
    }

    async fn token_account(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Account>, StoreError> {
        sessions::token_account_with!(&self.pool, token_hash, now)
    }

    async fn account_session(&self) -> Result<Box<dyn WriteSession>, StoreError> {
        // One writer at a time on SQLite in any case.
        Ok(Box::new(SqliteSession::writer(self.file.clone()).await?))
    }

    async fn sign_in_failures(
        &self,
        keys: &[String],
        since: i64,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        sessions::sign_in_failures_with!(&self.pool, keys, since)
    }

    async fn count_sign_in_failure(
        &self,
        keys: &[String],
        now: i64,
        since: i64,
    ) -> Result<(), StoreError> {
        sessions::count_sign_in_failure_with!(&self.pool, keys, now, since)
    }

    async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError> {
        sessions::clear_sign_in_failures_with!(&self.pool, key)
    }

    async fn server_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        sessions::server_secret_with!(&self.pool, name, fresh)
    }

    async fn dump(
        &self,
        tables: Vec<DumpTable>,
        mut sink: Box<dyn DumpSink>,
    ) -> Result<Box<dyn DumpSink>, StoreError> {
        let file = self.file.clone();
        // rusqlite blocks; the read runs on a thread of its own and owns the sink meanwhile.
        tokio::task::spawn_blocking(move || {
            crate::sqlite_dump::dump(&file, &tables, sink.as_mut()).map(|()| sink)
        })
        .await
        .map_err(|e| StoreError::Interrupted(format!("备份中断 / the backup stopped: {e}")))?
    }

    async fn table_columns(
        &self,
        tables: Vec<&'static str>,
    ) -> Result<Vec<Vec<(String, String)>>, StoreError> {
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || crate::sqlite_dump::columns(&file, &tables))
            .await
            .map_err(|e| StoreError::Interrupted(e.to_string()))?
    }

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError> {
        sql::count_with!(&self.pool, file)
    }
}
