//! Reading the registry within an account's reach: the region tree, the household list with its
//! filters, and one household with its members and incomes.

use crate::error::StoreError;
use crate::records::{Page, ReadSession};
use crate::session::filter::{marks, Arg, Filter};
use crate::session::HouseholdSummary;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::{Access, Scope};
use xplus_core::education::coverage::poor_at_start_of;
use xplus_core::interchange::schema::{HOUSEHOLDS, REGIONS};
use xplus_core::interchange::{ColumnType, Value};
use xplus_core::registry::{HouseholdStatus, Level, PovertyCause, RegionCode};

/// The households an account reaches, as a condition on the households table.
pub(crate) fn household_scope(access: &Access, today: NaiveDate) -> Filter {
    match access.scope() {
        Scope::Everywhere => Filter::new(),
        Scope::Region(r) => within(Filter::new(), *r),
        Scope::PairedWith(cadre) => Filter::new().and(
            "household_id IN (SELECT household_id FROM cadre_household_pairings \
             WHERE cadre_id = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?))",
            vec![Arg::Text(cadre.clone()), Arg::Date(today), Arg::Date(today)],
        ),
    }
}

/// (household, village, status, identified year, exit year), and the earliest outcome an applied
/// assessment recorded for the year or later: (its year, the status and exit year before it).
static CANDIDATES: xplus_core::interchange::FileSpec = crate::records::shape::shape(
    xplus_core::interchange::FileId::Households,
    "households_of_year",
    "年度贫困户",
    &[
        crate::records::shape::column("household_id", ColumnType::Text),
        crate::records::shape::column("village_code", ColumnType::Region),
        crate::records::shape::column("status", ColumnType::Enum(&HouseholdStatus::SPEC)),
        crate::records::shape::column("identified_year", ColumnType::Year),
        crate::records::shape::column("exit_year", ColumnType::Year),
        crate::records::shape::column("outcome_year", ColumnType::Year),
        crate::records::shape::column("previous_status", ColumnType::Enum(&HouseholdStatus::SPEC)),
        crate::records::shape::column("previous_exit_year", ColumnType::Year),
    ],
);

/// The households within `scope` that rules.md §6 looks at for `year` — poor or returned at
/// its start — as (household, village), in household order. The status at the start of the
/// year is the one stored, unless an assessment applied for the year or later changed it.
pub(in crate::records) async fn poor_at_start(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Vec<(String, RegionCode)>, StoreError> {
    let y = Arg::Int(i64::from(year));
    // Narrowed to rows that could count (most households of a province exited long ago); the
    // rule itself is core's.
    let mut of_year = Filter::new().and(
        "h.identified_year <= ? AND (h.status IN ('poor', 'returned') \
         OR (h.status IN ('exited', 'monitored') AND h.exit_year >= ?) OR o.year IS NOT NULL)",
        vec![y.clone(), y.clone()],
    );
    if !scope.is_empty() {
        of_year = of_year.merge(households_in(scope, "h.household_id"));
    }
    let sql = format!(
        "SELECT h.household_id, h.village_code, h.status, h.identified_year, h.exit_year, \
         o.year, o.previous_status, o.previous_exit_year \
         FROM households h LEFT JOIN assessment_outcomes o \
         ON o.household_id = h.household_id AND o.year >= ?{}",
        of_year.render_where(&mut || "?".into())
    );
    let mut args = vec![y];
    args.extend(of_year.args().cloned());
    // household → (village, identified year, standing at the start, year of the outcome read).
    type Start = (RegionCode, i32, HouseholdStatus, Option<i32>, Option<i64>);
    let mut starts: HashMap<String, Start> = HashMap::new();
    for r in s.query(&CANDIDATES, &sql, &args).await? {
        let (Some(id), Some(village), Some(status), Some(identified)) = (
            r[0].as_text(),
            r[1].as_region(),
            r[2].as_code().and_then(HouseholdStatus::parse),
            r[3].as_int(),
        ) else {
            continue;
        };
        let exit = r[4].as_int().map(|y| y as i32);
        let outcome_year = r[5].as_int();
        let (status, exit) = match (
            outcome_year,
            r[6].as_code().and_then(HouseholdStatus::parse),
        ) {
            (Some(_), Some(before)) => (before, r[7].as_int().map(|y| y as i32)),
            _ => (status, exit),
        };
        let entry = starts.entry(id.to_string()).or_insert((
            village,
            identified as i32,
            status,
            exit,
            outcome_year,
        ));
        if outcome_year.is_some() && (entry.4.is_none() || outcome_year < entry.4) {
            *entry = (village, identified as i32, status, exit, outcome_year);
        }
    }
    let mut out: Vec<(String, RegionCode)> = starts
        .into_iter()
        .filter(|(_, (_, identified, status, exit, _))| {
            poor_at_start_of(*status, *identified, *exit, year)
        })
        .map(|(id, (village, ..))| (id, village))
        .collect();
    // Sorted here, not in SQL: PostgreSQL's locale would order text keys unlike SQLite.
    out.sort_unstable();
    Ok(out)
}

/// `scope` (conditions on `households`, columns unqualified) as one condition on the household
/// column `column` of another query ("h.household_id", "household_id" of a member table …).
pub(in crate::records) fn households_in(scope: &Filter, column: &str) -> Filter {
    Filter::new().and(
        format!(
            "{column} IN (SELECT household_id FROM households{})",
            scope.render_where(&mut || "?".into())
        ),
        scope.args().cloned().collect(),
    )
}

/// `sql` with `{within}` replaced by "the row's household (`alias`.household_id) is within
/// `scope`" — nothing when the scope is everything — and `scope`'s arguments after `args`.
pub(in crate::records) fn within_scope(
    scope: &Filter,
    sql: &str,
    alias: &str,
    mut args: Vec<Arg>,
) -> (String, Vec<Arg>) {
    let within = if scope.is_empty() {
        String::new()
    } else {
        args.extend(scope.args().cloned());
        format!(
            " AND {alias}.household_id IN (SELECT household_id FROM households{})",
            scope.render_where(&mut || "?".into())
        )
    };
    (sql.replace("{within}", &within), args)
}

/// The first and last day of `year`.
pub(in crate::records) fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a real day");
    (day(1, 1), day(12, 31))
}

fn within(filter: Filter, region: RegionCode) -> Filter {
    let (lo, hi) = crate::sql::range_of(region.as_u64(), region.level());
    filter.and(
        "village_code BETWEEN ? AND ?",
        vec![Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HouseholdSort {
    /// By village, then household number: the order of the paper registers.
    #[default]
    Village,
    Id,
    IdentifiedYear,
    Status,
}

impl HouseholdSort {
    pub fn parse(s: &str) -> Option<HouseholdSort> {
        Some(match s {
            "village" => HouseholdSort::Village,
            "id" => HouseholdSort::Id,
            "identified_year" => HouseholdSort::IdentifiedYear,
            "status" => HouseholdSort::Status,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            HouseholdSort::Village => "village",
            HouseholdSort::Id => "id",
            HouseholdSort::IdentifiedYear => "identified_year",
            HouseholdSort::Status => "status",
        }
    }

    fn order(self, descending: bool) -> String {
        let dir = if descending { " DESC" } else { "" };
        match self {
            HouseholdSort::Village => format!("village_code{dir}, household_id{dir}"),
            HouseholdSort::Id => format!("household_id{dir}"),
            HouseholdSort::IdentifiedYear => {
                format!("identified_year{dir}, village_code, household_id")
            }
            HouseholdSort::Status => format!("status{dir}, village_code, household_id"),
        }
    }
}

/// The filters of the household list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdQuery {
    /// Within this region (any level).
    pub region: Option<RegionCode>,
    pub status: Option<HouseholdStatus>,
    pub cause: Option<PovertyCause>,
    /// A household number, a member's identity number or a member's name (whole).
    pub text: Option<String>,
    /// Poor or returned (the dashboard's poor households).
    pub poor: bool,
    /// Exited in this year.
    pub exit_year: Option<i32>,
    /// (year, band): not removed, with a net income per head in the band of xplus-core's
    /// `rollup::income_band` that year.
    pub income_band: Option<(i32, usize)>,
    pub sort: HouseholdSort,
    pub descending: bool,
}

impl HouseholdQuery {
    fn filter(&self, access: &Access, today: NaiveDate) -> Filter {
        let mut f = household_scope(access, today);
        if let Some(r) = self.region {
            f = within(f, r);
        }
        if let Some(s) = self.status {
            f = f.and("status = ?", vec![Arg::Text(s.code().into())]);
        }
        if self.poor {
            f = f.and("status IN ('poor', 'returned')", vec![]);
        }
        if let Some(y) = self.exit_year {
            f = f.and("exit_year = ?", vec![Arg::Int(i64::from(y))]);
        }
        if let Some((year, band)) = self.income_band {
            f = f
                .and("status <> 'removed'", vec![])
                .merge(income_in_band(year, band));
        }
        if let Some(c) = self.cause {
            // Causes are stored as codes joined by ';'.
            f = f.and(
                "(';' || causes || ';') LIKE ?",
                vec![Arg::Text(format!("%;{};%", c.code()))],
            );
        }
        if let Some(t) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let id = t.to_ascii_uppercase();
            f = f.and(
                "household_id = ? OR household_id IN \
                 (SELECT household_id FROM members WHERE id_number = ? OR name = ?)",
                vec![Arg::Text(t.into()), Arg::Text(id), Arg::Text(t.into())],
            );
        }
        f
    }
}

/// Households whose net income per head in `year` falls in `band`: the comparison of
/// `rollup::income_band` (net ≥ floor × members, below the next floor × members) in SQL.
fn income_in_band(year: i32, band: usize) -> Filter {
    use xplus_core::rollup::INCOME_BAND_FLOORS_YUAN as FLOORS;
    let members = "(SELECT COUNT(*) FROM members m WHERE m.household_id = i.household_id)";
    let net = crate::sql::NET_INCOME_OF_I;
    let mut sql = format!(
        "household_id IN (SELECT i.household_id FROM incomes i WHERE i.year = ? AND {members} > 0"
    );
    let mut args = vec![Arg::Int(i64::from(year))];
    if band > 0 {
        if let Some(floor) = FLOORS.get(band) {
            sql.push_str(&format!(" AND {net} >= ? * {members}"));
            args.push(Arg::Int(floor * 100));
        }
    }
    match FLOORS.get(band + 1) {
        Some(next) => {
            sql.push_str(&format!(" AND {net} < ? * {members}"));
            args.push(Arg::Int(next * 100));
        }
        // Past the last band: nothing.
        None if band >= FLOORS.len() => sql.push_str(" AND 1 = 0"),
        None => {}
    }
    sql.push(')');
    Filter::new().and(sql, args)
}

pub async fn count_households(
    store: &dyn Store,
    access: &Access,
    query: &HouseholdQuery,
    today: NaiveDate,
) -> Result<u64, StoreError> {
    let mut s = store.read_session().await?;
    s.count(&HOUSEHOLDS, &query.filter(access, today)).await
}

/// One page of the list.
pub async fn list_households(
    store: &dyn Store,
    access: &Access,
    query: &HouseholdQuery,
    page: Page,
    today: NaiveDate,
) -> Result<Vec<HouseholdSummary>, StoreError> {
    let mut s = store.read_session().await?;
    s.household_summaries(
        &query.filter(access, today),
        &query.sort.order(query.descending),
        page,
    )
    .await
}

/// Every household of the list in village order, a batch at a time (for the spreadsheet of a
/// filtered list). Pages by key rather than by offset, so a city's list costs no more per row
/// at its end than at its start.
pub async fn each_household(
    store: &dyn Store,
    access: &Access,
    query: &HouseholdQuery,
    today: NaiveDate,
    sink: &mut (dyn FnMut(HouseholdSummary) -> Result<(), StoreError> + Send),
) -> Result<u64, StoreError> {
    const BATCH: u64 = 2_000;
    let mut s = store.read_session().await?;
    let base = query.filter(access, today);
    let mut after: Option<(i64, String)> = None;
    let mut n = 0;
    loop {
        let filter = match &after {
            None => base.clone(),
            Some((village, id)) => base.clone().and(
                "village_code > ? OR (village_code = ? AND household_id > ?)",
                vec![
                    Arg::Int(*village),
                    Arg::Int(*village),
                    Arg::Text(id.clone()),
                ],
            ),
        };
        let batch = s
            .household_summaries(
                &filter,
                &HouseholdSort::Village.order(false),
                Page {
                    limit: BATCH,
                    offset: 0,
                },
            )
            .await?;
        let last = batch.len() < BATCH as usize;
        if let Some(h) = batch.last() {
            let village = h.values[1].as_region().map(|r| r.as_u64() as i64);
            after = Some((village.unwrap_or_default(), h.id().to_string()));
        }
        for h in batch {
            n += 1;
            sink(h)?;
        }
        if last {
            return Ok(n);
        }
    }
}

/// Names of `codes` (repeats allowed), read in chunks.
pub(in crate::records) async fn names_of(
    s: &mut dyn ReadSession,
    codes: impl IntoIterator<Item = u64>,
) -> Result<HashMap<u64, String>, StoreError> {
    let codes: std::collections::BTreeSet<i64> = codes.into_iter().map(|c| c as i64).collect();
    let codes: Vec<i64> = codes.into_iter().collect();
    let mut names = HashMap::new();
    for chunk in codes.chunks(500) {
        names.extend(region_names(s, chunk.to_vec()).await?);
    }
    Ok(names)
}

pub(in crate::records) async fn region_names(
    s: &mut dyn ReadSession,
    codes: Vec<i64>,
) -> Result<HashMap<u64, String>, StoreError> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let n = codes.len();
    let rows = s
        .select(
            &REGIONS,
            &Filter::new().and(
                format!("code IN ({})", marks(n)),
                codes.into_iter().map(Arg::Int).collect(),
            ),
            "",
            None,
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let code = r[0].as_region()?.as_u64();
            Some((code, r[1].as_text()?.to_string()))
        })
        .collect())
}

/// A region of the tree with the households the account reaches within it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionNode {
    pub code: RegionCode,
    pub name: String,
    pub level: Level,
    pub parent: Option<RegionCode>,
    pub households: u64,
}

/// A region by its code, with the households the account reaches in it; `None` when it does
/// not exist or lies outside the account's reach (and is not on the way down to it).
pub async fn region(
    store: &dyn Store,
    access: &Access,
    code: RegionCode,
    today: NaiveDate,
) -> Result<Option<RegionNode>, StoreError> {
    let mut s = store.read_session().await?;
    let rows = s
        .select(
            &REGIONS,
            &Filter::new().and("code = ?", vec![Arg::Int(code.as_u64() as i64)]),
            "",
            None,
        )
        .await?;
    let Some(row) = rows.into_iter().next() else {
        return Ok(None);
    };
    let mut nodes = nodes_of(s.as_mut(), access, vec![row], today).await?;
    Ok(nodes.pop())
}

/// The regions above `region` that the account may open, top first: names for a breadcrumb,
/// without the household counts `region` computes.
pub async fn region_trail(
    store: &dyn Store,
    access: &Access,
    region: &RegionNode,
) -> Result<Vec<(RegionCode, String)>, StoreError> {
    let mut s = store.read_session().await?;
    let mut trail = Vec::new();
    let mut up = region.parent;
    while let Some(code) = up.filter(|&c| reachable(access, c)) {
        let filter = Filter::new().and("code = ?", vec![Arg::Int(code.as_u64() as i64)]);
        let Some(row) = s.select(&REGIONS, &filter, "", None).await?.pop() else {
            break;
        };
        trail.insert(0, (code, row[1].as_text().unwrap_or_default().to_string()));
        up = row[3].as_region();
    }
    Ok(trail)
}

/// The regions directly below `parent` (the top of the tree when `None`) that the account
/// reaches or passes through on the way to its own region.
pub async fn region_children(
    store: &dyn Store,
    access: &Access,
    parent: Option<RegionCode>,
    today: NaiveDate,
) -> Result<Vec<RegionNode>, StoreError> {
    let mut s = store.read_session().await?;
    let filter = match parent {
        Some(p) => Filter::new().and("parent_code = ?", vec![Arg::Int(p.as_u64() as i64)]),
        None => Filter::new().and("parent_code IS NULL", vec![]),
    };
    let rows = s.select(&REGIONS, &filter, "code", None).await?;
    nodes_of(s.as_mut(), access, rows, today).await
}

fn reachable(access: &Access, code: RegionCode) -> bool {
    match access.scope() {
        Scope::Everywhere => true,
        // Its own region and what is below, and the regions above it on the way down.
        Scope::Region(r) => code.is_within(*r) || r.is_within(code),
        // A helper's households are found through the list, not the tree.
        Scope::PairedWith(_) => false,
    }
}

async fn nodes_of(
    s: &mut dyn ReadSession,
    access: &Access,
    rows: Vec<Vec<Value>>,
    today: NaiveDate,
) -> Result<Vec<RegionNode>, StoreError> {
    let mut nodes = Vec::new();
    for row in rows {
        let Some(code) = row[0].as_region() else {
            continue;
        };
        if !reachable(access, code) {
            continue;
        }
        let households = s
            .count(&HOUSEHOLDS, &within(household_scope(access, today), code))
            .await?;
        nodes.push(RegionNode {
            code,
            name: row[1].as_text().unwrap_or_default().to_string(),
            level: code.level(),
            parent: row[3].as_region(),
            households,
        });
    }
    Ok(nodes)
}

/// What the village page shows about the village itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageFacts {
    pub poor_village: bool,
    pub population: i64,
    pub exit_year: Option<i64>,
    pub planned_exit_year: Option<i64>,
}

/// A village's facts, if the account's region covers it.
pub async fn village(
    store: &dyn Store,
    access: &Access,
    code: RegionCode,
) -> Result<Option<VillageFacts>, StoreError> {
    if !access.covers_region(code) {
        return Ok(None);
    }
    let mut s = store.read_session().await?;
    let rows = s
        .select(
            &xplus_core::interchange::schema::VILLAGES,
            &Filter::new().and("village_code = ?", vec![Arg::Int(code.as_u64() as i64)]),
            "",
            None,
        )
        .await?;
    Ok(rows.into_iter().next().map(|r| VillageFacts {
        poor_village: r[1].as_bool().unwrap_or(false),
        population: r[2].as_int().unwrap_or(0),
        exit_year: r[3].as_int(),
        planned_exit_year: r[4].as_int(),
    }))
}
