//! 大学生村官创业 of a county: the start-ups (startups.csv), drawn where the backbone draws them,
//! and the poor households each brings along (startup_households.csv), drawn afterwards from a
//! stream of their own so that every earlier file stays as it was. Each start-up links as many
//! households as its `households_brought` says (the county's share of the case report's "近300"),
//! each household once in the county, so that the declared column and the links agree.

use super::context::Ctx;
use super::rng::{between, day_in, pick, shuffle, ymd, DemoRng};
use super::selected::Startup;
use super::writer::{date, int, money, opt_date, region, text, Writers};
use super::DemoError;
use chrono::Duration;
use xplus_core::backbone::startup::poor_problem;
use xplus_core::interchange::{FileId, Value};
use xplus_core::values::Date;
use xplus_core::Fen;

/// A start-up as written: what its links need.
pub struct Begun {
    pub id: String,
    pub village: usize,
    pub start: Date,
    pub households: u64,
}

/// A graduate village official's start-up (大学生村官创业) on a demonstration base of its own.
pub fn startup(
    out: &mut Writers,
    more: &mut DemoRng,
    official: &str,
    (village, vi): (u64, usize),
    place: &str,
    s: &Startup,
) -> Result<Begun, DemoError> {
    const WHAT: [&str; 5] = [
        "稻虾共养",
        "食用菌种植",
        "电商服务站",
        "苗木花卉",
        "特色养殖",
    ];
    let what = *pick(more, &WHAT);
    let id = format!("CY{official}");
    let start = day_in(more, ymd(2015, 3, 1), ymd(2016, 9, 30));
    let row = [
        text(id.clone()),
        text(official),
        region(village),
        text(format!("{place}{what}项目")),
        text(format!("{place}大学生村官创业示范基地")),
        money(Fen::from_yuan(s.funding as i64)),
        int(s.households as i64),
        date(start),
    ];
    out.row(FileId::Startups, &row)?;
    Ok(Begun {
        id,
        village: vi,
        start,
        households: s.households,
    })
}

/// The households each start-up brings along: poor in the year they join (a few weeks or months
/// after the start-up began, by the end of 2016), from its own village first and then from the
/// rest of the county, each household with one start-up at most.
pub fn write_links(
    out: &mut Writers,
    rng: &mut DemoRng,
    ctx: &Ctx,
    begun: &[Begun],
) -> Result<(), DemoError> {
    let mut taken = vec![false; ctx.households.len()];
    let mut county: Vec<usize> = (0..ctx.households.len()).collect();
    shuffle(rng, &mut county);
    for b in begun {
        let mut own: Vec<usize> = ctx.villages[b.village].households.clone().collect();
        shuffle(rng, &mut own);
        let mut linked = 0;
        for h in own.into_iter().chain(county.iter().copied()) {
            if linked == b.households {
                break;
            }
            let joined = (b.start + Duration::days(between(rng, 0, 120))).min(ymd(2016, 12, 31));
            let hh = &ctx.households[h];
            if taken[h]
                || poor_problem(hh.status, hh.identified_year, hh.exit_year, joined).is_some()
            {
                continue;
            }
            taken[h] = true;
            linked += 1;
            let row = [
                text(b.id.clone()),
                text(hh.id.clone()),
                date(joined),
                opt_date(None),
                Value::Null,
            ];
            out.row(FileId::StartupHouseholds, &row)?;
        }
    }
    Ok(())
}
