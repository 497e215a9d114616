//! Reads from a replica, writes to the primary (issue 22, `xplus serve --read-db URL`): a store
//! that sends the record reads of a request that may go there (`reading_replica`) to a
//! streaming replica, and everything else — every write, every transaction, sessions, tokens,
//! sign-in throttling, secrets, the import — to the primary. Outside `reading_replica` (the
//! command line, a background task, a request that writes or has just written) every read goes
//! to the primary too, so that a reader sees their own writes.

use crate::accounts::sessions::{Account, NewSession};
use crate::audit::NewAudit;
use crate::error::{Refusal, StoreError};
use crate::session::dump::{DumpSink, DumpTable};
use crate::session::{ReadSession, WriteSession};
use crate::store::{AuditSink, Backend, ImportTx, RowSink, Store};
use async_trait::async_trait;
use std::future::Future;
use std::sync::Arc;
use xplus_core::interchange::FileSpec;
use xplus_core::registry::RegionCode;

tokio::task_local! {
    /// Set for the task of a request whose reads may come from the replica.
    static REPLICA_READS: bool;
}

/// Runs `work` with its reads allowed to go to the replica.
pub async fn reading_replica<F: Future>(work: F) -> F::Output {
    REPLICA_READS.scope(true, work).await
}

/// Runs `work` with every read on the primary, also within a request that may read the
/// replica: work that writes what it read (a roll-up refresh started by a page).
pub async fn reading_primary<F: Future>(work: F) -> F::Output {
    REPLICA_READS.scope(false, work).await
}

/// Whether this task's reads go to the replica when there is one (a cache of read results
/// keeps the two apart: a lagging replica's answer is not the primary's).
pub fn reads_replica() -> bool {
    REPLICA_READS.try_with(|allowed| *allowed).unwrap_or(false)
}

/// A primary and its read replica, as one store.
pub struct Routed {
    primary: Arc<dyn Store>,
    replica: Arc<dyn Store>,
}

impl Routed {
    /// Refused when the two are not the same kind of database.
    pub fn new(primary: Arc<dyn Store>, replica: Arc<dyn Store>) -> Result<Routed, StoreError> {
        if primary.backend() != replica.backend() {
            return Err(StoreError::Refused(Refusal::Invalid(
                "读库须与主库为同一种数据库 / the read database must be of the primary's kind"
                    .into(),
            )));
        }
        Ok(Routed { primary, replica })
    }

    fn reader(&self) -> &dyn Store {
        if reads_replica() {
            self.replica.as_ref()
        } else {
            self.primary.as_ref()
        }
    }
}

#[async_trait]
impl Store for Routed {
    fn backend(&self) -> Backend {
        self.primary.backend()
    }

    fn has_replica(&self) -> bool {
        true
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        // A replica follows its primary's schema; only the primary is migrated.
        self.primary.migrate().await
    }

    async fn partition_by_province(&self) -> Result<Vec<crate::PartitionedTable>, StoreError> {
        // The replica follows its primary's schema, as it does for a migration.
        self.primary.partition_by_province().await
    }

    async fn shard_province(
        &self,
        province: u8,
        server: &str,
    ) -> Result<Vec<crate::ShardedTable>, StoreError> {
        self.primary.shard_province(province, server).await
    }

    async fn begin_import(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        self.primary.begin_import(actor).await
    }

    async fn begin_bulk_write(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        self.primary.begin_bulk_write(actor).await
    }

    async fn read_rows(
        &self,
        file: &'static FileSpec,
        region: Option<RegionCode>,
        sink: &mut RowSink<'_>,
    ) -> Result<u64, StoreError> {
        self.reader().read_rows(file, region, sink).await
    }

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError> {
        self.reader().count(file).await
    }

    async fn has_rows(&self, file: &'static FileSpec) -> Result<bool, StoreError> {
        self.reader().has_rows(file).await
    }

    async fn append_audit(&self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        self.primary.append_audit(entries).await
    }

    async fn read_audit(&self, sink: &mut AuditSink<'_>) -> Result<(i64, String), StoreError> {
        self.reader().read_audit(sink).await
    }

    async fn read_session(&self) -> Result<Box<dyn ReadSession>, StoreError> {
        self.reader().read_session().await
    }

    async fn write_session(&self) -> Result<Box<dyn WriteSession>, StoreError> {
        self.primary.write_session().await
    }

    async fn find_account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        self.primary.find_account(name).await
    }

    async fn start_session(&self, session: &NewSession) -> Result<(), StoreError> {
        self.primary.start_session(session).await
    }

    async fn session_account(
        &self,
        id_hash: &str,
        now: i64,
    ) -> Result<Option<(Account, String)>, StoreError> {
        // A session started a moment ago on the primary may not have reached the replica.
        self.primary.session_account(id_hash, now).await
    }

    async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        self.primary.end_session(id_hash).await
    }

    async fn token_account(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Account>, StoreError> {
        // A token revoked on the primary stops working at once.
        self.primary.token_account(token_hash, now).await
    }

    async fn account_session(&self) -> Result<Box<dyn WriteSession>, StoreError> {
        self.primary.account_session().await
    }

    async fn sign_in_failures(
        &self,
        keys: &[String],
        since: i64,
    ) -> Result<Vec<(String, i64, i64)>, StoreError> {
        self.primary.sign_in_failures(keys, since).await
    }

    async fn count_sign_in_failure(
        &self,
        keys: &[String],
        now: i64,
        since: i64,
    ) -> Result<(), StoreError> {
        self.primary.count_sign_in_failure(keys, now, since).await
    }

    async fn clear_sign_in_failures(&self, key: &str) -> Result<(), StoreError> {
        self.primary.clear_sign_in_failures(key).await
    }

    async fn server_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        self.primary.server_secret(name, fresh).await
    }

    async fn dump(
        &self,
        tables: Vec<DumpTable>,
        sink: Box<dyn DumpSink>,
    ) -> Result<Box<dyn DumpSink>, StoreError> {
        // A backup is of the primary: the book of record as written.
        self.primary.dump(tables, sink).await
    }

    async fn table_columns(
        &self,
        tables: Vec<&'static str>,
    ) -> Result<Vec<Vec<(String, String)>>, StoreError> {
        self.primary.table_columns(tables).await
    }
}
