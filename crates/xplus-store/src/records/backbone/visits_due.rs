//! 骨干: the paired households a helper has not visited for longer than the rule allows
//! (xplus-core `backbone::visits`, the rule setting `visit_interval_days`), counted for the
//! workbench and listed behind its count. A city's, a province's or everyone's are counted per
//! county and kept between requests (`visits_kept`).

use super::queries::visits_due::{count_sql, list_sql, DueCount, DueRow};
use super::visits_kept::{
    county_dues, names_of_page, page_of, spans_counties, CountyDue, KeptDue, OverduePairing,
};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, names_of, within_scope};
use crate::records::rules::rule_book;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::session::Page;
use crate::store::Store;
use chrono::NaiveDate;
use std::sync::Arc;
use xplus_core::accounts::{Access, Scope};
use xplus_core::backbone::visits::{as_of_in_year, days_without_visit, oldest_on_time};
use xplus_core::registry::RegionCode;

/// How the counts were taken: on which day, with which interval (and where it is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitsDue {
    pub as_of: NaiveDate,
    pub interval_days: i64,
    pub interval_source: String,
    /// Pairings active on `as_of` within reach, and those overdue.
    pub paired: u64,
    pub overdue: u64,
    /// Each county's figures, when the reach spans counties: the list is paged from them.
    pub counties: Option<Vec<Arc<CountyDue>>>,
    /// Counties counted afresh because they are marked for a roll-up refresh: until it runs,
    /// each reading counts them again.
    pub marked: usize,
}

/// One overdue pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueVisit {
    pub cadre_id: String,
    pub cadre_name: String,
    pub household_id: String,
    pub head: String,
    pub village: RegionCode,
    pub village_name: String,
    pub paired_since: NaiveDate,
    pub last_visit: Option<NaiveDate>,
    /// Days since the last visit (or the pairing's start) on the day counted.
    pub days: i64,
}

/// Where a statement compares with the oldest day on time: before the pairings (the count's
/// select list) or after them (the list's condition). Placeholders are positional.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Oldest {
    First,
    Last,
}

/// The statement with the reach of `access` put in, and its arguments (the day three times,
/// then the cadre or the scope's, with the oldest day on time first or last).
fn scoped(
    sql: &str,
    access: &Access,
    as_of: NaiveDate,
    oldest: NaiveDate,
    at: Oldest,
) -> (String, Vec<Arg>) {
    let days = vec![Arg::Date(as_of), Arg::Date(as_of), Arg::Date(as_of)];
    let (sql, mut args) = match access.scope() {
        // A helper's own pairings (not another helper's with the same household).
        Scope::PairedWith(cadre) => {
            let mut args = days;
            args.push(Arg::Text(cadre.clone()));
            (
                sql.replace("{cadre}", " AND p.cadre_id = ?")
                    .replace("{within}", ""),
                args,
            )
        }
        _ => within_scope(
            &household_scope(access, as_of),
            &sql.replace("{cadre}", ""),
            "p",
            days,
        ),
    };
    match at {
        Oldest::First => args.insert(0, Arg::Date(oldest)),
        Oldest::Last => args.push(Arg::Date(oldest)),
    }
    (sql, args)
}

/// The interval of the place the account reaches (the county's setting for a county, the
/// general one above it) for the year.
async fn interval(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<(i64, String), StoreError> {
    let place = match access.scope() {
        Scope::Region(r) => r.county(),
        _ => None,
    };
    let rules = rule_book(store).await?.for_place(place, year);
    let days = &rules.set.visit_interval_days;
    Ok((days.value, days.source.to_string()))
}

/// The pairings within reach active in `year` (on its last day, or today within it) and how many
/// are overdue; a reach of counties from `kept` where it still holds (see `visits_kept`).
pub async fn visits_due(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
    kept: &KeptDue,
) -> Result<VisitsDue, StoreError> {
    let as_of = as_of_in_year(year, today);
    let (interval_days, interval_source) = interval(store, access, year).await?;
    let region = match access.scope() {
        Scope::Everywhere => Some(None),
        Scope::Region(r) => Some(Some(*r)),
        Scope::PairedWith(_) => None,
    };
    let (counties, marked) = match region.filter(|r| spans_counties(*r)) {
        Some(r) => {
            let (dues, marked) = county_dues(store, kept, r, (as_of, interval_days), today).await?;
            (Some(dues), marked)
        }
        None => (None, 0),
    };
    let (paired, overdue) = match &counties {
        Some(dues) => dues
            .iter()
            .fold((0, 0), |(p, o), d| (p + d.paired, o + d.overdue)),
        None => live_count(store, access, as_of, interval_days).await?,
    };
    Ok(VisitsDue {
        as_of,
        interval_days,
        interval_source,
        paired,
        overdue,
        counties,
        marked,
    })
}

/// The pairings within reach and the overdue among them, read whole.
async fn live_count(
    store: &dyn Store,
    access: &Access,
    as_of: NaiveDate,
    interval_days: i64,
) -> Result<(u64, u64), StoreError> {
    let (sql, args) = scoped(
        &count_sql(),
        access,
        as_of,
        oldest_on_time(as_of, interval_days),
        Oldest::First,
    );
    let mut s = store.read_session().await?;
    let count = fetch_sql::<DueCount>(s.as_mut(), &sql, &args)
        .await?
        .into_iter()
        .next();
    Ok(count.map_or((0, 0), |c| (c.paired, c.overdue)))
}

/// One page of the overdue pairings that `due` ([`visits_due`]) counted, the longest without a
/// visit first.
pub async fn overdue_visits(
    store: &dyn Store,
    access: &Access,
    due: &VisitsDue,
    page: Page,
) -> Result<Vec<DueVisit>, StoreError> {
    if let Some(rows) = due.counties.as_deref().and_then(|d| page_of(d, page)) {
        return kept_page(store, rows, due.as_of).await;
    }
    let (sql, args) = scoped(
        &list_sql(store.backend()),
        access,
        due.as_of,
        oldest_on_time(due.as_of, due.interval_days),
        Oldest::Last,
    );
    let sql = sql.replace("{page}", &page.sql());
    let mut s = store.read_session().await?;
    let rows = fetch_sql::<DueRow>(s.as_mut(), &sql, &args).await?;
    let names = names_of(s.as_mut(), rows.iter().map(|r| r.village.as_u64())).await?;
    Ok(rows
        .into_iter()
        .map(|r| DueVisit {
            village_name: names.get(&r.village.as_u64()).cloned().unwrap_or_default(),
            days: days_without_visit(r.paired_since, r.last_visit, due.as_of),
            cadre_id: r.cadre_id,
            cadre_name: r.cadre_name,
            household_id: r.household_id,
            head: r.head,
            village: r.village,
            paired_since: r.paired_since,
            last_visit: r.last_visit,
        })
        .collect())
}

/// One page of the counties' kept overdue pairings, with their names.
async fn kept_page(
    store: &dyn Store,
    rows: Vec<&OverduePairing>,
    as_of: NaiveDate,
) -> Result<Vec<DueVisit>, StoreError> {
    let mut s = store.read_session().await?;
    let (cadres, heads) = names_of_page(s.as_mut(), &rows).await?;
    let villages = names_of(s.as_mut(), rows.iter().map(|r| r.village.as_u64())).await?;
    Ok(rows
        .into_iter()
        .map(|r| DueVisit {
            village_name: villages
                .get(&r.village.as_u64())
                .cloned()
                .unwrap_or_default(),
            days: days_without_visit(r.paired_since, r.last_visit, as_of),
            cadre_name: cadres.get(&r.cadre_id).cloned().unwrap_or_default(),
            head: heads.get(&r.household_id).cloned().unwrap_or_default(),
            cadre_id: r.cadre_id.clone(),
            household_id: r.household_id.clone(),
            village: r.village,
            paired_since: r.paired_since,
            last_visit: r.last_visit,
        })
        .collect())
}
