//! Shared by the property tests: dates, calendar facts and generators of valid identity numbers
//! and region codes, computed independently of the code under test.

#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use xplus_core::values::Date;

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

pub fn ymd(y: i32, m: u32, d: u32) -> Date {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

pub fn today() -> Date {
    ymd(2026, 11, 29)
}

pub fn plus_days(d: Date, n: u64) -> Date {
    d.checked_add_days(Days::new(n)).expect("in range")
}

/// Any date from `from` to `to`, both included.
pub fn date_between(from: Date, to: Date) -> impl Strategy<Value = Date> {
    let span = (to - from).num_days() as u64;
    (0..=span).prop_map(move |o| plus_days(from, o))
}

pub fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

pub fn area() -> impl Strategy<Value = u32> {
    110_000u32..=659_999
}

pub fn birth() -> impl Strategy<Value = Date> {
    date_between(ymd(1900, 1, 1), today())
}

pub fn sequence() -> impl Strategy<Value = u16> {
    0u16..1000
}

/// Digits at which each level's segment ends: province 2, city 4, county 6, town 9, village 12.
pub const SEGMENT_END: [usize; 5] = [2, 4, 6, 9, 12];

/// A valid 12-digit code as text, and its level index (0 province … 4 village). Segments
/// below the level are zero, segments down to it are non-zero.
pub fn valid_region(
    province: std::ops::RangeInclusive<u64>,
    two: std::ops::RangeInclusive<u64>,
    three: std::ops::RangeInclusive<u64>,
) -> impl Strategy<Value = (String, usize)> {
    (province, 0usize..=4, two.clone(), two, three.clone(), three).prop_map(
        |(p, level, c, co, t, v)| {
            let segs = [p, c, co, t, v];
            let keep = |i: usize| if i <= level { segs[i] } else { 0 };
            (
                format!(
                    "{:02}{:02}{:02}{:03}{:03}",
                    keep(0),
                    keep(1),
                    keep(2),
                    keep(3),
                    keep(4)
                ),
                level,
            )
        },
    )
}

pub fn any_valid_region() -> impl Strategy<Value = (String, usize)> {
    valid_region(11..=82, 1..=99, 1..=999)
}
