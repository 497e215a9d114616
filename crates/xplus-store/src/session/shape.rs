//! Result shapes: the columns a query returns, described like a bundle file's so that both
//! backends decode them with the code that reads bundle tables. Here, below every query module
//! (the records' and the accounts'), so that there is one way to write a shape.

use xplus_core::interchange::{Column, ColumnType, CountyFrom, FileId, FileSpec};

/// A column of a result shape (its name is also its header; nothing refers to it).
pub(crate) const fn column(en: &'static str, ty: ColumnType) -> Column {
    Column {
        en,
        zh: en,
        ty,
        required: false,
        refers: None,
    }
}

/// A count or a sum of counts.
pub(crate) const COUNT: ColumnType = ColumnType::Int {
    min: 0,
    max: i64::MAX,
};

/// Any 64-bit integer: a sum that may come out negative (grants minus reclaims), an id, a time
/// in Unix seconds.
pub(crate) const SIGNED: ColumnType = ColumnType::Int {
    min: i64::MIN,
    max: i64::MAX,
};

/// A shape: `id` is the bundle file the rows come mostly from (it only labels messages).
pub(crate) const fn shape(
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
