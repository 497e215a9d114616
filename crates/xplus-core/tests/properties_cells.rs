//! Property tests of bundle cells: every column of every file reads back what it writes.

mod common;

use common::*;

use proptest::prelude::*;
use proptest::sample::select;

use xplus_core::interchange::cell::{self, Value, MAX_TEXT_CHARS};
use xplus_core::interchange::schema::{Column, ColumnType, ALL_FILES};
use xplus_core::money::Fen;
use xplus_core::registry::{IdNumber, RegionCode};
use xplus_core::text::{self, TextKind};
use xplus_core::values::parse_date;

// ---------------------------------------------------------------------------------------------
// Interchange cells (interchange.md "General rules")
// ---------------------------------------------------------------------------------------------

fn all_columns() -> Vec<(&'static str, &'static Column)> {
    ALL_FILES
        .iter()
        .flat_map(|f| f.columns.iter().map(move |c| (f.name, c)))
        .collect()
}

/// Any character but a control one (those are replaced, not filtered: a filter on every
/// character of every text cell would exhaust proptest's reject budget).
fn printable_char() -> impl Strategy<Value = char> {
    any::<char>().prop_map(|c| if c.is_control() { '户' } else { c })
}

/// Non-empty text of `kind`, already trimmed and in NFC, at most 500 characters (a key: at most
/// 64 printable ASCII characters).
fn text_value(kind: TextKind) -> impl Strategy<Value = String> {
    let long = if kind == TextKind::Key {
        text::MAX_KEY_CHARS - 5..=text::MAX_KEY_CHARS
    } else {
        MAX_TEXT_CHARS - 5..=MAX_TEXT_CHARS
    };
    prop_oneof![
        9 => prop::collection::vec(printable_char(), 1..40),
        1 => prop::collection::vec(printable_char(), long),
    ]
    .prop_map(move |chars| {
        // Characters the kind refuses are replaced, as control characters are above.
        let fallback = if kind == TextKind::Key { 'H' } else { '户' };
        let text: String = chars
            .into_iter()
            .map(|c| match text::check(kind, &c.to_string()) {
                Ok(_) => c,
                Err(_) => fallback,
            })
            .collect();
        // NFC may lengthen text (a few characters decompose for good): cut it back.
        let nfc = text::check(kind, &text).expect("allowed characters");
        let cut: String = nfc.chars().take(MAX_TEXT_CHARS).collect();
        match cut.trim() {
            "" => fallback.to_string(),
            trimmed => text::check(kind, trimmed).expect("allowed characters"),
        }
    })
}

fn region_value() -> impl Strategy<Value = RegionCode> {
    any_valid_region().prop_map(|(text, _)| RegionCode::parse(&text).unwrap())
}

fn value_for(column: &'static Column) -> BoxedStrategy<Value> {
    let value = match column.ty {
        ColumnType::Text => text_value(TextKind::Free).prop_map(Value::Text).boxed(),
        ColumnType::Key => text_value(TextKind::Key).prop_map(Value::Text).boxed(),
        ColumnType::Name => text_value(TextKind::Name).prop_map(Value::Text).boxed(),
        ColumnType::Region => region_value().prop_map(Value::Region).boxed(),
        ColumnType::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        ColumnType::Date => date_between(ymd(1800, 1, 1), ymd(2200, 12, 31))
            .prop_map(Value::Date)
            .boxed(),
        ColumnType::Year => (1949i64..=2100).prop_map(Value::Int).boxed(),
        ColumnType::Int { min, max } => prop_oneof![Just(min), Just(max), min..=max]
            .prop_map(Value::Int)
            .boxed(),
        ColumnType::Money { negative } => {
            let max = cell::MAX_MONEY.0;
            let low = if negative { -max } else { 0 };
            let small: i64 = if negative { -10_0000 } else { 0 };
            prop_oneof![Just(0), Just(low), Just(max), low..=max, small..=10_0000]
                .prop_map(|f| Value::Money(Fen(f)))
                .boxed()
        }
        ColumnType::Enum(spec) => select(spec.values.iter().map(|(c, _)| *c).collect::<Vec<_>>())
            .prop_map(Value::Code)
            .boxed(),
        ColumnType::Multi(spec) => {
            let codes: Vec<&'static str> = spec.values.iter().map(|(c, _)| *c).collect();
            Just(codes)
                .prop_shuffle()
                .prop_flat_map(|shuffled| {
                    let n = shuffled.len();
                    (1..=n).prop_map(move |k| Value::Codes(shuffled[..k].to_vec()))
                })
                .boxed()
        }
        ColumnType::IdNumber => (area(), birth(), sequence())
            .prop_map(|(a, b, s)| Value::Id(IdNumber::from_parts(a, b, s)))
            .boxed(),
    };
    if column.required {
        value
    } else {
        prop_oneof![1 => Just(Value::Null), 9 => value].boxed()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// One value for every column of every file per case, written in both forms and read back.
    #[test]
    fn every_cell_round_trips(
        values in all_columns().into_iter().map(|(_, c)| value_for(c)).collect::<Vec<_>>(),
    ) {
        for ((file, column), value) in all_columns().into_iter().zip(&values) {
            // Chinese output uses the label, English output the code.
            if let (ColumnType::Enum(spec), Value::Code(code)) = (column.ty, value) {
                prop_assert_eq!(cell::format(column, value, true), spec.label_zh(code).unwrap());
                prop_assert_eq!(cell::format(column, value, false), *code);
            }
            for chinese in [false, true] {
                let text = cell::format(column, value, chinese);
                prop_assert_eq!(
                    cell::parse(column, &text, today()),
                    Ok(value.clone()),
                    "{}.{} chinese={} text={:?}", file, column.en, chinese, text
                );
            }
        }
    }

    #[test]
    fn text_longer_than_the_limit_is_rejected(
        chars in prop::collection::vec(
            printable_char().prop_map(|c| if c.is_whitespace() { '字' } else { c }),
            MAX_TEXT_CHARS + 1..MAX_TEXT_CHARS + 20,
        ),
    ) {
        let text: String = chars.into_iter().collect();
        for (file, column) in all_columns() {
            if column.ty.is_text() {
                prop_assert!(
                    cell::parse(column, &text, today()).is_err(),
                    "{}.{} accepted {} characters", file, column.en, text.chars().count()
                );
            }
        }
    }
}

#[test]
fn empty_cells_are_null_or_missing() {
    for (file, column) in all_columns() {
        for blank in ["", "  ", "\t"] {
            let got = cell::parse(column, blank, today());
            if column.required {
                assert!(got.is_err(), "{file}.{} accepted a blank", column.en);
            } else {
                assert_eq!(got, Ok(Value::Null), "{file}.{}", column.en);
            }
        }
    }
}

#[test]
fn money_cells_beyond_the_cap_are_refused() {
    let wage = &xplus_core::interchange::schema::INCOMES.columns[2];
    let today = parse_date("2026-11-29").unwrap();
    let max = cell::MAX_MONEY;
    assert_eq!(
        cell::parse(wage, &max.to_string(), today),
        Ok(Value::Money(max))
    );
    assert!(cell::parse(wage, &Fen(max.0 + 1).to_string(), today).is_err());
}
