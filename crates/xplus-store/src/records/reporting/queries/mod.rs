//! The SQL of the reporting operations and the rows it returns, by name: the operations in this
//! folder hold the rules, these files hold what is asked of the database — one file per
//! operation file, as the statements are many.

pub(super) mod dashboard;
pub(super) mod report;
pub(super) mod responsibility;
pub(super) mod rollup;
pub(super) mod rollup_figures;
pub(super) mod rollup_verify;

use crate::error::StoreError;
use crate::records::registry::read::within_scope;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{fetch_sql, FromRow};

/// Rows of `template` (a statement whose `{within}` is replaced by `within_scope`: the row's
/// household, `alias`.household_id, is within `scope`), `args` first and `scope`'s after them.
pub(super) async fn fetch_within<T: FromRow>(
    s: &mut dyn ReadSession,
    template: &str,
    scope: &Filter,
    alias: &str,
    args: Vec<Arg>,
) -> Result<Vec<T>, StoreError> {
    let (sql, args) = within_scope(scope, template, alias, args);
    fetch_sql(s, &sql, &args).await
}
