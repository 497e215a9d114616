//! SQL text shared by both backends, built from the bundle file descriptions so that the
//! statements cannot drift from the columns.

use xplus_core::interchange::{CountyFrom, FileSpec};
use xplus_core::registry::{Level, RegionCode};

/// A household's net income of a year in SQL over the incomes row aliased `i`: core's
/// `YearlyIncome::net` (wage + production + property + transfer − production cost), for the
/// filters and roll-ups that must compute it in the database. A test holds the two together.
pub(crate) const NET_INCOME_OF_I: &str =
    "(i.wage + i.production + i.property + i.transfer - i.production_cost)";

/// Core's `registry::membership::persons_on` in SQL, summed over `member_changes c` after a
/// day: undoing a change gives back a person who left (+1) and takes away one who joined (−1).
/// The report and the income-band lists add it to today's member count; the store's membership
/// test holds them to the roll-ups, which call core.
pub(crate) const MEMBERS_UNDONE_OF_C: &str = "SUM(CASE WHEN c.change = 'left' THEN 1 ELSE -1 END)";

/// The county whose roll-ups a written row can change (issue 7): its county column, else the
/// county of its village or region column. None for rows of no county (units, cadres, sessions,
/// a city's or province's settings); what those change is marked by their writers.
fn touched_county(file: &FileSpec, row: &crate::session::Row) -> Option<i64> {
    if let Some(c) = row.county {
        return Some(c.as_u64() as i64);
    }
    file.columns
        .iter()
        .zip(&row.values)
        .filter(|(c, _)| matches!(c.en, "village_code" | "code" | "region_code"))
        .find_map(|(_, v)| v.as_region()?.county())
        .map(|c| c.as_u64() as i64)
}

/// Moves the roll-ups' generation on: a county's refresh, or a write of no county (`Touched`).
pub(crate) const NEXT_GENERATION: &str =
    "UPDATE rollup_state SET generation = generation + 1 WHERE id = 1";

/// What a written row makes out of date, marked once per transaction in the writer's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Touched {
    /// Its county's roll-ups: the county joins `rollup_dirty`, and its refresh moves the
    /// roll-ups' generation on.
    County(i64),
    /// No county's roll-ups (a unit, a cadre, a course or a job fair of a city or province), but
    /// what is kept beside them under their generation (figures a page computes once per
    /// change, `AppState::computed` in the web crate) may count it: the generation moves on now.
    Generation,
}

impl Touched {
    /// The row of `file` written.
    pub(crate) fn of(file: &FileSpec, row: &crate::session::Row) -> Touched {
        touched_county(file, row).map_or(Touched::Generation, Touched::County)
    }

    /// A write in `county` (None: of no county).
    pub(crate) fn in_county(county: Option<xplus_core::registry::RegionCode>) -> Touched {
        county.map_or(Touched::Generation, |c| Touched::County(c.as_u64() as i64))
    }

    /// The statement that marks it (`placeholder`: the backend's first parameter), with the
    /// county to bind when it takes one.
    pub(crate) fn mark(self, placeholder: &str) -> (String, Option<i64>) {
        match self {
            Touched::County(c) => (
                format!(
                    "INSERT INTO rollup_dirty (county_code) VALUES ({placeholder}) \
                     ON CONFLICT DO NOTHING"
                ),
                Some(c),
            ),
            Touched::Generation => (NEXT_GENERATION.to_string(), None),
        }
    }
}

pub(crate) fn has_county(file: &FileSpec) -> bool {
    !matches!(file.county, CountyFrom::None)
}

/// Column list for inserts: the file's columns, then county_code for large tables.
pub(crate) fn insert_columns(file: &FileSpec) -> Vec<&'static str> {
    let mut cols: Vec<&'static str> = file.columns.iter().map(|c| c.en).collect();
    if has_county(file) {
        cols.push("county_code");
    }
    cols
}

/// `INSERT INTO t (…) VALUES (…),(…) ON CONFLICT (key) DO UPDATE SET …` for `rows` rows.
/// `placeholder(n)` renders the n-th (1-based) parameter in the backend's syntax.
pub(crate) fn upsert(
    file: &FileSpec,
    rows: usize,
    placeholder: impl Fn(usize) -> String,
) -> String {
    let cols = insert_columns(file);
    let mut sql = format!("INSERT INTO {} ({}) VALUES ", file.name, cols.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                sql.push(',');
            }
            n += 1;
            sql.push_str(&placeholder(n));
        }
        sql.push(')');
    }
    sql.push_str(&on_conflict(file));
    sql
}

/// The file's key columns by name.
fn key_columns(file: &FileSpec) -> Vec<&'static str> {
    file.key.iter().map(|&k| file.columns[k].en).collect()
}

/// `c = {from}.c` for each written column outside the key: what a stored row takes from a new one.
fn updates_from(file: &FileSpec, from: &str) -> Vec<String> {
    let keys = key_columns(file);
    insert_columns(file)
        .iter()
        .filter(|c| !keys.contains(c))
        .map(|c| format!("{c} = {from}.{c}"))
        .collect()
}

/// ` ON CONFLICT (key) DO UPDATE SET …`: a row whose key is stored replaces the stored values.
pub(crate) fn on_conflict(file: &FileSpec) -> String {
    let keys = key_columns(file);
    let updates = updates_from(file, "excluded");
    if updates.is_empty() {
        format!(" ON CONFLICT ({}) DO NOTHING", keys.join(", "))
    } else {
        format!(
            " ON CONFLICT ({}) DO UPDATE SET {}",
            keys.join(", "),
            updates.join(", ")
        )
    }
}

/// PostgreSQL's `MERGE INTO t USING {source} s ON (the key) WHEN MATCHED THEN UPDATE … WHEN NOT
/// MATCHED THEN INSERT …`: the upsert of a table that may be partitioned by province. `ON
/// CONFLICT` needs a unique index on exactly the file's key, which a partitioned table cannot
/// have (its key holds `county_code` too); `MERGE` matches on the key alone, so a stored row is
/// updated — and moved, when its county changed province — wherever it lies. `source` is a
/// table, or `(VALUES …) AS s (…)` as [`values_source`] writes it, aliased `s`.
pub(crate) fn merge(file: &FileSpec, source: &str) -> String {
    let cols = insert_columns(file);
    let on: Vec<String> = key_columns(file)
        .iter()
        .map(|k| format!("t.{k} = s.{k}"))
        .collect();
    let updates = updates_from(file, "s");
    let matched = if updates.is_empty() {
        "DO NOTHING".to_string()
    } else {
        format!("UPDATE SET {}", updates.join(", "))
    };
    let values: Vec<String> = cols.iter().map(|c| format!("s.{c}")).collect();
    format!(
        "MERGE INTO {} t USING {source} ON {} WHEN MATCHED THEN {matched} \
         WHEN NOT MATCHED THEN INSERT ({}) VALUES ({})",
        file.name,
        on.join(" AND "),
        cols.join(", "),
        values.join(", ")
    )
}

/// The upsert of a table with a province on another server (`xplus shard`), where `MERGE` is
/// refused and an `UPDATE` of `county_code` would leave the row on the old server with a county
/// of another province (postgres_fdw updates a remote row where it lies). Three statements over
/// the same `source` (aliased `s`), run in order under the write lock:
/// 1. stored rows whose county differs are deleted (a move; the insert routes them anew);
/// 2. the rows whose key is stored are updated, county aside;
/// 3. the rows whose key is not stored are inserted.
pub(crate) fn sharded_upsert(file: &FileSpec, source: &str) -> Vec<String> {
    let table = file.name;
    let keys = key_columns(file);
    let on = |alias: &str| -> String {
        let mut parts: Vec<String> = keys
            .iter()
            .map(|k| format!("{alias}.{k} = s.{k}"))
            .collect();
        parts.extend(batch_filter(file, alias, source));
        parts.join(" AND ")
    };
    let mut statements = vec![format!(
        "DELETE FROM {table} t USING {source} WHERE {} AND t.county_code <> s.county_code",
        on("t")
    )];
    let sets: Vec<String> = updates_from(file, "s")
        .into_iter()
        .filter(|u| !u.starts_with("county_code "))
        .collect();
    if !sets.is_empty() {
        // Only the rows that change: postgres_fdw updates a remote row with a statement of its
        // own, and a re-import sends back mostly what is stored.
        let written: Vec<&str> = insert_columns(file)
            .into_iter()
            .filter(|c| !keys.contains(c) && *c != "county_code")
            .collect();
        let of = |alias: &str| -> String {
            let cols: Vec<String> = written.iter().map(|c| format!("{alias}.{c}")).collect();
            cols.join(", ")
        };
        statements.push(format!(
            "UPDATE {table} t SET {} FROM {source} WHERE {} AND ({}) IS DISTINCT FROM ({})",
            sets.join(", "),
            on("t"),
            of("t"),
            of("s")
        ));
    }
    let cols = insert_columns(file);
    let values: Vec<String> = cols.iter().map(|c| format!("s.{c}")).collect();
    statements.push(format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {source} \
         WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE {})",
        cols.join(", "),
        values.join(", "),
        on("x")
    ));
    statements
}

/// `{alias}.c = ANY (ARRAY(SELECT s.c FROM {source}))` for the household or person column `c`
/// of the file's key: the batch's households (or people) as one array, which postgres_fdw sends
/// to the shard as a parameter of its query, so that a write or comparison against a foreign
/// partition fetches their rows rather than the shard's whole table per batch. (A join with the
/// coordinator's staging table cannot be sent; this condition can.) Only a column of the key
/// narrows without missing a stored row: a person's record stored under another household than
/// the batch's (members, placements, course and session attendance are keyed by the person)
/// would otherwise be missed and inserted a second time.
pub(crate) fn batch_filter(file: &FileSpec, alias: &str, source: &str) -> Option<String> {
    let keys = key_columns(file);
    ["household_id", "id_number"]
        .into_iter()
        .find(|c| keys.contains(c))
        .map(|c| format!("{alias}.{c} = ANY (ARRAY(SELECT s.{c} FROM {source}))"))
}

/// `(VALUES ($1, …, $n)) AS s (columns)`: one row of `file`'s written columns, for [`merge`].
pub(crate) fn values_source(file: &FileSpec) -> String {
    let cols = insert_columns(file);
    let marks: Vec<String> = (1..=cols.len()).map(|n| format!("${n}")).collect();
    format!("(VALUES ({})) AS s ({})", marks.join(", "), cols.join(", "))
}

/// `SELECT` of a file's columns for the rows whose keys are given, `rows` keys at a time.
pub(crate) fn select_by_keys(
    file: &FileSpec,
    rows: usize,
    placeholder: impl Fn(usize) -> String,
) -> String {
    let cols: Vec<&str> = file.columns.iter().map(|c| c.en).collect();
    let keys: Vec<&str> = file.key.iter().map(|&k| file.columns[k].en).collect();
    let mut n = 0;
    let tuples: Vec<String> = (0..rows)
        .map(|_| {
            let parts: Vec<String> = keys
                .iter()
                .map(|_| {
                    n += 1;
                    placeholder(n)
                })
                .collect();
            format!("({})", parts.join(", "))
        })
        .collect();
    format!(
        "SELECT {} FROM {} WHERE ({}) IN ({})",
        cols.join(", "),
        file.name,
        keys.join(", "),
        tuples.join(", ")
    )
}

/// One row of the table if it has any: cheaper than counting a large table.
pub(crate) fn any_row(file: &FileSpec) -> String {
    format!("SELECT 1 FROM {} LIMIT 1", file.name)
}

pub(crate) fn count_rows(file: &FileSpec) -> String {
    format!("SELECT count(*) FROM {}", file.name)
}

/// `Store::has_rows` and `Store::count` through an sqlx pool of either backend.
macro_rules! has_rows_with {
    ($pool:expr, $file:expr) => {{
        let file = $file;
        let row = sqlx::query(&$crate::sql::any_row(file))
            .fetch_optional($pool)
            .await
            .context(format!("读取 {} / reading {}", file.name, file.name))?;
        Ok(row.is_some())
    }};
}

macro_rules! count_with {
    ($pool:expr, $file:expr) => {{
        let file = $file;
        let n: i64 = sqlx::query_scalar(&$crate::sql::count_rows(file))
            .fetch_one($pool)
            .await
            .context(format!("统计 {} / counting {}", file.name, file.name))?;
        Ok(n as u64)
    }};
}

pub(crate) use {count_with, has_rows_with};

/// How to restrict a table to a region for `export --region`. The registry's own rows are cut
/// by the household's or village's code; the small reference tables (regions, villages, stations,
/// sessions, units, cadres, statistics) are exported whole so that every reference in the cut
/// bundle still resolves when it is imported elsewhere.
fn region_filter(file: &FileSpec, code: u64, level: Level) -> Option<String> {
    let (lo, hi) = range_of(code, level);
    let by = |col: &str| format!("{col} BETWEEN {lo} AND {hi}");
    let households = format!(
        "SELECT household_id FROM households WHERE {}",
        by("village_code")
    );
    // A household may hold shares (and loans) in a project of another village: such projects
    // go with it, or the cut bundle would not import.
    let projects = format!(
        "SELECT project_id FROM projects WHERE {} \
         UNION SELECT project_id FROM share_events WHERE household_id IN ({households}) \
         UNION SELECT project_id FROM loans WHERE household_id IN ({households})",
        by("village_code")
    );
    match (file.name, file.county) {
        ("villages", _) => None,
        ("projects" | "distributions", _) => Some(format!("project_id IN ({projects})")),
        // A batch's household that has moved out of the region since (易地搬迁) is not in the
        // cut bundle: its rows stay behind with it, or the cut bundle would not import.
        ("exit_batch_households" | "exit_objections", _) => Some(format!(
            "{} AND household_id IN ({households})",
            by("village_code")
        )),
        (_, CountyFrom::Column(i)) => Some(by(file.columns[i].en)),
        (_, CountyFrom::Household(i)) => Some(format!("{} IN ({households})", file.columns[i].en)),
        (_, CountyFrom::Secretary(i)) => Some(format!(
            "{} IN (SELECT secretary_id FROM secretaries WHERE {})",
            file.columns[i].en,
            by("village_code")
        )),
        (_, CountyFrom::VillageCadre(i)) => Some(format!(
            "{} IN (SELECT village_cadre_id FROM village_cadres WHERE {})",
            file.columns[i].en,
            by("village_code")
        )),
        (_, CountyFrom::None) => None,
    }
}

/// The range holding the codes of the counties `region` lies in or holds: a town's or a
/// village's own range holds no county code, so it is its county's; above a county, its own.
pub(crate) fn county_range_of(region: RegionCode) -> (u64, u64) {
    let r = region.county().unwrap_or(region);
    range_of(r.as_u64(), r.level())
}

/// The codes inside a region form one contiguous range of 12-digit numbers.
pub(crate) fn range_of(code: u64, level: Level) -> (u64, u64) {
    let span = match level {
        Level::Province => 10_000_000_000,
        Level::City => 100_000_000,
        Level::County => 1_000_000,
        Level::Town => 1_000,
        Level::Village => 1,
    };
    (code, code + span - 1)
}

/// `SELECT` of a file's columns in key order, optionally restricted to a region. `collate` is
/// appended to text keys (PostgreSQL's locale collation would order keys differently from SQLite).
pub(crate) fn select_rows(file: &FileSpec, region: Option<RegionCode>, collate: &str) -> String {
    let cols: Vec<&str> = file.columns.iter().map(|c| c.en).collect();
    let filter = region
        .and_then(|r| region_filter(file, r.as_u64(), r.level()))
        .map(|f| format!(" WHERE {f}"))
        .unwrap_or_default();
    format!(
        "SELECT {} FROM {}{filter} ORDER BY {}",
        cols.join(", "),
        file.name,
        order_by(file, collate)
    )
}

fn order_by(file: &FileSpec, collate: &str) -> String {
    file.key
        .iter()
        .map(|&k| {
            let c = &file.columns[k];
            if c.ty.is_text() {
                format!("{}{collate}", c.en)
            } else {
                c.en.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `INSERT INTO table (columns…) VALUES (?, …), …` for `rows`, with their values in order (a
/// restore's copy). Table and column names come from the target database's own list (checked against
/// the backup's), never from the file as such.
pub(crate) fn insert_values(
    table: &str,
    columns: &[String],
    rows: Vec<Vec<crate::session::Arg>>,
) -> (String, Vec<crate::session::Arg>) {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let text = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![one; rows.len()].join(", ")
    );
    (text, rows.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::NET_INCOME_OF_I;
    use proptest::prelude::*;
    use xplus_core::interchange::schema::find_file;
    use xplus_core::registry::YearlyIncome;
    use xplus_core::Fen;

    /// An exit batch's households and objections are cut by the village and by the households
    /// still in the region (a rename once took the first out of its own arm, unseen).
    #[test]
    fn exit_batch_rows_are_cut_by_village_and_household() {
        for name in ["exit_batch_households", "exit_objections"] {
            let filter = super::region_filter(
                find_file(name).unwrap(),
                341_181_000_000,
                xplus_core::registry::Level::County,
            )
            .unwrap();
            assert!(
                filter.starts_with("village_code BETWEEN")
                    && filter.contains("AND household_id IN"),
                "{name}: {filter}"
            );
        }
    }

    /// A sharded batch is narrowed by a column of the file's key only: a person's record is
    /// found by the person wherever their household was.
    #[test]
    fn a_sharded_batch_is_narrowed_by_its_key() {
        let of = |name| super::batch_filter(find_file(name).unwrap(), "t", "x s");
        for name in [
            "members",
            "placements",
            "course_attendance",
            "attendance_members",
        ] {
            assert!(of(name).unwrap().starts_with("t.id_number = ANY"), "{name}");
        }
        for name in [
            "incomes",
            "assessment_outcomes",
            "attendance",
            "share_events",
        ] {
            assert!(
                of(name).unwrap().starts_with("t.household_id = ANY"),
                "{name}"
            );
        }
    }

    proptest! {
        /// The SQL net income is core's, on any amounts (fen, negative costs included).
        #[test]
        fn net_income_in_sql_is_cores(parts in proptest::collection::vec(-10_000_000_000i64..10_000_000_000, 5)) {
            let conn = rusqlite::Connection::open_in_memory().unwrap();
            conn.execute_batch(
                "CREATE TABLE incomes (wage INTEGER, production INTEGER, property INTEGER, \
                 transfer INTEGER, production_cost INTEGER)",
            )
            .unwrap();
            conn.execute("INSERT INTO incomes VALUES (?1, ?2, ?3, ?4, ?5)", rusqlite::params_from_iter(&parts))
                .unwrap();
            let sql: i64 = conn
                .query_row(&format!("SELECT {NET_INCOME_OF_I} FROM incomes i"), [], |r| r.get(0))
                .unwrap();
            let core = YearlyIncome {
                wage: Fen(parts[0]),
                production: Fen(parts[1]),
                property: Fen(parts[2]),
                transfer: Fen(parts[3]),
                production_cost: Fen(parts[4]),
                medical_cost: None,
            }
            .net();
            prop_assert_eq!(sql, core.0);
        }
    }
}
