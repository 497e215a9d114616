//! Conditions of a query, built from typed arguments only: the SQL text comes from this crate,
//! the values are always bound, never spliced in.

use crate::error::Refusal;
use crate::error::StoreError;
use chrono::NaiveDate;
use xplus_core::interchange::Value;

/// PostgreSQL cannot hold U+0000 in text and answers a query that carries one with an error.
/// It is bad input, on both backends alike, said before any SQL runs: whatever path a NUL
/// came by (a search box, a form the text rules missed), SQLite must not store text that
/// PostgreSQL could not take.
pub(crate) fn refuse_nul<'a>(args: impl IntoIterator<Item = &'a Arg>) -> Result<(), StoreError> {
    let nul = args
        .into_iter()
        .any(|a| matches!(a, Arg::Text(t) | Arg::MaybeText(Some(t)) if t.contains('\0')));
    if nul {
        return Err(nul_error());
    }
    Ok(())
}

/// As [`refuse_nul`], for the values of a row to write.
pub(crate) fn refuse_nul_values(values: &[Value]) -> Result<(), StoreError> {
    if values
        .iter()
        .any(|v| matches!(v, Value::Text(t) if t.contains('\0')))
    {
        return Err(nul_error());
    }
    Ok(())
}

fn nul_error() -> StoreError {
    StoreError::Refused(Refusal::Invalid(
        "文字中含有空字符（U+0000），不能保存或查询 / the text holds a NUL character (U+0000), which can be neither stored nor searched for"
            .into(),
    ))
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arg {
    Text(String),
    Int(i64),
    Date(NaiveDate),
    /// A yes/no column (BOOLEAN on PostgreSQL, 0/1 on SQLite).
    Bool(bool),
    /// Text or NULL (typed, so that PostgreSQL knows the parameter's type).
    MaybeText(Option<String>),
    /// An integer or NULL.
    MaybeInt(Option<i64>),
    /// A yes/no or NULL.
    MaybeBool(Option<bool>),
    /// A date or NULL.
    MaybeDate(Option<NaiveDate>),
}

/// Conditions joined by AND; each is SQL with `?` for its arguments, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    parts: Vec<(String, Vec<Arg>)>,
    /// The county codes every household these conditions select lies between, when known (a
    /// region's reach). Not a condition: the reads of tables whose rows carry their household's
    /// county narrow by it first (`within_scope_by_county`), one index range instead of every
    /// row of the table matched against the households.
    counties: Option<(i64, i64)>,
}

impl Filter {
    pub fn new() -> Filter {
        Filter::default()
    }

    pub fn and(mut self, sql: impl Into<String>, args: Vec<Arg>) -> Filter {
        let sql = sql.into();
        debug_assert_eq!(sql.matches('?').count(), args.len(), "{sql}");
        self.parts.push((sql, args));
        self
    }

    /// These conditions and `other`'s.
    pub fn merge(mut self, other: Filter) -> Filter {
        self.parts.extend(other.parts);
        match other.counties {
            Some((lo, hi)) => self.in_counties(lo, hi),
            None => self,
        }
    }

    /// States that every household these conditions select lies in a county whose code is
    /// between `lo` and `hi` (it adds no condition of its own); stated twice, both hold.
    pub fn in_counties(mut self, lo: i64, hi: i64) -> Filter {
        self.counties = Some(match self.counties {
            Some((first, last)) => (first.max(lo), last.min(hi)),
            None => (lo, hi),
        });
        self
    }

    /// The county codes every household selected lies between, when stated.
    pub fn counties(&self) -> Option<(i64, i64)> {
        self.counties
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    pub fn args(&self) -> impl Iterator<Item = &Arg> {
        self.parts.iter().flat_map(|(_, a)| a)
    }

    /// ` WHERE …` with each `?` replaced by the backend's placeholder, or nothing.
    pub fn render_where(&self, placeholder: &mut dyn FnMut() -> String) -> String {
        if self.parts.is_empty() {
            return String::new();
        }
        let mut out = String::from(" WHERE ");
        for (i, (sql, _)) in self.parts.iter().enumerate() {
            if i > 0 {
                out.push_str(" AND ");
            }
            out.push('(');
            for ch in sql.chars() {
                if ch == '?' {
                    out.push_str(&placeholder());
                } else {
                    out.push(ch);
                }
            }
            out.push(')');
        }
        out
    }
}

/// `sql` with each `?` replaced by the backend's placeholder (the SQL text is this crate's own,
/// with no `?` inside a string literal).
pub(crate) fn render_marks(sql: &str, placeholder: &mut dyn FnMut() -> String) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    for ch in sql.chars() {
        if ch == '?' {
            out.push_str(&placeholder());
        } else {
            out.push(ch);
        }
    }
    out
}

/// `?, ?, …` for `n` arguments (an IN list).
pub(crate) fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_numbered_placeholders() {
        let f = Filter::new()
            .and("a = ?", vec![Arg::Int(1)])
            .and("b IN (?, ?)", vec![Arg::Int(2), Arg::Int(3)]);
        let mut n = 0;
        let sql = f.render_where(&mut || {
            n += 1;
            format!("${n}")
        });
        assert_eq!(sql, " WHERE (a = $1) AND (b IN ($2, $3))");
        assert_eq!(f.args().count(), 3);
        assert_eq!(Filter::new().render_where(&mut || "?".into()), "");
    }

    #[test]
    fn stated_counties_only_narrow() {
        let city = Filter::new().in_counties(341100000000, 341199999999);
        let county = Filter::new().in_counties(341181000000, 341181999999);
        assert_eq!(
            city.clone().merge(county.clone()).counties(),
            Some((341181000000, 341181999999))
        );
        assert_eq!(
            county.in_counties(341100000000, 341199999999).counties(),
            Some((341181000000, 341181999999))
        );
        assert_eq!(
            city.merge(Filter::new()).counties(),
            Some((341100000000, 341199999999))
        );
        assert!(Filter::new().counties().is_none());
        // A statement adds no condition.
        assert!(Filter::new().in_counties(1, 2).is_empty());
    }
}
