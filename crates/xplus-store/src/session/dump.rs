//! Whole tables as a backup reads and restores them: cells in a form both backends can give and
//! take (an integer, text or nothing; yes/no as 0/1 and dates as `YYYY-MM-DD`, as SQLite keeps
//! them), so that a backup of one backend restores into the other. Each backend streams its
//! tables from one snapshot into a [`DumpSink`]; the archive is written above them.

use crate::error::StoreError;

/// One cell of a table in a backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl serde::Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Null => s.serialize_none(),
            Cell::Int(v) => s.serialize_i64(*v),
            Cell::Text(t) => s.serialize_str(t),
        }
    }
}

/// A table to read whole, with the order its rows must keep (the audit log by number, so that
/// a restore can append it entry by entry; other tables in any order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpTable {
    pub name: &'static str,
    pub order: Option<&'static str>,
}

/// Where a backend streams the tables it reads: the columns of each table, then its rows.
pub trait DumpSink: Send {
    /// The sink as what it is, once the backend gives it back.
    fn into_any(self: Box<Self>) -> Box<dyn std::any::Any>;
    fn table(&mut self, name: &'static str, columns: Vec<String>) -> Result<(), StoreError>;
    fn row(&mut self, cells: &[Cell]) -> Result<(), StoreError>;
}

/// A cell of a type no xplus table holds (a float, bytes): a table changed outside xplus.
pub(crate) fn unexpected(table: &'static str, column: &str) -> StoreError {
    StoreError::Corrupt {
        table,
        detail: format!("{column}: 既非整数也非文字 / neither an integer nor text"),
    }
}
