//! The storage trait: what the rest of xplus may ask of a database, in domain terms. SQLite
//! and PostgreSQL implement it; [`open`] picks one from the database URL.

use crate::accounts::sessions::{Account, NewSession};
use crate::audit::NewAudit;
use crate::error::{Refusal, StoreError};
use crate::session::dump::{DumpSink, DumpTable};
pub use crate::session::Row;
use crate::session::{ReadSession, WriteSession};
use async_trait::async_trait;
use xplus_core::audit::AuditEntry;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::RegionCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Receives exported rows one at a time, in key order.
pub type RowSink<'a> = dyn FnMut(&[Value]) -> Result<(), StoreError> + Send + 'a;

/// Receives audit entries one at a time, in order.
pub type AuditSink<'a> = dyn FnMut(AuditEntry) -> Result<(), StoreError> + Send + 'a;

#[async_trait]
pub trait Store: Send + Sync {
    fn backend(&self) -> Backend;

    /// Whether reads may go to a replica (`routed::Routed`): the web application then marks
    /// the requests whose reads may.
    fn has_replica(&self) -> bool {
        false
    }

    /// Creates or upgrades the schema (the backend's own migrations).
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Splits the large per-household tables by province (`xplus init --partition province`):
    /// PostgreSQL only, in place, in one transaction; tables split already are left as they are.
    async fn partition_by_province(&self) -> Result<Vec<crate::PartitionedTable>, StoreError> {
        Err(Refusal::Invalid(
            "只有 PostgreSQL 数据库可以按省分区；SQLite 数据库保存一个县或一个市，不需要分区 / only a \
             PostgreSQL database can be partitioned by province; a SQLite database holds a county \
             or a city and needs none"
                .to_string(),
        )
        .into())
    }

    /// Moves a province's partitions to another PostgreSQL server (`xplus shard`): PostgreSQL
    /// only, on a database partitioned by province.
    async fn shard_province(
        &self,
        _province: u8,
        _server: &str,
    ) -> Result<Vec<crate::ShardedTable>, StoreError> {
        Err(Refusal::Invalid(
            "只有按省分区的 PostgreSQL 数据库可以分片 / only a PostgreSQL database partitioned by \
             province can be sharded"
                .to_string(),
        )
        .into())
    }

    /// Starts the one transaction a bundle import writes in: all of it is committed, or none.
    /// Stored rows that the import changes are audited in it, in `actor`'s name.
    async fn begin_import(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError>;

    /// The same transaction for a write that reads through other sessions while it holds it
    /// (recording an assessment, dividends or an equity adjustment: each reads county after
    /// county while writing the previous ones). Such a write must not take locks that readers
    /// wait for — on PostgreSQL a bundle import drops an empty table's indexes until commit and
    /// gives a new province its partition, either of which locks the table, and a reader of it
    /// would then wait for the write that waits for the reader.
    async fn begin_bulk_write(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        self.begin_import(actor).await
    }

    /// Every row of a file's table, ordered by its key, optionally only those within a region
    /// (tables without a region of their own are exported whole).
    async fn read_rows(
        &self,
        file: &'static FileSpec,
        region: Option<RegionCode>,
        sink: &mut RowSink<'_>,
    ) -> Result<u64, StoreError>;

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError>;

    /// Whether the file's table has any row (without counting a large table).
    async fn has_rows(&self, file: &'static FileSpec) -> Result<bool, StoreError>;

    /// Appends entries to the audit log, chained, in one transaction.
    async fn append_audit(&self, entries: Vec<NewAudit>) -> Result<(), StoreError>;

    /// Every audit entry in order; returns the recorded head (last number and hash).
    async fn read_audit(&self, sink: &mut AuditSink<'_>) -> Result<(i64, String), StoreError>;

    /// A connection for reading records (the web application's pages and API).
    async fn read_session(&self) -> Result<Box<dyn ReadSession>, StoreError>;

    /// A transaction for changing records: one writer at a time (SQLite's write lock, the
    /// import lock on PostgreSQL), rolled back unless committed.
    async fn write_session(&self) -> Result<Box<dyn WriteSession>, StoreError>;

    async fn find_account(&self, name: &str) -> Result<Option<Account>, StoreError>;

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError>;

    /// The account and CSRF token of a live session (not expired at `now`, Unix seconds; the
    /// account not disabled).
    async fn session_account(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<(Account, String)>, StoreError>;

    async fn end_session(&self, id_hash: &str) -> Result<(), StoreError>;

    /// The account of a live API token: not revoked, not expired at `now` (Unix seconds), the
    /// account not disabled.
    async fn token_account(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Account>, StoreError>;

    /// A transaction for changing accounts and tokens (see `users`). Unlike `write_session` it
    /// does not wait for a bundle import on PostgreSQL (accounts are not in bundles), so that an
    /// account can be disabled while a long import runs.
    async fn account_session(&self) -> Result<Box<dyn WriteSession>, StoreError>;

    /// Failed sign-ins counted for each of `keys` in windows that started after `since` (Unix
    /// seconds): (key, failures, window start).
    async fn sign_in_failures(
        &self,
        keys: &[String],
        since: i64,
    ) -> Result<Vec<(String, i64, i64)>, StoreError>;

    /// Counts a failed sign-in for each of `keys`: in its window, or in a new one starting at
    /// `now` when the stored window started at or before `since`.
    async fn count_sign_in_failure(
        &self,
        keys: &[String],
        now: i64,
        since: i64,
    ) -> Result<(), StoreError>;

    async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError>;

    /// The secret stored under `name`, storing `fresh` first if there is none.
    async fn server_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError>;

    /// True when no bundle file has any row (a fresh database).
    /// Streams every row of `tables`, in order, from one consistent snapshot taken while others
    /// go on writing (a backup), and gives the sink back.
    async fn dump(
        &self,
        tables: Vec<DumpTable>,
        sink: Box<dyn DumpSink>,
    ) -> Result<Box<dyn DumpSink>, StoreError>;

    /// The columns of each of `tables` in order, with the types the backend declares (a
    /// restore types each cell as its column takes it).
    async fn table_columns(
        &self,
        tables: Vec<&'static str>,
    ) -> Result<Vec<Vec<(String, String)>>, StoreError>;

    async fn is_empty(&self) -> Result<bool, StoreError> {
        for file in xplus_core::interchange::ALL_FILES {
            if self.has_rows(file).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

#[async_trait]
pub trait ImportTx: Send {
    /// Inserts the rows, or updates those whose key already exists. A writer may work on the
    /// rows in the background: its errors then surface at the next call or at commit.
    async fn upsert(&mut self, file: &'static FileSpec, rows: Vec<Row>) -> Result<(), StoreError>;
    /// Appends to the audit log inside the import's transaction.
    async fn audit(&mut self, entry: NewAudit) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
    async fn rollback(self: Box<Self>) -> Result<(), StoreError>;
}
