//! 骨干: the overdue visits of a city, a province or everything, counted per county and kept in
//! memory between requests.
//!
//! Whether a paired household is overdue depends on the day it is counted on, so it cannot be a
//! roll-up, and a province's pairings take seconds to read. The web server holds a [`KeptDue`]:
//! what each county's pairings came to on a day under an interval, with the stamp the county's
//! last refresh left (`county_refreshes`), read before its pairings. Every write marks its
//! county and the county's refresh moves its stamp, so while a county is not marked and its
//! stamp is the one kept, its records have not changed since and the kept figure is what they
//! still say. A write to one county recounts that county alone: counted each time while it is
//! marked, and kept again after its refresh.

use super::queries::visits_due::{
    cadre_names_sql, head_names_sql, in_county_sql, ActivePairing, IdName,
};
use crate::error::StoreError;
use crate::records::stamped::{Stamped, Weighed};
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::session::Page;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use xplus_core::backbone::visits::{counted_from, overdue};
use xplus_core::registry::{Level, RegionCode};

/// Overdue pairings kept of each county, the longest without a visit first: the pages of a
/// list of the whole reach as far as every county's kept ones reach (five pages at least, and
/// many more when the oldest are spread over counties). All of a province's pairings can be
/// overdue (1.4 million in the demo), too many to hold; a deeper page reads the records.
const KEPT_ROWS: usize = 250;

/// Pairings kept in all (about 140 bytes each): past it, the least recently used counties'
/// figures are dropped, the older half of them.
const KEPT_ROWS_IN_ALL: usize = 1_000_000;

/// One overdue pairing of a county's count, without the names a page shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OverduePairing {
    /// The day its time without a visit counts from: the list's order, then household, cadre and
    /// the pairing's start (the fields' order; ids compared byte by byte, as the list's SQL does).
    pub since: NaiveDate,
    pub household_id: String,
    pub cadre_id: String,
    pub paired_since: NaiveDate,
    pub village: RegionCode,
    pub last_visit: Option<NaiveDate>,
}

/// What one county's pairings came to on a day under an interval.
#[derive(Debug, PartialEq, Eq)]
pub struct CountyDue {
    pub paired: u64,
    pub overdue: u64,
    /// The first of the overdue pairings (at most [`KEPT_ROWS`]), the longest without a visit
    /// first.
    pub first: Vec<OverduePairing>,
}

/// (county, day counted on, interval).
type Key = (u64, NaiveDate, i64);

impl Weighed for CountyDue {
    fn weight(&self) -> usize {
        self.first.len() + 1
    }
}

/// Counties' overdue visits kept between requests (see the module's note); one per server.
#[derive(Default)]
pub struct KeptDue {
    counties: Mutex<Stamped<Key, CountyDue, KEPT_ROWS_IN_ALL>>,
    /// One county counted at a time: a request that finds a county being counted (by another
    /// request, or by the server's count when it starts) waits for it instead of counting again.
    counting: tokio::sync::Mutex<()>,
}

impl KeptDue {
    fn get(&self, key: &Key, stamp: i64) -> Option<Arc<CountyDue>> {
        self.counties.lock().expect("kept visits").get(key, stamp)
    }

    fn keep(&self, key: Key, stamp: i64, due: Arc<CountyDue>) {
        // The county's earlier days of the same year under the same interval ("today" moved).
        let (county, day, interval) = key;
        let stale =
            |k: &Key| k.0 == county && k.2 == interval && k.1 < day && k.1.year() == day.year();
        let mut kept = self.counties.lock().expect("kept visits");
        kept.keep(key, stamp, due, stale);
    }
}

/// Whether `region` (None: everywhere) spans counties, the reach whose count is kept per county;
/// a county or less is read whole at once.
pub(super) fn spans_counties(region: Option<RegionCode>) -> bool {
    region.is_none_or(|r| matches!(r.level(), Level::Province | Level::City))
}

/// Each county's figures within `region` (None: everywhere) on `as_of` under `interval_days`:
/// from `kept` where they still hold, counted and kept otherwise (a day after `today`, a year
/// not begun, is counted and not kept: any year may be asked for). A county marked for a
/// refresh is counted and not kept either (its stamp is about to move), so a visit just
/// recorded is counted at once; the second value is how many were.
pub(super) async fn county_dues(
    store: &dyn Store,
    kept: &KeptDue,
    region: Option<RegionCode>,
    (as_of, interval_days): (NaiveDate, i64),
    today: NaiveDate,
) -> Result<(Vec<Arc<CountyDue>>, usize), StoreError> {
    let stamps = {
        let mut s = store.read_session().await?;
        crate::records::reporting::rollup::county_stamps(s.as_mut(), region).await?
    };
    let mut dues = Vec::with_capacity(stamps.len());
    let mut marked = 0;
    for c in stamps {
        let key = (c.county.as_u64(), as_of, interval_days);
        if c.marked || as_of > today {
            marked += usize::from(c.marked);
            dues.push(Arc::new(
                count_county(store, c.county, as_of, interval_days).await?,
            ));
            continue;
        }
        if let Some(due) = kept.get(&key, c.refreshed) {
            dues.push(due);
            continue;
        }
        // No connection is held while waiting: a page waiting behind the server's start-up
        // count must not starve the other pages and the writers of connections.
        let _one = kept.counting.lock().await;
        let due = match kept.get(&key, c.refreshed) {
            Some(due) => due,
            None => {
                let due = Arc::new(count_county(store, c.county, as_of, interval_days).await?);
                kept.keep(key, c.refreshed, due.clone());
                due
            }
        };
        dues.push(due);
    }
    Ok((dues, marked))
}

/// One county's active pairings on `as_of`, judged by core's rule.
async fn count_county(
    store: &dyn Store,
    county: RegionCode,
    as_of: NaiveDate,
    interval_days: i64,
) -> Result<CountyDue, StoreError> {
    let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
    let args = [
        Arg::Date(as_of),
        Arg::Date(as_of),
        Arg::Date(as_of),
        Arg::Int(lo as i64),
        Arg::Int(hi as i64),
    ];
    let mut s = store.read_session().await?;
    let pairings = fetch_sql::<ActivePairing>(s.as_mut(), &in_county_sql(), &args).await?;
    drop(s);
    let paired = pairings.len() as u64;
    let mut due: Vec<OverduePairing> = pairings
        .into_iter()
        .filter(|p| overdue(p.paired_since, p.last_visit, as_of, interval_days))
        .map(|p| OverduePairing {
            since: counted_from(p.paired_since, p.last_visit),
            household_id: p.household_id,
            cadre_id: p.cadre_id,
            village: p.village,
            paired_since: p.paired_since,
            last_visit: p.last_visit,
        })
        .collect();
    let overdue = due.len() as u64;
    if due.len() > KEPT_ROWS {
        due.select_nth_unstable(KEPT_ROWS);
        due.truncate(KEPT_ROWS);
    }
    due.sort_unstable();
    Ok(CountyDue {
        paired,
        overdue,
        first: due,
    })
}

/// One page of the counties' overdue pairings in the list's order: their sorted lists merged
/// as far as the page reaches; None when the page lies beyond a county's kept ones.
pub(super) fn page_of(dues: &[Arc<CountyDue>], page: Page) -> Option<Vec<&OverduePairing>> {
    let end = page.offset.saturating_add(page.limit);
    // The smallest first: a max-heap of reversed entries, (pairing, county, position).
    let mut next: BinaryHeap<Reverse<(&OverduePairing, usize, usize)>> = dues
        .iter()
        .enumerate()
        .filter_map(|(c, d)| d.first.first().map(|p| Reverse((p, c, 0))))
        .collect();
    let mut out = Vec::new();
    let mut taken = 0u64;
    // A county whose kept pairings ran out while it has more: its next one, not kept, may come
    // before any other's, so the page cannot go on.
    let mut ran_out = false;
    while taken < end {
        if ran_out {
            return None;
        }
        let Some(Reverse((p, c, i))) = next.pop() else {
            break;
        };
        if taken >= page.offset {
            out.push(p);
        }
        taken += 1;
        let county = &dues[c];
        match county.first.get(i + 1) {
            Some(q) => next.push(Reverse((q, c, i + 1))),
            None => ran_out = county.overdue > (i + 1) as u64,
        }
    }
    Some(out)
}

/// The cadres' and heads' names of `rows`: (cadre id → name, household id → head's name).
pub(super) async fn names_of_page(
    s: &mut dyn ReadSession,
    rows: &[&OverduePairing],
) -> Result<(HashMap<String, String>, HashMap<String, String>), StoreError> {
    if rows.is_empty() {
        return Ok(Default::default());
    }
    let ids = |f: fn(&OverduePairing) -> &String| -> Vec<Arg> {
        let set: std::collections::BTreeSet<&String> = rows.iter().map(|r| f(r)).collect();
        set.into_iter().map(|id| Arg::Text(id.clone())).collect()
    };
    let (cadres, homes) = (ids(|r| &r.cadre_id), ids(|r| &r.household_id));
    let read = |v: Vec<IdName>| -> HashMap<String, String> {
        v.into_iter().map(|n| (n.id, n.name)).collect()
    };
    let cadre_names = read(fetch_sql(s, &cadre_names_sql(cadres.len()), &cadres).await?);
    let heads = read(fetch_sql(s, &head_names_sql(homes.len()), &homes).await?);
    Ok((cadre_names, heads))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairing(since: &str, household: &str) -> OverduePairing {
        let d: NaiveDate = since.parse().unwrap();
        OverduePairing {
            since: d,
            household_id: household.into(),
            cadre_id: "C1".into(),
            village: RegionCode::from_u64(341122100001).unwrap(),
            paired_since: d,
            last_visit: None,
        }
    }

    fn county(overdue: u64, first: Vec<OverduePairing>) -> Arc<CountyDue> {
        Arc::new(CountyDue {
            paired: overdue + 1,
            overdue,
            first,
        })
    }

    fn ids(dues: &[Arc<CountyDue>], limit: u64, offset: u64) -> Option<Vec<String>> {
        let rows = page_of(dues, Page { limit, offset })?;
        Some(rows.into_iter().map(|p| p.household_id.clone()).collect())
    }

    #[test]
    fn pages_merge_the_counties_in_the_lists_order() {
        let a = county(
            2,
            vec![pairing("2016-01-01", "A1"), pairing("2016-03-01", "A2")],
        );
        let b = county(
            2,
            vec![pairing("2016-01-01", "B1"), pairing("2016-02-01", "B2")],
        );
        let dues = [a, b];
        assert_eq!(ids(&dues, 3, 0).unwrap(), ["A1", "B1", "B2"]);
        assert_eq!(ids(&dues, 3, 3).unwrap(), ["A2"]);
        assert!(ids(&dues, 3, 9).unwrap().is_empty());
    }

    #[test]
    fn a_page_beyond_a_countys_kept_pairings_is_not_guessed() {
        // B has a third overdue pairing that was not kept: it may come before A2.
        let a = county(
            2,
            vec![pairing("2016-01-01", "A1"), pairing("2016-03-01", "A2")],
        );
        let b = county(
            3,
            vec![pairing("2016-01-01", "B1"), pairing("2016-02-01", "B2")],
        );
        let dues = [a, b];
        assert_eq!(ids(&dues, 2, 0).unwrap(), ["A1", "B1"]);
        assert_eq!(ids(&dues, 3, 0).unwrap(), ["A1", "B1", "B2"]);
        assert_eq!(ids(&dues, 4, 0), None);
    }

    #[test]
    fn the_newer_stamp_stays_and_yesterday_goes() {
        let kept = KeptDue::default();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let due = || county(1, vec![pairing("2016-01-01", "A1")]);
        let today = (1, d("2026-12-04"), 31);
        kept.keep(today, 2, due());
        // A reading that took the older stamp finishes later: it does not replace the newer.
        kept.keep(today, 1, due());
        assert!(kept.get(&today, 2).is_some() && kept.get(&today, 1).is_none());
        let last_year = (1, d("2025-12-31"), 31);
        let other_county = (2, d("2026-12-04"), 31);
        kept.keep(last_year, 2, due());
        kept.keep(other_county, 2, due());
        // The next day: the county's yesterday goes, its year end and other counties stay.
        let tomorrow = (1, d("2026-12-05"), 31);
        kept.keep(tomorrow, 2, due());
        assert!(kept.get(&today, 2).is_none());
        for key in [tomorrow, last_year, other_county] {
            assert!(kept.get(&key, 2).is_some(), "{key:?}");
        }
        assert_eq!(kept.counties.lock().unwrap().size().1, 3 * 2);
    }
}
