//! The SQL of the 建档立卡 registry operations and the rows it returns, by name: the operations in
//! this folder hold the rules (whose households an account reaches, what a save may change), this
//! file holds what is asked of the database. Conditions are built as [`Filter`]s, each part one
//! parenthesised condition of a `WHERE`, with `?` for its arguments in order.

use crate::error::StoreError;
use crate::session::filter::{marks, Arg, Filter};
use crate::session::rows::{fetch_sql, FromRow, Named};
use crate::session::shape::{column, shape};
use crate::session::ReadSession;
use chrono::NaiveDate;
use xplus_core::interchange::schema::REGIONS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode};

// Reach: which households a query may see.

/// The households a helper (`cadre`) is paired with on `today`. Arguments: the cadre, today twice.
pub(in crate::records) fn paired_with(cadre: &str, today: NaiveDate) -> Filter {
    Filter::new().and(
        "household_id IN (SELECT household_id FROM cadre_household_pairings \
         WHERE cadre_id = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?))",
        vec![
            Arg::Text(cadre.to_string()),
            Arg::Date(today),
            Arg::Date(today),
        ],
    )
}

/// `filter` and "the row's village (`village_code`) is within `region`".
pub(in crate::records) fn within(filter: Filter, region: RegionCode) -> Filter {
    let (lo, hi) = crate::sql::range_of(region.as_u64(), region.level());
    let (first, last) = crate::sql::county_range_of(region);
    filter
        .and(
            "village_code BETWEEN ? AND ?",
            vec![Arg::Int(lo as i64), Arg::Int(hi as i64)],
        )
        .in_counties(first as i64, last as i64)
}

/// `scope` (conditions on `households`, columns unqualified) as one condition on the household
/// column `column` of another query ("h.household_id", "household_id" of a member table …).
/// An empty scope (every household) is no condition at all.
pub(in crate::records) fn households_in(scope: &Filter, column: &str) -> Filter {
    if scope.is_empty() {
        return Filter::new();
    }
    let within = Filter::new().and(
        format!(
            "{column} IN (SELECT household_id FROM households{})",
            scope.render_where(&mut || "?".into())
        ),
        scope.args().cloned().collect(),
    );
    // The same households, so the same counties.
    match scope.counties() {
        Some((lo, hi)) => within.in_counties(lo, hi),
        None => within,
    }
}

/// `sql` with `{within}` replaced by "the row's household (`alias`.household_id) is within
/// `scope`" — nothing when the scope is everything — and `scope`'s arguments after `args`.
pub(in crate::records) fn within_scope(
    scope: &Filter,
    sql: &str,
    alias: &str,
    args: Vec<Arg>,
) -> (String, Vec<Arg>) {
    scoped(scope, sql, alias, args, None)
}

/// `within_scope` for a table whose rows carry their household's county, kept as the household
/// moves (members, incomes, and the full chain's records: migrations 0010 and 0026). When the
/// scope states its counties, the rows are narrowed by their own county first: the county's
/// index range is read instead of every row of the table (at province scale a roll-up refresh
/// read each large table once per county and year).
pub(in crate::records) fn within_scope_by_county(
    scope: &Filter,
    sql: &str,
    alias: &str,
    args: Vec<Arg>,
) -> (String, Vec<Arg>) {
    scoped(scope, sql, alias, args, scope.counties())
}

/// `{within}` of `sql` replaced by the row's county between `counties`, when given, and its
/// household within `scope`, when the scope is not everything; their arguments after `args`.
fn scoped(
    scope: &Filter,
    sql: &str,
    alias: &str,
    mut args: Vec<Arg>,
    counties: Option<(i64, i64)>,
) -> (String, Vec<Arg>) {
    let mut within = String::new();
    if let Some((lo, hi)) = counties {
        within.push_str(&format!(" AND {alias}.county_code BETWEEN ? AND ?"));
        args.extend([Arg::Int(lo), Arg::Int(hi)]);
    }
    if !scope.is_empty() {
        args.extend(scope.args().cloned());
        within.push_str(&format!(
            " AND {alias}.household_id IN (SELECT household_id FROM households{})",
            scope.render_where(&mut || "?".into())
        ));
    }
    (sql.replace("{within}", &within), args)
}

// The households poor at the start of a year (rules.md §6).

/// A household of `candidates_sql`, with the earliest outcome an applied assessment recorded for
/// the year or later (a household has a row per such outcome, or one without).
pub(in crate::records) struct Candidate {
    pub id: String,
    pub village: RegionCode,
    pub status: HouseholdStatus,
    pub identified_year: i64,
    pub exit_year: Option<i32>,
    /// The year of the outcome on this row, if any.
    pub outcome_year: Option<i64>,
    /// The status and exit year the outcome replaced.
    pub previous_status: Option<HouseholdStatus>,
    pub previous_exit_year: Option<i32>,
}

impl FromRow for Candidate {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "households_of_year",
        "年度贫困户",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("status", ColumnType::Enum(&HouseholdStatus::SPEC)),
            column("identified_year", ColumnType::Year),
            column("exit_year", ColumnType::Year),
            column("outcome_year", ColumnType::Year),
            column("previous_status", ColumnType::Enum(&HouseholdStatus::SPEC)),
            column("previous_exit_year", ColumnType::Year),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Candidate {
            id: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
            status: r.code("status").and_then(HouseholdStatus::parse)?,
            identified_year: r.int("identified_year")?,
            exit_year: r.int("exit_year").map(|y| y as i32),
            outcome_year: r.int("outcome_year"),
            previous_status: r.code("previous_status").and_then(HouseholdStatus::parse),
            previous_exit_year: r.int("previous_exit_year").map(|y| y as i32),
        })
    }
}

/// The households `h` within `scope` that could count for a year (`year`, twice, then `scope`'s
/// arguments): identified by then, and poor or returned, or exited in the year or later, or with
/// an outcome `o` of the year or later. Narrowed to rows that could count (most households of a
/// province exited long ago); the rule itself is core's.
pub(in crate::records) fn of_year(year: &Arg, scope: &Filter) -> Filter {
    let of_year = Filter::new().and(
        "h.identified_year <= ? AND (h.status IN ('poor', 'returned') \
         OR (h.status IN ('exited', 'monitored') AND h.exit_year >= ?) OR o.year IS NOT NULL)",
        vec![year.clone(), year.clone()],
    );
    of_year.merge(households_in(scope, "h.household_id"))
}

/// Households `h` matching `of_year` (a filter on `h` and the outcomes `o`), each with its
/// outcomes of the year or later. Arguments: the year, then `of_year`'s.
pub(in crate::records) fn candidates_sql(of_year: &Filter) -> String {
    format!(
        "SELECT h.household_id, h.village_code, h.status, h.identified_year, h.exit_year, \
         o.year, o.previous_status, o.previous_exit_year \
         FROM households h LEFT JOIN assessment_outcomes o \
         ON o.household_id = h.household_id AND o.year >= ?{}",
        of_year.render_where(&mut || "?".into())
    )
}

// The filters and orders of the household list (conditions on `households`, unqualified).

/// `filter` and "household `id`".
pub(in crate::records) fn household_is(filter: Filter, id: &str) -> Filter {
    filter.and("household_id = ?", vec![Arg::Text(id.to_string())])
}

/// What the household list asks of a household's standing: its status is one of these (any
/// when empty), and its exit year is this one.
pub(in crate::records) struct StandingIs<'a> {
    pub statuses: &'a [HouseholdStatus],
    pub exit_year: Option<i32>,
}

impl StandingIs<'_> {
    /// The condition over a status column and an exit-year column, with its arguments.
    fn over(&self, status: &str, exit_year: &str) -> (String, Vec<Arg>) {
        let mut parts = vec!["1 = 1".to_string()];
        let mut args = Vec::new();
        if !self.statuses.is_empty() {
            let marks = vec!["?"; self.statuses.len()].join(", ");
            parts.push(format!("{status} IN ({marks})"));
            args.extend(self.statuses.iter().map(|s| Arg::Text(s.code().into())));
        }
        if let Some(y) = self.exit_year {
            parts.push(format!("{exit_year} = ?"));
            args.push(Arg::Int(i64::from(y)));
        }
        (parts.join(" AND "), args)
    }
}

/// `filter` and "identified by `year`, and standing as `wanted` at its end" — core's
/// `registry::standing_at_end` in SQL: the standing the earliest outcome of a later year
/// replaced, else today's. Uncorrelated subqueries, so it holds whatever the list's alias.
pub(in crate::records) fn standing_at_end_is(
    filter: Filter,
    year: i32,
    wanted: &StandingIs<'_>,
) -> Filter {
    let y = || Arg::Int(i64::from(year));
    let (today, today_args) = wanted.over("status", "exit_year");
    let (before, before_args) = wanted.over("o.previous_status", "o.previous_exit_year");
    let sql = format!(
        "identified_year <= ? AND ((household_id NOT IN \
         (SELECT household_id FROM assessment_outcomes WHERE year > ?) AND {today}) \
         OR household_id IN (SELECT o.household_id FROM assessment_outcomes o \
         WHERE o.year > ? AND {before} AND NOT EXISTS (SELECT 1 FROM assessment_outcomes e \
         WHERE e.household_id = o.household_id AND e.year > ? AND e.year < o.year)))"
    );
    let mut args = vec![y(), y()];
    args.extend(today_args);
    args.push(y());
    args.extend(before_args);
    args.push(y());
    filter.and(sql, args)
}

pub(in crate::records) fn status_is(filter: Filter, status: HouseholdStatus) -> Filter {
    filter.and("status = ?", vec![Arg::Text(status.code().into())])
}

/// `filter` and "poor or returned".
pub(in crate::records) fn poor(filter: Filter) -> Filter {
    filter.and("status IN ('poor', 'returned')", vec![])
}

pub(in crate::records) fn exit_year_is(filter: Filter, year: i32) -> Filter {
    filter.and("exit_year = ?", vec![Arg::Int(i64::from(year))])
}

pub(in crate::records) fn not_removed(filter: Filter) -> Filter {
    filter.and("status <> 'removed'", vec![])
}

/// `filter` and "one of the causes is `cause`" (causes are stored as codes joined by ';').
pub(in crate::records) fn has_cause(filter: Filter, cause: &str) -> Filter {
    filter.and(
        "(';' || causes || ';') LIKE ?",
        vec![Arg::Text(format!("%;{cause};%"))],
    )
}

/// `filter` and "household number `text`, or a member with identity number `id` (`text` in
/// upper case), or a head named `text`". A name is the head's: a list of households by any
/// member's name listed households headed by others (the search box finds members).
pub(in crate::records) fn household_or_member(filter: Filter, text: &str, id: String) -> Filter {
    filter.and(
        "household_id = ? OR household_id IN \
         (SELECT household_id FROM members WHERE id_number = ? OR (name = ? AND relation = 'head'))",
        vec![
            Arg::Text(text.into()),
            Arg::Text(id),
            Arg::Text(text.into()),
        ],
    )
}

/// Households whose net income per head in `year` falls in `band`: the comparison of
/// `rollup::income_band` (net ≥ floor × members, below the next floor × members) in SQL, with
/// the members of the end of the year (today's with the later changes undone, as the roll-up
/// counts them; each use of the count takes that day as its `?`).
pub(in crate::records) fn income_in_band(year: i32, band: usize) -> Filter {
    use xplus_core::rollup::INCOME_BAND_FLOORS_YUAN as FLOORS;
    let members = format!(
        "((SELECT COUNT(*) FROM members m WHERE m.household_id = i.household_id) + \
         (SELECT COALESCE({}, 0) FROM member_changes c \
         WHERE c.household_id = i.household_id AND c.changed_on > ?))",
        crate::sql::MEMBERS_UNDONE_OF_C
    );
    let year_end = Arg::Date(xplus_core::registry::membership::year_end(year));
    let net = crate::sql::NET_INCOME_OF_I;
    let mut sql = format!(
        "household_id IN (SELECT i.household_id FROM incomes i WHERE i.year = ? AND {members} > 0"
    );
    let mut args = vec![Arg::Int(i64::from(year)), year_end.clone()];
    if band > 0 {
        if let Some(floor) = FLOORS.get(band) {
            sql.push_str(&format!(" AND {net} >= ? * {members}"));
            args.extend([Arg::Int(floor * 100), year_end.clone()]);
        }
    }
    match FLOORS.get(band + 1) {
        Some(next) => {
            sql.push_str(&format!(" AND {net} < ? * {members}"));
            args.extend([Arg::Int(next * 100), year_end]);
        }
        // Past the last band: nothing.
        None if band >= FLOORS.len() => sql.push_str(" AND 1 = 0"),
        None => {}
    }
    sql.push(')');
    Filter::new().and(sql, args)
}

fn direction(descending: bool) -> &'static str {
    if descending {
        " DESC"
    } else {
        ""
    }
}

/// By village, then household number: the order of the paper registers.
pub(in crate::records) fn by_village(descending: bool) -> String {
    let dir = direction(descending);
    format!("village_code{dir}, household_id{dir}")
}

pub(in crate::records) fn by_id(descending: bool) -> String {
    format!("household_id{}", direction(descending))
}

/// By the year identified, then as the registers (always ascending).
pub(in crate::records) fn by_identified_year(descending: bool) -> String {
    format!(
        "identified_year{}, village_code, household_id",
        direction(descending)
    )
}

/// By status, then as the registers (always ascending).
pub(in crate::records) fn by_status(descending: bool) -> String {
    format!(
        "status{}, village_code, household_id",
        direction(descending)
    )
}

/// `filter` and "after household `id` of `village` in village order": the next batch of a list
/// read by key rather than by offset.
pub(in crate::records) fn after_in_village_order(filter: Filter, village: i64, id: &str) -> Filter {
    filter.and(
        "village_code > ? OR (village_code = ? AND household_id > ?)",
        vec![
            Arg::Int(village),
            Arg::Int(village),
            Arg::Text(id.to_string()),
        ],
    )
}

// One household: its rows, and the people of a change held by other households.

/// Members are read in identity-number order.
pub(in crate::records) const MEMBER_ORDER: &str = "id_number";
/// Removes member `?` (identity number) of household `?` from today's members: they left it
/// (registry/membership.rs keeps them in member_changes).
pub(in crate::records) const DELETE_MEMBER: &str =
    "DELETE FROM members WHERE household_id = ? AND id_number = ?";
/// Incomes are read by year.
pub(in crate::records) const INCOME_ORDER: &str = "year";

/// The members rows of `people` (identity numbers) held by a household other than `id`.
pub(in crate::records) fn held_by_others(mut people: Vec<Arg>, id: &str) -> Filter {
    let sql = format!(
        "id_number IN ({}) AND household_id <> ?",
        marks(people.len())
    );
    people.push(Arg::Text(id.to_string()));
    Filter::new().and(sql, people)
}

/// `filter` and "village `village`" (the villages table, or households of that village).
pub(in crate::records) fn village_is(filter: Filter, village: RegionCode) -> Filter {
    filter.and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)])
}

// Regions.

/// A row of the regions table.
pub(in crate::records) struct RegionRow {
    pub code: RegionCode,
    pub name: Option<String>,
    pub parent: Option<RegionCode>,
}

impl FromRow for RegionRow {
    const SHAPE: &'static FileSpec = &REGIONS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(RegionRow {
            code: r.region("code")?,
            name: r.text("name").map(str::to_string),
            parent: r.region("parent_code"),
        })
    }
}

/// The region `code`.
pub(in crate::records) fn region_is(code: RegionCode) -> Filter {
    Filter::new().and("code = ?", vec![Arg::Int(code.as_u64() as i64)])
}

/// The regions of `codes`.
pub(in crate::records) fn regions_in(codes: Vec<i64>) -> Filter {
    Filter::new().and(
        format!("code IN ({})", marks(codes.len())),
        codes.into_iter().map(Arg::Int).collect(),
    )
}

/// The regions directly below `parent`, or at the top of the tree.
pub(in crate::records) fn children_of(parent: Option<RegionCode>) -> Filter {
    match parent {
        Some(p) => Filter::new().and("parent_code = ?", vec![Arg::Int(p.as_u64() as i64)]),
        None => Filter::new().and("parent_code IS NULL", vec![]),
    }
}

/// Regions are listed by code.
pub(in crate::records) const REGION_ORDER: &str = "code";

// The audit log (conditions on audit_log's columns).

pub(in crate::records) fn actor_is(filter: Filter, actor: String) -> Filter {
    filter.and("actor = ?", vec![Arg::Text(actor)])
}

pub(in crate::records) fn entity_is(filter: Filter, entity: String) -> Filter {
    filter.and("entity = ?", vec![Arg::Text(entity)])
}

pub(in crate::records) fn record_key_is(filter: Filter, key: String) -> Filter {
    filter.and("record_key = ?", vec![Arg::Text(key)])
}

/// `filter` and "older than entry `seq`".
pub(in crate::records) fn before_seq(filter: Filter, seq: i64) -> Filter {
    filter.and("seq < ?", vec![Arg::Int(seq)])
}

/// The entries about household `id`: its households row, the members rows of `people` (their
/// identity numbers as audit keys) and the incomes rows of `incomes` (their audit keys).
pub(in crate::records) fn household_entries(
    id: &str,
    people: Vec<Arg>,
    incomes: Vec<Arg>,
) -> Filter {
    let any_of = |entity: &str, keys: &[Arg]| {
        if keys.is_empty() {
            String::new()
        } else {
            format!(
                " OR (entity = '{entity}' AND record_key IN ({}))",
                marks(keys.len())
            )
        }
    };
    let sql = format!(
        "(entity = 'households' AND record_key = ?){}{}",
        any_of("members", &people),
        any_of("incomes", &incomes)
    );
    let mut args = vec![Arg::Text(id.to_string())];
    args.extend(people);
    args.extend(incomes);
    Filter::new().and(sql, args)
}

/// Rows of `template` (a statement whose `{within}` is replaced by `within_scope`: the row's
/// household, `alias`.household_id, is within `scope`), `args` first and `scope`'s after them.
pub(in crate::records) async fn fetch_within<T: FromRow>(
    s: &mut dyn ReadSession,
    template: &str,
    scope: &Filter,
    alias: &str,
    args: Vec<Arg>,
) -> Result<Vec<T>, StoreError> {
    let (sql, args) = within_scope(scope, template, alias, args);
    fetch_sql(s, &sql, &args).await
}
