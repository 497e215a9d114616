//! Typed rows: a query's result read into a struct by column name, in one place beside the query,
//! instead of by position wherever the rows are used (`r[3].as_code()` breaks silently when a
//! column is added in front of it; `row.code("status")` is checked against the result shape).
//!
//! A query module declares the row (`struct SecretaryTerm { … }`), its shape (the columns the
//! query returns, see `session::shape`) and `FromRow`, then the statement as a [`Query`]:
//!
//! ```ignore
//! pub(in crate::records) const TERMS: Query<SecretaryTerm> = Query::new("SELECT village_code, …");
//! let terms = TERMS.fetch(&mut *session, &args).await?;
//! ```

use super::{Arg, ReadSession};
use crate::error::StoreError;
use std::marker::PhantomData;
use xplus_core::interchange::{FileSpec, Value};

// Reading a row by column name is the schema's business, so it lives in core beside it; the
// store's typed rows use the same reader.
pub(crate) use xplus_core::interchange::{column_of, Named};

/// A struct read from a row of its result shape. `None` skips the row (a row without the key
/// fields the reader needs, as the positional readers did with `let … else { continue }`).
pub(crate) trait FromRow: Sized + Send {
    const SHAPE: &'static FileSpec;
    fn from_row(row: Named<'_>) -> Option<Self>;
}

/// One number counted by a query, its column `n` (an aggregate: one row). The queries that
/// count rows of any table read it, rather than a row type of their own each.
#[derive(Debug, Default)]
pub(crate) struct Count {
    pub n: u64,
}

impl FromRow for Count {
    const SHAPE: &'static FileSpec = &crate::session::shape::shape(
        xplus_core::interchange::FileId::Households,
        "count",
        "计数",
        &[crate::session::shape::column(
            "n",
            crate::session::shape::COUNT,
        )],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Count { n: r.count("n") })
    }
}

/// A row of a bundle table (as `ReadSession::select` returns it, in file order) read as `T`,
/// whose shape is that table's `FileSpec`; None when `T` skips it.
pub(crate) fn read_row<T: FromRow>(values: &[Value]) -> Option<T> {
    T::from_row(Named::new(T::SHAPE, values))
}

/// Rows of the bundle table `T::SHAPE` matching `filter` (its columns in file order), ordered by
/// `order` (empty for any order), read as `T`.
pub(crate) async fn select_rows<T: FromRow>(
    s: &mut (dyn ReadSession + '_),
    filter: &super::Filter,
    order: &str,
) -> Result<Vec<T>, StoreError> {
    let rows = s.select(T::SHAPE, filter, order, None).await?;
    Ok(rows.iter().filter_map(|values| read_row(values)).collect())
}

/// Rows of `sql` (text built by a query module, `?` for `args`) read as `T`.
pub(crate) async fn fetch_sql<T: FromRow>(
    s: &mut (dyn ReadSession + '_),
    sql: &str,
    args: &[Arg],
) -> Result<Vec<T>, StoreError> {
    let rows = s.query(T::SHAPE, sql, args).await?;
    Ok(rows
        .iter()
        .filter_map(|values| T::from_row(Named::new(T::SHAPE, values)))
        .collect())
}

/// A fixed statement whose rows are read as `T`.
pub(crate) struct Query<T> {
    pub(crate) sql: &'static str,
    row: PhantomData<fn() -> T>,
}

impl<T: FromRow> Query<T> {
    pub(crate) const fn new(sql: &'static str) -> Query<T> {
        Query {
            sql,
            row: PhantomData,
        }
    }

    pub(crate) async fn fetch(
        &self,
        s: &mut (dyn ReadSession + '_),
        args: &[Arg],
    ) -> Result<Vec<T>, StoreError> {
        fetch_sql(s, self.sql, args).await
    }
}
