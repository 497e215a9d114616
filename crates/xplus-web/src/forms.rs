//! Forms for the registry records, built from the bundle format's columns: one field per
//! column, parsed by the same cell parser as an import, so a page and a spreadsheet accept and
//! refuse exactly the same values. Each refusal lands beside its field.

use crate::i18n::Lang;
use xplus_core::interchange::schema::MEMBERS;
use xplus_core::interchange::{cell, ColumnType, FileSpec, Value};
use xplus_core::values::Date;
use xplus_store::records::FieldProblem;

/// One input of a record form, ready for the template.
#[derive(Debug, Clone)]
pub struct Field {
    /// The form field's name: the column's, or with a prefix (`head_name`) when one form holds
    /// two records.
    pub name: String,
    pub label: String,
    /// text, number, date, select, multi
    pub kind: &'static str,
    pub value: String,
    /// (value, label, selected)
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
    pub readonly: bool,
    pub error: Option<String>,
}

pub fn column_label(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.replace('_', " "),
    }
}

/// The fields of `spec` showing `values` (the stored row, or what the user typed);
/// `readonly` columns (keys that cannot change) are shown but not editable.
pub fn fields(
    lang: Lang,
    spec: &'static FileSpec,
    values: &[String],
    readonly: &[usize],
    problems: &[FieldProblem],
) -> Vec<Field> {
    spec.columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = values.get(i).cloned().unwrap_or_default();
            let chosen: Vec<&str> = value.split(';').map(str::trim).collect();
            let (kind, options) = match column.ty {
                ColumnType::Enum(e) => (
                    "select",
                    std::iter::once((String::new(), "—".to_string(), value.is_empty()))
                        .filter(|_| !column.required)
                        .chain(e.values.iter().map(|(code, zh)| {
                            (code.to_string(), lang.label(code, zh), value == *code)
                        }))
                        .collect(),
                ),
                ColumnType::Multi(e) => (
                    "multi",
                    e.values
                        .iter()
                        .map(|(code, zh)| {
                            (
                                code.to_string(),
                                lang.label(code, zh),
                                chosen.contains(code),
                            )
                        })
                        .collect(),
                ),
                ColumnType::Bool => (
                    "select",
                    vec![
                        (String::new(), "—".into(), value.is_empty()),
                        ("1".into(), lang.t("是", "yes").into(), value == "1"),
                        ("0".into(), lang.t("否", "no").into(), value == "0"),
                    ],
                ),
                ColumnType::Date => ("date", Vec::new()),
                ColumnType::Year | ColumnType::Int { .. } | ColumnType::Money { .. } => {
                    ("number", Vec::new())
                }
                _ => ("text", Vec::new()),
            };
            let error = problems
                .iter()
                .filter(|p| p.field == column.en)
                .map(|p| lang.pick(&p.message))
                .collect::<Vec<_>>();
            Field {
                name: column.en.to_string(),
                label: column_label(lang, column.zh, column.en),
                kind,
                value,
                options,
                required: column.required,
                readonly: readonly.contains(&i),
                error: (!error.is_empty()).then(|| error.join("；")),
            }
        })
        .collect()
}

/// The prefix of the head's fields on the form that registers a household with its head.
pub const HEAD_PREFIX: &str = "head_";

/// The head's fields on that form: a members row without the household (it is the one being
/// registered) and the relation (head), named `head_<column>`; `problems` name the members
/// columns.
pub fn head_fields(lang: Lang, values: &[String], problems: &[FieldProblem]) -> Vec<Field> {
    fields(lang, &MEMBERS, values, &[], problems)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != 0 && *i != 3)
        .map(|(_, mut f)| {
            f.name = format!("{HEAD_PREFIX}{}", f.name);
            f
        })
        .collect()
}

/// What the user submitted for the head, as a members row of household `id`.
pub fn submitted_head(id: &str, pairs: &[(String, String)]) -> Vec<String> {
    let prefixed: Vec<(String, String)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(HEAD_PREFIX)?.to_string(), v.clone())))
        .filter(|(k, _)| k != "household_id" && k != "relation")
        .collect();
    let mut text = submitted(&MEMBERS, &prefixed);
    text[0] = id.to_string();
    text[3] = "head".into();
    text
}

/// A stored row as the form shows it (codes, not labels; money in yuan).
pub fn row_text(spec: &FileSpec, values: &[Value]) -> Vec<String> {
    spec.columns
        .iter()
        .zip(values)
        .map(|(c, v)| cell::format(c, v, false))
        .collect()
}

/// What the user submitted, per column (several checked boxes of one column joined by ';').
pub fn submitted(spec: &FileSpec, pairs: &[(String, String)]) -> Vec<String> {
    spec.columns
        .iter()
        .map(|c| {
            pairs
                .iter()
                .filter(|(k, _)| k == c.en)
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect()
}

/// Parses the submitted text of every column; the refusals by field when any cell is bad.
pub fn parse(
    spec: &FileSpec,
    text: &[String],
    today: Date,
) -> Result<Vec<Value>, Vec<FieldProblem>> {
    let mut values = Vec::with_capacity(spec.columns.len());
    let mut problems = Vec::new();
    for (column, raw) in spec.columns.iter().zip(text) {
        match cell::parse(column, raw, today) {
            Ok(v) => values.push(v),
            Err(message) => problems.push(FieldProblem {
                field: column.en.to_string(),
                message,
            }),
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(problems)
    }
}

pub fn form_value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use xplus_core::interchange::schema::HOUSEHOLDS;

    #[test]
    fn multi_values_join_and_bad_cells_name_their_field() {
        let pairs: Vec<(String, String)> = [
            ("household_id", "H1"),
            ("village_code", "341102001001"),
            ("identified_year", "2014"),
            ("status", "poor"),
            ("causes", "illness"),
            ("causes", "labour"),
            ("food_secure", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let text = submitted(&HOUSEHOLDS, &pairs);
        assert_eq!(text[5], "illness;labour");
        let today = xplus_core::values::parse_date("2026-11-29").unwrap();
        let problems = parse(&HOUSEHOLDS, &text, today).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "food_secure");
        assert_eq!(url_encode("/a b?c"), "%2Fa%20b%3Fc");
    }
}
