//! The long gap lists of the full chain (`/chain`) and the 远教 coverage (`/coverage`) a page at
//! a time at province scale (issue 19), and the tables of figures above them.
//!
//! Computing the chain of every household within reach to show fifty of them cost seconds for
//! a province. The roll-ups already keep, per village and year of the coverage window, the
//! households poor at the start of the year, those with each link, with all five, and the
//! person-times of their training. So the figures of a region and its children are read from
//! there, and a page of the gap list is found by walking the villages' kept gap counts in code
//! order (the lists' order is village, then household) and computing the chain only for the
//! villages the page spans. What is kept is used only when it is current: the year is in the
//! window and no county within reach is marked for a refresh. Otherwise the caller reads the
//! records as before, so an edit is never hidden behind a stale figure.

use super::queries::gap_pages::{
    KEPT_CHAIN_VILLAGES, KEPT_CHILDREN, KEPT_OF_REGION, KEPT_WORKER_VILLAGES,
};
use super::queries::rollup::StoredFigure;
use super::rollup::kept_for;
use super::rollup_figures::{coverage_years, stored_coverage_until};
use crate::error::StoreError;
use crate::records::assessment::chain::{chain_in, ChainView};
use crate::records::education::coverage::{serving_from, training_in};
use crate::records::registry::read::{household_scope, names_of};
use crate::records::shape::reach_bounds;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::Page;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};
use xplus_core::accounts::{Access, Scope};
use xplus_core::assessment::chain::Link;
use xplus_core::education::coverage::{gap_list, Gap};
use xplus_core::industry::participation::WAYS;
use xplus_core::registry::{HouseholdStatus, Level, RegionCode};
use xplus_core::rollup::Measure;

/// Which households a gap list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Those without a link that applies to them (the full-chain page's gap list).
    AnyLink,
    /// Those without this link (the 远教 page: `Trained`).
    Link(Link),
    /// Of the households poor on Dec 31, those without a member in work that day (一户一工人).
    NoWorker,
}

/// The kept §6 and §10 figures of one region and year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainFigures {
    /// Households poor at the start of the year.
    pub poor: u64,
    /// Of those, the households with each link, in `Link::ALL` order.
    pub links: [u64; 5],
    /// …with all five.
    pub full: u64,
    /// …with every link that applies to them.
    pub full_applicable: u64,
    /// The person-times of their training in the year.
    pub person_times: u64,
    /// Of the households poor at the start, those taking part in industry or jobs in each way
    /// (`industry::participation::WAYS` order; a household may count in several).
    pub ways: [u64; 5],
    /// Households poor or returned on Dec 31 of the year (the standings kept at its end).
    pub poor_at_end: u64,
    /// Of those, the households with a member in work that day.
    pub with_worker: u64,
}

impl ChainFigures {
    /// The households a `missing` gap list holds.
    pub fn missing(&self, missing: Missing) -> u64 {
        match missing {
            Missing::AnyLink => self.poor.saturating_sub(self.full_applicable),
            Missing::Link(link) => self.poor.saturating_sub(self.link(link)),
            Missing::NoWorker => self.poor_at_end.saturating_sub(self.with_worker),
        }
    }

    pub fn link(&self, link: Link) -> u64 {
        Link::ALL
            .iter()
            .position(|l| *l == link)
            .map_or(0, |i| self.links[i])
    }

    fn add(&mut self, measure: Measure, bucket: &str, value: i64) {
        let value = value.max(0) as u64;
        match measure {
            Measure::ChainPoor => self.poor += value,
            Measure::ChainFull => self.full += value,
            Measure::ChainFullApplicable => self.full_applicable += value,
            Measure::TrainingPersonTimes => self.person_times += value,
            Measure::ChainLink => {
                if let Some(i) = Link::ALL.iter().position(|l| l.code() == bucket) {
                    self.links[i] += value;
                }
            }
            Measure::StandingAtEnd => {
                let poor = HouseholdStatus::parse(bucket).is_some_and(HouseholdStatus::is_poor);
                self.poor_at_end += if poor { value } else { 0 };
            }
            Measure::WithWorker => self.with_worker += value,
            Measure::IndustryWay => {
                if let Some(i) = WAYS.iter().position(|w| *w == bucket) {
                    self.ways[i] += value;
                }
            }
            _ => {}
        }
    }
}

/// The kept figures of an account's reach for a year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptChain {
    /// The whole reach.
    pub total: ChainFigures,
    /// The regions one level below the reach (counties for a city, a province or everything),
    /// in code order.
    pub regions: BTreeMap<RegionCode, ChainFigures>,
    /// Names of those regions, by code.
    pub names: HashMap<u64, String>,
}

/// The kept figures of `access`'s reach for `year`, None when they cannot answer (a helper's
/// reach, a year outside the kept window, a county within reach marked for a refresh).
pub async fn kept_chain(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<Option<KeptChain>, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    if !is_kept(s, access, year).await? {
        return Ok(None);
    }
    let root = root_of(access);
    let mut kept = KeptChain {
        total: total_of(s, root, year).await?,
        ..KeptChain::default()
    };
    for f in shown_regions(s, root, year).await? {
        if let Ok(code) = RegionCode::from_u64(f.region) {
            kept.regions
                .entry(code)
                .or_default()
                .add(f.measure, &f.bucket, f.value);
        }
    }
    kept.names = names_of(s, kept.regions.keys().map(|c| c.as_u64())).await?;
    Ok(Some(kept))
}

/// The region of a reach (None: everywhere).
pub(in crate::records) fn root_of(access: &Access) -> Option<RegionCode> {
    match access.scope() {
        Scope::Region(r) => Some(*r),
        _ => None,
    }
}

/// The kept figures of the whole reach below `root` (None: everywhere): the root's own, or the
/// provinces' sums.
pub(in crate::records) async fn total_of(
    s: &mut dyn ReadSession,
    root: Option<RegionCode>,
    year: i32,
) -> Result<ChainFigures, StoreError> {
    let own = match root {
        Some(r) => read(s, &KEPT_OF_REGION, r.as_u64(), year).await?,
        None => read(s, &KEPT_CHILDREN, 0, year).await?,
    };
    let mut total = ChainFigures::default();
    for f in own {
        total.add(f.measure, &f.bucket, f.value);
    }
    Ok(total)
}

/// A page of the full chain's gap list and the number of households in it, None when the kept
/// figures cannot answer. The view holds the page's households only, with the next steps and
/// names of their villages.
pub async fn chain_gap_page(
    store: &dyn Store,
    access: &Access,
    year: i32,
    page: Page,
    today: NaiveDate,
) -> Result<Option<(u64, ChainView)>, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let Some(span) = gap_span(s, access, year, Missing::AnyLink, page).await? else {
        return Ok(None);
    };
    let mut view = chain_in(s, &span.scope(access), year, today).await?;
    view.households = view
        .gaps()
        .into_iter()
        .skip(span.skip)
        .take(span.take)
        .cloned()
        .collect();
    Ok(Some((span.total, view)))
}

/// A page of the 远教 gap list (households poor at the start of `year` not trained in it, with
/// the stations serving their village and the next session from `from`); None when the kept
/// figures cannot answer.
pub async fn training_gap_page(
    store: &dyn Store,
    access: &Access,
    year: i32,
    from: NaiveDate,
    page: Page,
) -> Result<Option<GapPage<Gap>>, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let missing = Missing::Link(Link::Trained);
    let Some(span) = gap_span(s, access, year, missing, page).await? else {
        return Ok(None);
    };
    let households = training_in(s, &span.scope(access), year).await?;
    let serving = serving_from(s, from).await?;
    let gaps: Vec<Gap> = gap_list(&households, &serving, from)
        .into_iter()
        .skip(span.skip)
        .take(span.take)
        .collect();
    let names = names_of(s, gaps.iter().map(|g| g.village.as_u64())).await?;
    Ok(Some(GapPage {
        total: span.total,
        gaps,
        names,
    }))
}

/// A page of a gap list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapPage<T> {
    /// Households in the whole list.
    pub total: u64,
    pub gaps: Vec<T>,
    /// Names of the page's villages, by code.
    pub names: HashMap<u64, String>,
}

/// Whether the kept figures answer for `access`'s reach in `year`.
async fn is_kept(s: &mut dyn ReadSession, access: &Access, year: i32) -> Result<bool, StoreError> {
    let until = stored_coverage_until(s).await?;
    Ok(coverage_years(until).any(|y| y == year) && kept_for(s, access).await?)
}

/// The kept figures of the regions a page shows below `root`: its children, or for a city, a
/// province or everything, the counties (found level by level through the parents).
async fn shown_regions(
    s: &mut dyn ReadSession,
    root: Option<RegionCode>,
    year: i32,
) -> Result<Vec<StoredFigure>, StoreError> {
    if let Some(r) = root.filter(|r| r.level() == Level::Village) {
        return read(s, &KEPT_OF_REGION, r.as_u64(), year).await;
    }
    let mut parents = vec![root.map_or(0, |r| r.as_u64())];
    loop {
        let mut rows = Vec::new();
        for parent in &parents {
            rows.extend(read(s, &KEPT_CHILDREN, *parent, year).await?);
        }
        let level = rows
            .first()
            .and_then(|f| RegionCode::from_u64(f.region).ok())
            .map(|c| c.level());
        // A county's or a town's children are shown; above a county, the descent goes on.
        let done = root.is_some_and(|r| matches!(r.level(), Level::County | Level::Town))
            || level.is_none_or(|l| l >= Level::County);
        if done {
            return Ok(rows);
        }
        let mut next: Vec<u64> = rows.iter().map(|f| f.region).collect();
        next.sort_unstable();
        next.dedup();
        parents = next;
    }
}

async fn read(
    s: &mut dyn ReadSession,
    query: &crate::session::rows::Query<StoredFigure>,
    region: u64,
    year: i32,
) -> Result<Vec<StoredFigure>, StoreError> {
    query
        .fetch(s, &[Arg::Int(region as i64), Arg::Int(i64::from(year))])
        .await
}

/// The villages a page of a gap list spans, and where in them the page starts.
pub(in crate::records) struct Span {
    /// The first and last village of the page.
    villages: (u64, u64),
    /// Households of the list in those villages before the page.
    pub skip: usize,
    pub take: usize,
    /// Households in the whole list.
    pub total: u64,
}

impl Span {
    /// `access`'s households within the span's villages.
    pub fn scope(&self, access: &Access) -> Filter {
        // The region scopes need no date.
        household_scope(access, NaiveDate::MIN).and(
            "village_code BETWEEN ? AND ?",
            vec![
                Arg::Int(self.villages.0 as i64),
                Arg::Int(self.villages.1 as i64),
            ],
        )
    }
}

/// Walks the kept gap counts of the villages within reach, in code order, to the villages that
/// hold `page` of the `missing` list; None when the kept figures cannot answer.
async fn gap_span(
    s: &mut dyn ReadSession,
    access: &Access,
    year: i32,
    missing: Missing,
    page: Page,
) -> Result<Option<Span>, StoreError> {
    Ok(kept_villages(s, access, year, missing)
        .await?
        .map(|villages| span_in(&villages, missing, page)))
}

/// The kept figures of each village within `access`'s reach for `year` that count `missing`
/// (the chain's, or 一户一工人's), by code; None when they cannot answer.
pub(in crate::records) async fn kept_villages(
    s: &mut dyn ReadSession,
    access: &Access,
    year: i32,
    missing: Missing,
) -> Result<Option<BTreeMap<u64, ChainFigures>>, StoreError> {
    if !is_kept(s, access, year).await? {
        return Ok(None);
    }
    let (lo, hi) = reach_bounds(access);
    let query = match missing {
        Missing::NoWorker => &KEPT_WORKER_VILLAGES,
        Missing::AnyLink | Missing::Link(_) => &KEPT_CHAIN_VILLAGES,
    };
    let rows = query
        .fetch(
            s,
            &[
                Arg::Int(i64::from(year)),
                Arg::Int(lo as i64),
                Arg::Int(hi as i64),
            ],
        )
        .await?;
    let mut villages: BTreeMap<u64, ChainFigures> = BTreeMap::new();
    for f in rows {
        villages
            .entry(f.region)
            .or_default()
            .add(f.measure, &f.bucket, f.value);
    }
    Ok(Some(villages))
}

/// The span of `page` of the `missing` list over the kept figures of villages.
pub(in crate::records) fn span_in(
    villages: &BTreeMap<u64, ChainFigures>,
    missing: Missing,
    page: Page,
) -> Span {
    span_of(
        villages.iter().map(|(code, f)| (*code, f.missing(missing))),
        page,
    )
}

/// The span of `page` over villages with their gap counts, in code order.
fn span_of(villages: impl Iterator<Item = (u64, u64)>, page: Page) -> Span {
    let mut span = Span {
        villages: (1, 0),
        skip: 0,
        take: usize::try_from(page.limit).unwrap_or(usize::MAX),
        total: 0,
    };
    let end = page.offset.saturating_add(page.limit);
    let mut first: Option<u64> = None;
    for (code, gaps) in villages.filter(|(_, g)| *g > 0) {
        let before = span.total;
        span.total += gaps;
        // The village holds rows before..total of the list; the page wants offset..end.
        if span.total > page.offset && before < end {
            if first.is_none() {
                first = Some(code);
                span.skip = usize::try_from(page.offset - before).unwrap_or(usize::MAX);
            }
            span.villages = (first.unwrap_or(code), code);
        }
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(offset: u64, limit: u64) -> Page {
        Page { offset, limit }
    }

    #[test]
    fn a_page_spans_the_villages_that_hold_its_rows() {
        let villages = [(1, 30), (2, 0), (3, 40), (4, 50)];
        let s = span_of(villages.into_iter(), page(0, 50));
        assert_eq!((s.villages, s.skip, s.total), ((1, 3), 0, 120));
        let s = span_of(villages.into_iter(), page(50, 50));
        assert_eq!((s.villages, s.skip, s.total), ((3, 4), 20, 120));
        let s = span_of(villages.into_iter(), page(100, 50));
        assert_eq!((s.villages, s.skip), ((4, 4), 30));
    }

    #[test]
    fn a_page_past_the_end_spans_nothing() {
        let s = span_of([(1, 30)].into_iter(), page(50, 50));
        assert_eq!((s.villages, s.total), ((1, 0), 30));
        let s = span_of(std::iter::empty(), page(0, 50));
        assert_eq!((s.villages, s.total), ((1, 0), 0));
    }
}
