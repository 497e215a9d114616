//! SQLite's side of a backup: every table read in one read transaction on a connection of its
//! own. In WAL mode that transaction sees the database as it was at its first read, however
//! much the server writes meanwhile, so the copy is consistent without stopping anyone.

use crate::error::StoreError;
use crate::session::dump::{unexpected, Cell, DumpSink, DumpTable};
use crate::sqlite_bulk::sqlite_error;
use rusqlite::types::ValueRef;
use std::path::Path;

/// The columns of each of `tables` in order, with their declared types, on one connection.
pub(crate) fn columns(
    file: &Path,
    tables: &[&'static str],
) -> Result<Vec<Vec<(String, String)>>, StoreError> {
    let conn = crate::sqlite_session::connect(file)?;
    let context = "读取表的列 / reading the columns of the tables";
    let mut stmt = conn
        .prepare("SELECT name, type FROM pragma_table_info(?1) ORDER BY cid")
        .map_err(sqlite_error(context))?;
    let mut out = Vec::with_capacity(tables.len());
    for table in tables {
        let rows = stmt
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sqlite_error(context))?;
        out.push(
            rows.collect::<Result<Vec<_>, _>>()
                .map_err(sqlite_error(context))?,
        );
    }
    Ok(out)
}

pub(crate) fn dump(
    file: &Path,
    tables: &[DumpTable],
    sink: &mut dyn DumpSink,
) -> Result<(), StoreError> {
    let conn = crate::sqlite_session::connect(file)?;
    conn.execute_batch("BEGIN")
        .map_err(sqlite_error("开始读事务 / starting a read transaction"))?;
    for table in tables {
        dump_table(&conn, table, sink)?;
    }
    conn.execute_batch("COMMIT")
        .map_err(sqlite_error("结束读事务 / ending a read transaction"))
}

fn dump_table(
    conn: &rusqlite::Connection,
    table: &DumpTable,
    sink: &mut dyn DumpSink,
) -> Result<(), StoreError> {
    let context = format!("备份 {} / backing up {}", table.name, table.name);
    let order = table
        .order
        .map(|o| format!(" ORDER BY {o}"))
        .unwrap_or_default();
    let mut stmt = conn
        .prepare(&format!("SELECT * FROM {}{order}", table.name))
        .map_err(sqlite_error(context.clone()))?;
    let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    let n = columns.len();
    sink.table(table.name, columns.clone())?;
    let mut rows = stmt.query([]).map_err(sqlite_error(context.clone()))?;
    let mut cells = Vec::with_capacity(n);
    while let Some(row) = rows.next().map_err(sqlite_error(context.clone()))? {
        cells.clear();
        for (i, column) in columns.iter().enumerate() {
            let value = row.get_ref(i).map_err(sqlite_error(context.clone()))?;
            cells.push(match value {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(v) => Cell::Int(v),
                ValueRef::Text(t) => Cell::Text(
                    String::from_utf8(t.to_vec()).map_err(|_| unexpected(table.name, column))?,
                ),
                ValueRef::Real(_) | ValueRef::Blob(_) => {
                    return Err(unexpected(table.name, column))
                }
            });
        }
        sink.row(&cells)?;
    }
    Ok(())
}
