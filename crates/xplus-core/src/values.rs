//! Parsers for the scalar cell formats of the interchange format (booleans, dates, years,
//! integers, multi-valued cells). Each returns a plain-words reason on failure.

use chrono::NaiveDate;

pub type Date = NaiveDate;

/// `1/0`, `true/false`, `yes/no`, `Y/N`, `是/否` (also `T/F`, `对/错` are not accepted: the
/// interchange format names its forms and we keep to them). Empty is handled by the caller.
pub fn parse_bool(input: &str) -> Option<bool> {
    let s = input.trim();
    match s.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "是" => Some(true),
        "0" | "false" | "no" | "n" | "否" => Some(false),
        _ => None,
    }
}

/// `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY年MM月DD日` (months and days may have one digit).
/// The date must exist in the calendar: 1999-02-30 is rejected.
pub fn parse_date(input: &str) -> Result<Date, String> {
    let s = input.trim();
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        rest.split(['年', '月']).collect()
    } else if s.contains('-') {
        s.split('-').collect()
    } else {
        s.split('/').collect()
    };
    let bad = || "日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD".to_string();
    if parts.len() != 3
        || parts[0].len() != 4
        || !(1..=2).contains(&parts[1].len())
        || !(1..=2).contains(&parts[2].len())
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let y: i32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let d: u32 = parts[2].parse().map_err(|_| bad())?;
    if !(1800..=2200).contains(&y) {
        return Err(format!(
            "年份 {y} 不在1800–2200之间 / the year {y} is outside 1800–2200"
        ));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        format!("日历上没有这一天 / no such day in the calendar: {y:04}-{m:02}-{d:02}")
    })
}

pub fn format_date(d: Date) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A whole number, allowing a trailing `.0` that Excel likes to add.
pub fn parse_int(input: &str) -> Option<i64> {
    let s = input.trim();
    let s = s.strip_suffix(".0").unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    s.parse().ok()
}

/// Splits a multi-valued cell on `;`, `；` or `、`, dropping empty pieces.
pub fn split_multi(input: &str) -> impl Iterator<Item = &str> {
    input
        .split([';', '；', '、'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_three_forms() {
        let d = NaiveDate::from_ymd_opt(2016, 3, 5).unwrap();
        assert_eq!(parse_date("2016-03-05"), Ok(d));
        assert_eq!(parse_date("2016/3/5"), Ok(d));
        assert_eq!(parse_date("2016年03月05日"), Ok(d));
        assert!(parse_date("1999-02-30").unwrap_err().contains("1999-02-30"));
        assert!(parse_date("2016-13-01").is_err());
        assert!(parse_date("16-03-05").is_err());
        assert!(parse_date("2016.03.05").is_err());
        assert!(parse_date("0000-02-29").is_err());
    }

    #[test]
    fn booleans() {
        for t in ["1", "true", "YES", "y", "是"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["0", "False", "no", "N", "否"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn multi_cells() {
        let v: Vec<_> = split_multi("illness；disability、 skills;").collect();
        assert_eq!(v, ["illness", "disability", "skills"]);
    }

    #[test]
    fn ints_with_excel_suffix() {
        assert_eq!(parse_int("12"), Some(12));
        assert_eq!(parse_int("12.0"), Some(12));
        assert_eq!(parse_int("12.5"), None);
        assert_eq!(parse_int(""), None);
    }
}
