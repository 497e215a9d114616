//! One county from start to finish: its divisions, villages, households and the four links of
//! the chain. Everything here is dropped when the county is done, which is what keeps memory
//! flat however many counties a scale has.

use super::backbone::{self, Unit};
pub use super::context::{Ctx, Village};
use super::people::{settle_exits, Household, People, YEARS};
use super::plan::{CountyPlan, PoorState, VillageKind};
use super::regions::{County, Source};
use super::rng::{self, stream, uniform, DemoRng};
use super::shares::{city, Basis};
use super::writer::{boolean, code, int, money, opt_bool, opt_year, region, text, year, Writers};
use super::{
    collective, education, funds, industry, party_building, startups, targets, village_cadres,
    DemoError,
};
use xplus_core::interchange::cell::Value;
use xplus_core::interchange::FileId;
use xplus_core::registry::Level;

/// Separate stream for village populations, after the households they depend on.
const VILLAGE_TAG: u64 = 7;

pub fn write(
    out: &mut Writers,
    seed: u64,
    county: &County,
    city_code: u64,
    plan: &CountyPlan,
    city_units: &[Unit],
    tick: &mut dyn FnMut(u64),
) -> Result<(), DemoError> {
    out.row(
        FileId::Regions,
        &[
            region(county.code),
            text(county.name.clone()),
            code(Level::County.code()),
            region(city_code),
        ],
    )?;
    for town in &plan.towns {
        let row = [
            region(town.code),
            text(town.name.clone()),
            code(Level::Town.code()),
            region(county.code),
        ];
        out.row(FileId::Regions, &row)?;
        for v in &plan.villages[town.villages.clone()] {
            let row = [
                region(v.code),
                text(v.name.clone()),
                code(Level::Village.code()),
                region(town.code),
            ];
            out.row(FileId::Regions, &row)?;
        }
    }

    let old_area = match county.source {
        Source::Chuzhou { old_area, .. } => Some(old_area),
        Source::Synthetic { .. } => None,
    };
    let mut people = People::new(county.code6(), old_area);
    let mut rng = stream(seed, county.code, rng::tag::PEOPLE);
    let mut households = Vec::with_capacity(plan.households() as usize);
    let mut villages = Vec::with_capacity(plan.villages.len());
    for (vi, v) in plan.villages.iter().enumerate() {
        let start = households.len();
        for seq in 1..=v.households {
            let id = format!("{}-{seq:04}", v.code);
            households.push(people.household(&mut rng, id, vi, v.kind));
        }
        villages.push(Village {
            households: start..households.len(),
        });
        tick(u64::from(v.households));
    }
    drop(people);
    let planned = |vi: usize| plan.villages[vi].kind == VillageKind::Poor(PoorState::Planned(2016));
    let target = plan.share(city::PERSONS_EXITED, Basis::PoorVillages);
    let mut rng = stream(seed, county.code, rng::tag::EXITS);
    settle_exits(&mut rng, &mut households, planned, target);

    let mut vrng = stream(seed, county.code, VILLAGE_TAG);
    for (v, village) in plan.villages.iter().zip(&villages) {
        let population = population(&mut vrng, v.kind, &households[village.households.clone()]);
        let (exit, planned) = match v.kind {
            VillageKind::Poor(PoorState::Exited(y)) => (Some(y), None),
            VillageKind::Poor(PoorState::Planned(y)) => (None, Some(y)),
            _ => (None, None),
        };
        let row = [
            region(v.code),
            boolean(v.kind.is_poor()),
            int(population),
            opt_year(exit),
            opt_year(planned),
        ];
        out.row(FileId::Villages, &row)?;
    }
    for h in &households {
        write_household(out, h, plan.villages[h.village].code)?;
    }

    let ctx = Ctx {
        code: county.code,
        county6: county.code6(),
        name: &county.name,
        plan,
        villages: &villages,
        households: &households,
    };
    let county_units = backbone::units(county.code6(), &county.name, false);
    backbone::write_units(out, &county_units)?;
    let mut rng = stream(seed, county.code, rng::tag::EDUCATION);
    let mut more = stream(seed, county.code, rng::tag::EDUCATION_MORE);
    education::write(out, &mut rng, &mut more, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::BACKBONE);
    let mut more = stream(seed, county.code, rng::tag::BACKBONE_MORE);
    let written = backbone::write(out, &mut rng, &mut more, &ctx, city_units, &county_units)?;
    let mut rng = stream(seed, county.code, rng::tag::COLLECTIVE);
    let projects = collective::write(out, &mut rng, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::FUNDS);
    funds::write(out, &mut rng, &ctx, &projects)?;
    let mut rng = stream(seed, county.code, rng::tag::INVESTORS);
    funds::write_investors(out, &mut rng, &ctx, &projects)?;
    let mut rng = stream(seed, county.code, rng::tag::ENTERPRISES);
    collective::write_enterprises(out, &mut rng, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::INDUSTRY);
    let in_industry = industry::write(out, &mut rng, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::TARGETS);
    targets::write(out, &mut rng, &ctx, &in_industry)?;
    let mut rng = stream(seed, county.code, rng::tag::PARTY_BUILDING);
    party_building::write(out, &mut rng, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::VILLAGE_CADRES);
    village_cadres::write(out, &mut rng, &ctx)?;
    let mut rng = stream(seed, county.code, rng::tag::LEADER_POOL);
    village_cadres::write_pool(out, &mut rng, &ctx, &written.successors)?;
    let mut rng = stream(seed, county.code, rng::tag::STARTUP_LINKS);
    startups::write_links(out, &mut rng, &ctx, &written.begun)
}

/// The registered population (户籍人口) of a village, 800–4,000, from its poor households and a
/// plausible incidence. A village planned to exit in 2016 is as large as it needs to be for
/// its remaining poor to be under 2% (§4), when that fits in 4,000 people.
fn population(rng: &mut DemoRng, kind: VillageKind, households: &[Household]) -> i64 {
    let persons: i64 = households.iter().map(|h| h.persons() as i64).sum();
    let incidence = match kind {
        VillageKind::Poor(PoorState::Planned(2016)) => uniform(rng, 0.18, 0.28),
        VillageKind::Poor(_) => uniform(rng, 0.22, 0.35),
        VillageKind::Rural => uniform(rng, 0.06, 0.14),
        VillageKind::Urban => uniform(rng, 0.01, 0.04),
    };
    let mut population = ((persons as f64 / incidence).round() as i64).clamp(800, 4000);
    if kind == VillageKind::Poor(PoorState::Planned(2016)) {
        let failing: i64 = households
            .iter()
            .filter(|h| h.status.is_poor() && !h.exit_eligible())
            .map(|h| h.persons() as i64)
            .sum();
        // failing / 1.9%, rounded up: a little under the 2% threshold.
        population = population.max((failing * 1000 + 18) / 19).min(4000);
    }
    population.max(persons)
}

fn write_household(out: &mut Writers, h: &Household, village: u64) -> Result<(), DemoError> {
    let causes = Value::Codes(h.causes.iter().map(|c| c.code()).collect());
    let row = [
        text(h.id.clone()),
        region(village),
        year(h.identified_year),
        code(h.status.code()),
        opt_year(h.exit_year),
        causes,
        boolean(h.food),
        boolean(h.clothing),
        boolean(h.housing),
        boolean(h.water),
    ];
    out.row(FileId::Households, &row)?;
    for m in &h.members {
        let row = [
            text(h.id.clone()),
            Value::Id(m.id),
            text(m.name.clone()),
            code(m.relation.code()),
            code(m.health.code()),
            code(m.labour.code()),
            code(m.schooling.code()),
            boolean(m.medical_insured),
            opt_bool(m.pension_insured),
            m.migrant_months.map_or(Value::Null, int),
        ];
        out.row(FileId::Members, &row)?;
    }
    if let Some(incomes) = &h.incomes {
        for (y, i) in YEARS.iter().zip(incomes) {
            let row = [
                text(h.id.clone()),
                year(*y),
                money(i.wage),
                money(i.production),
                money(i.property),
                money(i.transfer),
                money(i.production_cost),
                i.medical_cost.map_or(Value::Null, money),
            ];
            out.row(FileId::Incomes, &row)?;
        }
    }
    Ok(())
}
