//! The dashboard of one region and year (issue 7), read from the roll-ups only: the region's own
//! figures, its children's side by side, and its villages' incidence. A few hundred stored rows
//! whatever the size of the registry below.

use super::filter::Arg;
use super::read::names_of;
use super::rollup::read_figures as stored;
use crate::error::StoreError;
use crate::store::Store;
use std::collections::BTreeMap;
use xplus_core::accounts::{Access, Scope};
use xplus_core::registry::{Level, RegionCode};
use xplus_core::rollup::Measure;

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

    fn add(&mut self, measure: Measure, year: i32, bucket: String, value: i64) {
        *self.figures.entry((measure, year, bucket)).or_insert(0) += value;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub region: RegionFigures,
    /// Its children (towns of a county, …), in code order; the provinces for the whole registry.
    pub children: Vec<RegionFigures>,
    /// Villages within the region with (poor persons, population), in code order.
    pub villages: Vec<(RegionCode, String, i64, i64)>,
}

/// The dashboard of `region` (None: the account's own region, or the whole registry), or None
/// when the account does not reach it (a helper's reach is households, not regions).
pub async fn dashboard(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
) -> Result<Option<Dashboard>, StoreError> {
    let region = match (region, &access.scope) {
        (Some(r), _) if access.covers_region(r) => Some(r),
        (Some(_), _) | (None, Scope::PairedWith(_)) => return Ok(None),
        (None, Scope::Region(r)) => Some(*r),
        (None, Scope::Everywhere) => None,
    };
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let code = region.map_or(0, |r| r.as_u64());
    // The region's own rows and its children's (the registry's children are the provinces).
    let rows = stored(
        s,
        "SELECT region_code, measure, year, bucket, value FROM rollups \
         WHERE region_code = ? OR parent_code = ?",
        &[Arg::Int(code as i64), Arg::Int(code as i64)],
    )
    .await?;
    let mut own = RegionFigures {
        code: region,
        ..RegionFigures::default()
    };
    let mut children: BTreeMap<u64, RegionFigures> = BTreeMap::new();
    for ((r, measure, year, bucket), value) in rows {
        if r == code {
            own.add(measure, year, bucket, value);
        } else {
            let child = children.entry(r).or_insert_with(|| RegionFigures {
                code: RegionCode::from_u64(r).ok(),
                ..RegionFigures::default()
            });
            child.add(measure, year, bucket.clone(), value);
            if region.is_none() {
                own.add(measure, year, bucket, value);
            }
        }
    }

    // Villages' poor persons and population: two measures over the region's range.
    let (lo, hi) = match region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, u64::MAX >> 1),
    };
    let mut villages: BTreeMap<u64, (i64, i64)> = BTreeMap::new();
    for ((r, measure, _, _), value) in stored(
        s,
        "SELECT region_code, measure, year, bucket, value FROM rollups \
         WHERE measure IN (?, ?) AND year = 0 AND region_code BETWEEN ? AND ?",
        &[
            Arg::Text(Measure::PoorPersons.code().into()),
            Arg::Text(Measure::Population.code().into()),
            Arg::Int(lo as i64),
            Arg::Int(hi as i64),
        ],
    )
    .await?
    {
        if !RegionCode::from_u64(r).is_ok_and(|c| c.level() == Level::Village) {
            continue;
        }
        let entry = villages.entry(r).or_default();
        if measure == Measure::PoorPersons {
            entry.0 = value;
        } else {
            entry.1 = value;
        }
    }

    let names = names_of(s, code_list(region, &children, &villages)).await?;
    let name = |c: u64| names.get(&c).cloned().unwrap_or_else(|| c.to_string());
    own.name = match region {
        Some(r) => name(r.as_u64()),
        None => "全部 / all".to_string(),
    };
    let children = children
        .into_values()
        .map(|mut c| {
            c.name = c.code.map(|r| name(r.as_u64())).unwrap_or_default();
            c
        })
        .collect();
    let villages = villages
        .into_iter()
        .filter_map(|(v, (poor, population))| {
            Some((RegionCode::from_u64(v).ok()?, name(v), poor, population))
        })
        .collect();
    Ok(Some(Dashboard {
        region: own,
        children,
        villages,
    }))
}

fn code_list(
    region: Option<RegionCode>,
    children: &BTreeMap<u64, RegionFigures>,
    villages: &BTreeMap<u64, (i64, i64)>,
) -> Vec<u64> {
    region
        .map(|r| r.as_u64())
        .into_iter()
        .chain(children.keys().copied())
        .chain(villages.keys().copied())
        .collect()
}
