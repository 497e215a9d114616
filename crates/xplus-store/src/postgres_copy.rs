//! Bulk writes of an import on PostgreSQL through `COPY … FROM STDIN` (text format): the rows the
//! checker passed go to the server as one stream per batch instead of multi-row INSERTs with a
//! bound parameter per cell, which cost the server more to plan and bind than to store (issue 22:
//! the city bundle took 20.8 s of rows where psql's `\copy` of the same files takes 1.6 s).
//!
//! A table empty before the import is copied into directly: every row is new, nothing to compare.
//! A table that had rows is copied into a staging table of the same shape; one join reads the
//! stored rows the batch replaces, whose audit entries come from the same comparison as every
//! other write's (`audit::row_change`), and one set-based `INSERT … SELECT … ON CONFLICT DO
//! UPDATE` (a `MERGE` for the tables that may be partitioned by province) moves the batch over.

use crate::error::{DbContext, StoreError};
use crate::param::{self, Param};
use crate::postgres_exec::run;
use crate::session::Arg;
use crate::sql;
use crate::store::Row;
use sqlx::PgConnection;
use std::io::Write;
use xplus_core::interchange::FileSpec;

/// Bytes sent to the server per `send`: large enough that the per-message cost vanishes, small
/// enough that a batch never sits whole twice in memory.
const SEND_BYTES: usize = 1 << 20;

/// The staging table of `file` in this import's session.
pub(crate) fn staging_table(file: &FileSpec) -> String {
    format!("xplus_staging_{}", file.name)
}

fn preparing(file: &FileSpec) -> impl Fn() -> String + '_ {
    move || format!("准备写入 {} / preparing to write {}", file.name, file.name)
}

fn writing(file: &FileSpec) -> impl Fn() -> String + '_ {
    move || format!("写入 {} / writing {}", file.name, file.name)
}

/// Creates `file`'s staging table, dropped with the import's transaction. Only the columns: no
/// key, no index and no trigger, which the real table applies when the batch moves over.
pub(crate) async fn create_staging(
    conn: &mut PgConnection,
    file: &'static FileSpec,
) -> Result<(), StoreError> {
    let text = format!(
        "CREATE TEMP TABLE {} (LIKE {} INCLUDING DEFAULTS) ON COMMIT DROP",
        staging_table(file),
        file.name
    );
    run(conn, &text, preparing(file)).await.map(drop)
}

/// The stored rows of `file` whose keys are in its staging table, the file's columns in order:
/// what a staged batch is compared with, in one join instead of a lookup by keys per chunk. On a
/// sharded table the batch's households or people are named too ([`sql::batch_filter`]).
pub(crate) fn stored_of_staged(file: &FileSpec, sharded: bool) -> String {
    let cols: Vec<String> = file.columns.iter().map(|c| format!("t.{}", c.en)).collect();
    let keys: Vec<&str> = file.key.iter().map(|&k| file.columns[k].en).collect();
    let staging = staging_table(file);
    let only = match sharded {
        true => sql::batch_filter(file, "t", &format!("{staging} s"))
            .map(|c| format!(" WHERE {c}"))
            .unwrap_or_default(),
        false => String::new(),
    };
    format!(
        "SELECT {} FROM {} t JOIN {staging} s USING ({}){only}",
        cols.join(", "),
        file.name,
        keys.join(", ")
    )
}

/// Moves the staged batch into `file`'s table (new keys inserted, known keys updated) and empties
/// the staging table for the next batch; `sharded` when a province of the table is on another
/// server ([`sql::sharded_upsert`]).
pub(crate) async fn merge_staged(
    conn: &mut PgConnection,
    file: &'static FileSpec,
    sharded: bool,
) -> Result<(), StoreError> {
    let staging = staging_table(file);
    let source = format!("{staging} s");
    let statements = if sharded {
        sql::sharded_upsert(file, &source)
    } else if crate::postgres_partition::merges(file.name) {
        vec![sql::merge(file, &source)]
    } else {
        let cols = sql::insert_columns(file).join(", ");
        vec![format!(
            "INSERT INTO {} ({cols}) SELECT {cols} FROM {staging}{}",
            file.name,
            sql::on_conflict(file)
        )]
    };
    for text in statements {
        run(conn, &text, writing(file)).await?;
    }
    run(conn, &format!("TRUNCATE {staging}"), writing(file))
        .await
        .map(drop)
}

/// Readies `file`'s table, empty before this import, for a bulk load as `pg_restore` does: its
/// secondary indexes and foreign keys are dropped (inside the import's transaction, so a failed
/// import gets them back with everything else) and the statements that put them back are
/// returned, for [`restore`] before commit. Building an index once over loaded rows is a sort;
/// keeping it while loading is a search per row — the trigram index on members alone took 15 of
/// a city's 48 server seconds. The checker has resolved every reference already; the keys are
/// kept, as the upserts and the references of tables loaded later use them.
///
/// The tables stay locked against readers until the import commits, which is fine for the first
/// load of a table and is why only an empty table is treated so.
pub(crate) async fn defer_indexes(
    conn: &mut PgConnection,
    file: &'static FileSpec,
) -> Result<Vec<String>, StoreError> {
    set_aside(conn, file.name).await
}

/// Drops `table`'s secondary indexes and foreign keys in the transaction; the statements that
/// put them back, for [`restore`]. A foreign key put back checks every row in one join, where
/// kept it checks each row on its own (a city's restore spent most of its 48 server seconds so).
pub(crate) async fn set_aside(
    conn: &mut PgConnection,
    table: &str,
) -> Result<Vec<String>, StoreError> {
    let preparing = || format!("准备写入 {table} / preparing to write {table}");
    // Each as (what drops it, what puts it back), the indexes first: the catalogue writes both
    // statements, names quoted by `format`'s %I.
    let deferred: Vec<(String, String)> = sqlx::query_as(
        "SELECT format('DROP INDEX %I', c.relname), pg_get_indexdef(i.indexrelid) \
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE i.indrelid = $1::regclass AND NOT i.indisunique AND NOT i.indisprimary \
         UNION ALL \
         SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname), \
                format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, \
                       pg_get_constraintdef(oid)) \
         FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .context(preparing())?;
    let mut restore = Vec::with_capacity(deferred.len());
    for (drop, put_back) in deferred {
        run(conn, &drop, preparing).await?;
        // A partitioned table's index is written `ON ONLY t`, which would build the parent's
        // index alone and leave it invalid; without ONLY each partition gets its own again.
        restore.push(put_back.replacen(" ON ONLY ", " ON ", 1));
    }
    Ok(restore)
}

/// Puts back what [`defer_indexes`] dropped, and has the planner look at the loaded tables, whose
/// statistics would otherwise still say "empty" for the roll-ups computed right after the import.
pub(crate) async fn restore(
    conn: &mut PgConnection,
    statements: &[String],
    loaded: &[&'static str],
) -> Result<(), StoreError> {
    let building = || "建立索引、核对引用 / building the indexes, checking references".to_string();
    if loaded.is_empty() {
        return Ok(());
    }
    // Index builds sort in memory up to this much (per build; the server's default is 64 MB).
    run(conn, "SET LOCAL maintenance_work_mem = '256MB'", building).await?;
    for statement in statements {
        run(conn, statement, building).await?;
    }
    for table in loaded {
        run(conn, &format!("ANALYZE {table}"), building).await?;
    }
    Ok(())
}

/// Streams `rows` into `table` (the file's own table or its staging table) with `COPY`; the number
/// of rows the server took.
pub(crate) async fn copy_rows(
    conn: &mut PgConnection,
    table: &str,
    file: &'static FileSpec,
    rows: &[Row],
) -> Result<u64, StoreError> {
    let statement = format!(
        "COPY {table} ({}) FROM STDIN",
        sql::insert_columns(file).join(", ")
    );
    stream(conn, &statement, writing(file), rows, |row, buf| {
        copy_line(file, row, buf)
    })
    .await
}

/// Streams `rows` (values in `columns` order) into `table` with `COPY` (a restore's copy).
pub(crate) async fn copy_args(
    conn: &mut PgConnection,
    table: &str,
    columns: &[String],
    rows: &[Vec<Arg>],
) -> Result<(), StoreError> {
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let context = || format!("写入 {table} / writing {table}");
    stream(conn, &statement, context, rows, |row, buf| {
        for (i, arg) in row.iter().enumerate() {
            if i > 0 {
                buf.push(b'\t');
            }
            put(buf, param_of(arg));
        }
        buf.push(b'\n');
    })
    .await
    .map(drop)
}

/// Runs `statement` (a `COPY … FROM STDIN`) with each of `rows` written as one line by `line`,
/// sent [`SEND_BYTES`] at a time; the number of rows the server took.
async fn stream<T>(
    conn: &mut PgConnection,
    statement: &str,
    context: impl Fn() -> String,
    rows: &[T],
    line: impl Fn(&T, &mut Vec<u8>),
) -> Result<u64, StoreError> {
    let mut copy = conn.copy_in_raw(statement).await.context(context())?;
    let mut buf = Vec::with_capacity(SEND_BYTES + 4096);
    for row in rows {
        line(row, &mut buf);
        if buf.len() >= SEND_BYTES {
            copy.send(std::mem::take(&mut buf))
                .await
                .context(context())?;
            buf.reserve(SEND_BYTES + 4096);
        }
    }
    if !buf.is_empty() {
        copy.send(buf).await.context(context())?;
    }
    copy.finish().await.context(context())
}

/// An argument as the value COPY writes.
fn param_of(arg: &Arg) -> Param<'_> {
    use std::borrow::Cow::Borrowed;
    match arg {
        Arg::Text(t) => Param::Text(Some(Borrowed(t.as_str()))),
        Arg::MaybeText(t) => Param::Text(t.as_deref().map(Borrowed)),
        Arg::Int(v) => Param::I64(Some(*v)),
        Arg::MaybeInt(v) => Param::I64(*v),
        Arg::Bool(b) => Param::Bool(Some(*b)),
        Arg::MaybeBool(b) => Param::Bool(*b),
        Arg::Date(d) => Param::Date(Some(*d)),
        Arg::MaybeDate(d) => Param::Date(*d),
    }
}

/// One row in COPY's text format: the columns of `sql::insert_columns`, tab-separated, `\N` for
/// NULL, one line.
pub(crate) fn copy_line(file: &FileSpec, row: &Row, buf: &mut Vec<u8>) {
    for (i, (column, value)) in file.columns.iter().zip(&row.values).enumerate() {
        if i > 0 {
            buf.push(b'\t');
        }
        put(buf, param::to_param(column, value));
    }
    if sql::has_county(file) {
        buf.push(b'\t');
        put(buf, Param::I64(row.county.map(|c| c.as_u64() as i64)));
    }
    buf.push(b'\n');
}

fn put(buf: &mut Vec<u8>, p: Param<'_>) {
    // Writing into a Vec cannot fail.
    let _ = match p {
        Param::Text(Some(s)) => {
            escape(buf, &s);
            Ok(())
        }
        Param::I64(Some(v)) => write!(buf, "{v}"),
        Param::I32(Some(v)) => write!(buf, "{v}"),
        Param::Bool(Some(b)) => {
            buf.push(if b { b't' } else { b'f' });
            Ok(())
        }
        Param::Date(Some(d)) => write!(buf, "{}", d.format("%Y-%m-%d")),
        Param::Text(None)
        | Param::I64(None)
        | Param::I32(None)
        | Param::Bool(None)
        | Param::Date(None) => {
            buf.extend_from_slice(b"\\N");
            Ok(())
        }
    };
}

/// COPY's text format reads a backslash as an escape and a tab or a line end as a separator: each
/// is written escaped, so a cell arrives byte for byte (the checker refuses other controls).
fn escape(buf: &mut Vec<u8>, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            _ => buf.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_copy_reads_as_syntax() {
        let mut buf = Vec::new();
        escape(&mut buf, "a\\b\tc\nd\re 张三");
        assert_eq!(String::from_utf8(buf).unwrap(), "a\\\\b\\tc\\nd\\re 张三");
    }

    #[test]
    fn null_and_values() {
        let mut buf = Vec::new();
        put(&mut buf, Param::Text(None));
        buf.push(b'|');
        put(&mut buf, Param::I64(Some(-12)));
        buf.push(b'|');
        put(&mut buf, Param::Bool(Some(false)));
        buf.push(b'|');
        put(
            &mut buf,
            Param::Date(chrono::NaiveDate::from_ymd_opt(2016, 3, 9)),
        );
        assert_eq!(String::from_utf8(buf).unwrap(), "\\N|-12|f|2016-03-09");
    }
}
