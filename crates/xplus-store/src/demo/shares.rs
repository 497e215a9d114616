//! The case report's city-wide figures (issue 23 item 4) and each county's share of them.
//!
//! A figure such as "1,413 upgraded stations" is a count over the whole city, but counties are
//! generated one at a time from their own random streams. So each Chuzhou figure is split over
//! the real counties once, by largest remainder, and every county generates exactly its share:
//! the city then adds up to the report's number under every seed, and the county scale
//! (Tianchang alone) produces Tianchang's share. A synthetic county (province and national
//! scale) scales the same figure by its own poor villages or villages, rounded; nothing there
//! needs to be exact.

use super::regions::{Chuzhou, County, Source, CHUZHOU_COUNTIES};
use super::rng::{between, DemoRng};

/// The case report's figures for 2016, in the units the report gives them. Where the report
/// rounds ("4.5万", "1600多万"), the middle of its range.
pub mod city {
    /// 56个贫困村出列.
    pub const VILLAGES_EXITED: u64 = 56;
    /// 4.5万贫困人口脱贫.
    pub const PERSONS_EXITED: u64 = 45_000;
    /// 更新升级1413个远教站点, 投入15万元, 120个中心学习户.
    pub const STATIONS: u64 = 1_413;
    pub const STATION_INVESTMENT_YUAN: u64 = 150_000;
    pub const LEARNING_HOUSEHOLDS: u64 = 120;
    /// 选派177名机关干部, 1名被召回.
    pub const SELECTED_CADRES: u64 = 177;
    pub const RECALLS: u64 = 1;
    /// 1600多万元, 创业示范基地54个, 带动近300名贫困户.
    pub const STARTUPS: u64 = 54;
    pub const STARTUP_FUNDING_YUAN: u64 = 16_500_000;
    pub const STARTUP_HOUSEHOLDS: u64 = 285;
    /// 47名学历教育, 23名赴名村强村挂职.
    pub const DEGREE: u64 = 47;
    pub const EXCHANGE: u64 = 23;
    /// 产业链上建立党组织328个, 一村一品项目61个.
    pub const CHAIN_ORGS: u64 = 328;
    pub const OVOP: u64 = 61;
    /// 发展特色种养产业10171户, 产业覆盖贫困人口4.9万人.
    pub const SPECIALTY_HOUSEHOLDS: u64 = 10_171;
    pub const INDUSTRY_PERSONS: u64 = 49_000;
    /// 确定2.2万贫困户作为产业创业扶贫对象.
    pub const INDUSTRY_TARGETS: u64 = 22_000;
    /// 55名科技特派员, 实用技术培训6400多人次.
    pub const COMMISSIONERS: u64 = 55;
    pub const COMMISSIONER_PARTICIPANTS: u64 = 6_450;
    /// 招聘会65场, 发布岗位1.2万个, 转移就业7300多人.
    pub const JOB_FAIRS: u64 = 65;
    pub const JOB_POSTS: u64 = 12_000;
    pub const PLACED: u64 = 7_350;
    /// 劳务培训基地13个, 创业培训1500多人次, 带动就业300多人.
    pub const LABOUR_BASES: u64 = 13;
    pub const COURSE_ATTENDANCE: u64 = 1_550;
    pub const TRAINED_PLACED: u64 = 350;
}

/// What a county's share of a city figure is proportional to.
#[derive(Clone, Copy)]
pub enum Basis {
    /// Its poor villages (贫困村), for everything aimed at the poor.
    PoorVillages,
    /// All its villages and communities, for what every village has (stations).
    Villages,
}

/// One county's weights under both bases, and the city's.
pub struct Weights {
    /// Per Chuzhou county, in `CHUZHOU_COUNTIES` order: (poor villages, villages).
    chuzhou: Vec<(u64, u64)>,
    /// Where this county stands among them, or its own weights when synthetic.
    county: Place,
}

enum Place {
    Chuzhou(usize),
    Synthetic { poor: u64, villages: u64 },
}

impl Weights {
    /// `poor` and `villages` are what the county's plan holds (used for a synthetic county).
    pub fn new(county: &County, chuzhou: &Chuzhou, poor: u64, villages: u64) -> Weights {
        let table: Vec<(u64, u64)> = CHUZHOU_COUNTIES
            .iter()
            .map(|&(code6, poor, ..)| (u64::from(poor), chuzhou.village_count(code6)))
            .collect();
        let place = match county.source {
            Source::Chuzhou { .. } => Place::Chuzhou(
                CHUZHOU_COUNTIES
                    .iter()
                    .position(|c| c.0 == county.code6())
                    .expect("a Chuzhou county is in the table"),
            ),
            Source::Synthetic { .. } => Place::Synthetic { poor, villages },
        };
        Weights {
            chuzhou: table,
            county: place,
        }
    }

    /// This county's share of the city figure `total`.
    pub fn share(&self, total: u64, basis: Basis) -> u64 {
        let pick = |&(poor, villages): &(u64, u64)| match basis {
            Basis::PoorVillages => poor,
            Basis::Villages => villages,
        };
        let weights: Vec<u64> = self.chuzhou.iter().map(pick).collect();
        match self.county {
            Place::Chuzhou(i) => split(total, &weights)[i],
            Place::Synthetic { poor, villages } => {
                let city: u64 = weights.iter().sum();
                let own = pick(&(poor, villages));
                (total * own + city / 2) / city.max(1)
            }
        }
    }
}

/// Splits `total` in proportion to `weights` by largest remainder (ties to the earlier), so
/// the parts add up to `total` exactly. All-zero weights give all zeros.
pub fn split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Remainders compared as fractions of `sum`; a stable sort keeps ties in order.
    order.sort_by_key(|&i| std::cmp::Reverse(total * weights[i] % sum));
    let short = total - parts.iter().sum::<u64>();
    for &i in order.iter().take(short as usize) {
        parts[i] += 1;
    }
    parts
}

/// `total` split exactly over `n` parts of random size (weights from one to three).
pub fn spread(rng: &mut DemoRng, total: u64, n: usize) -> Vec<u64> {
    let weights: Vec<u64> = (0..n).map(|_| between(rng, 50u64, 150)).collect();
    split(total, &weights)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_adds_up() {
        assert_eq!(
            split(56, &[0, 8, 14, 11, 30, 25, 0, 0, 12, 23])
                .iter()
                .sum::<u64>(),
            56
        );
        assert_eq!(split(1, &[8, 30, 12]), vec![0, 1, 0]);
        assert_eq!(split(5, &[0, 0]), vec![0, 0]);
        assert_eq!(split(7, &[1, 1]), vec![4, 3]);
    }
}
