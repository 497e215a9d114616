//! Poor households and their members: family make-up, ID numbers, health, labour, schooling and
//! the two years of income that the 2016 assessment reads.

use super::family::{self, Draft};
pub use super::family::{Member, NOW};
use super::plan::{PoorState, VillageKind};
use super::rng::{chance, shuffle, uniform, weighted, DemoRng};
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use std::collections::HashMap;
use xplus_core::registry::{
    Health, HouseholdStatus, IdNumber, Labour, PovertyCause, Schooling, YearlyIncome,
};
use xplus_core::values::Date;
use xplus_core::Fen;

/// The income years and their poverty lines in fen per person (rules.md §1).
pub const YEARS: [i32; 2] = [2015, 2016];
pub const LINE: [i64; 2] = [285_500, 295_200];

pub struct Household {
    pub id: String,
    pub village: usize,
    pub identified_year: i32,
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
    pub causes: Vec<PovertyCause>,
    pub food: bool,
    pub clothing: bool,
    pub housing: bool,
    pub water: bool,
    pub members: Vec<Member>,
    /// 2015 and 2016; none for a removed household.
    pub incomes: Option<[YearlyIncome; 2]>,
}

impl Household {
    pub fn persons(&self) -> u64 {
        self.members.len() as u64
    }

    /// rules.md §3 for 2016, as the assessment will judge it.
    pub fn exit_eligible(&self) -> bool {
        let Some(incomes) = &self.incomes else {
            return false;
        };
        let m = self.members.len() as i64;
        incomes[1].net().0 > LINE[1] * m
            && self.food
            && self.clothing
            && self.housing
            && self.water
            && self.members.iter().all(|p| p.medical_insured)
            && !self
                .members
                .iter()
                .any(|p| p.schooling == Schooling::Dropout && (6..=15).contains(&p.age()))
    }
}

/// Brings the county's 2016 exits (poor households eligible under §3) to `target` persons, its
/// share of the case report's 4.5万, to within one household. Households of villages planned to
/// exit in 2016 are moved only when the others are not enough, since those villages exit on
/// their remaining poor. Those exactly on the line stay there. `planned` tells, by a
/// household's village, whether the village is planned to exit in 2016.
pub fn settle_exits(
    rng: &mut DemoRng,
    households: &mut [Household],
    planned: impl Fn(usize) -> bool,
    target: u64,
) {
    let mut exited: u64 = households
        .iter()
        .filter(|h| h.status.is_poor() && h.exit_eligible())
        .map(Household::persons)
        .sum();
    let mut order: Vec<usize> = (0..households.len())
        .filter(|&i| households[i].status.is_poor() && !households[i].on_line())
        .collect();
    shuffle(rng, &mut order);
    order.sort_by_key(|&i| planned(households[i].village));
    for i in order {
        let h = &mut households[i];
        if exited > target && h.exit_eligible() {
            h.set_net_2016(rng, false);
            exited -= h.persons();
        } else if exited < target && !h.exit_eligible() && exited + h.persons() <= target {
            let before = h.incomes;
            h.set_net_2016(rng, true);
            if h.exit_eligible() {
                exited += h.persons();
            } else {
                h.incomes = before;
            }
        } else if exited == target {
            break;
        }
    }
}

impl Household {
    fn line_2016(&self) -> i64 {
        LINE[1] * self.members.len() as i64
    }

    fn on_line(&self) -> bool {
        self.incomes
            .as_ref()
            .is_some_and(|i| i[1].net().0 == self.line_2016())
    }

    /// A new 2016 income above or below the line, drawn as `People::incomes` draws it.
    fn set_net_2016(&mut self, rng: &mut DemoRng, above: bool) {
        let line = self.line_2016();
        let net = if above {
            let u = rng.random::<f64>();
            strictly_above(line, scaled(line, 1.0 + 0.9 * u * u))
        } else {
            at_most(line, scaled(line, uniform(rng, 0.4, 0.995)))
        };
        let income = split(rng, net, &self.members);
        if let Some(incomes) = &mut self.incomes {
            incomes[1] = income;
        }
    }
}

/// How households look in a kind of village.
struct Profile {
    /// Weights of poor, exited, monitored, returned, removed.
    status: [u32; 5],
    /// Share of poor households above the 2016 line.
    above: f64,
    food: f64,
    housing: f64,
    water: f64,
    /// Share of households with one member outside basic medical insurance.
    uninsured: f64,
    /// Share of households with a child of school age who has dropped out.
    dropout: f64,
}

fn profile(kind: VillageKind) -> Profile {
    match kind {
        // Villages planned to exit in 2016 had their houses, water and schooling put right
        // first, and most of their households are just over the line.
        VillageKind::Poor(PoorState::Planned(2016)) => Profile {
            status: [75, 15, 4, 3, 3],
            above: 0.97,
            food: 0.999,
            housing: 0.995,
            water: 0.998,
            uninsured: 0.01,
            dropout: 0.005,
        },
        VillageKind::Poor(PoorState::Exited(_)) => Profile {
            status: [8, 72, 10, 4, 6],
            above: 0.75,
            food: 0.998,
            housing: 0.98,
            water: 0.99,
            uninsured: 0.02,
            dropout: 0.01,
        },
        // Elsewhere few were lifted over the line in 2016; `settle_exits` then moves some
        // households across it so that the county's exits are its share of the report's.
        _ => Profile {
            status: [75, 15, 4, 3, 3],
            above: 0.05,
            food: 0.995,
            housing: 0.95,
            water: 0.97,
            uninsured: 0.04,
            dropout: 0.035,
        },
    }
}

const STATUSES: [HouseholdStatus; 5] = [
    HouseholdStatus::Poor,
    HouseholdStatus::Exited,
    HouseholdStatus::Monitored,
    HouseholdStatus::Returned,
    HouseholdStatus::Removed,
];

/// One county's household generator. It holds the ID-number sequences of the county, which
/// are what keeps every number unique; they are dropped with the county.
pub struct People {
    county6: u32,
    /// The 滁县地区 prefix (3423xx) that people born before 1985 still carry.
    old_area: Option<u32>,
    sequences: HashMap<(Date, bool), u16>,
    poor_seen: u64,
    households_seen: u64,
}

impl People {
    pub fn new(county6: u32, old_area: Option<u32>) -> People {
        People {
            county6,
            old_area,
            sequences: HashMap::new(),
            poor_seen: 0,
            households_seen: 0,
        }
    }

    pub fn household(
        &mut self,
        rng: &mut DemoRng,
        id: String,
        village: usize,
        kind: VillageKind,
    ) -> Household {
        self.households_seen += 1;
        let prof = profile(kind);
        let status = STATUSES[weighted(rng, &prof.status)];
        let identified_year = if chance(rng, 0.8) { 2014 } else { 2015 };
        let exit_year = match status {
            // A household that has returned exited in 2014 and fell back during 2015.
            HouseholdStatus::Returned => Some(2014),
            HouseholdStatus::Exited | HouseholdStatus::Monitored => {
                Some(if identified_year == 2015 || chance(rng, 0.6) {
                    2015
                } else {
                    2014
                })
            }
            _ => None,
        };
        let identified_year = if exit_year == Some(2014) {
            2014
        } else {
            identified_year
        };
        // Now and then a spouse of the same sex, a doubtful record the import should flag.
        let same_sex = self.households_seen % 9000 == 4500;
        let mut members: Vec<Member> = family::compose(rng, same_sex)
            .into_iter()
            .map(|d| self.member(rng, d))
            .collect();
        if chance(rng, prof.dropout) {
            if let Some(kid) = members
                .iter_mut()
                .filter(|m| (6..=15).contains(&m.age()))
                .max_by_key(|m| m.age())
            {
                kid.schooling = Schooling::Dropout;
            }
        }
        if chance(rng, prof.uninsured) {
            let i = rng.random_range(0..members.len());
            members[i].medical_insured = false;
        }
        let settled = matches!(status, HouseholdStatus::Exited | HouseholdStatus::Monitored);
        let housing = if settled { 0.99 } else { prof.housing };
        let water = if settled { 0.995 } else { prof.water };
        let causes = family::causes(rng, &members);
        let incomes = self.incomes(rng, status, &members, prof.above);
        Household {
            id,
            village,
            identified_year,
            status,
            exit_year,
            causes,
            food: chance(rng, prof.food),
            clothing: chance(rng, prof.food),
            housing: chance(rng, housing),
            water: chance(rng, water),
            members,
            incomes,
        }
    }

    fn member(&mut self, rng: &mut DemoRng, d: Draft) -> Member {
        let year = NOW - d.age;
        let id = self.id_number(rng, year, d.male);
        let health = family::health(rng, d.age);
        let schooling = family::schooling(rng, d.age);
        let labour = family::labour(rng, d.age, health, schooling);
        let working_age = (16..=64).contains(&d.age);
        let migrant_months = working_age.then(|| family::migrant_months(rng, labour, schooling));
        let pension_insured = (d.age >= 16 && matches!(schooling, Schooling::None))
            .then(|| chance(rng, if d.age >= 60 { 0.97 } else { 0.88 }));
        Member {
            id,
            name: super::names::person(rng, d.surname, d.male, year),
            relation: d.relation,
            health,
            labour,
            schooling,
            medical_insured: true,
            pension_insured,
            migrant_months,
        }
    }

    /// A valid number, unique in the county: the three-digit sequence is counted per birth date
    /// and sex (odd male), moving to the next day when a day's 495 numbers are used up.
    fn id_number(&mut self, rng: &mut DemoRng, year: i32, male: bool) -> IdNumber {
        let days = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
            366
        } else {
            365
        };
        let mut date = NaiveDate::from_yo_opt(year, rng.random_range(1..=days)).expect("a day");
        loop {
            let used = self.sequences.entry((date, male)).or_insert(0);
            if *used < 495 {
                let seq = 10 + 2 * *used + u16::from(male);
                *used += 1;
                let area = match self.old_area {
                    Some(old) if year < 1985 => old,
                    _ => self.county6,
                };
                return IdNumber::from_parts(area, date, seq);
            }
            date = date
                .succ_opt()
                .filter(|d| d.year() == year)
                .unwrap_or_else(|| NaiveDate::from_yo_opt(year, 1).expect("1 January"));
        }
    }

    fn incomes(
        &mut self,
        rng: &mut DemoRng,
        status: HouseholdStatus,
        members: &[Member],
        above: f64,
    ) -> Option<[YearlyIncome; 2]> {
        let m = members.len() as i64;
        let line = [LINE[0] * m, LINE[1] * m];
        let (net15, net16) = match status {
            HouseholdStatus::Removed => return None,
            HouseholdStatus::Poor | HouseholdStatus::Returned => {
                self.poor_seen += 1;
                // A handful sit exactly on the line: not strictly above it, so they stay poor.
                let net16 = if self.poor_seen % 2500 == 1250 {
                    line[1]
                } else if chance(rng, above) {
                    let u = rng.random::<f64>();
                    strictly_above(line[1], scaled(line[1], 1.0 + 0.9 * u * u))
                } else {
                    at_most(line[1], scaled(line[1], uniform(rng, 0.4, 0.995)))
                };
                let net15 = if status == HouseholdStatus::Poor && chance(rng, 0.12) {
                    strictly_above(line[0], scaled(line[0], uniform(rng, 1.0, 1.3)))
                } else {
                    at_most(line[0], scaled(line[0], uniform(rng, 0.4, 1.0)))
                };
                (net15, net16)
            }
            HouseholdStatus::Exited | HouseholdStatus::Monitored => {
                let monitored = status == HouseholdStatus::Monitored;
                let net15 = if monitored {
                    between_lines(line[0], scaled(line[0], uniform(rng, 1.02, 1.48)))
                } else {
                    strictly_above(line[0], scaled(line[0], uniform(rng, 1.1, 2.3)))
                };
                let (safe, shaky) = if monitored {
                    (0.40, 0.88)
                } else {
                    (0.80, 0.94)
                };
                let r = rng.random::<f64>();
                let net16 = if r < safe {
                    (line[1] * 3 / 2).max(scaled(line[1], uniform(rng, 1.5, 3.0)))
                } else if r < shaky {
                    between_lines(line[1], scaled(line[1], uniform(rng, 1.0, 1.5)))
                } else {
                    at_most(line[1], scaled(line[1], uniform(rng, 0.6, 1.0)))
                };
                (net15, net16)
            }
        };
        Some([split(rng, net15, members), split(rng, net16, members)])
    }
}

fn scaled(line: i64, factor: f64) -> i64 {
    (line as f64 * factor).round() as i64
}

fn strictly_above(line: i64, net: i64) -> i64 {
    net.max(line + 1)
}

fn at_most(line: i64, net: i64) -> i64 {
    net.min(line)
}

/// Above the line but below 1.5 times it: the band rules.md §5 monitors.
fn between_lines(line: i64, net: i64) -> i64 {
    net.clamp(line + 1, line * 3 / 2 - 1)
}

/// Splits a net income into its parts by what the household can earn: wages follow migrant
/// work, production the labour at home, transfers the old and the infirm.
fn split(rng: &mut DemoRng, net: i64, members: &[Member]) -> YearlyIncome {
    let mut migrant = 0.0;
    let mut able = 0.0;
    let mut elderly = 0.0;
    let mut infirm = 0.0;
    let mut sick = 0;
    let mut serious = 0;
    for m in members {
        migrant += m.migrant_months.unwrap_or(0) as f64 / 12.0;
        able += match m.labour {
            Labour::Skilled => 1.3,
            Labour::Ordinary => 1.0,
            Labour::Weak => 0.4,
            _ => 0.0,
        };
        if m.age() >= 60 {
            elderly += 1.0;
        }
        match m.health {
            Health::Serious => {
                infirm += 1.0;
                serious += 1;
            }
            Health::Disabled => infirm += 1.0,
            Health::Chronic => sick += 1,
            Health::Healthy => {}
        }
    }
    let w_wage = 0.05 + migrant + 0.1 * able;
    let w_production = 0.10 + 0.35 * able;
    let w_property = 0.02 + 0.03 * rng.random::<f64>();
    let w_transfer = 0.10 + 0.22 * elderly + 0.25 * infirm + if able == 0.0 { 0.4 } else { 0.0 };
    let total = w_wage + w_production + w_property + w_transfer;
    let part = |w: f64| (net as f64 * w / total).floor() as i64;
    let wage = part(w_wage);
    let production_net = part(w_production);
    let property = part(w_property);
    let transfer = (net - wage - production_net - property).max(0);
    let cost = scaled(production_net, uniform(rng, 0.15, 0.6));
    let medical = if serious > 0 {
        uniform(rng, 5_000.0, 40_000.0)
    } else if sick > 0 {
        uniform(rng, 800.0, 8_000.0)
    } else {
        uniform(rng, 0.0, 600.0)
    };
    YearlyIncome {
        wage: Fen(wage),
        production: Fen(production_net + cost),
        property: Fen(property),
        transfer: Fen(transfer),
        production_cost: Fen(cost),
        medical_cost: Some(Fen((medical * 100.0).round() as i64)),
    }
}
