//! 骨干+贫困户: helping units (帮扶单位) of the city and the county, their cadres, which units
//! pair with which villages (单位包村) and which cadre helps which household (干部包户), within
//! the rules of rules.md §7.

use super::context::Ctx;
use super::names;
use super::people::Household;
use super::plan::{PoorState, VillageKind, VillagePlan};
use super::rng::{between, chance, day_in, pick, shuffle, ymd, DemoRng};
use super::secretaries::{self, Successor};
use super::selected::{Selected, Staff};
use super::startups::{self, Begun};
use super::writer::{boolean, code, date, money, opt_date, region, text, Writers};
use super::DemoError;
use chrono::Duration;
use xplus_core::backbone::visits::VisitKind;
use xplus_core::backbone::{BindingKind, CadreRole, UnitKind};
use xplus_core::interchange::{FileId, Value};
use xplus_core::registry::HouseholdStatus;
use xplus_core::values::Date;
use xplus_core::Fen;

pub use super::units::{units, write_units, Unit};

/// A helper's open places: each cadre takes 3–5 pairings in all, so at no time does one hold
/// more than the default capacity of five (rules.md §7).
struct Slot {
    unit: usize,
    cadre: String,
    left: u32,
}

struct Cadres<'a> {
    county6: u32,
    next: u32,
    /// The city's units come first in `units`; the county's organisation department is the
    /// first after them.
    n_city: usize,
    units: Vec<&'a Unit>,
    slots: Vec<Slot>,
}

impl Cadres<'_> {
    fn create(
        &mut self,
        out: &mut Writers,
        rng: &mut DemoRng,
        unit: usize,
        role: CadreRole,
    ) -> Result<String, DemoError> {
        self.next += 1;
        let id = format!("GB{}{:05}", self.county6, self.next);
        let surname = names::surname(rng);
        let male = chance(rng, 0.68);
        let born = between(rng, 1962, 1992);
        let name = names::person(rng, surname, male, born);
        let row = [
            text(id.clone()),
            text(name),
            text(self.units[unit].id.clone()),
            code(role.code()),
            text(names::phone(rng)),
        ];
        out.row(FileId::Cadres, &row)?;
        Ok(id)
    }

    /// A helper of `unit` with a free place, other than `not` (a successor is someone else).
    fn helper(
        &mut self,
        out: &mut Writers,
        rng: &mut DemoRng,
        unit: usize,
        not: Option<&str>,
    ) -> Result<String, DemoError> {
        if let Some(slot) = self
            .slots
            .iter_mut()
            .find(|s| s.unit == unit && s.left > 0 && Some(s.cadre.as_str()) != not)
        {
            slot.left -= 1;
            return Ok(slot.cadre.clone());
        }
        let cadre = self.create(out, rng, unit, CadreRole::Helper)?;
        self.slots.retain(|s| s.unit != unit || s.left > 0);
        self.slots.push(Slot {
            unit,
            cadre: cadre.clone(),
            left: between(rng, 2, 4),
        });
        Ok(cadre)
    }
}

fn pairing_row(
    out: &mut Writers,
    cadre: &str,
    household: &str,
    start: Date,
    end: Option<Date>,
) -> Result<(), DemoError> {
    let row = [text(cadre), text(household), date(start), opt_date(end)];
    out.row(FileId::CadreHouseholdPairings, &row)
}

/// What the later files need of the 骨干 files written: the start-ups begun, for the households
/// they bring along, and the secretaries who took over in 2016, for the pool of future leaders.
pub struct Written {
    pub begun: Vec<Begun>,
    pub successors: Vec<Successor>,
}

/// `more` draws what the later files need (bindings, visits, recalls, start-ups, secretaries).
pub fn write(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    ctx: &Ctx,
    city_units: &[Unit],
    county_units: &[Unit],
) -> Result<Written, DemoError> {
    let Ctx {
        plan,
        villages,
        households,
        ..
    } = *ctx;
    let n_city = city_units.len();
    let mut cadres = Cadres {
        county6: ctx.county6,
        next: 0,
        n_city,
        units: city_units.iter().chain(county_units).collect(),
        slots: Vec::new(),
    };
    let selected = Selected::draw(more, ctx);
    let mut successors = Vec::new();
    let mut begun = Vec::new();
    // County units: the first half mostly go one to one with poor villages (1+1), the rest
    // each take several ordinary villages (1+X).
    let mut pool: Vec<usize> = (n_city + 1..cadres.units.len()).collect();
    shuffle(rng, &mut pool);
    let (for_poor, for_others) = pool.split_at(pool.len() / 2);
    let mut fresh = for_poor.iter().copied();
    let mut last: Option<usize> = None;
    for (vi, v) in plan.villages.iter().enumerate() {
        let mut paired: Vec<usize> = Vec::new();
        match v.kind {
            VillageKind::Poor(state) => {
                let first = if chance(rng, 0.3) {
                    rng_index(rng, n_city)
                } else if let Some(u) = last.filter(|_| chance(rng, 0.12)) {
                    u
                } else {
                    fresh
                        .next()
                        .unwrap_or_else(|| n_city + rng_index(rng, county_units.len()))
                };
                last = (first >= n_city).then_some(first);
                paired.push(first);
                if chance(rng, 0.2) {
                    // X+1: a second unit, usually a city party organisation or enterprise.
                    let outside: Vec<usize> = (0..n_city)
                        .filter(|&u| {
                            matches!(
                                cadres.units[u].kind,
                                UnitKind::UrbanPartyOrg | UnitKind::Enterprise
                            )
                        })
                        .collect();
                    let second = outside
                        .get(rng_index(rng, outside.len()))
                        .copied()
                        .unwrap_or(0);
                    if second != first {
                        paired.push(second);
                    }
                }
                let staff = selected.staff(vi);
                staff_poor_village(out, rng, more, &mut cadres, v, state, &paired, staff)?;
            }
            VillageKind::Rural if !villages[vi].households.is_empty() && chance(rng, 0.5) => {
                let u = *pick(rng, for_others);
                paired.push(u);
                let start = day_in(rng, ymd(2015, 3, 1), ymd(2016, 6, 30));
                // Joint party organisations are those of poor villages (the report's 123).
                let row = [
                    text(cadres.units[u].id.clone()),
                    region(v.code),
                    date(start),
                    opt_date(None),
                    boolean(false),
                    Value::Null,
                ];
                out.row(FileId::UnitVillagePairings, &row)?;
            }
            _ => {}
        }
        begun.extend(graduate_official(
            out,
            rng,
            more,
            &mut cadres,
            ctx,
            &selected,
            vi,
        )?);
        if v.kind != VillageKind::Urban {
            let dev = selected.development(vi);
            successors.extend(secretaries::write(out, more, v.code, dev)?);
        }
        // Helpers of a village come from its paired units and one or two county units, so
        // that each helper's places are filled within the village.
        cadres.slots.clear();
        let local: Vec<usize> = (0..between(rng, 1, 2))
            .map(|_| n_city + rng_index(rng, county_units.len()))
            .collect();
        for h in &households[villages[vi].households.clone()] {
            let unit = if !paired.is_empty() && chance(rng, 0.7) {
                *pick(rng, &paired)
            } else {
                *pick(rng, &local)
            };
            pair_household(out, rng, more, &mut cadres, unit, h)?;
        }
    }
    Ok(Written { begun, successors })
}

/// A graduate village official (大学生村官, of the county's organisation department) in village
/// `vi` when the village has a start-up, and in a few others; the start-up written, if any.
fn graduate_official(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    cadres: &mut Cadres,
    ctx: &Ctx,
    selected: &Selected,
    vi: usize,
) -> Result<Option<Begun>, DemoError> {
    let v = &ctx.plan.villages[vi];
    let startup_here = selected.startups.iter().position(|s| s.village == vi);
    if startup_here.is_none() && (v.kind == VillageKind::Urban || !chance(rng, 0.04)) {
        return Ok(None);
    }
    let official = cadres.create(out, rng, cadres.n_city, CadreRole::GraduateOfficial)?;
    let Some(k) = startup_here else {
        return Ok(None);
    };
    let base = format!("{}{}", ctx.plan.town_of(vi).name, v.short);
    let s = &selected.startups[k];
    Ok(Some(startups::startup(
        out,
        more,
        &official,
        (v.code, vi),
        &base,
        s,
    )?))
}

/// The poor-village step after its units are chosen: each paired unit's pairing row and bindings,
/// then the village's first secretary (recalled if `staff` says so) and its work team.
#[allow(clippy::too_many_arguments)]
fn staff_poor_village(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    cadres: &mut Cadres,
    v: &VillagePlan,
    state: PoorState,
    paired: &[usize],
    staff: Staff,
) -> Result<(), DemoError> {
    // Every poor village formed a joint party organisation with its first unit (the report's
    // 123, all of them); a second unit joins it more often than not.
    let joint = |rng: &mut DemoRng, first: bool| first || chance(rng, 0.6);
    // The selected cadres arrive with their first unit (drawn from nothing, so that the demo's
    // other draws stay as they were).
    let mut arrival = ymd(2015, 1, 5);
    for (k, &u) in paired.iter().enumerate() {
        let start = day_in(rng, ymd(2015, 1, 5), ymd(2015, 10, 31));
        if k == 0 {
            arrival = start;
        }
        // §7: only a village that has exited may be left.
        let end = match state {
            PoorState::Exited(year) if chance(rng, 0.55) => {
                let from = (start + Duration::days(180)).max(ymd(year, 12, 31));
                Some(day_in(rng, from, ymd(2016, 10, 31)))
            }
            _ => None,
        };
        let joint = joint(rng, k == 0);
        let row = [
            text(cadres.units[u].id.clone()),
            region(v.code),
            date(start),
            opt_date(end),
            boolean(joint),
            joint_date(more, joint, start),
        ];
        out.row(FileId::UnitVillagePairings, &row)?;
        bindings(out, more, &cadres.units[u].id, v.code, start)?;
    }
    let secretary = cadres.create(out, rng, paired[0], CadreRole::FirstSecretary)?;
    // The recalled secretary's posting stays open: the recall ends it (core
    // `backbone::posting`), and the successor is posted on the day of the decision.
    posting(out, &secretary, v.code, arrival)?;
    if staff.recalled {
        let (replacement, day) = recall(out, more, cadres, paired[0], &secretary)?;
        posting(out, &replacement, v.code, day)?;
    }
    for _ in 0..staff.work_team {
        let u = *pick(rng, paired);
        let member = cadres.create(out, rng, u, CadreRole::WorkTeam)?;
        posting(out, &member, v.code, arrival)?;
    }
    Ok(())
}

/// 选派干部驻村: a selected cadre posted to a poor village from `start`, open-ended.
fn posting(out: &mut Writers, cadre: &str, village: u64, start: Date) -> Result<(), DemoError> {
    let row = [text(cadre), region(village), date(start), opt_date(None)];
    out.row(FileId::Postings, &row)
}

fn rng_index(rng: &mut DemoRng, n: usize) -> usize {
    between(rng, 0, n.max(1) - 1)
}

/// A household's helpers over time. Those still in need keep an open pairing; 3% changed
/// helper once, the successor taking over the next day (§7). Exited households mostly keep
/// theirs (四不摘) or had it ended after their exit; removed ones had theirs ended.
fn pair_household(
    out: &mut Writers,
    rng: &mut DemoRng,
    more: &mut DemoRng,
    cadres: &mut Cadres,
    unit: usize,
    h: &Household,
) -> Result<(), DemoError> {
    let start = if h.identified_year == 2014 {
        day_in(rng, ymd(2014, 4, 1), ymd(2014, 11, 30))
    } else {
        day_in(rng, ymd(2015, 3, 1), ymd(2015, 11, 30))
    };
    let last_day = ymd(2016, 9, 30);
    let end = match h.status {
        s if s.needs_helper() => {
            if chance(rng, 0.03) {
                let end = day_in(
                    rng,
                    start + Duration::days(90),
                    (start + Duration::days(700)).min(ymd(2016, 11, 30)),
                );
                let first = cadres.helper(out, rng, unit, None)?;
                pairing_row(out, &first, &h.id, start, Some(end))?;
                let successor = cadres.helper(out, rng, unit, Some(&first))?;
                let next = end + Duration::days(1);
                pairing_row(out, &successor, &h.id, next, None)?;
                return visits(out, more, &successor, &h.id, next);
            }
            None
        }
        HouseholdStatus::Exited => {
            let r: f64 = rand::Rng::random(rng);
            if r < 0.55 {
                None
            } else if r < 0.9 {
                let exit = ymd(h.exit_year.unwrap_or(2015), 12, 31);
                Some(day_in(rng, exit.max(start + Duration::days(30)), last_day))
            } else {
                return Ok(());
            }
        }
        _ => {
            if chance(rng, 0.5) {
                Some(day_in(rng, start + Duration::days(60), last_day))
            } else {
                return Ok(());
            }
        }
    };
    let cadre = cadres.helper(out, rng, unit, None)?;
    pairing_row(out, &cadre, &h.id, start, end)?;
    if end.is_none() {
        visits(out, more, &cadre, &h.id, start)?;
    }
    Ok(())
}

/// Visits in 2016 by a helper whose pairing is open: about one a quarter.
fn visits(
    out: &mut Writers,
    more: &mut DemoRng,
    cadre: &str,
    household: &str,
    from: Date,
) -> Result<(), DemoError> {
    const WHAT: [&str; 6] = [
        "走访了解家庭收入情况",
        "宣讲健康脱贫政策",
        "帮助联系务工岗位",
        "协调小额信贷",
        "指导发展种养业",
        "核实“两不愁三保障”情况",
    ];
    let first = from.max(ymd(2016, 1, 4));
    let mut day = first;
    for _ in 0..between(more, 2, 5) {
        day = day_in(more, day + Duration::days(20), day + Duration::days(90));
        if day > ymd(2016, 11, 30) {
            break;
        }
        let row = [
            text(cadre),
            text(household),
            date(day),
            text(*pick(more, &WHAT)),
            // Drawn from nothing, so that the demo's later draws stay as they were.
            Value::Code(VisitKind::Home.code()),
            Value::Null,
            Value::Null,
        ];
        out.row(FileId::Visits, &row)?;
    }
    Ok(())
}

fn joint_date(more: &mut DemoRng, joint: bool, start: Date) -> Value {
    if joint {
        date(day_in(
            more,
            start + Duration::days(30),
            start + Duration::days(240),
        ))
    } else {
        Value::Null
    }
}

/// The "three bindings" (三个绑定) of a unit's pairing with a poor village.
fn bindings(
    out: &mut Writers,
    more: &mut DemoRng,
    unit: &str,
    village: u64,
    start: Date,
) -> Result<(), DemoError> {
    const PROJECTS: [&str; 4] = ["村道硬化", "光伏电站建设", "农田水利改造", "特色种植基地"];
    let row = |kind: BindingKind, k: u32, item: String, amount: Value, day: Date| {
        [
            text(format!("BD{village}-{unit}-{k}")),
            text(unit),
            region(village),
            code(kind.code()),
            text(item),
            amount,
            date(day),
        ]
    };
    let day = day_in(more, start, start + Duration::days(60));
    let project = *pick(more, &PROJECTS);
    out.row(
        FileId::PairingBindings,
        &row(
            BindingKind::Project,
            1,
            project.to_string(),
            Value::Null,
            day,
        ),
    )?;
    let funds = Fen::from_yuan(between(more, 5, 50) * 10_000);
    out.row(
        FileId::PairingBindings,
        &row(
            BindingKind::Funds,
            2,
            format!("{project}帮扶资金"),
            money(funds),
            day,
        ),
    )?;
    out.row(
        FileId::PairingBindings,
        &row(
            BindingKind::Responsibility,
            3,
            "单位主要负责人为第一责任人，每月到村不少于一次".into(),
            Value::Null,
            day,
        ),
    )
}

/// A first secretary recalled (召回) and replaced by another cadre of the same unit: the
/// replacement and the day of the decision.
fn recall(
    out: &mut Writers,
    more: &mut DemoRng,
    cadres: &mut Cadres,
    unit: usize,
    secretary: &str,
) -> Result<(String, Date), DemoError> {
    const WHY: [&str; 3] = ["年度考核不称职", "驻村时间不足", "工作不在状态、群众不满意"];
    let replacement = cadres.create(out, more, unit, CadreRole::FirstSecretary)?;
    let day = day_in(more, ymd(2016, 3, 1), ymd(2016, 10, 31));
    let row = [
        text(secretary),
        date(day),
        text(*pick(more, &WHY)),
        text(replacement.clone()),
    ];
    out.row(FileId::Recalls, &row)?;
    Ok((replacement, day))
}
