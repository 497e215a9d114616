//! Region codes: the 12-digit statistical division codes (统计用区划代码). Six-digit GB/T 2260
//! codes for a province, city or county are accepted and padded with zeros.

use std::fmt;

crate::labelled_enum! {
    /// Administrative level, derived from which digits of the code are non-zero.
    pub enum Level {
        Province = ("province", "省"),
        City = ("city", "市"),
        County = ("county", "县"),
        Town = ("town", "乡镇"),
        Village = ("village", "村"),
    }
}

/// The two leading digits of GB/T 2260's provincial-level divisions (31 on the mainland, then
/// Taiwan, Hong Kong and Macao): the registry's tables can be split by them (a national
/// PostgreSQL database partitions its large tables per province).
pub const PROVINCE_PREFIXES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// The 12-digit codes that lie in the province with these two leading digits, as a half-open
/// range: every code of a province shares its first two digits.
pub fn province_span(prefix: u8) -> std::ops::Range<u64> {
    let start = u64::from(prefix) * 10_000_000_000;
    start..start + 10_000_000_000
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionCode(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error(
        "区划代码应为12位（或6位国标码）数字 / a region code has 12 digits (or 6 for GB/T 2260)"
    )]
    Length,
    #[error("区划代码的省级部分无效 / the province part of the region code is not valid")]
    Province,
    #[error("区划代码层级不连续（上级部分为零而下级不为零）/ the code skips a level")]
    Gap,
}

impl RegionCode {
    pub fn parse(input: &str) -> Result<RegionCode, RegionCodeError> {
        let s = input.trim();
        let s = s.strip_suffix(".0").unwrap_or(s);
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionCodeError::Length);
        }
        let value: u64 = match s.len() {
            12 => s.parse().map_err(|_| RegionCodeError::Length)?,
            6 => s.parse::<u64>().map_err(|_| RegionCodeError::Length)? * 1_000_000,
            _ => return Err(RegionCodeError::Length),
        };
        RegionCode::from_u64(value)
    }

    pub fn from_u64(value: u64) -> Result<RegionCode, RegionCodeError> {
        if !(100_000_000_000..1_000_000_000_000).contains(&value) {
            return Err(RegionCodeError::Length);
        }
        let province = value / 10_000_000_000;
        if !(11..=82).contains(&province) {
            return Err(RegionCodeError::Province);
        }
        let code = RegionCode(value);
        // A zero segment followed by a non-zero one (e.g. 340000000100) names no real division.
        let segs = code.segments();
        let first_zero = segs.iter().position(|&s| s == 0).unwrap_or(segs.len());
        if segs[first_zero..].iter().any(|&s| s != 0) {
            return Err(RegionCodeError::Gap);
        }
        Ok(code)
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    /// [province 2, city 2, county 2, town 3, village 3] as numbers.
    fn segments(self) -> [u64; 5] {
        let v = self.0;
        [
            v / 10_000_000_000,
            v / 100_000_000 % 100,
            v / 1_000_000 % 100,
            v / 1_000 % 1_000,
            v % 1_000,
        ]
    }

    pub fn level(self) -> Level {
        let s = self.segments();
        if s[4] != 0 {
            Level::Village
        } else if s[3] != 0 {
            Level::Town
        } else if s[2] != 0 {
            Level::County
        } else if s[1] != 0 {
            Level::City
        } else {
            Level::Province
        }
    }

    /// The code of the enclosing division one level up, or None for a province.
    pub fn parent(self) -> Option<RegionCode> {
        let v = self.0;
        let p = match self.level() {
            Level::Province => return None,
            Level::City => v / 10_000_000_000 * 10_000_000_000,
            Level::County => v / 100_000_000 * 100_000_000,
            Level::Town => v / 1_000_000 * 1_000_000,
            Level::Village => v / 1_000 * 1_000,
        };
        Some(RegionCode(p))
    }

    /// The divisions enclosing this code, the nearest first, up to its province.
    pub fn ancestors(self) -> impl Iterator<Item = RegionCode> {
        std::iter::successors(self.parent(), |r| r.parent())
    }

    /// The county this code lies in (itself for a county), or None above county level. Large
    /// tables are keyed by it so they can be partitioned per county.
    pub fn county(self) -> Option<RegionCode> {
        match self.level() {
            Level::Province | Level::City => None,
            _ => Some(RegionCode(self.0 / 1_000_000 * 1_000_000)),
        }
    }

    /// True when `self` is `other` or lies inside it.
    pub fn is_within(self, other: RegionCode) -> bool {
        let divisor = match other.level() {
            Level::Province => 10_000_000_000,
            Level::City => 100_000_000,
            Level::County => 1_000_000,
            Level::Town => 1_000,
            Level::Village => 1,
        };
        self.0 / divisor == other.0 / divisor
    }

    /// The six-digit GB/T 2260 prefix (province, city, county).
    pub fn gb2260(self) -> u32 {
        (self.0 / 1_000_000) as u32
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:012}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn a_province_span_holds_its_own_codes_and_no_other() {
        for prefix in PROVINCE_PREFIXES {
            let span = province_span(prefix);
            let province = RegionCode::from_u64(span.start).unwrap();
            assert_eq!(province.level(), Level::Province);
            assert!(span.contains(&(span.start + 81_000_000)), "{prefix}");
            assert!(!span.contains(&span.end));
        }
        assert!(province_span(34).contains(&code("341181100201").as_u64()));
        assert!(!province_span(32).contains(&code("341181100201").as_u64()));
    }

    #[test]
    fn ancestors_run_from_the_parent_to_the_province() {
        let up: Vec<RegionCode> = code("341181100201").ancestors().collect();
        let want = [
            "341181100000",
            "341181000000",
            "341100000000",
            "340000000000",
        ]
        .map(code);
        assert_eq!(up, want);
        assert_eq!(code("340000000000").ancestors().count(), 0);
    }

    #[test]
    fn levels_and_parents() {
        let village = code("341181100201");
        assert_eq!(village.level(), Level::Village);
        assert_eq!(village.parent(), Some(code("341181100000")));
        assert_eq!(code("341181100000").level(), Level::Town);
        assert_eq!(code("341181100000").parent(), Some(code("341181000000")));
        assert_eq!(code("341181").level(), Level::County);
        assert_eq!(code("341181").parent(), Some(code("341100000000")));
        assert_eq!(code("341100").level(), Level::City);
        assert_eq!(code("340000").level(), Level::Province);
        assert_eq!(code("340000").parent(), None);
        assert_eq!(village.county(), Some(code("341181000000")));
        assert!(village.is_within(code("341100000000")));
        assert!(!village.is_within(code("341182000000")));
        assert_eq!(village.to_string(), "341181100201");
        assert_eq!(village.gb2260(), 341181);
    }

    #[test]
    fn rejects_bad_codes() {
        for bad in [
            "34118110020",
            "3411811002011",
            "34118a100201",
            "991181100201",
            "340000000100",
            "",
        ] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
