//! What a connection can do, shared by the backends (which provide it) and the operations in
//! `records` (which use it): the read and write session traits, filters, pages, compact rows and
//! the SQL text of the few queries every backend runs the same way. It sits below both, so that
//! neither the backends nor the store's front door need to know about the operations.

pub(crate) mod compact;
pub mod dump;
pub(crate) mod filter;
pub(crate) mod rows;
pub(crate) mod shape;

pub use compact::{CompactRow, CompactRows};
pub(crate) use filter::render_marks;
pub(crate) use filter::{refuse_nul, refuse_nul_values};
pub use filter::{Arg, Filter};

use crate::audit::NewAudit;
use crate::error::StoreError;

use async_trait::async_trait;
use xplus_core::audit::AuditEntry;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::{Household, RegionCode, RowError};

/// A connection to read on (a read-only connection on SQLite): what a page or report may do.
#[async_trait]
pub trait ReadSession: Send {
    /// Rows of a bundle table (its columns in file order) matching `filter`, ordered by
    /// `order` (SQL written by this module, never by a user), optionally one page of them.
    async fn select(
        &mut self,
        file: &'static FileSpec,
        filter: &Filter,
        order: &str,
        page: Option<Page>,
    ) -> Result<Vec<Vec<Value>>, StoreError>;
    async fn count(&mut self, file: &'static FileSpec, filter: &Filter) -> Result<u64, StoreError>;
    /// Rows of a query written by this module (`?` for `args`, in order), read as the columns
    /// of `shape` — a result shape (see [`shape`]), not necessarily a bundle file.
    async fn query(
        &mut self,
        shape: &'static FileSpec,
        sql: &str,
        args: &[Arg],
    ) -> Result<Vec<Vec<Value>>, StoreError>;
    /// Rows of a query written by this module (`?` for `args`) with integers, booleans or text
    /// in its columns, read into `into` (emptied, of the query's width) without a value per cell:
    /// large reads, see [`CompactRows`].
    async fn query_compact(
        &mut self,
        context: &str,
        sql: &str,
        args: &[Arg],
        into: CompactRows,
    ) -> Result<CompactRows, StoreError>;
    /// Households matching `filter` with their village's name, the head's name and the number
    /// of members, in one query (the list page is the busiest page of all).
    async fn household_summaries(
        &mut self,
        filter: &Filter,
        order: &str,
        page: Page,
    ) -> Result<Vec<HouseholdSummary>, StoreError>;
    /// Audit entries matching `filter` (over the audit_log columns), newest first.
    async fn audit_entries(
        &mut self,
        filter: &Filter,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, StoreError>;
    /// The newest audit entry's number: it grows with every change to the records, so what was
    /// computed from them stays valid while it stays the same.
    async fn audit_head(&mut self) -> Result<i64, StoreError>;
}

/// A transaction that writes: everything a reader may do, and changing records, their audit and
/// the derived tables. Dropping it without `commit` rolls back.
#[async_trait]
pub trait WriteSession: ReadSession {
    /// Runs a statement written by this crate (`?` for `args`) that changes derived tables (the
    /// roll-ups) or accounts (`users`, whose callers audit them), never a record of a bundle file
    /// (those go through `upsert`, audited); returns the rows it changed.
    async fn execute(&mut self, sql: &str, args: &[Arg]) -> Result<u64, StoreError>;
    /// Inserts the row or updates the stored row with its key.
    async fn upsert(&mut self, file: &'static FileSpec, row: Row) -> Result<(), StoreError>;
    async fn append_audit(&mut self, entries: Vec<NewAudit>) -> Result<(), StoreError>;
    /// Marks `county`'s records changed (None: a write of no county), as `upsert` marks the
    /// county of the row it writes: for the few writes of a record that go round `upsert` (a
    /// member removed, a monitoring case opened or closed, an outcome taken back). What is kept
    /// beside the roll-ups per county (the overdue visits, the what-if's households) trusts
    /// that every write of a county's records marks it.
    async fn touch(
        &mut self,
        county: Option<xplus_core::registry::RegionCode>,
    ) -> Result<(), StoreError>;
    /// Writes `rows` (values in `columns` order) into `table` as they are — no upsert, no audit
    /// entry, no roll-up mark: a restore's copy of a table, whose names come from the target's
    /// own catalogue. PostgreSQL streams them with `COPY` (binding a parameter per cell cost
    /// its server more than storing the rows).
    async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[String],
        rows: Vec<Vec<Arg>>,
    ) -> Result<(), StoreError>;
    /// Readies `tables`, all empty, for a bulk load in this transaction (a restore): what is
    /// cheaper built once over the loaded rows than kept row by row is set aside —
    /// PostgreSQL's secondary indexes, SQLite's search index — until [`finish_bulk_load`]
    /// builds it, before commit. A transaction that fails gets everything back.
    ///
    /// [`finish_bulk_load`]: WriteSession::finish_bulk_load
    async fn begin_bulk_load(&mut self, tables: &[&'static str]) -> Result<(), StoreError>;
    /// Builds what [`begin_bulk_load`](WriteSession::begin_bulk_load) set aside.
    async fn finish_bulk_load(&mut self) -> Result<(), StoreError>;
    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// A commit refused because what `begin_bulk_load` set aside was not built again.
pub(crate) fn bulk_load_unfinished() -> StoreError {
    StoreError::Interrupted(
        "批量写入未完成（索引未重建），不提交 / a bulk load was not finished (its indexes are not \
         rebuilt): not committed"
            .into(),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl Page {
    /// ` LIMIT … OFFSET …`. Both databases take signed 64-bit numbers there, and past `i64::MAX`
    /// there are no rows anyway, so a larger request (an API client's `offset`) is capped rather
    /// than failing the query.
    pub(crate) fn sql(&self) -> String {
        let cap = |n: u64| n.min(i64::MAX as u64);
        format!(" LIMIT {} OFFSET {}", cap(self.limit), cap(self.offset))
    }
}

/// The SQL of a select over a file's table (shared by the backends; `?` placeholders are
/// rewritten by `Filter::render`).
pub(crate) fn select_sql(
    file: &FileSpec,
    filter: &Filter,
    order: &str,
    page: Option<Page>,
    placeholder: &mut dyn FnMut() -> String,
) -> String {
    let cols: Vec<&str> = file.columns.iter().map(|c| c.en).collect();
    let mut sql = format!(
        "SELECT {} FROM {}{}",
        cols.join(", "),
        file.name,
        filter.render_where(placeholder)
    );
    if !order.is_empty() {
        sql.push_str(" ORDER BY ");
        sql.push_str(order);
    }
    if let Some(p) = page {
        sql.push_str(&p.sql());
    }
    sql
}

/// The one query of the household list: the households row, then the village name, the head's
/// name and the number of members. Filters name households' columns unqualified.
pub(crate) fn summaries_sql(
    filter: &Filter,
    order: &str,
    page: Page,
    placeholder: &mut dyn FnMut() -> String,
) -> String {
    let cols: Vec<String> = xplus_core::interchange::schema::HOUSEHOLDS
        .columns
        .iter()
        .map(|c| format!("h.{}", c.en))
        .collect();
    format!(
        "SELECT {}, r.name, {}, \
         (SELECT count(*) FROM members m WHERE m.household_id = h.household_id) \
         FROM households h LEFT JOIN regions r ON r.code = h.village_code{} \
         ORDER BY {order}{}",
        cols.join(", "),
        head_name_of("h.household_id"),
        filter.render_where(placeholder),
        page.sql()
    )
}

pub(crate) fn count_sql(
    file: &FileSpec,
    filter: &Filter,
    placeholder: &mut dyn FnMut() -> String,
) -> String {
    format!(
        "SELECT count(*) FROM {}{}",
        file.name,
        filter.render_where(placeholder)
    )
}

pub(crate) fn audit_sql(
    filter: &Filter,
    limit: u64,
    placeholder: &mut dyn FnMut() -> String,
) -> String {
    format!(
        "SELECT seq, at, actor, action, entity, record_key, old_values, new_values, prev_hash, \
         hash FROM audit_log{} ORDER BY seq DESC LIMIT {limit}",
        filter.render_where(placeholder)
    )
}

/// One row to write: the values in the file's column order and, for large tables, the county.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub values: Vec<Value>,
    pub county: Option<RegionCode>,
}

/// A stored row that does not read as its record: it was changed outside xplus (stored rows
/// are checked on the way in).
pub(crate) fn corrupt_row(file: &FileSpec, e: RowError) -> StoreError {
    StoreError::Corrupt {
        table: file.name,
        detail: e.column.to_string(),
    }
}

/// One line of the household list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdSummary {
    pub household: Household,
    pub village_name: String,
    pub head_name: Option<String>,
    pub members: u32,
}

impl HouseholdSummary {
    pub fn id(&self) -> &str {
        &self.household.id
    }
}

/// The name of the head of the household whose id is the column `household` of the outer
/// query, as a subquery (None when it has no head; the smallest identity number should a
/// household ever hold two).
pub(crate) fn head_name_of(household: &str) -> String {
    format!(
        "(SELECT hd.name FROM members hd WHERE hd.household_id = {household} \
         AND hd.relation = 'head' ORDER BY hd.id_number LIMIT 1)"
    )
}
