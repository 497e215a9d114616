//! One cell of a bundle: parsed from text into a typed [`Value`] by its column's type, and
//! written back as text. Parsing rejects what the interchange format does not allow, with a
//! reason in plain words (Chinese, then English).

use super::schema::{Column, ColumnType};
use crate::money::Fen;
use crate::registry::{IdNumber, RegionCode};
use crate::text::{self, TextKind};
use crate::values::{self, Date};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Date(Date),
    Money(Fen),
    /// An enumeration value by its English code.
    Code(&'static str),
    /// Several codes of one enumeration, in the order given, without repeats.
    Codes(Vec<&'static str>),
    Region(RegionCode),
    Id(IdNumber),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_money(&self) -> Option<Fen> {
        match self {
            Value::Money(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_code(&self) -> Option<&'static str> {
        match self {
            Value::Code(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_region(&self) -> Option<RegionCode> {
        match self {
            Value::Region(v) => Some(*v),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }
}

pub use crate::text::MAX_TEXT_CHARS;

/// Largest amount accepted in a money cell: 10,000 亿 yuan. Far above any real amount, and low
/// enough that sums of a few such amounts can never overflow.
pub const MAX_MONEY: Fen = Fen(100_000_000_000_000);

/// Parses one cell. `today` bounds birth dates in identity numbers.
pub fn parse(column: &Column, raw: &str, today: Date) -> Result<Value, String> {
    let s = raw.trim();
    if s.is_empty() {
        return if column.required {
            Err("必填项为空 / required value is empty".into())
        } else {
            Ok(Value::Null)
        };
    }
    match column.ty {
        ColumnType::Text | ColumnType::Key | ColumnType::Name => {
            let kind = match column.ty {
                ColumnType::Key => TextKind::Key,
                ColumnType::Name => TextKind::Name,
                _ => TextKind::Free,
            };
            text::field(kind, s).map(Value::Text)
        }
        ColumnType::Region => RegionCode::parse(s)
            .map(Value::Region)
            .map_err(|e| e.to_string()),
        ColumnType::Bool => values::parse_bool(s).map(Value::Bool).ok_or_else(|| {
            "应为 是/否、1/0、true/false、yes/no、Y/N / must be yes or no".to_string()
        }),
        ColumnType::Date => values::parse_date(s).map(Value::Date),
        ColumnType::Year => match values::parse_int(s) {
            Some(y) if (1949..=2100).contains(&y) => Ok(Value::Int(y)),
            _ => Err("年度应为四位年份 / a year has four digits (1949–2100)".into()),
        },
        ColumnType::Int { min, max } => match values::parse_int(s) {
            Some(v) if v >= min && v <= max => Ok(Value::Int(v)),
            Some(_) if max >= 1_000_000_000_000 => Err(format!(
                "应为不小于{min}的整数 / must be a whole number of at least {min}"
            )),
            Some(_) => Err(format!(
                "应在{min}到{max}之间 / must be between {min} and {max}"
            )),
            None => Err("应为整数 / must be a whole number".into()),
        },
        ColumnType::Money { negative } => match Fen::parse(s) {
            Ok(f) if f.is_negative() && !negative => {
                Err("金额不能为负数 / the amount may not be negative".into())
            }
            Ok(f) if f.0.abs() > MAX_MONEY.0 => {
                Err("金额超出范围（最大1万亿元）/ the amount is out of range (at most 10^12 yuan)".into())
            }
            Ok(f) => Ok(Value::Money(f)),
            Err(e) => Err(e.to_string()),
        },
        ColumnType::Enum(spec) => spec
            .parse(s)
            .map(Value::Code)
            .ok_or_else(|| format!("未知的取值，可选：{} / unknown value", spec.describe())),
        ColumnType::Multi(spec) => {
            let mut codes: Vec<&'static str> = Vec::new();
            for piece in values::split_multi(s) {
                let code = spec.parse(piece).ok_or_else(|| {
                    format!(
                        "未知的取值“{}”，可选：{} / unknown value",
                        text::excerpt(piece, text::EXCERPT_CHARS),
                        spec.describe()
                    )
                })?;
                if !codes.contains(&code) {
                    codes.push(code);
                }
            }
            Ok(if codes.is_empty() {
                Value::Null
            } else {
                Value::Codes(codes)
            })
        }
        ColumnType::IdNumber => IdNumber::parse(s, today).map(Value::Id).map_err(|e| {
            if s.contains(['E', 'e']) && s.contains('+') {
                "身份证号被 Excel 存成了数字（科学计数法），后几位已丢失；请把该列设为文本后重新录入 / Excel stored the ID number as a number and lost its last digits; format the column as text and enter it again".to_string()
            } else {
                e.to_string()
            }
        }),
    }
}

/// Writes a cell as text. With `chinese`, enumerations use their Chinese labels and booleans
/// 是/否, which Excel users read more easily; both forms import back to the same value.
pub fn format(column: &Column, value: &Value, chinese: bool) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(s) => s.clone(),
        Value::Int(v) => v.to_string(),
        Value::Bool(b) => match (chinese, b) {
            (true, true) => "是".into(),
            (true, false) => "否".into(),
            (false, true) => "1".into(),
            (false, false) => "0".into(),
        },
        Value::Date(d) => values::format_date(*d),
        Value::Money(f) => f.to_string(),
        Value::Code(c) => label(column, c, chinese),
        Value::Codes(cs) => cs
            .iter()
            .map(|c| label(column, c, chinese))
            .collect::<Vec<_>>()
            .join(if chinese { "、" } else { ";" }),
        Value::Region(r) => r.to_string(),
        Value::Id(id) => id.to_string(),
    }
}

fn label(column: &Column, code: &str, chinese: bool) -> String {
    let spec = match column.ty {
        ColumnType::Enum(s) | ColumnType::Multi(s) => Some(s),
        _ => None,
    };
    match (chinese, spec.and_then(|s| s.label_zh(code))) {
        (true, Some(zh)) => zh.to_string(),
        _ => code.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};

    fn today() -> Date {
        values::parse_date("2026-11-29").unwrap()
    }

    #[test]
    fn enums_by_code_or_label_and_back() {
        let status = &HOUSEHOLDS.columns[3];
        assert_eq!(parse(status, "已脱贫", today()), Ok(Value::Code("exited")));
        assert_eq!(parse(status, "Exited", today()), Ok(Value::Code("exited")));
        let err = parse(status, "gone", today()).unwrap_err();
        assert!(err.contains("poor 贫困"), "{err}");
        assert_eq!(format(status, &Value::Code("exited"), true), "已脱贫");
        assert_eq!(format(status, &Value::Code("exited"), false), "exited");
        let causes = &HOUSEHOLDS.columns[5];
        let v = parse(causes, "因病；disability、因病", today()).unwrap();
        assert_eq!(v, Value::Codes(vec!["illness", "disability"]));
        assert_eq!(format(causes, &v, true), "因病、因残");
        assert_eq!(format(causes, &v, false), "illness;disability");
    }

    #[test]
    fn required_optional_and_ranges() {
        let id = &MEMBERS.columns[1];
        assert!(parse(id, "", today()).unwrap_err().contains("必填"));
        let months = &MEMBERS.columns[9];
        assert_eq!(parse(months, "", today()), Ok(Value::Null));
        assert_eq!(parse(months, "12", today()), Ok(Value::Int(12)));
        assert!(parse(months, "13", today()).is_err());
        let wage = &INCOMES.columns[2];
        assert_eq!(
            parse(wage, "1,234.5", today()),
            Ok(Value::Money(Fen(123450)))
        );
        assert!(parse(wage, "-1", today()).unwrap_err().contains("负数"));
        let year = &INCOMES.columns[1];
        assert_eq!(parse(year, "2016", today()), Ok(Value::Int(2016)));
        assert!(parse(year, "16", today()).is_err());
    }
}
