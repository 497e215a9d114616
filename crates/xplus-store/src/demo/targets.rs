//! 产业创业扶贫对象 of a county (industry_targets.csv): its share of the case report's 2.2万
//! households chosen as targets of industry and start-up support, from the households poor at
//! the start of 2016 — the households in industry first (most chosen in 2016, some in 2015),
//! then others — from a stream of its own, so that every earlier file stays as it was.

use super::context::Ctx;
use super::rng::{chance, pick, shuffle, DemoRng};
use super::shares::{city, Basis};
use super::writer::{text, year, Writers};
use super::DemoError;
use xplus_core::education::coverage::poor_at_start_of;
use xplus_core::interchange::FileId;

const INDUSTRIES: [&str; 6] = [
    "特色种植",
    "特色养殖",
    "农产品加工",
    "乡村旅游",
    "农村电商",
    "来料加工",
];

/// `in_industry`: per household, whether it takes part in industry in 2016 (`Reach`).
pub fn write(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    in_industry: &[bool],
) -> Result<(), DemoError> {
    let poor = |h: usize| {
        let h = &ctx.households[h];
        poor_at_start_of(h.status, h.identified_year, h.exit_year, 2016)
    };
    let (mut first, mut then): (Vec<usize>, Vec<usize>) = (0..ctx.households.len())
        .filter(|&h| poor(h))
        .partition(|&h| in_industry.get(h).copied().unwrap_or(false));
    shuffle(rng, &mut first);
    shuffle(rng, &mut then);
    let n = ctx.plan.share(city::INDUSTRY_TARGETS, Basis::PoorVillages) as usize;
    let mut chosen: Vec<usize> = first.into_iter().chain(then).take(n).collect();
    // In household order, as a county's office would list them.
    chosen.sort_unstable();
    for h in chosen {
        let y = if in_industry[h] && chance(rng, 0.4) {
            2015
        } else {
            2016
        };
        out.row(
            FileId::IndustryTargets,
            &[
                text(ctx.households[h].id.clone()),
                year(y),
                text(*pick(rng, &INDUSTRIES)),
            ],
        )?;
    }
    Ok(())
}
