//! Leaf helpers of the PostgreSQL store, used by the store, its bulk writes and the partitioning
//! without importing one another: the one write lock they take turns on, and one statement run
//! with a context for its error.

use crate::error::{DbContext, StoreError};
use sqlx::PgConnection;

/// Advisory lock key held by an import's transaction ("xplus" in ASCII).
const IMPORT_LOCK: i64 = 0x78_706c_7573;

/// Waits for and holds the one write lock (imports, record writers, the partitioning) until
/// the transaction ends; `context` says what was waiting, in an error.
pub(crate) async fn take_write_lock(
    conn: &mut PgConnection,
    context: &str,
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(IMPORT_LOCK)
        .execute(&mut *conn)
        .await
        .context(context)?;
    Ok(())
}

/// Runs one statement of the bulk paths (this module's and the partitioning's); `context` names
/// what it was for in an error. The number of rows it touched.
pub(crate) async fn run(
    conn: &mut PgConnection,
    statement: &str,
    context: impl FnOnce() -> String,
) -> Result<u64, StoreError> {
    let done = sqlx::query(statement)
        .execute(&mut *conn)
        .await
        .context(context())?;
    Ok(done.rows_affected())
}

/// Whether a province of `table` lives on another server (a foreign partition, `xplus shard`):
/// its writes then go through [`crate::sql::sharded_upsert`] instead of `MERGE`, which
/// PostgreSQL refuses on foreign partitions. Asked once per batch or written row; the answer
/// cannot change meanwhile, as moving a province takes the write lock the writer holds.
pub(crate) async fn is_sharded(conn: &mut PgConnection, table: &str) -> Result<bool, StoreError> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
         WHERE i.inhparent = $1::regclass AND c.relkind = 'f')",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await
    .context(format!(
        "读取 {table} 的分区 / reading the partitions of {table}"
    ))
}
