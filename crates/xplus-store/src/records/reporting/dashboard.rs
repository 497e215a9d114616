//! The dashboard of one region and year (issue 7), read from the roll-ups only: the region's own
//! figures, its children's side by side, and its villages' incidence. A few hundred stored rows
//! whatever the size of the registry below.

use super::queries::dashboard::{FIGURES_OF_CHILDREN, FIGURES_OF_REGION, MEASURE_BETWEEN};
use crate::error::StoreError;
use crate::records::registry::read::names_of;
use crate::records::reporting::rollup::read_figures as stored;
use crate::records::CompactRows;
use crate::session::filter::Arg;
use crate::store::Store;
use std::collections::{BTreeMap, HashMap};
use xplus_core::accounts::{Access, Scope};
use xplus_core::registry::{HouseholdStatus, Level, RegionCode};
use xplus_core::rollup::{incidence_per_10k, Measure};

/// The figures of one region (or of the whole registry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionFigures {
    /// None for the whole registry.
    pub code: Option<RegionCode>,
    pub name: String,
    figures: BTreeMap<(Measure, i32, String), i64>,
}

impl RegionFigures {
    /// A figure (0 when none is stored).
    pub fn get(&self, measure: Measure, year: i32, bucket: &str) -> i64 {
        self.figures
            .get(&(measure, year, bucket.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// (year, value) of a by-year measure without buckets, in year order.
    pub fn by_year(&self, measure: Measure) -> Vec<(i32, i64)> {
        self.figures
            .iter()
            .filter(|((m, y, b), _)| *m == measure && *y != 0 && b.is_empty())
            .map(|((_, y, _), v)| (*y, *v))
            .collect()
    }

    /// (bucket, value) of a measure in a year, in bucket order.
    pub fn buckets(&self, measure: Measure, year: i32) -> Vec<(&str, i64)> {
        self.figures
            .iter()
            .filter(|((m, y, _), _)| *m == measure && *y == year)
            .map(|((_, _, b), v)| (b.as_str(), *v))
            .collect()
    }

    /// Years with any by-year figure.
    pub fn years(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self
            .figures
            .keys()
            .filter(|(_, y, _)| *y != 0)
            .map(|(_, y, _)| *y)
            .collect();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// Poor villages at the start of `year` (not exited before it) and at its end.
    pub fn poor_villages(&self, year: i32) -> (i64, i64) {
        let all = self.get(Measure::PoorVillages, 0, "");
        let exited = self.by_year(Measure::ExitedVillages);
        let before: i64 = exited
            .iter()
            .filter(|(y, _)| *y < year)
            .map(|(_, n)| n)
            .sum();
        let by_end: i64 = exited
            .iter()
            .filter(|(y, _)| *y <= year)
            .map(|(_, n)| n)
            .sum();
        (all - before, all - by_end)
    }

    /// Households and persons as they stood at the end of `year` (book of record): kept per
    /// year from the first identified to the last year of the coverage window; after that no
    /// later outcome can have changed them, so today's figures answer; before it, nobody was
    /// identified yet.
    pub fn at_end(&self, year: i32) -> AtEnd {
        let kept: Vec<i32> = self
            .figures
            .keys()
            .filter(|(m, ..)| *m == Measure::StandingAtEnd)
            .map(|(_, y, _)| *y)
            .collect();
        let owned = |v: Vec<(&str, i64)>| v.into_iter().map(|(b, n)| (b.to_string(), n)).collect();
        if kept.contains(&year) {
            let h = |s: HouseholdStatus| self.get(Measure::StandingAtEnd, year, s.code());
            let p = |s: HouseholdStatus| self.get(Measure::PersonsAtEnd, year, s.code());
            use HouseholdStatus::{Monitored, Poor, Returned};
            return AtEnd {
                poor: h(Poor) + h(Returned),
                poor_persons: p(Poor) + p(Returned),
                monitored: h(Monitored),
                returned: h(Returned),
                causes: owned(self.buckets(Measure::CauseAtEnd, year)),
                as_recorded_now: false,
            };
        }
        if kept.iter().any(|k| *k > year) {
            return AtEnd::default();
        }
        AtEnd {
            poor: self.get(Measure::PoorHouseholds, 0, ""),
            poor_persons: self.get(Measure::PoorPersons, 0, ""),
            monitored: self.get(Measure::MonitoredHouseholds, 0, ""),
            returned: self.get(Measure::ReturnedHouseholds, 0, ""),
            causes: owned(self.buckets(Measure::Cause, 0)),
            as_recorded_now: true,
        }
    }

    fn add(&mut self, measure: Measure, year: i32, bucket: String, value: i64) {
        *self.figures.entry((measure, year, bucket)).or_insert(0) += value;
    }
}

/// A region's households and persons as they stood at the end of a year
/// ([`RegionFigures::at_end`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AtEnd {
    /// Poor or returned.
    pub poor: i64,
    pub poor_persons: i64,
    pub monitored: i64,
    pub returned: i64,
    /// Poor or returned households by cause code, in code order.
    pub causes: Vec<(String, i64)>,
    /// The year is after the last one kept: these are the figures as recorded now.
    pub as_recorded_now: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub region: RegionFigures,
    /// Its children (towns of a county, …), in code order; the provinces for the whole registry.
    pub children: Vec<RegionFigures>,
    /// The villages within the region with the highest incidence (xplus-core
    /// `rollup::incidence_per_10k`), highest first: (village, name, poor persons, population).
    pub top_villages: Vec<(RegionCode, String, i64, i64)>,
}

/// The region whose dashboard `access` sees when it asks for `requested`: Some(None) for the
/// whole registry, None when the account does not reach it (a helper's reach is households).
pub fn dashboard_region(
    access: &Access,
    requested: Option<RegionCode>,
) -> Option<Option<RegionCode>> {
    match (requested, access.scope()) {
        (Some(r), _) if access.covers_region(r) => Some(Some(r)),
        (Some(_), _) | (None, Scope::PairedWith(_)) => None,
        (None, Scope::Region(r)) => Some(Some(*r)),
        (None, Scope::Everywhere) => Some(None),
    }
}

/// The dashboard of `region` (None: the whole registry) with its `top` villages by incidence.
/// Who may see it is [`dashboard_region`]'s question.
pub async fn dashboard(
    store: &dyn Store,
    region: Option<RegionCode>,
    top: usize,
) -> Result<Dashboard, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let code = region.map_or(0, |r| r.as_u64());
    let code_arg = [Arg::Int(code as i64)];
    let mut own = RegionFigures {
        code: region,
        ..RegionFigures::default()
    };
    if region.is_some() {
        for ((_, measure, year, bucket), value) in stored(s, &FIGURES_OF_REGION, &code_arg).await? {
            own.add(measure, year, bucket, value);
        }
    }
    let mut children: BTreeMap<u64, RegionFigures> = BTreeMap::new();
    for ((r, measure, year, bucket), value) in stored(s, &FIGURES_OF_CHILDREN, &code_arg).await? {
        let child = children.entry(r).or_insert_with(|| RegionFigures {
            code: RegionCode::from_u64(r).ok(),
            ..RegionFigures::default()
        });
        child.add(measure, year, bucket.clone(), value);
        // The whole registry is the sum of its provinces.
        if region.is_none() {
            own.add(measure, year, bucket, value);
        }
    }

    // Villages' poor persons and population: two measures over the region's range (an index
    // range each); only the highest incidences are named.
    let (lo, hi) = match region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, u64::MAX >> 1),
    };
    let mut villages: HashMap<u64, (i64, i64)> = HashMap::new();
    // Without villages to name (a ranking reads the children only) the range is not read.
    let measures = [(Measure::PoorPersons, 0), (Measure::Population, 1)];
    for (measure, slot) in measures.into_iter().filter(|_| top > 0) {
        let rows = s
            .query_compact(
                "读取村汇总 / reading the villages' roll-ups",
                MEASURE_BETWEEN,
                &[
                    Arg::Text(measure.code().into()),
                    Arg::Int(lo as i64),
                    Arg::Int(hi as i64),
                ],
                CompactRows::with_capacity(2, 0, 0),
            )
            .await?;
        for r in rows.rows() {
            let (Some(v), Some(value)) = (r.int(0), r.int(1)) else {
                continue;
            };
            if RegionCode::from_u64(v as u64).is_ok_and(|c| c.level() == Level::Village) {
                let entry = villages.entry(v as u64).or_default();
                if slot == 0 {
                    entry.0 = value;
                } else {
                    entry.1 = value;
                }
            }
        }
    }
    let mut ranked: Vec<(i64, i64, u64, i64, i64)> = villages
        .into_iter()
        .filter_map(|(v, (poor, population))| {
            Some((
                incidence_per_10k(poor, population)?,
                poor,
                v,
                poor,
                population,
            ))
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked.truncate(top);

    let names = names_of(
        s,
        region
            .map(|r| r.as_u64())
            .into_iter()
            .chain(children.keys().copied())
            .chain(ranked.iter().map(|v| v.2)),
    )
    .await?;
    let name = |c: u64| names.get(&c).cloned().unwrap_or_else(|| c.to_string());
    own.name = match region {
        Some(r) => name(r.as_u64()),
        None => "全部区划 / all regions".to_string(),
    };
    let children = children
        .into_values()
        .map(|mut c| {
            c.name = c.code.map(|r| name(r.as_u64())).unwrap_or_default();
            c
        })
        .collect();
    let top_villages = ranked
        .into_iter()
        .filter_map(|(_, _, v, poor, population)| {
            Some((RegionCode::from_u64(v).ok()?, name(v), poor, population))
        })
        .collect();
    Ok(Dashboard {
        region: own,
        children,
        top_villages,
    })
}
