//! Deterministic randomness. Every county draws from its own streams, seeded from the run's seed
//! and the county code, so counties can be generated one after another (or skipped, as the
//! household pre-count does) without shifting each other's data. Only plain arithmetic is used on
//! floats (no `ln`/`exp`), so the output does not depend on the platform's maths library.

use chrono::{Duration, NaiveDate};
use rand::distr::uniform::SampleUniform;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xplus_core::values::Date;

pub type DemoRng = ChaCha8Rng;

/// Separate streams within one county: adding a draw to one part leaves the others unchanged.
pub mod tag {
    pub const GEO: u64 = 1;
    pub const PLAN: u64 = 2;
    pub const PEOPLE: u64 = 3;
    pub const EDUCATION: u64 = 4;
    pub const BACKBONE: u64 = 5;
    pub const COLLECTIVE: u64 = 6;
    /// The 远教 and 骨干 files added later (checks, services, visits, secretaries …), so that
    /// adding them left the earlier files of every seed unchanged.
    pub const EDUCATION_MORE: u64 = 8;
    pub const BACKBONE_MORE: u64 = 9;
    pub const INDUSTRY: u64 = 10;
    pub const ENTERPRISES: u64 = 11;
    /// Moving households across the 2016 line to the county's share of the exits.
    pub const EXITS: u64 = 12;
    /// The industry and start-up support targets (industry_targets.csv), added after the rest.
    pub const TARGETS: u64 = 13;
    /// The funds (多元投入), added after every other file.
    pub const FUNDS: u64 = 14;
    /// The projects' investors (社会资本入股) and their funds.
    pub const INVESTORS: u64 = 15;
    /// The village cadres (村干部) and their development.
    pub const VILLAGE_CADRES: u64 = 16;
    /// The pool of future village leaders (村级带头人后备库).
    pub const LEADER_POOL: u64 = 17;
    /// 基层党组织建设: the weak party organisations and the standardisation checks.
    pub const PARTY_BUILDING: u64 = 18;
    /// The poor households the start-ups bring along (startup_households.csv).
    pub const STARTUP_LINKS: u64 = 19;
}

fn splitmix(z: u64) -> u64 {
    let mut z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn stream(seed: u64, code: u64, tag: u64) -> DemoRng {
    DemoRng::seed_from_u64(splitmix(splitmix(splitmix(seed) ^ code) ^ tag))
}

/// The synthetic map is the same under every seed, so that two demo databases built with
/// different seeds still describe the same places.
pub fn geo(code: u64) -> DemoRng {
    stream(0x0058_504C_5553, code, tag::GEO)
}

pub fn chance(rng: &mut DemoRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

/// Uniform in `lo..=hi`.
pub fn between<T: SampleUniform + PartialOrd>(rng: &mut DemoRng, lo: T, hi: T) -> T {
    rng.random_range(lo..=hi)
}

pub fn uniform(rng: &mut DemoRng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// An index drawn with the given relative weights (at least one must be positive).
pub fn weighted(rng: &mut DemoRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    unreachable!("x < total")
}

pub fn pick<'a, T>(rng: &mut DemoRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A day in `from..=to`.
pub fn day_in(rng: &mut DemoRng, from: Date, to: Date) -> Date {
    let span = (to - from).num_days().max(0);
    from + Duration::days(rng.random_range(0..=span))
}

pub fn ymd(y: i32, m: u32, d: u32) -> Date {
    NaiveDate::from_ymd_opt(y, m, d).expect("a literal calendar date")
}

/// Fisher–Yates, written out so the order depends only on this crate's draws.
pub fn shuffle<T>(rng: &mut DemoRng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}
