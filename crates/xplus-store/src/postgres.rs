//! PostgreSQL: the server database and the path to scale out (tables keyed by county).

use crate::accounts::sessions::{self, Account, NewSession};
use crate::audit::NewAudit;
use crate::error::{DbContext, Refusal, StoreError};
use crate::postgres_copy;
use crate::postgres_exec::take_write_lock;
use crate::postgres_rows::{append_in, decode};
use crate::postgres_session::PgSession;
use crate::session::dump::{DumpSink, DumpTable};
use crate::session::{ReadSession, WriteSession};
use crate::sql;
use crate::store::{AuditSink, Backend, ImportTx, Row, RowSink, Store};
use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use xplus_core::interchange::FileSpec;
use xplus_core::registry::RegionCode;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// An audited write waits at most this long for the audit head (an import may hold it).
async fn wait_briefly(tx: &mut Transaction<'static, Postgres>) -> Result<(), StoreError> {
    sqlx::query("SET LOCAL lock_timeout = '10s'")
        .execute(&mut **tx)
        .await
        .context("设置等待时间 / setting the lock timeout")?;
    Ok(())
}

pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// The import's transaction; `locks_tables` lets it lock a table against readers: load an
    /// empty table without its secondary indexes, give a province its partition (a bundle import
    /// only: see `Store::begin_bulk_write`).
    async fn begin_write(
        &self,
        actor: &str,
        locks_tables: bool,
    ) -> Result<Box<dyn ImportTx>, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("开始导入事务 / starting the import")?;
        // One import at a time: a second waits here, and then checks against what the first
        // committed.
        take_write_lock(
            &mut tx,
            "等待其他导入完成 / waiting for another import to finish",
        )
        .await?;
        Ok(Box::new(PgImport {
            tx,
            actor: actor.to_string(),
            loads: HashMap::new(),
            restore: Vec::new(),
            pending: Vec::new(),
            marked: Default::default(),
            partitions: Default::default(),
            locks_tables,
        }))
    }

    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        let options =
            PgConnectOptions::from_str(url).map_err(|_| StoreError::BadUrl(url.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(options)
            .await
            .context("连接 PostgreSQL / connecting to PostgreSQL")?;
        Ok(PgStore { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        // The writes of the tables that may be partitioned are MERGEs (postgres_partition),
        // which PostgreSQL has from version 15: an older server is refused before anything runs.
        let version: i32 = sqlx::query_scalar("SELECT current_setting('server_version_num')::int")
            .fetch_one(&self.pool)
            .await
            .context("读取 PostgreSQL 版本 / reading the PostgreSQL version")?;
        if version < 150_000 {
            return Err(Refusal::Invalid(format!(
                "需要 PostgreSQL 15 或更高版本，此服务器为 {version} / PostgreSQL 15 or later is \
                 needed; this server is {version}"
            ))
            .into());
        }
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn partition_by_province(&self) -> Result<Vec<crate::PartitionedTable>, StoreError> {
        crate::postgres_partition::partition_by_province(&self.pool).await
    }
    async fn shard_province(
        &self,
        province: u8,
        server: &str,
    ) -> Result<Vec<crate::ShardedTable>, StoreError> {
        crate::postgres_shard::shard_province(&self.pool, province, server).await
    }

    async fn begin_import(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        self.begin_write(actor, true).await
    }

    async fn begin_bulk_write(&self, actor: &str) -> Result<Box<dyn ImportTx>, StoreError> {
        self.begin_write(actor, false).await
    }

    async fn read_rows(
        &self,
        file: &'static FileSpec,
        region: Option<RegionCode>,
        sink: &mut RowSink<'_>,
    ) -> Result<u64, StoreError> {
        let query = sql::select_rows(file, region, " COLLATE \"C\"");
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

    async fn append_audit(&self, entries: Vec<NewAudit>) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("写入审计日志 / writing the audit log")?;
        wait_briefly(&mut tx).await?;
        append_in(&mut tx, entries).await?;
        tx.commit()
            .await
            .context("提交审计日志 / committing the audit log")
    }

    async fn read_audit(&self, sink: &mut AuditSink<'_>) -> Result<(i64, String), StoreError> {
        crate::audit::read_audit_with!(&self.pool, sink)
    }

    async fn has_rows(&self, file: &'static FileSpec) -> Result<bool, StoreError> {
        sql::has_rows_with!(&self.pool, file)
    }

    async fn read_session(&self) -> Result<Box<dyn ReadSession>, StoreError> {
        PgSession::reader(&self.pool).await
    }

    async fn write_session(&self) -> Result<Box<dyn WriteSession>, StoreError> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("开始事务 / starting a transaction")?;
        wait_briefly(&mut tx).await?;
        // Writers and imports take turns: an import checks the bundle against what is stored
        // when it starts, so nothing may change underneath it.
        take_write_lock(
            &mut tx,
            "等待其他写入完成 / waiting for another write to finish",
        )
        .await?;
        Ok(Box::new(PgSession::Writer(tx, Default::default())))
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
        let mut tx = self
            .pool
            .begin()
            .await
            .context("开始事务 / starting a transaction")?;
        wait_briefly(&mut tx).await?;
        Ok(Box::new(PgSession::Writer(tx, Default::default())))
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
        crate::postgres_dump::dump(&self.pool, &tables, sink.as_mut()).await?;
        Ok(sink)
    }

    async fn table_columns(
        &self,
        tables: Vec<&'static str>,
    ) -> Result<Vec<Vec<(String, String)>>, StoreError> {
        crate::postgres_dump::columns(&self.pool, &tables).await
    }

    async fn count(&self, file: &'static FileSpec) -> Result<u64, StoreError> {
        sql::count_with!(&self.pool, file)
    }
}

struct PgImport {
    tx: Transaction<'static, Postgres>,
    actor: String,
    /// Per table written, how it takes this import's batches (decided at its first batch).
    loads: HashMap<&'static str, Load>,
    /// What puts those indexes and keys back before commit.
    restore: Vec<String>,
    /// Audit entries of changed rows, appended at the end of the import.
    pending: Vec<NewAudit>,
    /// What is already marked out of date (counties, the generation).
    marked: std::collections::HashSet<sql::Touched>,
    /// The provinces with a partition, per partitioned table written.
    partitions: crate::postgres_partition::Partitions,
    /// Whether this transaction may lock a table against readers until it commits: a table
    /// empty before it is loaded without its secondary indexes, and a province without a
    /// partition gets one. Not for a write that reads through other sessions meanwhile, which
    /// would wait for itself; its rows of such a province go to the default partition.
    locks_tables: bool,
}

/// How a table takes an import's batches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Load {
    /// It had no rows before the import: every row is new and is copied in directly.
    Direct,
    /// It had rows: a batch may update some, so it goes through a staging table; `sharded`
    /// when a province of the table is on another server (`xplus shard`), whose writes take
    /// another statement (the write lock the import holds keeps the answer fixed).
    Staged { sharded: bool },
}

impl PgImport {
    /// How `file`'s table takes this import's batches, looked at once per table, which is then
    /// readied for them: a staging table for one with rows, its secondary indexes and foreign
    /// keys dropped until commit for an empty one (when this import may lock tables).
    async fn load(&mut self, file: &'static FileSpec) -> Result<Load, StoreError> {
        if let Some(&load) = self.loads.get(file.name) {
            return Ok(load);
        }
        let had = sqlx::query(&sql::any_row(file))
            .fetch_optional(&mut *self.tx)
            .await
            .context(format!("读取 {} / reading {}", file.name, file.name))?
            .is_some();
        let load = if had {
            postgres_copy::create_staging(&mut self.tx, file).await?;
            let sharded = crate::postgres_partition::merges(file.name)
                && crate::postgres_exec::is_sharded(&mut self.tx, file.name).await?;
            Load::Staged { sharded }
        } else {
            if self.locks_tables {
                let restore = postgres_copy::defer_indexes(&mut self.tx, file).await?;
                self.restore.extend(restore);
            }
            Load::Direct
        };
        self.loads.insert(file.name, load);
        Ok(load)
    }

    /// The audit entries of the stored rows that the staged batch `rows` changes.
    async fn changes(
        &mut self,
        file: &'static FileSpec,
        rows: &[Row],
        sharded: bool,
    ) -> Result<Vec<NewAudit>, StoreError> {
        let stored = sqlx::query(&postgres_copy::stored_of_staged(file, sharded))
            .fetch_all(&mut *self.tx)
            .await
            .context(format!("读取 {} / reading {}", file.name, file.name))?;
        let mut by_key = HashMap::new();
        for r in &stored {
            let values = decode(file, r)?;
            by_key.insert(crate::audit::key_cells(file, &values), values);
        }
        Ok(rows
            .iter()
            .filter_map(|row| {
                let old = by_key.get(&crate::audit::key_cells(file, &row.values));
                crate::audit::row_change(&self.actor, file, old, &row.values)
            })
            .collect())
    }
}

#[async_trait]
impl ImportTx for PgImport {
    async fn upsert(&mut self, file: &'static FileSpec, rows: Vec<Row>) -> Result<(), StoreError> {
        let load = self.load(file).await?;
        let counties = rows.iter().filter_map(|r| r.county.map(|c| c.as_u64()));
        if self.locks_tables {
            (self.partitions)
                .make_room(&mut self.tx, file.name, counties)
                .await?;
        }
        if let Load::Staged { sharded } = load {
            let staging = postgres_copy::staging_table(file);
            postgres_copy::copy_rows(&mut self.tx, &staging, file, &rows).await?;
            // Compared before the merge, so each changed row's audit entry holds the values
            // before. Appended with the import's summary at the end: taking the audit head now
            // would hold up every other audited write for the whole import.
            let changes = self.changes(file, &rows, sharded).await?;
            self.pending.extend(changes);
            postgres_copy::merge_staged(&mut self.tx, file, sharded).await?;
        } else {
            postgres_copy::copy_rows(&mut self.tx, file.name, file, &rows).await?;
        }
        for touched in rows.iter().map(|r| sql::Touched::of(file, r)) {
            if self.marked.insert(touched) {
                crate::postgres_session::mark_in(&mut self.tx, touched)
                    .await
                    .context(format!("写入 {} / writing {}", file.name, file.name))?;
            }
        }
        Ok(())
    }

    async fn audit(&mut self, entry: NewAudit) -> Result<(), StoreError> {
        let mut entries = std::mem::take(&mut self.pending);
        entries.push(entry);
        append_in(&mut self.tx, entries).await
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        let loaded: Vec<&'static str> = (self.loads.iter())
            .filter_map(|(table, load)| (*load == Load::Direct).then_some(*table))
            .collect();
        postgres_copy::restore(&mut self.tx, &self.restore, &loaded).await?;
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
