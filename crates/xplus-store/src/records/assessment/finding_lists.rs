//! The lists of recorded department findings within an account's reach (核查任务, 部门预警):
//! filtered by kind and state, a page at a time, with each household's village; and the open
//! and overdue tasks of each town, which the dashboard and the workbench count.

use super::queries::findings::{
    answerable_args, answerable_sql, codes_of, count_sql, list_sql, Answerable, StoredFinding,
    TownTasks, TOWN_TASKS,
};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, names_of, within_scope};
use crate::session::filter::Arg;
use crate::session::rows::{fetch_sql, Count};
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::tasks::{is_overdue, Handling};
use xplus_core::registry::RegionCode;

/// Which findings of a list: those still waiting for an outcome, the overdue among them, those
/// with an outcome, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FindingState {
    #[default]
    Open,
    Overdue,
    Done,
    All,
}

impl FindingState {
    pub const ALL: [FindingState; 4] = [
        FindingState::Open,
        FindingState::Overdue,
        FindingState::Done,
        FindingState::All,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FindingState::Open => "open",
            FindingState::Overdue => "overdue",
            FindingState::Done => "done",
            FindingState::All => "all",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            FindingState::Open => "待处理",
            FindingState::Overdue => "已逾期",
            FindingState::Done => "已办结",
            FindingState::All => "全部",
        }
    }

    pub fn parse(code: &str) -> Option<FindingState> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingFilter {
    pub handling: Option<Handling>,
    pub finding: Option<Finding>,
    pub state: FindingState,
    /// From 0.
    pub page: u32,
    pub per_page: u32,
}

/// One finding of a list, with its household's village and whether it is overdue today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingEntry {
    pub finding: StoredFinding,
    pub village: RegionCode,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingList {
    pub entries: Vec<FindingEntry>,
    /// Every finding the filter matches, over all pages.
    pub total: u64,
    /// Region names of the villages listed (and their towns and counties).
    pub names: HashMap<u64, String>,
}

/// The conditions of `filter` over `department_findings f`, with their arguments. The overdue
/// condition is core's `tasks::is_overdue` in SQL, so that a page can be counted and cut.
fn conditions(filter: &FindingFilter, today: NaiveDate) -> (String, Vec<Arg>) {
    let mut sql = String::new();
    let mut args = Vec::new();
    if let Some(h) = filter.handling {
        sql.push_str(&format!(" AND f.finding IN ({})", codes_of(h)));
    }
    if let Some(f) = filter.finding {
        sql.push_str(" AND f.finding = ?");
        args.push(Arg::Text(f.code().to_string()));
    }
    match filter.state {
        // Open: waiting for an outcome — a note (assistance) waits for none.
        FindingState::Open => sql.push_str(&format!(
            " AND f.outcome IS NULL AND f.finding NOT IN ({})",
            codes_of(Handling::Note)
        )),
        FindingState::Overdue => {
            sql.push_str(" AND f.outcome IS NULL AND f.due_on < ?");
            args.push(Arg::Date(today));
        }
        FindingState::Done => sql.push_str(" AND f.outcome IS NOT NULL"),
        FindingState::All => {}
    }
    (sql, args)
}

/// A page of the findings within `access`'s reach that `filter` matches.
pub async fn finding_list(
    store: &dyn Store,
    access: &Access,
    filter: &FindingFilter,
    today: NaiveDate,
) -> Result<FindingList, StoreError> {
    let scope = household_scope(access, today);
    let (conditions, args) = conditions(filter, today);
    let mut s = store.read_session().await?;
    let (sql, count_args) = within_scope(&scope, &count_sql(&conditions), "f", args.clone());
    let total = fetch_sql::<Count>(s.as_mut(), &sql, &count_args)
        .await?
        .first()
        .map_or(0, |c| c.n);
    let (sql, mut page_args) = within_scope(&scope, &list_sql(&conditions), "f", args);
    let per_page = filter.per_page.max(1);
    page_args.push(Arg::Int(i64::from(per_page)));
    page_args.push(Arg::Int(i64::from(filter.page) * i64::from(per_page)));
    let rows = fetch_sql::<StoredFinding>(s.as_mut(), &sql, &page_args).await?;
    let mut ids: Vec<String> = rows.iter().map(|f| f.household_id.clone()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut villages: HashMap<String, RegionCode> = HashMap::new();
    for chunk in ids.chunks(400) {
        let sql = answerable_sql(chunk.len());
        let args = answerable_args(today, chunk);
        for a in fetch_sql::<Answerable>(s.as_mut(), &sql, &args).await? {
            villages.insert(a.household_id, a.village);
        }
    }
    let entries: Vec<FindingEntry> = (rows.into_iter())
        .filter_map(|f| {
            let village = *villages.get(&f.household_id)?;
            let overdue = is_overdue(f.due_on, f.outcome, today);
            Some(FindingEntry {
                finding: f,
                village,
                overdue,
            })
        })
        .collect();
    let codes = entries.iter().flat_map(|e| region_chain(e.village));
    let names = names_of(s.as_mut(), codes).await?;
    Ok(FindingList {
        entries,
        total,
        names,
    })
}

/// A village, its town and its county, for their names.
fn region_chain(village: RegionCode) -> Vec<u64> {
    let mut codes = vec![village.as_u64()];
    codes.extend(village.parent().map(RegionCode::as_u64));
    codes.extend(village.county().map(RegionCode::as_u64));
    codes
}

/// The open tasks of one town.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownTaskCount {
    pub town: RegionCode,
    pub open: u64,
    pub overdue: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskCounts {
    /// By town code.
    pub towns: Vec<TownTaskCount>,
    /// Names of the towns and their counties.
    pub names: HashMap<u64, String>,
}

impl TaskCounts {
    /// Open and overdue tasks in all.
    pub fn totals(&self) -> (u64, u64) {
        (self.towns.iter()).fold((0, 0), |(o, d), t| (o + t.open, d + t.overdue))
    }

    /// Open and overdue tasks per county, by county code.
    pub fn by_county(&self) -> Vec<(RegionCode, u64, u64)> {
        let mut counties: std::collections::BTreeMap<u64, (RegionCode, u64, u64)> =
            Default::default();
        for t in &self.towns {
            let Some(county) = t.town.county() else {
                continue;
            };
            let e = counties.entry(county.as_u64()).or_insert((county, 0, 0));
            e.1 += t.open;
            e.2 += t.overdue;
        }
        counties.into_values().collect()
    }
}

/// The open and overdue tasks of each town within `access`'s reach on `today`.
pub async fn task_counts(
    store: &dyn Store,
    access: &Access,
    today: NaiveDate,
) -> Result<TaskCounts, StoreError> {
    let scope = household_scope(access, today);
    let (sql, args) = within_scope(&scope, TOWN_TASKS, "f", vec![Arg::Date(today)]);
    let mut s = store.read_session().await?;
    let mut towns: Vec<TownTaskCount> = fetch_sql::<TownTasks>(s.as_mut(), &sql, &args)
        .await?
        .into_iter()
        .map(|t| TownTaskCount {
            town: t.town,
            open: t.open,
            overdue: t.overdue,
        })
        .collect();
    towns.sort_by_key(|t| t.town);
    let codes = (towns.iter()).flat_map(|t| [Some(t.town), t.town.county()].into_iter().flatten());
    let names = names_of(s.as_mut(), codes.map(RegionCode::as_u64)).await?;
    Ok(TaskCounts { towns, names })
}
