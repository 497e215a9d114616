//! Property tests of the parsers at the border: money, identity numbers, region codes, dates.

mod common;

use common::*;

use chrono::Datelike;
use proptest::prelude::*;

use xplus_core::money::{Fen, MoneyError};
use xplus_core::registry::income::{per_capita, YearlyIncome};
use xplus_core::registry::{IdNumber, IdNumberError, Level, RegionCode, Sex};
use xplus_core::values::{format_date, parse_date, Date};

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
