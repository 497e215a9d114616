//! Result shapes of the module queries: the columns a query returns, described like a bundle
//! file's so that both backends decode them with the code that reads bundle tables.

use xplus_core::interchange::{Column, ColumnType, CountyFrom, FileId, FileSpec};

/// A column of a result shape (its name is also its header; nothing refers to it).
pub(super) const fn column(en: &'static str, ty: ColumnType) -> Column {
    Column {
        en,
        zh: en,
        ty,
        required: false,
        refers: None,
    }
}

/// A count or a sum of counts.
pub(super) const COUNT: ColumnType = ColumnType::Int {
    min: 0,
    max: i64::MAX,
};

/// A shape: `id` is the bundle file the rows come mostly from (it only labels messages).
pub(super) const fn shape(
    id: FileId,
    name: &'static str,
    zh: &'static str,
    columns: &'static [Column],
) -> FileSpec {
    FileSpec {
        id,
        name,
        zh,
        columns,
        key: &[0],
        county: CountyFrom::None,
    }
}

/// A sum of shares that may come out negative (grants minus reclaims).
pub(super) const SIGNED: ColumnType = ColumnType::Int {
    min: i64::MIN,
    max: i64::MAX,
};

/// Shares held by the share events `e` in a GROUP BY: grants minus reclaims, as BIGINT (on
/// PostgreSQL a bare sum of bigint is numeric).
pub(super) const HELD_SUM: &str =
    "CAST(sum(CASE WHEN e.kind = 'grant' THEN e.shares ELSE -e.shares END) AS BIGINT)";

/// The village codes an account reaches, as the bounds of a `BETWEEN`: all of them, its
/// region's, or none for a helper (whose reach is households, not villages).
pub(super) fn village_bounds(access: &xplus_core::accounts::Access) -> [super::Arg; 2] {
    use xplus_core::accounts::Scope;
    let (lo, hi) = match access.scope() {
        Scope::Everywhere => (0, u64::MAX >> 1),
        Scope::Region(r) => crate::sql::range_of(r.as_u64(), r.level()),
        Scope::PairedWith(_) => (1, 0),
    };
    [super::Arg::Int(lo as i64), super::Arg::Int(hi as i64)]
}
