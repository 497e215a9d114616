//! The SQL of the plain records (`entries.rs`): the conditions that place a row of an entry file
//! within an account's reach, and those that find rows by key or by a column's values. The
//! operations hold the rules; this file holds what is asked of the database.

use crate::session::filter::{marks, Arg, Filter};
use xplus_core::interchange::FileSpec;

/// The rows of cadre `cadre` (a `cadre_id` column).
pub(in crate::records) fn cadre_is(cadre: &str) -> Filter {
    Filter::new().and("cadre_id = ?", vec![Arg::Text(cadre.to_string())])
}

/// No row at all.
pub(in crate::records) fn nothing() -> Filter {
    Filter::new().and("1 = 0", vec![])
}

/// The rows whose region code `column` lies between two codes (the arguments).
pub(in crate::records) fn column_between(column: &str) -> String {
    format!("{column} BETWEEN ? AND ?")
}

/// The rows about households of the villages between two codes (the arguments).
pub(in crate::records) const HOUSEHOLD_BETWEEN: &str = "household_id IN (SELECT household_id \
     FROM households WHERE village_code BETWEEN ? AND ?)";

/// The rows of stations in the villages between two codes (the arguments).
pub(in crate::records) const STATION_BETWEEN: &str = "station_id IN (SELECT station_id \
     FROM stations WHERE village_code BETWEEN ? AND ?)";

/// The rows of projects of the villages between two codes (the arguments).
pub(in crate::records) const PROJECT_BETWEEN: &str = "project_id IN (SELECT project_id \
     FROM projects WHERE village_code BETWEEN ? AND ?)";

/// The rows of secretaries of the villages between two codes (the arguments).
pub(in crate::records) const SECRETARY_BETWEEN: &str = "secretary_id IN (SELECT secretary_id \
     FROM secretaries WHERE village_code BETWEEN ? AND ?)";

/// The rows about village cadres of the villages between two codes (the arguments).
pub(in crate::records) const VILLAGE_CADRE_BETWEEN: &str = "village_cadre_id IN \
     (SELECT village_cadre_id FROM village_cadres WHERE village_code BETWEEN ? AND ?)";

/// The rows of cadres whose unit is paired with a village between two codes (the arguments).
pub(in crate::records) const CADRE_BETWEEN: &str = "cadre_id IN (SELECT c.cadre_id FROM cadres c \
     JOIN unit_village_pairings p ON p.unit_id = c.unit_id \
     WHERE p.village_code BETWEEN ? AND ?)";

/// `filter` and "column `name` is empty".
pub(in crate::records) fn is_null(filter: Filter, name: &str) -> Filter {
    filter.and(format!("{name} IS NULL"), vec![])
}

/// `filter` and "yes/no column `name` is `value`", as a literal: PostgreSQL compares a boolean
/// column with a boolean, not a number.
pub(in crate::records) fn is_bool(filter: Filter, name: &str, value: bool) -> Filter {
    let literal = if value { "TRUE" } else { "FALSE" };
    filter.and(format!("{name} = {literal}"), vec![])
}

/// `filter` and "column `name` equals `value`".
pub(in crate::records) fn equals(filter: Filter, name: &str, value: Arg) -> Filter {
    filter.and(format!("{name} = ?"), vec![value])
}

/// `file`'s rows in the order of their key.
pub(in crate::records) fn key_order(file: &FileSpec) -> String {
    file.key
        .iter()
        .map(|&k| file.columns[k].en)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rows whose `column` is one of `values`.
pub(in crate::records) fn column_in(column: &str, values: Vec<Arg>) -> Filter {
    Filter::new().and(format!("{column} IN ({})", marks(values.len())), values)
}
