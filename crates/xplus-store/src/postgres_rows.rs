//! Rows and audit entries on a PostgreSQL connection, shared by the store (imports, accounts) and
//! its sessions, below both.

use crate::audit::{seal, NewAudit};
use crate::error::{DbContext, StoreError};
use crate::param::{self, Param, SqlKind};
use sqlx::postgres::PgRow;
use sqlx::{Postgres, Row as _, Transaction};
use xplus_core::interchange::{FileSpec, Value};

/// Appends entries inside `tx`. Locking the head row orders concurrent appends.
pub(crate) async fn append_in(
    tx: &mut Transaction<'static, Postgres>,
    entries: Vec<NewAudit>,
) -> Result<(), StoreError> {
    let context = || "写入审计日志 / writing the audit log".to_string();
    let (mut seq, mut hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut **tx)
            .await
            .context(context())?;
    for new in entries {
        let e = seal(seq, &hash, new);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, record_key, old_values, \
             new_values, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(e.seq)
        .bind(&e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.record_key)
        .bind(&e.old_values)
        .bind(&e.new_values)
        .bind(&e.prev_hash)
        .bind(&e.hash)
        .execute(&mut **tx)
        .await
        .context(context())?;
        seq = e.seq;
        hash = e.hash;
    }
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(&hash)
        .execute(&mut **tx)
        .await
        .context(context())?;
    Ok(())
}

pub(crate) fn bind<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    p: Param<'q>,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    match p {
        Param::Text(v) => q.bind(v),
        Param::I64(v) => q.bind(v),
        Param::I32(v) => q.bind(v),
        Param::Bool(v) => q.bind(v),
        Param::Date(v) => q.bind(v),
    }
}

pub(crate) fn decode(file: &'static FileSpec, row: &PgRow) -> Result<Vec<Value>, StoreError> {
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
