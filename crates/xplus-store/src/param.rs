//! The bridge between bundle values and SQL parameters, shared by both backends: each column type
//! maps to one SQL type, and a NULL keeps that type (PostgreSQL checks it).

use crate::error::StoreError;
use chrono::NaiveDate;
use std::borrow::Cow;
use xplus_core::interchange::{Column, ColumnType, Value};
use xplus_core::registry::{IdNumber, RegionCode};
use xplus_core::Fen;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Param<'a> {
    /// Borrowed from the row where possible: binding must not copy every string of an import.
    Text(Option<Cow<'a, str>>),
    I64(Option<i64>),
    I32(Option<i32>),
    Bool(Option<bool>),
    Date(Option<NaiveDate>),
}

/// The SQL type family a column is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqlKind {
    Text,
    I64,
    I32,
    Bool,
    Date,
}

pub(crate) fn kind(column: &Column) -> SqlKind {
    match column.ty {
        ColumnType::Text
        | ColumnType::Key
        | ColumnType::Name
        | ColumnType::Enum(_)
        | ColumnType::Multi(_)
        | ColumnType::IdNumber => SqlKind::Text,
        ColumnType::Region | ColumnType::Int { .. } | ColumnType::Money { .. } => SqlKind::I64,
        ColumnType::Year => SqlKind::I32,
        ColumnType::Bool => SqlKind::Bool,
        ColumnType::Date => SqlKind::Date,
    }
}

pub(crate) fn to_param<'a>(column: &Column, value: &'a Value) -> Param<'a> {
    match (kind(column), value) {
        (SqlKind::Text, Value::Null) => Param::Text(None),
        (SqlKind::I64, Value::Null) => Param::I64(None),
        (SqlKind::I32, Value::Null) => Param::I32(None),
        (SqlKind::Bool, Value::Null) => Param::Bool(None),
        (SqlKind::Date, Value::Null) => Param::Date(None),
        (_, Value::Text(s)) => Param::Text(Some(Cow::Borrowed(s))),
        (_, Value::Code(c)) => Param::Text(Some(Cow::Borrowed(c))),
        (_, Value::Codes(cs)) => Param::Text(Some(Cow::Owned(cs.join(";")))),
        (_, Value::Id(id)) => Param::Text(Some(Cow::Owned(id.to_string()))),
        (SqlKind::I32, Value::Int(v)) => Param::I32(Some(*v as i32)),
        (_, Value::Int(v)) => Param::I64(Some(*v)),
        (_, Value::Money(f)) => Param::I64(Some(f.0)),
        (_, Value::Region(r)) => Param::I64(Some(r.as_u64() as i64)),
        (_, Value::Bool(b)) => Param::Bool(Some(*b)),
        (_, Value::Date(d)) => Param::Date(Some(*d)),
    }
}

/// Turns what the database returned back into a bundle value; a value the schema cannot have
/// (a corrupted row) is an error naming the table.
pub(crate) fn to_value(
    table: &'static str,
    column: &Column,
    param: Param<'_>,
) -> Result<Value, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt { table, detail };
    Ok(match (column.ty, param) {
        (_, Param::Text(None) | Param::I64(None) | Param::I32(None))
        | (_, Param::Bool(None) | Param::Date(None)) => Value::Null,
        (ColumnType::Text | ColumnType::Key | ColumnType::Name, Param::Text(Some(s))) => {
            Value::Text(s.into_owned())
        }
        (ColumnType::Enum(spec), Param::Text(Some(s))) => Value::Code(
            spec.parse(&s)
                .ok_or_else(|| corrupt(format!("{}: {s}", column.en)))?,
        ),
        (ColumnType::Multi(spec), Param::Text(Some(s))) => {
            let mut codes = Vec::new();
            for piece in s.split(';').filter(|p| !p.is_empty()) {
                codes.push(
                    spec.parse(piece)
                        .ok_or_else(|| corrupt(format!("{}: {s}", column.en)))?,
                );
            }
            if codes.is_empty() {
                Value::Null
            } else {
                Value::Codes(codes)
            }
        }
        (ColumnType::IdNumber, Param::Text(Some(s))) => {
            // Stored numbers were validated on the way in; only the future-date bound is moot.
            let far_future = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
            Value::Id(
                IdNumber::parse(&s, far_future)
                    .map_err(|e| corrupt(format!("{}: {s}: {e}", column.en)))?,
            )
        }
        (ColumnType::Region, Param::I64(Some(v))) => Value::Region(
            RegionCode::from_u64(v as u64)
                .map_err(|e| corrupt(format!("{}: {v}: {e}", column.en)))?,
        ),
        (ColumnType::Money { .. }, Param::I64(Some(v))) => Value::Money(Fen(v)),
        (ColumnType::Int { .. }, Param::I64(Some(v))) => Value::Int(v),
        (ColumnType::Year, Param::I32(Some(v))) => Value::Int(i64::from(v)),
        (ColumnType::Bool, Param::Bool(Some(b))) => Value::Bool(b),
        (ColumnType::Date, Param::Date(Some(d))) => Value::Date(d),
        (_, other) => return Err(corrupt(format!("{}: unexpected {other:?}", column.en))),
    })
}
