//! Money as exact integer fen (分). Amounts in files are yuan with at most two decimals; they are
//! parsed digit by digit so that no floating-point rounding can ever creep into a ledger.

use std::fmt;
use std::ops::{Add, Neg, Sub};

/// An amount of money in fen (1 yuan = 100 fen). May be negative (net income can be).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("不是金额（元，最多两位小数）/ not an amount in yuan with at most two decimals")]
    Malformed,
    #[error("金额超出范围 / amount out of range")]
    Overflow,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan * 100)
    }

    /// Parses yuan as people write it: `1234.5`, `1,234.50`, `-12`, `¥8.00`, `１２３`.
    /// Thousands separators must sit between digit groups of three; more than two decimals is an
    /// error rather than a silent rounding.
    pub fn parse(input: &str) -> Result<Fen, MoneyError> {
        let normalized: String = input
            .trim()
            .chars()
            .map(fullwidth_to_ascii)
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut s = normalized.as_str();
        let negative = if let Some(rest) = s.strip_prefix('-') {
            s = rest;
            true
        } else {
            s = s.strip_prefix('+').unwrap_or(s);
            false
        };
        s = s.strip_prefix('¥').unwrap_or(s);
        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(|f| f.is_empty()) {
            return Err(MoneyError::Malformed);
        }
        let int_digits = strip_grouping(int_part).ok_or(MoneyError::Malformed)?;
        let mut fen: i64 = 0;
        for b in int_digits.bytes() {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(i64::from(b - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        let mut cents: i64 = 0;
        if let Some(frac) = frac_part {
            if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(MoneyError::Malformed);
            }
            if frac.is_empty() && int_digits.is_empty() {
                return Err(MoneyError::Malformed);
            }
            for (i, b) in frac.bytes().enumerate() {
                cents += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
            }
        }
        let total = fen
            .checked_mul(100)
            .and_then(|v| v.checked_add(cents))
            .ok_or(MoneyError::Overflow)?;
        Ok(Fen(if negative { -total } else { total }))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_mul(self, factor: i64) -> Option<Fen> {
        self.0.checked_mul(factor).map(Fen)
    }

    /// `self / divisor` rounded half away from zero to the fen (rules.md §2: per-capita income).
    pub fn div_round(self, divisor: i64) -> Fen {
        assert!(divisor > 0, "division of money by a non-positive count");
        let q = self.0 / divisor;
        let r = self.0 % divisor;
        // |r| * 2 >= divisor means the fraction is at least one half.
        if r.abs() * 2 >= divisor {
            Fen(q + self.0.signum())
        } else {
            Fen(q)
        }
    }
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
        '．' | '。' => '.',
        '，' => ',',
        '－' => '-',
        '＋' => '+',
        '￥' => '¥',
        other => other,
    }
}

/// Removes thousands separators if they are placed correctly; returns None for anything else.
fn strip_grouping(int_part: &str) -> Option<String> {
    if !int_part.contains(',') {
        return int_part
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| int_part.to_string());
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let first = groups[0];
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if groups[1..]
        .iter()
        .any(|g| g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    Some(groups.concat())
}

impl fmt::Display for Fen {
    /// Yuan with exactly two decimals, the form exports use: `-1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        Fen(iter.map(|f| f.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_people_write() {
        assert_eq!(Fen::parse("1,234.5"), Ok(Fen(123450)));
        assert_eq!(Fen::parse("1234.50"), Ok(Fen(123450)));
        assert_eq!(Fen::parse("0"), Ok(Fen(0)));
        assert_eq!(Fen::parse("-12"), Ok(Fen(-1200)));
        assert_eq!(Fen::parse(".5"), Ok(Fen(50)));
        assert_eq!(Fen::parse("7."), Ok(Fen(700)));
        assert_eq!(Fen::parse("¥8.01"), Ok(Fen(801)));
        assert_eq!(Fen::parse("１，２３４．５"), Ok(Fen(123450)));
        assert_eq!(Fen::parse(" 1 234 "), Ok(Fen(123400)));
    }

    #[test]
    fn rejects_what_is_not_money() {
        for bad in [
            "", "-", ".", "1.234", "12,34", "1,2345", ",123", "abc", "1e3", "1.2.3", "--1",
        ] {
            assert!(Fen::parse(bad).is_err(), "{bad:?} should be rejected");
        }
        assert_eq!(
            Fen::parse("999999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn displays_two_decimals() {
        assert_eq!(Fen(123450).to_string(), "1234.50");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
    }

    #[test]
    fn divides_half_away_from_zero() {
        assert_eq!(Fen(10).div_round(4), Fen(3)); // 2.5 -> 3
        assert_eq!(Fen(-10).div_round(4), Fen(-3));
        assert_eq!(Fen(9).div_round(4), Fen(2)); // 2.25 -> 2
        assert_eq!(Fen(100).div_round(3), Fen(33));
        assert_eq!(Fen(200).div_round(3), Fen(67));
    }
}
