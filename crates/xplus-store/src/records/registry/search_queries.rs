//! The SQL of the search box (registry/search.rs): people through the index of migration 0019
//! (SQLite's FTS5 trigram table, PostgreSQL's pg_trgm index), households by the start of their
//! number, regions by a part of their name. Each candidate the index gives is checked against
//! the name or the number itself, so the index may over-match but never decides alone.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named};
use crate::session::shape::{column, shape};
use crate::store::Backend;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode, Relation};

/// A member found, with their household's village and head.
pub(in crate::records) struct PersonRow {
    pub household_id: String,
    pub village: RegionCode,
    pub village_name: Option<String>,
    pub id_number: String,
    pub name: String,
    pub relation: Relation,
    pub head_name: Option<String>,
}

impl FromRow for PersonRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Members,
        "search_people",
        "查找人员",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("village_name", ColumnType::Text),
            column("id_number", ColumnType::Text),
            column("name", ColumnType::Text),
            column("relation", ColumnType::Enum(&Relation::SPEC)),
            column("head_name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PersonRow {
            household_id: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
            village_name: r.text("village_name").map(str::to_string),
            id_number: r.text("id_number")?.to_string(),
            name: r.text("name")?.to_string(),
            relation: r.code("relation").and_then(Relation::parse)?,
            head_name: r.text("head_name").map(str::to_string),
        })
    }
}

/// A household found by its number.
pub(in crate::records) struct HouseholdRow {
    pub id: String,
    pub village: RegionCode,
    pub village_name: Option<String>,
    pub status: HouseholdStatus,
    pub head_name: Option<String>,
}

impl FromRow for HouseholdRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "search_households",
        "查找贫困户",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("village_name", ColumnType::Text),
            column("status", ColumnType::Enum(&HouseholdStatus::SPEC)),
            column("head_name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HouseholdRow {
            id: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
            village_name: r.text("village_name").map(str::to_string),
            status: r.code("status").and_then(HouseholdStatus::parse)?,
            head_name: r.text("head_name").map(str::to_string),
        })
    }
}

/// A region found by its name, with the names of the two regions above it.
pub(in crate::records) struct RegionRow {
    pub code: RegionCode,
    pub name: String,
    pub parent_name: Option<String>,
    pub grandparent_name: Option<String>,
}

impl FromRow for RegionRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Regions,
        "search_regions",
        "查找区划",
        &[
            column("code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("parent_name", ColumnType::Text),
            column("grandparent_name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(RegionRow {
            code: r.region("code")?,
            name: r.text("name")?.to_string(),
            parent_name: r.text("parent_name").map(str::to_string),
            grandparent_name: r.text("grandparent_name").map(str::to_string),
        })
    }
}

/// `text` inside a LIKE pattern with `\` as its escape: its `%`, `_` and `\` stand for
/// themselves.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as an FTS5 string (double quotes doubled).
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// What the people's index is asked for `text` (a name part or an identity-number fragment):
/// SQLite's FTS5 query, or PostgreSQL's LIKE patterns over `xplus_person_terms`. Two characters
/// are the start or the end of a word of the indexed text (migrations 0019); three or more, any
/// place.
fn index_condition(backend: Backend, text: &str) -> (String, Vec<Arg>) {
    let chars: Vec<char> = text.chars().collect();
    match backend {
        Backend::Sqlite => {
            let query = if chars.len() < 3 {
                format!(
                    "{} OR {}",
                    fts_string(&format!(" {text}")),
                    fts_string(&format!("{text} "))
                )
            } else {
                // detail=none keeps no positions: each trigram is asked for on its own, and
                // the check on the row itself puts them in order.
                let grams: Vec<String> = chars
                    .windows(3)
                    .map(|w| fts_string(&w.iter().collect::<String>()))
                    .collect();
                grams.join(" AND ")
            };
            ("person_terms MATCH ?".into(), vec![Arg::Text(query)])
        }
        Backend::Postgres => {
            let terms = "xplus_person_terms(m.name, m.id_number)";
            let e = like_escaped(text);
            if chars.len() < 3 {
                (
                    format!("{terms} LIKE ? ESCAPE '\\' OR {terms} LIKE ? ESCAPE '\\'"),
                    vec![Arg::Text(format!("% {e}%")), Arg::Text(format!("%{e} %"))],
                )
            } else {
                (
                    format!("{terms} LIKE ? ESCAPE '\\'"),
                    vec![Arg::Text(format!("%{e}%"))],
                )
            }
        }
    }
}

/// How a member matches: a part of the name, or of the identity number (`inside`), or only its
/// end (for those who see numbers masked, whose hidden digits must not be probed).
pub(in crate::records) enum PersonMatch<'a> {
    Name(&'a str),
    IdInside(&'a str),
    IdEnd(&'a str),
}

impl PersonMatch<'_> {
    /// The words matched.
    fn text(&self) -> &str {
        match self {
            PersonMatch::Name(t) | PersonMatch::IdInside(t) | PersonMatch::IdEnd(t) => t,
        }
    }
}

/// The function whose `f(haystack, needle) > 0` says that one text holds another.
fn contains(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "instr",
        Backend::Postgres => "strpos",
    }
}

/// The members matching `how`, with their household's village, as a table `c` of
/// household_id, village_code, id_number, name, relation: unqualified, so that the account's
/// reach (a filter on households' columns) applies to it as it is.
fn people_from(backend: Backend, how: &PersonMatch<'_>) -> (String, Vec<Arg>) {
    let (index, mut args) = index_condition(backend, how.text());
    let contains = contains(backend);
    let check = match how {
        PersonMatch::Name(t) => {
            args.push(Arg::Text(t.to_string()));
            format!("{contains}(m.name, ?) > 0")
        }
        PersonMatch::IdInside(t) => {
            args.push(Arg::Text(t.to_string()));
            format!("{contains}(m.id_number, ?) > 0")
        }
        PersonMatch::IdEnd(t) => {
            // Digits and X only (core's `SearchText::id_fragment`): nothing to escape.
            args.push(Arg::Text(format!("%{t}")));
            "m.id_number LIKE ?".to_string()
        }
    };
    let source = match backend {
        // The index's rowid is the first 17 digits of the number; the 18th follows from them.
        Backend::Sqlite => {
            "person_terms t JOIN members m ON m.id_number \
             BETWEEN printf('%017d', t.rowid) AND printf('%017d', t.rowid) || 'X'"
        }
        Backend::Postgres => "members m",
    };
    let sql = format!(
        "(SELECT m.household_id, h.village_code, m.id_number, m.name, m.relation \
         FROM {source} JOIN households h ON h.household_id = m.household_id \
         WHERE ({index}) AND {check}) c"
    );
    (sql, args)
}

/// The name of the village `c.village_code`.
const VILLAGE_OF_C: &str = "(SELECT r.name FROM regions r WHERE r.code = c.village_code)";

/// The people matching `how` within `scope` (a filter on households' columns): how many, and
/// the statement of a page of them (exact names first, then heads, then by village) with its
/// arguments before the limit and offset.
pub(in crate::records) fn people(
    backend: Backend,
    how: &PersonMatch<'_>,
    scope: &Filter,
) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
    let (from, mut args) = people_from(backend, how);
    let within = scope.render_where(&mut || "?".into());
    args.extend(scope.args().cloned());
    let count = format!("SELECT COUNT(*) AS n FROM {from}{within}");
    let exact = Arg::Text(how.text().to_string());
    let head = crate::session::head_name_of("c.household_id");
    let page = format!(
        "SELECT c.household_id, c.village_code, {VILLAGE_OF_C} AS village_name, c.id_number, \
         c.name, c.relation, {head} AS head_name FROM {from}{within} \
         ORDER BY CASE WHEN c.name = ? THEN 0 ELSE 1 END, \
         CASE WHEN c.relation = 'head' THEN 0 ELSE 1 END, c.village_code, c.household_id, \
         c.id_number LIMIT ? OFFSET ?"
    );
    let mut page_args = args.clone();
    page_args.push(exact);
    ((count, args), (page, page_args))
}

/// The households whose number starts with `prefix`, within `scope`: how many, and a page in
/// number order (arguments before the limit and offset).
pub(in crate::records) fn households(
    backend: Backend,
    prefix: &str,
    scope: &Filter,
) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
    let starts = match backend {
        // Keys are printable ASCII (text rules), all below U+007F: the range is the prefix.
        Backend::Sqlite => Filter::new().and(
            "household_id >= ? AND household_id < ?",
            vec![
                Arg::Text(prefix.into()),
                Arg::Text(format!("{prefix}\u{7f}")),
            ],
        ),
        // LIKE with text_pattern_ops (migration 0019) whatever the collation.
        Backend::Postgres => Filter::new().and(
            "household_id LIKE ? ESCAPE '\\'",
            vec![Arg::Text(format!("{}%", like_escaped(prefix)))],
        ),
    };
    let filter = starts.merge(scope.clone());
    let within = filter.render_where(&mut || "?".into());
    let args: Vec<Arg> = filter.args().cloned().collect();
    let from = format!("(SELECT household_id, village_code, status FROM households{within}) c");
    let count = format!("SELECT COUNT(*) AS n FROM {from}");
    let head = crate::session::head_name_of("c.household_id");
    let page = format!(
        "SELECT c.household_id, c.village_code, {VILLAGE_OF_C} AS village_name, c.status, \
         {head} AS head_name FROM {from} ORDER BY c.household_id LIMIT ? OFFSET ?"
    );
    ((count, args.clone()), (page, args))
}

/// What regions are looked for: a part of the name, or the start of the code.
pub(in crate::records) enum RegionMatch<'a> {
    Name(&'a str),
    /// The codes from .. to (a typed start of a code, as a range of whole codes).
    Codes(i64, i64),
}

/// The regions matching `how` within the codes `reach` (inclusive; None for every region) and
/// of the levels whose code range is `levels` (the village codes end in non-zero digits …):
/// how many, and a page (exact names first, then by code).
pub(in crate::records) fn regions(
    backend: Backend,
    how: &RegionMatch<'_>,
    reach: Option<(i64, i64)>,
    levels: &[&'static str],
) -> ((String, Vec<Arg>), (String, Vec<Arg>)) {
    let contains = contains(backend);
    let mut filter = match how {
        RegionMatch::Name(t) => Filter::new().and(
            format!("{contains}(r.name, ?) > 0"),
            vec![Arg::Text(t.to_string())],
        ),
        RegionMatch::Codes(lo, hi) => {
            Filter::new().and("r.code BETWEEN ? AND ?", vec![Arg::Int(*lo), Arg::Int(*hi)])
        }
    };
    if let Some((lo, hi)) = reach {
        filter = filter.and("r.code BETWEEN ? AND ?", vec![Arg::Int(lo), Arg::Int(hi)]);
    }
    if !levels.is_empty() {
        let marks = crate::session::filter::marks(levels.len());
        filter = filter.and(
            format!("r.level IN ({marks})"),
            levels.iter().map(|l| Arg::Text(l.to_string())).collect(),
        );
    }
    let within = filter.render_where(&mut || "?".into());
    let args: Vec<Arg> = filter.args().cloned().collect();
    let count = format!("SELECT COUNT(*) AS n FROM regions r{within}");
    let exact = match how {
        RegionMatch::Name(t) => Arg::Text(t.to_string()),
        RegionMatch::Codes(..) => Arg::Text(String::new()),
    };
    let page = format!(
        "SELECT r.code, r.name, p.name AS parent_name, g.name AS grandparent_name \
         FROM regions r LEFT JOIN regions p ON p.code = r.parent_code \
         LEFT JOIN regions g ON g.code = p.parent_code{within} \
         ORDER BY CASE WHEN r.name = ? THEN 0 ELSE 1 END, r.code LIMIT ? OFFSET ?"
    );
    let mut page_args = args.clone();
    page_args.push(exact);
    ((count, args), (page, page_args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_the_index_for_trigrams_or_word_ends() {
        let (sql, args) = index_condition(Backend::Sqlite, "刘飞");
        assert_eq!(sql, "person_terms MATCH ?");
        assert_eq!(args, vec![Arg::Text("\" 刘飞\" OR \"刘飞 \"".into())]);
        let (_, args) = index_condition(Backend::Sqlite, "a\"bc");
        assert_eq!(args, vec![Arg::Text("\"a\"\"b\" AND \"\"\"bc\"".into())]);
        let (_, args) = index_condition(Backend::Postgres, "5%_");
        assert_eq!(args, vec![Arg::Text("%5\\%\\_%".into())]);
    }
}
