//! Property tests of the xplus-core value types and rules: money (rules.md §2), identity numbers
//! (§11), region codes and dates (interchange.md "General rules"), the share ledger and pledge
//! loans (§8), pairing successors (§7) and the cell round trip of every interchange column.
//!
//! Every expected result is computed independently of the code under test (exact i128
//! arithmetic, the GB 11643 defining congruence, enumerating days, replaying the ledger).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;

use xplus_core::backbone::pairing::{ends_without_successor, Span};
use xplus_core::collective::ledger::{self, LedgerEvent, LedgerViolation};
use xplus_core::collective::loan::{self, LoanTerms, LoanViolation};
use xplus_core::collective::ShareEventKind;
use xplus_core::interchange::cell::{self, Value, MAX_TEXT_CHARS};
use xplus_core::interchange::schema::{Column, ColumnType, ALL_FILES};
use xplus_core::money::{Fen, MoneyError};
use xplus_core::registry::income::{per_capita, YearlyIncome};
use xplus_core::registry::{IdNumber, IdNumberError, Level, RegionCode, Sex};
use xplus_core::rules::RuleSet;
use xplus_core::values::{format_date, parse_date, Date};

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

fn ymd(y: i32, m: u32, d: u32) -> Date {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn today() -> Date {
    ymd(2026, 11, 29)
}

fn plus_days(d: Date, n: u64) -> Date {
    d.checked_add_days(Days::new(n)).expect("in range")
}

/// Any date from `from` to `to`, both included.
fn date_between(from: Date, to: Date) -> impl Strategy<Value = Date> {
    let span = (to - from).num_days() as u64;
    (0..=span).prop_map(move |o| plus_days(from, o))
}

fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// ---------------------------------------------------------------------------------------------
// Fen (rules.md §2, interchange.md "Money")
// ---------------------------------------------------------------------------------------------

const FEN_BOUND: i64 = 1_000_000_000_000_000;

/// Yuan text built digit by digit, independently of `Display`: optional thousands separators,
/// and 2, 1 or 0 decimals (the caller makes sure the dropped decimals are zero).
fn yuan_text(fen: i64, grouping: bool, decimals: usize) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let digits = (abs / 100).to_string();
    let int = if grouping {
        let mut groups: Vec<&str> = digits
            .as_bytes()
            .rchunks(3)
            .map(|g| std::str::from_utf8(g).unwrap())
            .collect();
        groups.reverse();
        groups.join(",")
    } else {
        digits
    };
    let frac = format!("{:02}", abs % 100);
    match decimals {
        2 => format!("{sign}{int}.{frac}"),
        1 => {
            assert_eq!(abs % 10, 0);
            format!("{sign}{int}.{}", &frac[..1])
        }
        _ => {
            assert_eq!(abs % 100, 0);
            format!("{sign}{int}")
        }
    }
}

/// ASCII digits and punctuation to their full-width forms, as a Chinese IME types them.
fn to_fullwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('０' as u32 + (c as u32 - '0' as u32)).unwrap(),
            '.' => '．',
            ',' => '，',
            '-' => '－',
            other => other,
        })
        .collect()
}

/// n / d rounded half away from zero, exactly.
fn rational_round(n: i128, d: i128) -> i128 {
    assert!(d > 0);
    n.signum() * ((2 * n.abs() + d) / (2 * d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn fen_display_parses_back(fen in -FEN_BOUND..=FEN_BOUND) {
        prop_assert_eq!(Fen::parse(&Fen(fen).to_string()), Ok(Fen(fen)));
    }

    #[test]
    fn fen_with_thousands_separators(fen in -FEN_BOUND..=FEN_BOUND) {
        let text = yuan_text(fen, true, 2);
        prop_assert_eq!(Fen::parse(&text), Ok(Fen(fen)), "{}", text);
        let wide = to_fullwidth(&text);
        prop_assert_eq!(Fen::parse(&wide), Ok(Fen(fen)), "{}", wide);
    }

    #[test]
    fn fen_with_one_or_no_decimals(tenths in -FEN_BOUND / 10..=FEN_BOUND / 10, grouping: bool) {
        let fen = tenths * 10;
        let one = yuan_text(fen, grouping, 1);
        prop_assert_eq!(Fen::parse(&one), Ok(Fen(fen)), "{}", one);
        let whole = tenths / 10 * 100;
        let none = yuan_text(whole, grouping, 0);
        prop_assert_eq!(Fen::parse(&none), Ok(Fen(whole)), "{}", none);
    }

    #[test]
    fn fen_one_separator_accepted_only_between_groups_of_three(
        digits in "[1-9][0-9]{1,12}",
        at in any::<prop::sample::Index>(),
        negative: bool,
    ) {
        let yuan: i64 = digits.parse().unwrap();
        let pos = 1 + at.index(digits.len() - 1);
        let sign = if negative { "-" } else { "" };
        let text = format!("{sign}{},{}.00", &digits[..pos], &digits[pos..]);
        let well_placed = digits.len() - pos == 3 && pos <= 3;
        let want = if negative { -yuan * 100 } else { yuan * 100 };
        if well_placed {
            prop_assert_eq!(Fen::parse(&text), Ok(Fen(want)), "{}", text);
        } else {
            prop_assert_eq!(Fen::parse(&text), Err(MoneyError::Malformed), "{}", text);
        }
    }

    #[test]
    fn fen_three_or_more_decimals_rejected(
        int in 0u64..=10_000_000_000,
        frac in "[0-9]{3,8}",
        negative: bool,
        grouping: bool,
    ) {
        let sign = if negative { "-" } else { "" };
        let int = if grouping {
            yuan_text(int as i64 * 100, true, 0)
        } else {
            int.to_string()
        };
        let text = format!("{sign}{int}.{frac}");
        prop_assert_eq!(Fen::parse(&text), Err(MoneyError::Malformed), "{}", text);
    }

    #[test]
    fn fen_parse_never_panics(s in any::<String>()) {
        let _ = Fen::parse(&s);
    }

    #[test]
    fn fen_parse_never_panics_on_money_like_text(s in "[0-9,.+¥ ０-９，．。－＋￥-]{0,30}") {
        let _ = Fen::parse(&s);
    }

    #[test]
    fn div_round_matches_exact_rational(
        n in prop_oneof![any::<i64>(), -1000i64..=1000],
        d in 1i64..=20,
    ) {
        let got = Fen(n).div_round(d);
        prop_assert_eq!(i128::from(got.0), rational_round(i128::from(n), i128::from(d)));
    }

    #[test]
    fn net_and_per_capita_are_exact(
        parts in prop::array::uniform5(0i64..=1_000_000_000_000),
        members in -3i64..=20,
    ) {
        let income = YearlyIncome {
            wage: Fen(parts[0]),
            production: Fen(parts[1]),
            property: Fen(parts[2]),
            transfer: Fen(parts[3]),
            production_cost: Fen(parts[4]),
            medical_cost: None,
        };
        let exact: i128 = parts[..4].iter().map(|&p| i128::from(p)).sum::<i128>()
            - i128::from(parts[4]);
        prop_assert_eq!(i128::from(income.net().0), exact);
        let pc = per_capita(income.net(), members);
        if members > 0 {
            prop_assert_eq!(
                pc.map(|f| i128::from(f.0)),
                Some(rational_round(exact, i128::from(members)))
            );
        } else {
            prop_assert_eq!(pc, None);
        }
    }
}

#[test]
fn fen_smallest_amounts() {
    assert_eq!(Fen::parse("0.01"), Ok(Fen(1)));
    assert_eq!(Fen::parse("-0.01"), Ok(Fen(-1)));
    assert_eq!(Fen::parse("0.1"), Ok(Fen(10)));
    assert_eq!(Fen::parse("-0.10"), Ok(Fen(-10)));
    assert_eq!(Fen(1).to_string(), "0.01");
    assert_eq!(Fen(-1).to_string(), "-0.01");
}

// ---------------------------------------------------------------------------------------------
// Identity numbers (rules.md §11)
// ---------------------------------------------------------------------------------------------

/// The GB 11643-1999 check character from its defining congruence rather than the lookup
/// table: with weights Wᵢ = 2^(18−i) and a₁₈ = 10 for X, Σ aᵢ·Wᵢ ≡ 1 (mod 11).
fn gb11643_check(d17: &[u8]) -> char {
    assert_eq!(d17.len(), 17);
    let sum: u64 = d17
        .iter()
        .enumerate()
        .map(|(i, b)| u64::from(b - b'0') * (1u64 << (17 - i)))
        .sum();
    let c = (0..=10u64).find(|c| (sum + c) % 11 == 1).unwrap();
    if c == 10 {
        'X'
    } else {
        char::from(b'0' + c as u8)
    }
}

fn digits17(area: u32, birth: Date, seq: u16) -> String {
    format!(
        "{area:06}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        birth.month(),
        birth.day()
    )
}

fn area() -> impl Strategy<Value = u32> {
    110_000u32..=659_999
}

fn birth() -> impl Strategy<Value = Date> {
    date_between(ymd(1900, 1, 1), today())
}

fn sequence() -> impl Strategy<Value = u16> {
    0u16..1000
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn id_from_parts_round_trips(area in area(), birth in birth(), seq in sequence()) {
        let id = IdNumber::from_parts(area, birth, seq);
        let text = id.to_string();
        let d17 = digits17(area, birth, seq);
        prop_assert_eq!(&text[..17], d17.as_str());
        prop_assert_eq!(text[17..].chars().next(), Some(gb11643_check(d17.as_bytes())));
        prop_assert_eq!(IdNumber::parse(&text, today()), Ok(id));
        prop_assert_eq!(IdNumber::parse(&text.to_lowercase(), today()), Ok(id));
        prop_assert_eq!(IdNumber::parse(&format!("  {text} "), today()), Ok(id));
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert_eq!(id.sex(), if seq % 2 == 1 { Sex::Male } else { Sex::Female });
        prop_assert_eq!(id.area(), area);
    }

    #[test]
    fn id_every_single_digit_substitution_is_caught(
        area in area(),
        birth in birth(),
        seq in sequence(),
        pos in 0usize..17,
        delta in 1u8..=9,
    ) {
        let text = IdNumber::from_parts(area, birth, seq).to_string();
        let mut bytes = text.clone().into_bytes();
        let old_check = bytes[17] as char;
        bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
        let expected = gb11643_check(&bytes[..17]);
        // The mod-11 weights are all non-zero mod 11, so one changed digit always changes the
        // check character (GB 11643's design property).
        prop_assert_ne!(expected, old_check);
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert_eq!(
            IdNumber::parse(&changed, today()),
            Err(IdNumberError::CheckDigit { expected }),
            "{}", changed
        );
    }

    #[test]
    fn id_with_right_check_accepted_iff_birth_date_real_and_past(
        area in 0u32..1_000_000,
        y in 1850i32..=2099,
        m in 0u32..=13,
        d in 0u32..=32,
        seq in sequence(),
    ) {
        let d17 = format!("{area:06}{y:04}{m:02}{d:02}{seq:03}");
        let text = format!("{d17}{}", gb11643_check(d17.as_bytes()));
        let real = (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d);
        let got = IdNumber::parse(&text, today());
        if !real {
            prop_assert!(matches!(got, Err(IdNumberError::BirthDate(_))), "{} {:?}", text, got);
        } else if ymd(y, m, d) > today() {
            prop_assert_eq!(got, Err(IdNumberError::FutureBirth(ymd(y, m, d))));
        } else {
            let id = got.unwrap();
            prop_assert_eq!(id.birth_date(), ymd(y, m, d));
            prop_assert_eq!(id.to_string(), text);
        }
    }

    #[test]
    fn id_fifteen_digits_convert(
        area in area(),
        birth in date_between(ymd(1900, 1, 1), ymd(1999, 12, 31)),
        seq in sequence(),
    ) {
        let old = format!(
            "{area:06}{:02}{:02}{:02}{seq:03}",
            birth.year() % 100,
            birth.month(),
            birth.day()
        );
        let d17 = format!("{}19{}", &old[..6], &old[6..]);
        let expected = format!("{d17}{}", gb11643_check(d17.as_bytes()));
        let id = IdNumber::parse(&old, today()).unwrap();
        prop_assert_eq!(id.to_string(), expected);
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert_eq!(id, IdNumber::from_parts(area, birth, seq));
        prop_assert_eq!(id.sex(), if seq % 2 == 1 { Sex::Male } else { Sex::Female });
    }

    #[test]
    fn id_born_today_accepted_born_tomorrow_rejected(
        area in area(),
        birth in date_between(ymd(1900, 1, 2), today()),
        seq in sequence(),
    ) {
        let id = IdNumber::from_parts(area, birth, seq);
        let text = id.to_string();
        prop_assert_eq!(IdNumber::parse(&text, birth), Ok(id));
        let day_before = birth.pred_opt().unwrap();
        prop_assert_eq!(
            IdNumber::parse(&text, day_before),
            Err(IdNumberError::FutureBirth(birth))
        );
    }

    #[test]
    fn id_parse_never_panics(s in any::<String>()) {
        let _ = IdNumber::parse(&s, today());
    }

    #[test]
    fn id_parse_never_panics_on_near_misses(s in "[0-9Xx é中]{13,19}") {
        let _ = IdNumber::parse(&s, today());
    }
}

// ---------------------------------------------------------------------------------------------
// Region codes (interchange.md "General rules")
// ---------------------------------------------------------------------------------------------

/// Digits at which each level's segment ends: province 2, city 4, county 6, town 9, village 12.
const SEGMENT_END: [usize; 5] = [2, 4, 6, 9, 12];

/// A valid 12-digit code as text, and its level index (0 province … 4 village). Segments
/// below the level are zero, segments down to it are non-zero.
fn valid_region(
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

fn any_valid_region() -> impl Strategy<Value = (String, usize)> {
    valid_region(11..=82, 1..=99, 1..=999)
}

fn level_index(level: Level) -> usize {
    Level::ALL.iter().position(|&l| l == level).unwrap()
}

/// Independent validity: province 11–82 and no non-zero segment after a zero one.
fn region_text_is_valid(s: &str) -> bool {
    let mut start = 0;
    let mut segs = Vec::new();
    for end in SEGMENT_END {
        if end > s.len() {
            break;
        }
        segs.push(s[start..end].parse::<u64>().unwrap());
        start = end;
    }
    let first_zero = segs.iter().position(|&v| v == 0).unwrap_or(segs.len());
    (11..=82).contains(&segs[0]) && segs[first_zero..].iter().all(|&v| v == 0)
}

/// Either zero or any value of the segment's width, so gaps and zero tails are both common.
fn segment_text(width: usize) -> impl Strategy<Value = String> {
    let max = 10u64.pow(width as u32) - 1;
    prop_oneof![Just(0u64), 0..=max].prop_map(move |v| format!("{v:0width$}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn region_parse_display_round_trip((text, level) in any_valid_region()) {
        let code = RegionCode::parse(&text).unwrap();
        prop_assert_eq!(code.to_string(), text.clone());
        prop_assert_eq!(code.as_u64(), text.parse::<u64>().unwrap());
        prop_assert_eq!(level_index(code.level()), level);
        prop_assert_eq!(RegionCode::parse(&code.to_string()), Ok(code));
    }

    #[test]
    fn region_parents_step_up_one_level_at_a_time((text, level) in any_valid_region()) {
        let code = RegionCode::parse(&text).unwrap();
        let mut current = code;
        let mut steps = 0;
        while let Some(parent) = current.parent() {
            steps += 1;
            prop_assert!(steps <= 4, "more than four parents above {}", text);
            let parent_level = level_index(parent.level());
            prop_assert_eq!(parent_level + 1, level_index(current.level()));
            // The parent is the code's own prefix down to the parent's level, zero-padded.
            let prefix = &text[..SEGMENT_END[parent_level]];
            prop_assert_eq!(parent.to_string(), format!("{prefix:0<12}"));
            prop_assert_eq!(RegionCode::parse(&parent.to_string()), Ok(parent));
            prop_assert!(current.is_within(parent));
            prop_assert!(code.is_within(parent));
            prop_assert!(!parent.is_within(current));
            current = parent;
        }
        prop_assert_eq!(steps, level);
        prop_assert_eq!(current.level(), Level::Province);
        prop_assert!(code.is_within(code));
    }

    #[test]
    fn region_six_digits_pad_and_county_is_the_prefix((text, level) in any_valid_region()) {
        let code = RegionCode::parse(&text).unwrap();
        let six = RegionCode::parse(&text[..6]).unwrap();
        prop_assert_eq!(six.to_string(), format!("{}000000", &text[..6]));
        prop_assert_eq!(code.gb2260(), text[..6].parse::<u32>().unwrap());
        if level <= 2 {
            prop_assert_eq!(six, code);
        }
        if level >= 2 {
            prop_assert_eq!(code.county(), Some(six));
            prop_assert_eq!(six.level(), Level::County);
            prop_assert!(code.is_within(six));
        } else {
            prop_assert_eq!(code.county(), None);
        }
    }

    #[test]
    fn region_is_within_means_shares_the_prefix(
        (a, _) in valid_region(33..=34, 1..=2, 1..=2),
        (b, b_level) in valid_region(33..=34, 1..=2, 1..=2),
    ) {
        let (ca, cb) = (RegionCode::parse(&a).unwrap(), RegionCode::parse(&b).unwrap());
        let expected = a.starts_with(&b[..SEGMENT_END[b_level]]);
        prop_assert_eq!(ca.is_within(cb), expected, "{} within {}", a, b);
    }

    #[test]
    fn region_twelve_digits_accepted_iff_valid(
        segs in (segment_text(2), segment_text(2), segment_text(2), segment_text(3), segment_text(3)),
    ) {
        let text = format!("{}{}{}{}{}", segs.0, segs.1, segs.2, segs.3, segs.4);
        let got = RegionCode::parse(&text);
        prop_assert_eq!(got.is_ok(), region_text_is_valid(&text), "{} {:?}", text, got);
    }

    #[test]
    fn region_six_digits_accepted_iff_valid(
        segs in (segment_text(2), segment_text(2), segment_text(2)),
    ) {
        let text = format!("{}{}{}", segs.0, segs.1, segs.2);
        let got = RegionCode::parse(&text);
        prop_assert_eq!(got.is_ok(), region_text_is_valid(&text), "{} {:?}", text, got);
    }

    #[test]
    fn region_parse_never_panics(s in any::<String>()) {
        let _ = RegionCode::parse(&s);
    }

    #[test]
    fn region_parse_never_panics_on_digits(s in "[0-9. 中]{0,14}") {
        let _ = RegionCode::parse(&s);
    }
}

// ---------------------------------------------------------------------------------------------
// Dates (interchange.md "General rules")
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn date_parses_in_all_three_forms(d in date_between(ymd(1800, 1, 1), ymd(2200, 12, 31))) {
        let (y, m, day) = (d.year(), d.month(), d.day());
        for text in [
            format!("{y:04}-{m:02}-{day:02}"),
            format!("{y}/{m}/{day}"),
            format!("{y:04}/{m:02}/{day:02}"),
            format!("{y}-{m}-{day}"),
            format!("{y:04}年{m:02}月{day:02}日"),
            format!("{y}年{m}月{day}日"),
            format_date(d),
        ] {
            prop_assert_eq!(parse_date(&text), Ok(d), "{}", text);
        }
    }

    #[test]
    fn date_accepted_iff_in_the_calendar(y in 1800i32..=2200, m in 0u32..=13, d in 0u32..=32) {
        let real = (1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d);
        for text in [
            format!("{y:04}-{m:02}-{d:02}"),
            format!("{y}/{m}/{d}"),
            format!("{y:04}年{m:02}月{d:02}日"),
        ] {
            prop_assert_eq!(parse_date(&text).is_ok(), real, "{}", text);
        }
    }

    #[test]
    fn date_february_29_only_in_leap_years(y in 1800i32..=2200) {
        for text in [format!("{y}-02-29"), format!("{y}/2/29"), format!("{y}年02月29日")] {
            prop_assert_eq!(parse_date(&text).is_ok(), is_leap(y), "{}", text);
        }
    }

    #[test]
    fn date_parse_never_panics(s in any::<String>()) {
        let _ = parse_date(&s);
    }

    #[test]
    fn date_parse_never_panics_on_date_like_text(s in "[0-9/年月日 -]{0,16}") {
        let _ = parse_date(&s);
    }
}

// ---------------------------------------------------------------------------------------------
// Share ledger (rules.md §8)
// ---------------------------------------------------------------------------------------------

const HOUSEHOLDS: u32 = 4;

fn ledger_day(n: u64) -> Date {
    plus_days(ymd(2016, 1, 1), n)
}

/// A few households, a dozen days (so same-day grants and reclaims are common), more grants
/// than reclaims.
fn ledger_events() -> impl Strategy<Value = Vec<LedgerEvent>> {
    prop::collection::vec(
        (
            0..HOUSEHOLDS,
            0u64..12,
            prop::bool::weighted(0.6),
            0i64..=20,
        )
            .prop_map(|(household, day, grant, shares)| LedgerEvent {
                household,
                date: ledger_day(day),
                kind: if grant {
                    ShareEventKind::Grant
                } else {
                    ShareEventKind::Reclaim
                },
                shares,
            }),
        0..30,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn ledger_flags_exactly_the_events_that_would_break_it(
        total in 0i64..50,
        events in ledger_events(),
    ) {
        let reported = ledger::check(total, &events);
        let indices: Vec<usize> = reported.iter().map(|(i, _)| *i).collect();
        let mut sorted = indices.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(&indices, &sorted, "violations sorted by index, each once");
        let flagged: HashMap<usize, LedgerViolation> = reported.into_iter().collect();

        // Replay: by date, reclaims before grants on one day, then by index.
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| {
            let rank = match events[i].kind {
                ShareEventKind::Reclaim => 0,
                ShareEventKind::Grant => 1,
            };
            (events[i].date, rank, i)
        });
        let mut held: HashMap<u32, i64> = HashMap::new();
        let mut sum = 0i64;
        for i in order {
            let e = events[i];
            let h = held.get(&e.household).copied().unwrap_or(0);
            let (new_h, new_sum) = match e.kind {
                ShareEventKind::Grant => (h + e.shares, sum + e.shares),
                ShareEventKind::Reclaim => (h - e.shares, sum - e.shares),
            };
            let breaks = new_h < 0 || new_sum > total;
            match flagged.get(&i) {
                None => {
                    prop_assert!(!breaks, "event {} {:?} breaks the ledger unflagged", i, e);
                    held.insert(e.household, new_h);
                    sum = new_sum;
                }
                Some(LedgerViolation::BeyondPool { pool }) => {
                    prop_assert_eq!(e.kind, ShareEventKind::Grant);
                    prop_assert!(new_sum > total, "event {} flagged but fits the pool", i);
                    prop_assert_eq!(*pool, total - sum);
                }
                Some(LedgerViolation::BelowZero { held: was }) => {
                    prop_assert_eq!(e.kind, ShareEventKind::Reclaim);
                    prop_assert!(new_h < 0, "event {} flagged but was covered", i);
                    prop_assert_eq!(*was, h);
                }
                Some(LedgerViolation::NotPositive) => {
                    prop_assert!(e.shares <= 0, "event {} of {} shares flagged", i, e.shares);
                }
            }
            prop_assert!(held.values().all(|&v| v >= 0));
            prop_assert!(held.values().sum::<i64>() == sum && sum <= total);
        }

        // The accepted events are a clean ledger whose holdings are the replayed ones.
        let accepted: Vec<LedgerEvent> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| !flagged.contains_key(i))
            .map(|(_, e)| *e)
            .collect();
        prop_assert_eq!(ledger::check(total, &accepted), vec![]);
        for h in 0..HOUSEHOLDS {
            prop_assert_eq!(
                ledger::holding_on(&accepted, h, ledger_day(30)),
                held.get(&h).copied().unwrap_or(0)
            );
        }
    }

    #[test]
    fn ledger_a_zero_holding_may_take_the_whole_pool_and_no_more(
        total in 0i64..50,
        events in ledger_events(),
        existing: bool,
    ) {
        let flagged: BTreeSet<usize> = ledger::check(total, &events).into_iter().map(|(i, _)| i).collect();
        let accepted: Vec<LedgerEvent> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| !flagged.contains(i))
            .map(|(_, e)| *e)
            .collect();
        let after = ledger_day(20);
        let holdings: Vec<i64> =
            (0..HOUSEHOLDS).map(|h| ledger::holding_on(&accepted, h, after)).collect();
        let pool = total - holdings.iter().sum::<i64>();
        prop_assert!(pool >= 0);
        // A household of the project holding nothing, or a newcomer.
        let household = if existing {
            (0..HOUSEHOLDS).find(|&h| holdings[h as usize] == 0).unwrap_or(99)
        } else {
            99
        };
        let grant = |shares| LedgerEvent {
            household,
            date: after,
            kind: ShareEventKind::Grant,
            shares,
        };
        // A grant of nothing is not a ledger entry, so "exactly the pool" needs a pool.
        if pool > 0 {
            let mut exact = accepted.clone();
            exact.push(grant(pool));
            prop_assert_eq!(ledger::check(total, &exact), vec![]);
        }
        let mut over = accepted.clone();
        over.push(grant(pool + 1));
        prop_assert_eq!(
            ledger::check(total, &over),
            vec![(accepted.len(), LedgerViolation::BeyondPool { pool })]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Equity-pledge loans (rules.md §8)
// ---------------------------------------------------------------------------------------------

fn loan_terms(pledged: i64, held: i64, share_value: i64, amount: i64, term: i64) -> LoanTerms {
    LoanTerms {
        pledged_shares: pledged,
        shares_held: held,
        share_value: Fen(share_value),
        amount: Fen(amount),
        term_months: term,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn loan_cap_is_exactly_eight_times_the_pledged_value(
        pledged in 0i64..=1000,
        spare in 0i64..=100,
        share_value in 0i64..=10_000_000,
        term in 1i64..=60,
    ) {
        let rules = RuleSet::default();
        prop_assert_eq!(rules.loan_value_multiple.value, 8);
        let cap = 8 * pledged * share_value;
        let at_cap = loan_terms(pledged, pledged + spare, share_value, cap, term);
        prop_assert_eq!(loan::check(&at_cap, &rules), vec![]);
        let over = loan_terms(pledged, pledged + spare, share_value, cap + 1, term);
        prop_assert_eq!(
            loan::check(&over, &rules),
            vec![LoanViolation::AmountOverCap { cap: Fen(cap), multiple: 8 }]
        );
    }

    #[test]
    fn loan_term_is_at_most_sixty_months(long in 61i64..=1200, amount in 0i64..=800_000) {
        let rules = RuleSet::default();
        prop_assert_eq!(rules.loan_max_term_months.value, 60);
        prop_assert_eq!(loan::check(&loan_terms(10, 10, 10_000, amount, 60), &rules), vec![]);
        prop_assert_eq!(
            loan::check(&loan_terms(10, 10, 10_000, amount, 61), &rules),
            vec![LoanViolation::TermTooLong { max: 60 }]
        );
        prop_assert_eq!(
            loan::check(&loan_terms(10, 10, 10_000, amount, long), &rules),
            vec![LoanViolation::TermTooLong { max: 60 }]
        );
    }

    #[test]
    fn loan_pledge_at_most_the_holding(held in 0i64..=1000, delta in -3i64..=3) {
        // Pledges at and around the holding, where the boundary is.
        let pledged = (held + delta).max(0);
        let got = loan::check(&loan_terms(pledged, held, 10_000, 0, 12), &RuleSet::default());
        if pledged <= held {
            prop_assert_eq!(got, vec![]);
        } else {
            prop_assert_eq!(got, vec![LoanViolation::PledgeExceedsHolding { pledged, held }]);
        }
    }

    #[test]
    fn loan_violations_match_an_exact_computation(
        pledged in 0i64..=200,
        held in 0i64..=200,
        share_value in 0i64..=1_000_000,
        amount in 0i64..=2_000_000_000,
        term in 1i64..=120,
        multiple in 1i64..=12,
        max_term in 1i64..=120,
    ) {
        let mut rules = RuleSet::default();
        rules.loan_value_multiple.value = multiple;
        rules.loan_max_term_months.value = max_term;
        let cap = i128::from(multiple) * i128::from(pledged) * i128::from(share_value);
        let mut expected = Vec::new();
        if pledged > held {
            expected.push(LoanViolation::PledgeExceedsHolding { pledged, held });
        }
        if i128::from(amount) > cap {
            expected.push(LoanViolation::AmountOverCap { cap: Fen(cap as i64), multiple });
        }
        if term > max_term {
            expected.push(LoanViolation::TermTooLong { max: max_term });
        }
        prop_assert_eq!(
            loan::check(&loan_terms(pledged, held, share_value, amount, term), &rules),
            expected
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Pairing successors (rules.md §7)
// ---------------------------------------------------------------------------------------------

fn pairing_day(n: u64) -> Date {
    plus_days(ymd(2016, 1, 1), n)
}

fn spans() -> impl Strategy<Value = Vec<Span>> {
    prop::collection::vec(
        (0u64..40, prop::option::weighted(0.8, 0u64..20)).prop_map(|(start, len)| Span {
            start: pairing_day(start),
            end: len.map(|l| pairing_day(start + l)),
        }),
        0..7,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_pairing_end_is_reported_iff_nobody_covers_the_next_day(spans in spans()) {
        // Every day each span covers, enumerated (an open end runs past the window).
        let horizon = pairing_day(100);
        let covered: Vec<BTreeSet<Date>> = spans
            .iter()
            .map(|s| {
                let last = s.end.unwrap_or(horizon);
                let mut days = BTreeSet::new();
                let mut d = s.start;
                while d <= last {
                    days.insert(d);
                    d = d.succ_opt().unwrap();
                }
                days
            })
            .collect();
        let expected: Vec<usize> = (0..spans.len())
            .filter(|&i| match spans[i].end {
                None => false,
                Some(end) => {
                    let next = end.succ_opt().unwrap();
                    !(0..spans.len()).any(|j| j != i && covered[j].contains(&next))
                }
            })
            .collect();
        prop_assert_eq!(ends_without_successor(&spans), expected);
    }
}

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

/// Non-empty free text, already trimmed, without control characters, at most 500 characters.
fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => prop::collection::vec(printable_char(), 1..40),
        1 => prop::collection::vec(printable_char(), MAX_TEXT_CHARS - 5..=MAX_TEXT_CHARS),
    ]
    .prop_map(|chars| {
        let text = chars.into_iter().collect::<String>();
        match text.trim() {
            "" => "户".to_string(),
            trimmed => trimmed.to_string(),
        }
    })
}

fn region_value() -> impl Strategy<Value = RegionCode> {
    any_valid_region().prop_map(|(text, _)| RegionCode::parse(&text).unwrap())
}

fn value_for(column: &'static Column) -> BoxedStrategy<Value> {
    let value = match column.ty {
        ColumnType::Text => text_value().prop_map(Value::Text).boxed(),
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
            if column.ty == ColumnType::Text {
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
