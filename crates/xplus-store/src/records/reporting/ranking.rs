//! 排名 (issue 23): the regions below one, side by side on a year's indicators (core
//! `ranking`), read from the roll-ups as the dashboard reads them — a few hundred stored rows per
//! region above, whatever the registry's size. The regions are the children of the one viewed,
//! or, asked for counties, every county below it (a province's counties across its cities).

use super::dashboard::{dashboard, RegionFigures};
use crate::error::StoreError;
use crate::store::Store;
use xplus_core::assessment::chain::Link;
use xplus_core::ranking::RegionCounts;
use xplus_core::registry::{Level, RegionCode};
use xplus_core::rollup::Measure;

/// One region of a ranking with the kept figures its indicators divide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedRegion {
    pub code: RegionCode,
    pub name: String,
    pub counts: RegionCounts,
}

/// The kept figures of `f` for `year`.
pub fn counts_of(f: &RegionFigures, year: i32) -> RegionCounts {
    let (villages_start, villages_end) = f.poor_villages(year);
    let at_end = f.at_end(year);
    let link = |l: Link| f.get(Measure::ChainLink, year, l.code());
    RegionCounts {
        poor_at_start: f.get(Measure::ChainPoor, year, ""),
        exited: f.get(Measure::ExitedHouseholds, year, ""),
        poor_villages_at_start: villages_start,
        villages_exited: villages_start - villages_end,
        poor_persons_at_end: at_end.poor_persons,
        population: f.get(Measure::Population, 0, ""),
        full_applicable: f.get(Measure::ChainFullApplicable, year, ""),
        trained: link(Link::Trained),
        in_industry: link(Link::InIndustry),
        poor_at_end: at_end.poor,
        with_worker: f.get(Measure::WithWorker, year, ""),
    }
}

/// The regions below `region` (None: the whole registry) for `year`: its children, or with
/// `counties` every county below it, in code order. Who may see them is the dashboard's
/// question (`dashboard_region`).
pub async fn ranking(
    store: &dyn Store,
    region: Option<RegionCode>,
    year: i32,
    counties: bool,
) -> Result<Vec<RankedRegion>, StoreError> {
    let mut regions = dashboard(store, region, 0).await?.children;
    // Level by level down to the counties: a province's cities, then their counties.
    while counties
        && regions
            .iter()
            .any(|r| r.code.is_some_and(|c| c.level() < Level::County))
    {
        let mut below = Vec::new();
        for r in regions {
            match r.code {
                Some(c) if c.level() < Level::County => {
                    below.extend(dashboard(store, Some(c), 0).await?.children)
                }
                _ => below.push(r),
            }
        }
        regions = below;
    }
    Ok(regions
        .into_iter()
        .filter_map(|r| {
            Some(RankedRegion {
                code: r.code?,
                counts: counts_of(&r, year),
                name: r.name,
            })
        })
        .collect())
}
