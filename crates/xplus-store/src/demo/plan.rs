//! A county's towns and villages (real for Chuzhou, synthetic elsewhere), which villages are
//! poor (贫困村: exited, planned to exit, or not yet) and how many poor households each holds.

use super::names;
pub use super::regions::{is_urban, WEIGHT_POOR, WEIGHT_RURAL, WEIGHT_URBAN};
use super::regions::{Chuzhou, County, Source};
use super::rng::{self, between, chance, shuffle, stream, uniform};
use super::shares::{self, Basis, Weights};
use std::ops::Range;

/// The short form people use (高尚村委会 → 高尚村).
pub fn short_name(name: &str) -> String {
    for suffix in ["村民委员会", "村民委会", "村委会"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{stem}村");
        }
    }
    for suffix in ["社区居委会", "社区居民委员会", "居委会", "居民委员会"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{stem}社区");
        }
    }
    name.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoorState {
    /// Already exited (出列) in this year.
    Exited(i32),
    /// Planned to exit in this year (预出列).
    Planned(i32),
    Unplanned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VillageKind {
    Urban,
    Rural,
    Poor(PoorState),
}

impl VillageKind {
    pub fn is_poor(self) -> bool {
        matches!(self, VillageKind::Poor(_))
    }

    fn weight(self) -> f64 {
        match self {
            VillageKind::Urban => WEIGHT_URBAN,
            VillageKind::Rural => WEIGHT_RURAL,
            VillageKind::Poor(_) => WEIGHT_POOR,
        }
    }
}

pub struct TownPlan {
    pub code: u64,
    pub name: String,
    pub villages: Range<usize>,
}

pub struct VillagePlan {
    pub code: u64,
    pub name: String,
    /// 高尚村, for the names of stations and projects.
    pub short: String,
    pub kind: VillageKind,
    pub households: u32,
}

pub struct CountyPlan {
    pub towns: Vec<TownPlan>,
    pub villages: Vec<VillagePlan>,
    /// What gives the county its share of the case report's city figures.
    pub weights: Weights,
}

impl CountyPlan {
    /// The county's share of a city figure of the case report (`shares::city`).
    pub fn share(&self, total: u64, basis: Basis) -> u64 {
        self.weights.share(total, basis)
    }

    /// The town a village (by index) belongs to.
    pub fn town_of(&self, vi: usize) -> &TownPlan {
        self.towns
            .iter()
            .find(|t| t.villages.contains(&vi))
            .expect("every village is in a town")
    }

    pub fn households(&self) -> u64 {
        self.villages.iter().map(|v| u64::from(v.households)).sum()
    }
}

/// The towns and villages of a county, which villages are poor and how many poor households
/// each has. Deterministic in (seed, county), so the pre-count and the generation agree.
pub fn plan(county: &County, chuzhou: &Chuzhou, seed: u64) -> CountyPlan {
    let (towns, mut villages) = match county.source {
        Source::Chuzhou { .. } => chuzhou_sites(county.code, chuzhou),
        Source::Synthetic { households } => synthetic_sites(county, households),
    };
    let mut rng = stream(seed, county.code, rng::tag::PLAN);
    let mut rural: Vec<usize> = (0..villages.len())
        .filter(|&i| villages[i].kind == VillageKind::Rural)
        .collect();
    let quota = match county.source {
        Source::Chuzhou { poor, .. } => poor as usize,
        Source::Synthetic { .. } => (rural.len() as f64 * 0.10).round() as usize,
    }
    .min(rural.len());
    shuffle(&mut rng, &mut rural);
    let q = quota as f64;
    let weights = Weights::new(county, chuzhou, quota as u64, villages.len() as u64);
    let exited = (q * 0.08).round() as usize;
    // Exactly the county's share of the 56 villages the case report has exiting in 2016:
    // each of them qualifies (§4), so the city's count is the report's under every seed.
    let planned16 = (weights.share(shares::city::VILLAGES_EXITED, Basis::PoorVillages) as usize)
        .min(quota - exited);
    let planned17 = (q * 0.26).round() as usize;
    for (n, &i) in rural[..quota].iter().enumerate() {
        let state = if n < exited {
            PoorState::Exited(if chance(&mut rng, 0.4) { 2014 } else { 2015 })
        } else if n < exited + planned16 {
            PoorState::Planned(2016)
        } else if n < exited + planned16 + planned17 {
            PoorState::Planned(2017)
        } else {
            PoorState::Unplanned
        };
        villages[i].kind = VillageKind::Poor(state);
    }
    let density = match county.source {
        Source::Chuzhou { factor, .. } => chuzhou.density * factor,
        Source::Synthetic { households } => {
            let weight: f64 = villages.iter().map(|v| v.kind.weight()).sum();
            households / weight.max(1.0)
        }
    };
    for v in &mut villages {
        let n = (density * v.kind.weight() * uniform(&mut rng, 0.8, 1.2)).round();
        v.households = (n as u32).max(u32::from(v.kind != VillageKind::Urban));
    }
    CountyPlan {
        towns,
        villages,
        weights,
    }
}

fn chuzhou_sites(county: u64, chuzhou: &Chuzhou) -> (Vec<TownPlan>, Vec<VillagePlan>) {
    let mut towns: Vec<TownPlan> = Vec::new();
    let mut villages = Vec::new();
    for row in chuzhou
        .rows
        .iter()
        .filter(|r| r.code / 1_000_000 == county / 1_000_000)
    {
        match row.level {
            "town" => towns.push(TownPlan {
                code: row.code,
                name: row.name.to_string(),
                villages: villages.len()..villages.len(),
            }),
            "village" => {
                let town = towns.len() - 1;
                debug_assert_eq!(towns[town].code / 1000, row.code / 1000);
                villages.push(VillagePlan {
                    code: row.code,
                    name: row.name.to_string(),
                    short: short_name(row.name),
                    kind: if is_urban(row.name) {
                        VillageKind::Urban
                    } else {
                        VillageKind::Rural
                    },
                    households: 0,
                });
                towns[town].villages.end = villages.len();
            }
            _ => {}
        }
    }
    (towns, villages)
}

/// Towns (镇 100…, 乡 200…, and a 街道 001 with communities in districts and county-level
/// cities) and villages (村委会 201…) of a synthetic county, about 120 poor households a village.
fn synthetic_sites(county: &County, households: f64) -> (Vec<TownPlan>, Vec<VillagePlan>) {
    let mut g = rng::geo(county.code);
    let wanted = (households / 120.0).max(3.0);
    let n_towns = ((wanted / 11.0).round() as usize).clamp(2, 40);
    let urban_seat = county.name.ends_with('区') || county.name.ends_with('市');
    let mut town_names = Vec::new();
    let mut towns = Vec::new();
    let mut villages = Vec::new();
    let (mut zhen, mut xiang) = (100u64, 200u64);
    for t in 0..n_towns {
        let stem = names::unique(&mut g, &mut town_names, names::place);
        let (segment, name) = if t == 0 && urban_seat {
            (1, format!("{stem}街道"))
        } else if chance(&mut g, 0.7) {
            zhen += 1;
            (zhen - 1, format!("{stem}镇"))
        } else {
            xiang += 1;
            (xiang - 1, format!("{stem}乡"))
        };
        let code = county.code + segment * 1000;
        let start = villages.len();
        let mut village_names = Vec::new();
        if segment == 1 {
            for c in 1..=between(&mut g, 3u64, 6) {
                let stem = names::unique(&mut g, &mut village_names, names::place);
                villages.push(site(
                    code + c,
                    format!("{stem}社区居委会"),
                    VillageKind::Urban,
                ));
            }
        }
        for v in 1..=between(&mut g, 7u64, 15) {
            let stem = names::unique(&mut g, &mut village_names, names::place);
            villages.push(site(
                code + 200 + v,
                format!("{stem}村委会"),
                VillageKind::Rural,
            ));
        }
        towns.push(TownPlan {
            code,
            name,
            villages: start..villages.len(),
        });
    }
    (towns, villages)
}

fn site(code: u64, name: String, kind: VillageKind) -> VillagePlan {
    VillagePlan {
        code,
        short: short_name(&name),
        name,
        kind,
        households: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names() {
        assert_eq!(short_name("高尚村委会"), "高尚村");
        assert_eq!(short_name("田庄社区居委会"), "田庄社区");
        assert!(is_urban("田庄社区居委会") && !is_urban("高尚村委会"));
    }
}
