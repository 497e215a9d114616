//! 多元投入 (the case report's "健全多元投入保障机制"): the funds of funds.csv within a region an
//! account reaches, for one year: the total by source and by link, each region one level below
//! (a county's towns, a city's counties) by source, and every year's total by source. Read as
//! sums from the database, a few hundred rows whatever the region's size.
//!
//! funds.csv holds what no other register holds: a station's investment (stations.csv) and a
//! pledge loan (loans.csv) are not entered again, so nothing here is counted twice.

use super::queries::funds::{FUND_SUMS, YEAR_SUMS};
use crate::error::{Refusal, StoreError};
use crate::records::registry::read::{child_regions, names_of};
use crate::records::reporting::dashboard::dashboard_region;
use crate::session::filter::Arg;
use crate::store::Store;
use std::collections::BTreeMap;
use xplus_core::accounts::Access;
use xplus_core::collective::funds::{FundLink, FundSource};
use xplus_core::registry::{Level, RegionCode};
use xplus_core::Fen;

/// An amount and the number of funds that make it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FundTotal {
    pub amount: Fen,
    pub funds: u64,
}

impl FundTotal {
    fn add(&mut self, amount: i64, funds: u64) {
        self.amount = Fen(self.amount.0 + amount);
        self.funds += funds;
    }
}

/// One region below the one viewed (or the one viewed itself, 本级: funds recorded at its own
/// code) with its funds of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundRegion {
    pub code: RegionCode,
    pub name: String,
    /// The region viewed itself (a county's own funds, 县级统筹), listed first.
    pub own: bool,
    /// By source, in `FundSource::ALL` order.
    pub by_source: Vec<Fen>,
    pub total: FundTotal,
}

/// The funds of a year within a region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundsOverview {
    pub year: i32,
    /// The region viewed; None for the whole registry.
    pub region: Option<RegionCode>,
    pub name: String,
    pub total: FundTotal,
    /// Every source, in `FundSource::ALL` order (zeros included).
    pub by_source: Vec<(FundSource, FundTotal)>,
    /// Every link, in `FundLink::ALL` order (zeros included).
    pub by_link: Vec<(FundLink, FundTotal)>,
    /// The region itself when it holds funds of its own, then every region one level below, by
    /// code (those without funds too); a village's list is the village.
    pub regions: Vec<FundRegion>,
    /// Every year with funds in the region: the amounts by source (`FundSource::ALL` order).
    pub years: Vec<(i32, Vec<Fen>)>,
}

impl FundsOverview {
    /// The amount of a year and source from `years` (zero when none).
    pub fn total_of_year(&self, year: i32) -> Fen {
        self.years
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(Fen(0), |(_, v)| Fen(v.iter().map(|f| f.0).sum()))
    }
}

/// What a region's code is divided by (and multiplied again) to give the code of the region one
/// level below `region` that holds it; None for the whole registry (provinces).
fn child_divisor(region: Option<RegionCode>) -> i64 {
    match region.map(RegionCode::level) {
        None => 10_000_000_000,
        Some(Level::Province) => 100_000_000,
        Some(Level::City) => 1_000_000,
        Some(Level::County) => 1_000,
        Some(Level::Town | Level::Village) => 1,
    }
}

fn source_index(s: FundSource) -> usize {
    FundSource::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// The funds of `year` in `requested` (None: the account's own region, everywhere for an
/// administrator), or in the last year with funds there when `year` is None (this year's when
/// there are none). A region outside the account's reach, or a helper's account (whose reach is
/// households), is refused as not found.
pub async fn funds_overview(
    store: &dyn Store,
    access: &Access,
    requested: Option<RegionCode>,
    year: Option<i32>,
    this_year: i32,
) -> Result<FundsOverview, StoreError> {
    let Some(region) = dashboard_region(access, requested) else {
        return Err(StoreError::Refused(Refusal::NotFound(
            "没有这个地区或不在您的管辖范围内 / no such region within your reach".into(),
        )));
    };
    let (lo, hi) = match region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, u64::MAX >> 1),
    };
    let bounds = [Arg::Int(lo as i64), Arg::Int(hi as i64)];
    let mut s = store.read_session().await?;
    let s = s.as_mut();

    let mut years: BTreeMap<i32, Vec<Fen>> = BTreeMap::new();
    for r in YEAR_SUMS.fetch(s, &bounds).await? {
        let row = years
            .entry(r.year)
            .or_insert_with(|| vec![Fen(0); FundSource::ALL.len()]);
        row[source_index(r.source)] = Fen(row[source_index(r.source)].0 + r.amount);
    }
    let year = year.unwrap_or_else(|| years.keys().last().copied().unwrap_or(this_year));

    let divisor = child_divisor(region);
    let args = [
        Arg::Int(divisor),
        Arg::Int(divisor),
        Arg::Int(i64::from(year)),
        bounds[0].clone(),
        bounds[1].clone(),
    ];
    let sums = FUND_SUMS.fetch(s, &args).await?;

    let mut total = FundTotal::default();
    let mut by_source = vec![FundTotal::default(); FundSource::ALL.len()];
    let mut by_link = vec![FundTotal::default(); FundLink::ALL.len()];
    let mut by_child: BTreeMap<u64, (Vec<Fen>, FundTotal)> = BTreeMap::new();
    for r in &sums {
        total.add(r.amount, r.funds);
        by_source[source_index(r.source)].add(r.amount, r.funds);
        let link = FundLink::ALL.iter().position(|x| *x == r.link).unwrap_or(0);
        by_link[link].add(r.amount, r.funds);
        let (sources, t) = by_child
            .entry(r.child.as_u64())
            .or_insert_with(|| (vec![Fen(0); FundSource::ALL.len()], FundTotal::default()));
        let i = source_index(r.source);
        sources[i] = Fen(sources[i].0 + r.amount);
        t.add(r.amount, r.funds);
    }

    // The region itself first (its own funds, when it has any), then its children by code.
    let mut listed: Vec<(RegionCode, String, bool)> = Vec::new();
    let below_villages = region.is_some_and(|r| r.level() == Level::Village);
    let mut names = names_of(s, region.map(RegionCode::as_u64)).await?;
    let name = region
        .and_then(|r| names.remove(&r.as_u64()))
        .unwrap_or_default();
    if let Some(r) = region {
        if below_villages || by_child.contains_key(&r.as_u64()) {
            listed.push((r, name.clone(), true));
        }
    }
    if !below_villages {
        for (code, child_name) in child_regions(s, region).await? {
            listed.push((code, child_name, false));
        }
    }
    let regions = listed
        .into_iter()
        .map(|(code, name, own)| {
            let (by_source, total) = by_child
                .get(&code.as_u64())
                .cloned()
                .unwrap_or_else(|| (vec![Fen(0); FundSource::ALL.len()], FundTotal::default()));
            FundRegion {
                code,
                name,
                own,
                by_source,
                total,
            }
        })
        .collect();
    Ok(FundsOverview {
        year,
        region,
        name,
        total,
        by_source: FundSource::ALL.iter().copied().zip(by_source).collect(),
        by_link: FundLink::ALL.iter().copied().zip(by_link).collect(),
        regions,
        years: years.into_iter().collect(),
    })
}

/// The funds of `year` for the yearly report of `access`: its whole reach, nothing for a helper
/// (whose reach is households, not regions).
pub(crate) async fn funds_of_year(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<FundsOverview, StoreError> {
    if dashboard_region(access, None).is_none() {
        return Ok(FundsOverview {
            year,
            region: None,
            name: String::new(),
            total: FundTotal::default(),
            by_source: FundSource::ALL
                .iter()
                .map(|s| (*s, FundTotal::default()))
                .collect(),
            by_link: FundLink::ALL
                .iter()
                .map(|l| (*l, FundTotal::default()))
                .collect(),
            regions: Vec::new(),
            years: Vec::new(),
        });
    }
    funds_overview(store, access, None, Some(year), year).await
}
