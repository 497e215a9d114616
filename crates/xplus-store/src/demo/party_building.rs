//! 基层党组织建设 of a county: a few of its villages' party organisations listed as weak and
//! lax in 2015 or 2016 (weak_organisations.csv), most judged rectified within the year, some
//! the year after and a few not yet; and every village checked against the standard's seven
//! items in 2016 (standardisation_checks.csv), nearly every item met. From a stream of its own
//! (rng tag 18), after every other file, so that every earlier file of every seed stays as it
//! was.

use super::context::Ctx;
use super::names::{person, surname};
use super::rng::{between, chance, day_in, pick, ymd, DemoRng};
use super::writer::{boolean, code, date, opt_date, region, text, year, Writers};
use super::DemoError;
use xplus_core::backbone::party_building::{StandardItem, WeakReason};
use xplus_core::interchange::cell::Value;
use xplus_core::interchange::FileId;

/// The share of villages listed as weak in each of 2015 and 2016.
const WEAK_SHARE: f64 = 0.03;
/// The chance that one item of a village's check is met.
const ITEM_MET: f64 = 0.95;

const MEASURES: [&str; 5] = [
    "调整充实村两委班子，县乡挂点领导包村整顿",
    "选派第一书记驻村，规范“三会一课”",
    "发展村集体经济项目，化解矛盾纠纷",
    "开展专项整治，建立村务公开制度",
    "乡镇党委书记联系督导，限期整改销号",
];

pub fn write(out: &mut Writers, rng: &mut DemoRng, ctx: &Ctx) -> Result<(), DemoError> {
    for v in &ctx.plan.villages {
        let listed = if chance(rng, WEAK_SHARE) {
            Some(2015)
        } else if chance(rng, WEAK_SHARE) {
            Some(2016)
        } else {
            None
        };
        if let Some(y) = listed {
            weak(out, rng, v.code, y)?;
        }
    }
    for v in &ctx.plan.villages {
        checks(out, rng, v.code)?;
    }
    Ok(())
}

/// One weak organisation listed in `y`: one or two reasons, a measure, the town's leader who
/// answers for it, the planned date by the year's end, and the day judged rectified.
fn weak(out: &mut Writers, rng: &mut DemoRng, village: u64, y: i32) -> Result<(), DemoError> {
    let mut reasons = vec![*pick(rng, WeakReason::ALL)];
    if chance(rng, 0.5) {
        reasons.push(*pick(rng, WeakReason::ALL));
    }
    reasons.sort_unstable();
    reasons.dedup();
    let (family, male) = (surname(rng), chance(rng, 0.8));
    let born = between(rng, 1962, 1980);
    let leader = person(rng, family, male, born);
    let planned = day_in(rng, ymd(y, 9, 30), ymd(y, 12, 31));
    let rectified = match between(rng, 0, 19) {
        0 => None,
        1..=3 => Some(day_in(rng, ymd(y + 1, 3, 1), ymd(y + 1, 9, 30))),
        _ => Some(day_in(rng, ymd(y, 6, 1), ymd(y, 12, 20))),
    };
    let row = [
        region(village),
        year(y),
        Value::Codes(reasons.iter().map(|r| r.code()).collect()),
        text(*pick(rng, &MEASURES)),
        text(leader),
        date(planned),
        opt_date(rectified),
    ];
    out.row(FileId::WeakOrganisations, &row)
}

/// A village's 2016 check of every item of the standard, all on one day.
fn checks(out: &mut Writers, rng: &mut DemoRng, village: u64) -> Result<(), DemoError> {
    let day = day_in(rng, ymd(2016, 9, 1), ymd(2016, 12, 20));
    for item in StandardItem::ALL {
        let met = chance(rng, ITEM_MET);
        let note = if met {
            Value::Null
        } else {
            text("限期整改")
        };
        let row = [
            region(village),
            year(2016),
            code(item.code()),
            boolean(met),
            date(day),
            note,
        ];
        out.row(FileId::StandardisationChecks, &row)?;
    }
    Ok(())
}
