//! A row of a file (or of a result shaped like one) read by the names of its columns, so that a
//! reader says `row.code("status")` and a column added in front of `status` cannot shift what it
//! reads (`values[3]` would silently read the wrong column).

use super::{FileSpec, Value};
use crate::registry::{IdNumber, RegionCode};
use crate::Fen;
use chrono::NaiveDate;

/// Where column `name` sits in a row of `shape`. A name the shape does not have is a mistake in
/// the calling code, found by the first test that reads such a row, so it panics with both names.
pub fn column_of(shape: &FileSpec, name: &str) -> usize {
    match shape.column_index(name) {
        Some(i) => i,
        None => panic!("{} has no column {name}", shape.name),
    }
}

/// One row, read by its shape's column names.
#[derive(Clone, Copy)]
pub struct Named<'a> {
    shape: &'static FileSpec,
    values: &'a [Value],
}

impl<'a> Named<'a> {
    pub fn new(shape: &'static FileSpec, values: &'a [Value]) -> Named<'a> {
        Named { shape, values }
    }

    pub fn shape(&self) -> &'static FileSpec {
        self.shape
    }

    /// The whole row, in the shape's column order.
    pub fn values(&self) -> &'a [Value] {
        self.values
    }

    /// The value of column `name` (see [`column_of`] for a name the shape does not have).
    pub fn get(&self, name: &str) -> &'a Value {
        &self.values[column_of(self.shape, name)]
    }

    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.get(name).as_text()
    }

    /// Text, or empty when the column is empty (names and labels shown as they are).
    pub fn string(&self, name: &str) -> String {
        self.text(name).unwrap_or_default().to_string()
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).as_int()
    }

    /// A count read back (a missing or negative one as zero).
    pub fn count(&self, name: &str) -> u64 {
        self.int(name).unwrap_or(0).max(0) as u64
    }

    pub fn money(&self, name: &str) -> Option<Fen> {
        self.get(name).as_money()
    }

    pub fn date(&self, name: &str) -> Option<NaiveDate> {
        self.get(name).as_date()
    }

    pub fn code(&self, name: &str) -> Option<&'static str> {
        self.get(name).as_code()
    }

    pub fn region(&self, name: &str) -> Option<RegionCode> {
        self.get(name).as_region()
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        self.get(name).as_bool()
    }

    pub fn id_number(&self, name: &str) -> Option<IdNumber> {
        match self.get(name) {
            Value::Id(n) => Some(*n),
            _ => None,
        }
    }
}
