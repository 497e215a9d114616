//! 一户一工人 (issue 23 item 3, the case report's "开展‘一户一工人’培养工程"): of the households
//! poor (or returned) on Dec 31 of a year within an account's reach, those with at least one
//! member in work that day (a placement running on it, core `in_work_on`) and those without —
//! the gap, listed a page at a time — in all and per county, town and village. A count over
//! placements.csv and the registry; no file of its own.

use super::queries::WORKING_BY;
use super::targets::regions_of;
use crate::error::StoreError;
use crate::records::registry::read::{
    histories, household_scope, households_in, names_of, year_bounds,
};
use crate::records::reporting::gap_pages::{
    kept_villages, span_in, ChainFigures, GapPage, Missing,
};
use crate::records::{Page, ReadSession};
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::industry::participation::in_work_on;
use xplus_core::registry::{standing_at_end, RegionCode};

/// Households poor on Dec 31 and, of them, those with a member in work that day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkerFigures {
    pub poor: u64,
    pub with_worker: u64,
}

impl WorkerFigures {
    /// The households without a member in work.
    pub fn without(&self) -> u64 {
        self.poor - self.with_worker
    }

    /// The share with a worker in basis points, rounded down; None without a poor household.
    pub fn share_bp(&self) -> Option<u64> {
        (self.poor > 0).then(|| self.with_worker * 10_000 / self.poor)
    }
}

/// A poor household without a member in work on Dec 31.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoWorker {
    pub household_id: String,
    pub village: RegionCode,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneWorker {
    pub year: i32,
    pub total: WorkerFigures,
    /// Per county, town and village in code order.
    pub by_region: BTreeMap<RegionCode, WorkerFigures>,
    /// Names of those regions, by code.
    pub names: HashMap<u64, String>,
    /// The households without a worker (village and household order): how many, and the page
    /// asked for.
    pub gaps: GapPage<NoWorker>,
}

impl OneWorker {
    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// 一户一工人 of `year` within `access`'s reach, with `page` of the households without a worker.
/// The figures and the page's villages come from the roll-ups when they are current (a
/// province has over a million households to judge); otherwise everything is read from the
/// records, so an edit is never hidden behind a stale figure.
pub async fn one_worker(
    store: &dyn Store,
    access: &Access,
    year: i32,
    page: Page,
    today: NaiveDate,
) -> Result<OneWorker, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    if let Some(villages) = kept_villages(s, access, year, Missing::NoWorker).await? {
        return kept_one_worker(s, access, year, page, &villages).await;
    }
    from_records(s, &household_scope(access, today), year, page).await
}

/// The figures summed from the villages' kept ones; the page's households read from the
/// records of the villages it spans only.
async fn kept_one_worker(
    s: &mut dyn ReadSession,
    access: &Access,
    year: i32,
    page: Page,
    villages: &BTreeMap<u64, ChainFigures>,
) -> Result<OneWorker, StoreError> {
    let mut total = WorkerFigures::default();
    let mut by_region: BTreeMap<RegionCode, WorkerFigures> = BTreeMap::new();
    for (code, f) in villages.iter().filter(|(_, f)| f.poor_at_end > 0) {
        let Ok(village) = RegionCode::from_u64(*code) else {
            continue;
        };
        let add = |w: &mut WorkerFigures| {
            w.poor += f.poor_at_end;
            w.with_worker += f.with_worker;
        };
        add(&mut total);
        for r in regions_of(village) {
            add(by_region.entry(r).or_default());
        }
    }
    let span = span_in(villages, Missing::NoWorker, page);
    let within = Page {
        offset: span.skip as u64,
        limit: span.take as u64,
    };
    let part = from_records(s, &span.scope(access), year, within).await?;
    let codes = by_region.keys().map(|c| c.as_u64());
    let names = names_of(s, codes).await?;
    Ok(OneWorker {
        year,
        total,
        by_region,
        names: names.clone(),
        gaps: GapPage {
            total: span.total,
            gaps: part.gaps.gaps,
            names,
        },
    })
}

/// 一户一工人 of the households within `scope`, read from the records.
async fn from_records(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    page: Page,
) -> Result<OneWorker, StoreError> {
    let (_, dec31) = year_bounds(year);
    // As the registry stood on Dec 31: identified by then, poor or returned by the outcomes
    // recorded for the year (a later year's do not move it).
    let mut poor: Vec<(RegionCode, String)> =
        histories(s, &households_in(scope, "h.household_id"), year + 1)
            .await?
            .into_iter()
            .filter(|(_, h)| {
                h.identified <= year
                    && standing_at_end(h.today, h.replaced.clone(), year)
                        .status
                        .is_poor()
            })
            .map(|(id, h)| (h.village, id))
            .collect();
    poor.sort_unstable();
    let working: HashSet<String> = WORKING_BY
        .fetch(s, scope, vec![Arg::Date(dec31)])
        .await?
        .into_iter()
        .filter(|w| in_work_on(w.start, w.months, dec31))
        .map(|w| w.household)
        .collect();

    let mut total = WorkerFigures::default();
    let mut by_region: BTreeMap<RegionCode, WorkerFigures> = BTreeMap::new();
    let mut gaps = Vec::new();
    for (village, household) in poor {
        let worker = working.contains(&household);
        let add = |f: &mut WorkerFigures| {
            f.poor += 1;
            f.with_worker += u64::from(worker);
        };
        add(&mut total);
        for r in regions_of(village) {
            add(by_region.entry(r).or_default());
        }
        if !worker {
            gaps.push(NoWorker {
                household_id: household,
                village,
            });
        }
    }
    let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let gap_total = gaps.len() as u64;
    let gaps: Vec<NoWorker> = gaps.into_iter().skip(skip).take(take).collect();
    let codes = by_region
        .keys()
        .map(|c| c.as_u64())
        .chain(gaps.iter().map(|g| g.village.as_u64()));
    let names = names_of(s, codes).await?;
    Ok(OneWorker {
        year,
        total,
        by_region,
        names: names.clone(),
        gaps: GapPage {
            total: gap_total,
            gaps,
            names,
        },
    })
}
