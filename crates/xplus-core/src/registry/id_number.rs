//! Resident identity numbers (居民身份证号码), GB 11643-1999 (rules.md §11).

use chrono::{Datelike, NaiveDate};
use std::fmt;

crate::labelled_enum! {
    pub enum Sex { Male = ("male", "男"), Female = ("female", "女") }
}

/// A valid 18-character identity number. Stored as its first 17 digits; the check character is
/// derived, so an `IdNumber` with a wrong check digit cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdNumber(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error(
        "身份证号应为18位（或15位旧号）/ an ID number has 18 characters (or 15 for old numbers)"
    )]
    Length,
    #[error("身份证号含有非数字字符 / the ID number contains characters other than digits (and a final X)")]
    Characters,
    #[error("身份证号校验位错误，应为 {expected} / wrong check digit, expected {expected}")]
    CheckDigit { expected: char },
    #[error(
        "身份证号中的出生日期 {0} 不存在 / the birth date {0} in the ID number does not exist"
    )]
    BirthDate(String),
    #[error(
        "身份证号中的出生日期 {0} 晚于今天 / the birth date {0} in the ID number is in the future"
    )]
    FutureBirth(NaiveDate),
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643-1999 check character for 17 digits.
pub fn check_char(digits17: &[u8]) -> char {
    let sum: u32 = digits17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] as char
}

impl IdNumber {
    /// The birth year of a number as stored (checked on the way in, 18 characters): its 7th to
    /// 10th characters, read without checking the whole number again — the yearly assessment
    /// reads millions of them.
    pub fn stored_birth_year(stored: &str) -> Option<i32> {
        stored.get(6..10)?.parse().ok()
    }

    /// Parses an 18-character number, or converts an old 15-digit one (inserting "19" before the
    /// year). `today` bounds the birth date; the area prefix is deliberately not checked against
    /// today's divisions (pre-1992 Chuzhou numbers begin 3423…).
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let s = input.trim();
        let digits17: Vec<u8> = match s.len() {
            18 => {
                let b = s.as_bytes();
                if !b[..17].iter().all(u8::is_ascii_digit) {
                    return Err(IdNumberError::Characters);
                }
                let last = (b[17] as char).to_ascii_uppercase();
                if !(last.is_ascii_digit() || last == 'X') {
                    return Err(IdNumberError::Characters);
                }
                let expected = check_char(&b[..17]);
                if last != expected {
                    return Err(IdNumberError::CheckDigit { expected });
                }
                b[..17].to_vec()
            }
            15 => {
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdNumberError::Characters);
                }
                let b = s.as_bytes();
                let mut v = Vec::with_capacity(17);
                v.extend_from_slice(&b[..6]);
                v.extend_from_slice(b"19");
                v.extend_from_slice(&b[6..]);
                v
            }
            _ => return Err(IdNumberError::Length),
        };
        let id = IdNumber(
            std::str::from_utf8(&digits17)
                .expect("ascii digits")
                .parse()
                .expect("17 digits fit in u64"),
        );
        let birth = id.birth_date_checked()?;
        if birth > today {
            return Err(IdNumberError::FutureBirth(birth));
        }
        Ok(id)
    }

    /// Builds a number from its parts (area prefix, birth date, three-digit sequence); used by
    /// the demo generator. The sequence's parity is the sex (odd male).
    pub fn from_parts(area: u32, birth: NaiveDate, sequence: u16) -> IdNumber {
        assert!((100_000..1_000_000).contains(&area) && sequence < 1000);
        let ymd = birth.year() as u64 * 10_000 + birth.month() as u64 * 100 + birth.day() as u64;
        IdNumber(area as u64 * 100_000_000_000 + ymd * 1000 + sequence as u64)
    }

    fn birth_date_checked(self) -> Result<NaiveDate, IdNumberError> {
        let ymd = self.0 / 1000 % 100_000_000;
        let (y, m, d) = (
            (ymd / 10_000) as i32,
            (ymd / 100 % 100) as u32,
            (ymd % 100) as u32,
        );
        if y < 1850 {
            return Err(IdNumberError::BirthDate(format!("{y:04}-{m:02}-{d:02}")));
        }
        NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| IdNumberError::BirthDate(format!("{y:04}-{m:02}-{d:02}")))
    }

    pub fn birth_date(self) -> NaiveDate {
        self.birth_date_checked()
            .expect("an IdNumber is only built with a real birth date")
    }

    pub fn sex(self) -> Sex {
        if (self.0 % 10) % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in the sense of rules.md §3: year − birth year.
    pub fn age_in_year(self, year: i32) -> i32 {
        year - self.birth_date().year()
    }

    /// The six-digit area prefix (issuing county at the time of issue).
    pub fn area(self) -> u32 {
        (self.0 / 100_000_000_000) as u32
    }

    pub fn digits17(self) -> u64 {
        self.0
    }

    /// The number as shown to those who may not see it whole: the area and the last four
    /// characters, enough to tell people apart on a list (341102********123X).
    pub fn masked(self) -> String {
        let full = self.to_string();
        format!("{}********{}", &full[..6], &full[14..])
    }

    pub fn from_digits17(value: u64) -> Option<IdNumber> {
        let id = IdNumber(value);
        (value < 100_000_000_000_000_000 && id.birth_date_checked().is_ok()).then_some(id)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = format!("{:017}", self.0);
        write!(f, "{digits}{}", check_char(digits.as_bytes()))
    }
}

/// Masks every run of 17 digits and a check character (an identity number) in free text,
/// as `IdNumber::masked` does: the area, eight stars, the last four.
pub fn mask_in_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        let is_id = starts_number
            && i + 18 <= chars.len()
            && chars[i..i + 17].iter().all(char::is_ascii_digit)
            && (chars[i + 17].is_ascii_digit() || matches!(chars[i + 17], 'X' | 'x'))
            && chars.get(i + 18).is_none_or(|c| !c.is_ascii_alphanumeric());
        if is_id {
            out.extend(&chars[i..i + 6]);
            out.push_str("********");
            out.extend(&chars[i + 14..i + 18]);
            i += 18;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn known_valid_numbers() {
        // The GB 11643 worked example and an X check digit.
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.to_string(), "11010519491231002X");
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(IdNumber::parse("11010519491231002x", today()).unwrap(), id);
        assert_eq!(id.masked(), "110105********002X");
        let m = IdNumber::parse("440524188001010014", today()).unwrap();
        assert_eq!(m.sex(), Sex::Male);
        assert_eq!(m.age_in_year(1900), 20);
    }

    #[test]
    fn wrong_check_digit_names_the_expected_one() {
        assert_eq!(
            IdNumber::parse("110105194912310021", today()),
            Err(IdNumberError::CheckDigit { expected: 'X' })
        );
    }

    #[test]
    fn impossible_and_future_birth_dates() {
        let d17 = b"34112519990230001";
        let s = format!("{}{}", std::str::from_utf8(d17).unwrap(), check_char(d17));
        assert!(matches!(
            IdNumber::parse(&s, today()),
            Err(IdNumberError::BirthDate(_))
        ));
        let d17 = b"34112520300101001";
        let s = format!("{}{}", std::str::from_utf8(d17).unwrap(), check_char(d17));
        assert!(matches!(
            IdNumber::parse(&s, today()),
            Err(IdNumberError::FutureBirth(_))
        ));
    }

    #[test]
    fn fifteen_digit_numbers_convert() {
        // An old Chuzhou number (prefix 3423…, before the 1992 renaming).
        let old = IdNumber::parse("342301650304123", today()).unwrap();
        assert_eq!(old.to_string().len(), 18);
        assert!(old.to_string().starts_with("34230119650304123"));
        assert_eq!(old.sex(), Sex::Male);
        assert_eq!(old.area(), 342301);
    }

    #[test]
    fn from_parts_round_trips() {
        let birth = NaiveDate::from_ymd_opt(2010, 6, 15).unwrap();
        let id = IdNumber::from_parts(341181, birth, 42);
        let again = IdNumber::parse(&id.to_string(), today()).unwrap();
        assert_eq!(again, id);
        assert_eq!(id.birth_date(), birth);
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn garbage() {
        assert_eq!(
            IdNumber::parse("12345", today()),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("3411251990010100AX", today()),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn identity_numbers_in_text_are_masked() {
        assert_eq!(
            mask_in_text(r#"{"id_number":"11010519491231002X","name":"李"}"#),
            r#"{"id_number":"110105********002X","name":"李"}"#
        );
        assert_eq!(mask_in_text("11010519491231002X"), "110105********002X");
        // Longer digit runs (a 19-digit number) and household ids are left alone.
        assert_eq!(mask_in_text("1101051949123100211"), "1101051949123100211");
        assert_eq!(mask_in_text("341181003001-0001"), "341181003001-0001");
    }
}
