//! PostgreSQL's side of a backup: every table read in one `REPEATABLE READ, READ ONLY`
//! transaction, which sees a single snapshot of the database while the server goes on writing.
//! Rows are streamed, never held whole; cells are given in the form SQLite keeps them (yes/no as
//! 0/1, dates as text), so that the copy restores into either backend.

use crate::error::{DbContext, StoreError};
use crate::session::dump::{unexpected, Cell, DumpSink, DumpTable};
use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

/// The columns of a table in order, with their types.
const COLUMNS: &str = "SELECT column_name::text, data_type::text FROM information_schema.columns \
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position";

/// The columns of each of `tables` in order, with their types as PostgreSQL names them.
pub(crate) async fn columns(
    pool: &PgPool,
    tables: &[&'static str],
) -> Result<Vec<Vec<(String, String)>>, StoreError> {
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        out.push(
            sqlx::query_as(COLUMNS)
                .bind(table)
                .fetch_all(pool)
                .await
                .context(format!(
                    "读取 {table} 的列 / reading the columns of {table}"
                ))?,
        );
    }
    Ok(out)
}

pub(crate) async fn dump(
    pool: &PgPool,
    tables: &[DumpTable],
    sink: &mut dyn DumpSink,
) -> Result<(), StoreError> {
    let mut tx = pool
        .begin()
        .await
        .context("开始读事务 / starting a read transaction")?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .context("开始读事务 / starting a read transaction")?;
    for table in tables {
        let context = format!("备份 {} / backing up {}", table.name, table.name);
        let columns: Vec<(String, String)> = sqlx::query_as(COLUMNS)
            .bind(table.name)
            .fetch_all(&mut *tx)
            .await
            .context(context.clone())?;
        let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
        sink.table(table.name, names.clone())?;
        let order = table
            .order
            .map(|o| format!(" ORDER BY {o}"))
            .unwrap_or_default();
        let sql = format!("SELECT {} FROM {}{order}", names.join(", "), table.name);
        let mut rows = sqlx::query(&sql).fetch(&mut *tx);
        let mut cells = Vec::with_capacity(columns.len());
        while let Some(row) = rows.try_next().await.context(context.clone())? {
            cells.clear();
            for (i, (name, ty)) in columns.iter().enumerate() {
                cells.push(cell(&row, i, ty).map_err(|e| match e {
                    Some(e) => StoreError::Database {
                        context: context.clone(),
                        source: e,
                    },
                    None => unexpected(table.name, name),
                })?);
            }
            sink.row(&cells)?;
        }
    }
    tx.commit()
        .await
        .context("结束读事务 / ending a read transaction")
}

/// Column `i` of `row` as a backup cell; `Err(None)` for a type no xplus table uses.
fn cell(row: &PgRow, i: usize, ty: &str) -> Result<Cell, Option<sqlx::Error>> {
    let int = |v: Option<i64>| v.map_or(Cell::Null, Cell::Int);
    Ok(match ty {
        "bigint" => int(row.try_get(i)?),
        "integer" => int(row.try_get::<Option<i32>, _>(i)?.map(i64::from)),
        "smallint" => int(row.try_get::<Option<i16>, _>(i)?.map(i64::from)),
        "boolean" => int(row.try_get::<Option<bool>, _>(i)?.map(i64::from)),
        "date" => row
            .try_get::<Option<chrono::NaiveDate>, _>(i)?
            .map_or(Cell::Null, |d| Cell::Text(d.format("%Y-%m-%d").to_string())),
        "text" | "character varying" => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Cell::Null, Cell::Text),
        _ => return Err(None),
    })
}
