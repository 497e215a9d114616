//! Reading the registry within an account's reach: the region tree, the household list with its
//! filters, and one household with its members and incomes.

use super::queries::{self, within, Candidate, RegionRow};
use crate::error::StoreError;
use crate::records::{Page, ReadSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{fetch_sql, select_rows, Named};
use crate::session::HouseholdSummary;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::{Access, Scope};
use xplus_core::education::coverage::poor_at_start_of;
use xplus_core::interchange::schema::{HOUSEHOLDS, VILLAGES};
use xplus_core::registry::{
    standing_at_end, standing_at_start, HouseholdStatus, Level, PovertyCause, RegionCode, Standing,
};

// Built in the query module, used by the operations of other folders as the registry's.
pub(in crate::records) use super::queries::{
    fetch_within, households_in, within_scope, within_scope_by_county,
};

/// The households an account reaches, as a condition on the households table.
pub(crate) fn household_scope(access: &Access, today: NaiveDate) -> Filter {
    match access.scope() {
        Scope::Everywhere => Filter::new(),
        Scope::Region(r) => within(Filter::new(), *r),
        Scope::PairedWith(cadre) => queries::paired_with(cadre, today),
    }
}

/// A household as the book of record reads it: its village, identification year, today's
/// standing, and the standings its outcomes (of the year asked or later) replaced.
pub(in crate::records) struct History {
    pub village: RegionCode,
    pub identified: i32,
    pub today: Standing,
    pub replaced: Vec<(i32, Standing)>,
}

/// The households `h` matching `filter` (over `h` and the outcomes `o`), each with its outcomes
/// of `from` or later — one read, folded per household.
pub(in crate::records) async fn histories(
    s: &mut dyn ReadSession,
    filter: &Filter,
    from: i32,
) -> Result<HashMap<String, History>, StoreError> {
    // A reach within counties reads their index range of `h`, not every household.
    let narrowed = filter.counties().map(|(lo, hi)| {
        filter.clone().and(
            "h.county_code BETWEEN ? AND ?",
            vec![Arg::Int(lo), Arg::Int(hi)],
        )
    });
    let filter = narrowed.as_ref().unwrap_or(filter);
    let sql = queries::candidates_sql(filter);
    let mut args = vec![Arg::Int(i64::from(from))];
    args.extend(filter.args().cloned());
    let mut known: HashMap<String, History> = HashMap::new();
    for c in fetch_sql::<Candidate>(s, &sql, &args).await? {
        let entry = known.entry(c.id).or_insert_with(|| History {
            village: c.village,
            identified: c.identified_year as i32,
            today: Standing {
                status: c.status,
                exit_year: c.exit_year,
            },
            replaced: Vec::new(),
        });
        if let (Some(y), Some(before)) = (c.outcome_year, c.previous_status) {
            let before = Standing {
                status: before,
                exit_year: c.previous_exit_year,
            };
            entry.replaced.push((y as i32, before));
        }
    }
    Ok(known)
}

/// The households within `scope` that rules.md §6 looks at for `year` — poor or returned at
/// its start — as (household, village), in household order. The status at the start of the
/// year is the one stored, unless an assessment applied for the year or later changed it.
pub(in crate::records) async fn poor_at_start(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Vec<(String, RegionCode)>, StoreError> {
    poor_at_start_among(s, scope, Filter::new(), year).await
}

/// As `poor_at_start`, among the households `among` (a condition on `h`) also selects: a few
/// of a large reach, read without the rest.
pub(in crate::records) async fn poor_at_start_among(
    s: &mut dyn ReadSession,
    scope: &Filter,
    among: Filter,
    year: i32,
) -> Result<Vec<(String, RegionCode)>, StoreError> {
    let of_year = queries::of_year(&Arg::Int(i64::from(year)), scope).merge(among);
    let mut out: Vec<(String, RegionCode)> = histories(s, &of_year, year)
        .await?
        .into_iter()
        .filter(|(_, h)| {
            let start = standing_at_start(h.today, h.replaced.iter().copied(), year);
            poor_at_start_of(start.status, h.identified, start.exit_year, year)
        })
        .map(|(id, h)| (id, h.village))
        .collect();
    // Sorted here, not in SQL: PostgreSQL's locale would order text keys unlike SQLite.
    out.sort_unstable();
    Ok(out)
}

/// The standing of each household within `scope` at the end of `year` (core's
/// `registry::standing_at_end`), by household: what a card or a list of that year shows.
pub(in crate::records) async fn standings_at_end(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<HashMap<String, Standing>, StoreError> {
    // The outcomes of the next year or later, joined to each household of the scope.
    let of_scope = households_in(scope, "h.household_id");
    Ok(histories(s, &of_scope, year + 1)
        .await?
        .into_iter()
        .map(|(id, h)| (id, standing_at_end(h.today, h.replaced, year)))
        .collect())
}

/// The first and last day of `year`.
pub(in crate::records) fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a real day");
    (day(1, 1), day(12, 31))
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
        match self {
            HouseholdSort::Village => queries::by_village(descending),
            HouseholdSort::Id => queries::by_id(descending),
            HouseholdSort::IdentifiedYear => queries::by_identified_year(descending),
            HouseholdSort::Status => queries::by_status(descending),
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
    /// A household number, a member's identity number or the head's name (whole).
    pub text: Option<String>,
    /// Poor or returned (the dashboard's poor households).
    pub poor: bool,
    /// Exited in this year.
    pub exit_year: Option<i32>,
    /// As the households stood at the end of this year (book of record): `status`, `poor` and
    /// `exit_year` ask of that standing, and only households identified by then are listed.
    pub at_end: Option<i32>,
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
        if let Some(year) = self.at_end {
            use HouseholdStatus::{Poor, Returned};
            let statuses: Vec<HouseholdStatus> = match (self.status, self.poor) {
                (Some(s), true) => [Poor, Returned].into_iter().filter(|p| *p == s).collect(),
                (Some(s), false) => vec![s],
                (None, true) => vec![Poor, Returned],
                (None, false) => Vec::new(),
            };
            // A status that is not poor asked together with `poor`: nothing matches.
            if self.poor && statuses.is_empty() {
                f = f.and("1 = 0", vec![]);
            }
            let wanted = queries::StandingIs {
                statuses: &statuses,
                exit_year: self.exit_year,
            };
            f = queries::standing_at_end_is(f, year, &wanted);
        } else {
            if let Some(s) = self.status {
                f = queries::status_is(f, s);
            }
            if self.poor {
                f = queries::poor(f);
            }
            if let Some(y) = self.exit_year {
                f = queries::exit_year_is(f, y);
            }
        }
        if let Some((year, band)) = self.income_band {
            f = queries::not_removed(f).merge(queries::income_in_band(year, band));
        }
        if let Some(c) = self.cause {
            f = queries::has_cause(f, c.code());
        }
        if let Some(t) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let id = t.to_ascii_uppercase();
            f = queries::household_or_member(f, t, id);
        }
        f
    }
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
            Some((village, id)) => queries::after_in_village_order(base.clone(), *village, id),
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
            let village = h.household.village.as_u64() as i64;
            after = Some((village, h.id().to_string()));
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

/// Names of the regions `codes` (those that exist), for a page listing regions it found
/// another way (an assessment's villages).
pub async fn region_names_of(
    store: &dyn Store,
    codes: impl IntoIterator<Item = RegionCode>,
) -> Result<HashMap<RegionCode, String>, StoreError> {
    let mut s = store.read_session().await?;
    let codes: Vec<RegionCode> = codes.into_iter().collect();
    let names = names_of(s.as_mut(), codes.iter().map(|c| c.as_u64())).await?;
    Ok(codes
        .into_iter()
        .filter_map(|c| Some((c, names.get(&c.as_u64())?.clone())))
        .collect())
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

/// The regions directly below `parent` (the provinces for None), by code, with their names.
pub(in crate::records) async fn child_regions(
    s: &mut dyn ReadSession,
    parent: Option<RegionCode>,
) -> Result<Vec<(RegionCode, String)>, StoreError> {
    let filter = queries::children_of(parent);
    let rows = select_rows::<RegionRow>(s, &filter, queries::REGION_ORDER).await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.code, r.name.unwrap_or_default()))
        .collect())
}

pub(in crate::records) async fn region_names(
    s: &mut dyn ReadSession,
    codes: Vec<i64>,
) -> Result<HashMap<u64, String>, StoreError> {
    if codes.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = select_rows::<RegionRow>(s, &queries::regions_in(codes), "").await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some((r.code.as_u64(), r.name?)))
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
    let rows = select_rows::<RegionRow>(s.as_mut(), &queries::region_is(code), "").await?;
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
        let filter = queries::region_is(code);
        let Some(row) = select_rows::<RegionRow>(s.as_mut(), &filter, "")
            .await?
            .pop()
        else {
            break;
        };
        trail.insert(0, (code, row.name.unwrap_or_default()));
        up = row.parent;
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
    let filter = queries::children_of(parent);
    let rows = select_rows::<RegionRow>(s.as_mut(), &filter, queries::REGION_ORDER).await?;
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
    rows: Vec<RegionRow>,
    today: NaiveDate,
) -> Result<Vec<RegionNode>, StoreError> {
    let mut nodes = Vec::new();
    for row in rows {
        let code = row.code;
        if !reachable(access, code) {
            continue;
        }
        let households = s
            .count(&HOUSEHOLDS, &within(household_scope(access, today), code))
            .await?;
        nodes.push(RegionNode {
            code,
            name: row.name.unwrap_or_default(),
            level: code.level(),
            parent: row.parent,
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
    let filter = queries::village_is(Filter::new(), code);
    let rows = s.select(&VILLAGES, &filter, "", None).await?;
    Ok(rows.first().map(|values| {
        let r = Named::new(&VILLAGES, values);
        VillageFacts {
            poor_village: r.boolean("poor_village").unwrap_or(false),
            population: r.int("population").unwrap_or(0),
            exit_year: r.int("exit_year"),
            planned_exit_year: r.int("planned_exit_year"),
        }
    }))
}
