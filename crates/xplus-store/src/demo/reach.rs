//! Who in a county takes part in industry and jobs (产业+贫困户), drawn before anything is
//! written so that the county holds exactly its share of the case report's figures: the
//! one-village-one-product projects (61) and industry-chain party organisations (328), the
//! poor households in industry (4.9万 persons), those with their own crops or livestock
//! (10,171), the labour-training bases (13) with their attendance (1500多) and the trained who
//! found work (300多), and the persons placed in 2016 (7300多).
//!
//! A poor household takes part only if it is one of the households in industry, which are
//! chosen in villages with a product or a chain organisation and each joins one of them; the
//! other records (own industry, courses, placements) go to those households or to households
//! that are not poor, so that they do not add poor households to the coverage.

use super::context::Ctx;
use super::plan::{PoorState, VillageKind};
use super::rng::{shuffle, DemoRng};
use super::shares::{city, spread, Basis};
use xplus_core::industry::PartyOrgKind;
use xplus_core::registry::{HouseholdStatus, Labour};

/// A member by (household index, member index).
pub type Person = (usize, usize);

/// A labour-training course running in 2016 with who attended and who of them was placed.
pub struct Course {
    pub base: usize,
    pub attendees: Vec<Person>,
    /// How many of the first attendees found work after it.
    pub placed: usize,
}

pub struct Reach {
    /// Per village: has a one-village-one-product project.
    pub ovop: Vec<bool>,
    /// Per village: its industry-chain party organisations.
    pub chain_orgs: Vec<Vec<PartyOrgKind>>,
    /// Per household: a poor household in industry in 2016 (it joins the village's product, or
    /// else its first chain organisation brings it along).
    pub in_industry: Vec<bool>,
    /// Per household: may take part in 2016 (in industry, or not poor).
    pub may_take_part: Vec<bool>,
    /// Per household: its own crops or livestock recorded for 2016.
    pub specialty: Vec<bool>,
    /// The county's labour-training bases.
    pub bases: usize,
    pub courses: Vec<Course>,
    /// Placed in 2016 without a course before it.
    pub placed: Vec<Person>,
}

const CHAIN_KINDS: [PartyOrgKind; 3] = [
    PartyOrgKind::Base,
    PartyOrgKind::Association,
    PartyOrgKind::Cooperative,
];

impl Reach {
    pub fn draw(rng: &mut DemoRng, ctx: &Ctx) -> Reach {
        let plan = ctx.plan;
        let share = |total| plan.share(total, Basis::PoorVillages);
        let helped = |h: usize| ctx.households[h].status != HouseholdStatus::Removed;
        let n = plan.villages.len();
        let active: Vec<bool> = (0..n)
            .map(|vi| {
                plan.villages[vi].kind != VillageKind::Urban
                    && ctx.villages[vi].households.clone().any(helped)
            })
            .collect();
        // Every village planned to exit in 2016 has a product, as in the report, and a few
        // other poor villages.
        let mut ovop = vec![false; n];
        let mut others = Vec::new();
        for vi in (0..n).filter(|&vi| active[vi] && plan.villages[vi].kind.is_poor()) {
            if plan.villages[vi].kind == VillageKind::Poor(PoorState::Planned(2016)) {
                ovop[vi] = true;
            } else {
                others.push(vi);
            }
        }
        shuffle(rng, &mut others);
        let more = (share(city::OVOP) as usize).saturating_sub(ovop.iter().filter(|&&o| o).count());
        for &vi in others.iter().take(more) {
            ovop[vi] = true;
        }
        let chain_orgs = chain_orgs(rng, &active, share(city::CHAIN_ORGS) as usize);

        let mut in_industry = vec![false; ctx.households.len()];
        let mut candidates: Vec<usize> = (0..n)
            .filter(|&vi| ovop[vi] || !chain_orgs[vi].is_empty())
            .flat_map(|vi| ctx.villages[vi].households.clone())
            .filter(|&h| ctx.households[h].status.is_poor())
            .collect();
        shuffle(rng, &mut candidates);
        let mut persons = share(city::INDUSTRY_PERSONS);
        for h in candidates {
            let p = ctx.households[h].persons();
            if p <= persons {
                in_industry[h] = true;
                persons -= p;
            }
        }
        let may_take_part: Vec<bool> = (0..ctx.households.len())
            .map(|h| in_industry[h] || (helped(h) && !ctx.households[h].status.is_poor()))
            .collect();
        let mut pool: Vec<usize> = (0..ctx.households.len())
            .filter(|&h| may_take_part[h])
            .collect();
        shuffle(rng, &mut pool);
        let mut specialty = vec![false; ctx.households.len()];
        for &h in pool.iter().take(share(city::SPECIALTY_HOUSEHOLDS) as usize) {
            specialty[h] = true;
        }

        let mut workers: Vec<Person> = pool
            .iter()
            .flat_map(|&h| {
                let members = &ctx.households[h].members;
                (0..members.len())
                    .filter(|&m| matches!(members[m].labour, Labour::Skilled | Labour::Ordinary))
                    .map(move |m| (h, m))
            })
            .collect();
        shuffle(rng, &mut workers);
        let mut workers = workers.into_iter();
        // Two courses in 2016 at each base; attendees and the trained who were placed after
        // them are different people from those placed without a course.
        let bases = share(city::LABOUR_BASES) as usize;
        let (attendance, trained) = if bases == 0 {
            (0, 0)
        } else {
            let a = share(city::COURSE_ATTENDANCE);
            (a, share(city::TRAINED_PLACED).min(a))
        };
        let sizes = spread(rng, attendance, 2 * bases);
        let placed_after = spread(rng, trained, 2 * bases);
        let courses = (0..2 * bases)
            .map(|k| Course {
                base: k / 2,
                attendees: workers.by_ref().take(sizes[k] as usize).collect(),
                placed: placed_after[k].min(sizes[k]) as usize,
            })
            .collect();
        let placed = workers
            .take(share(city::PLACED).saturating_sub(trained) as usize)
            .collect();
        Reach {
            ovop,
            chain_orgs,
            in_industry,
            may_take_part,
            specialty,
            bases,
            courses,
            placed,
        }
    }
}

/// `total` chain organisations over the active villages, one a village in a random order
/// and then a second and a third of other kinds where there are more than villages.
fn chain_orgs(rng: &mut DemoRng, active: &[bool], total: usize) -> Vec<Vec<PartyOrgKind>> {
    let mut villages: Vec<usize> = (0..active.len()).filter(|&vi| active[vi]).collect();
    shuffle(rng, &mut villages);
    let mut orgs: Vec<Vec<PartyOrgKind>> = vec![Vec::new(); active.len()];
    let mut kinds: Vec<Vec<PartyOrgKind>> = Vec::with_capacity(villages.len());
    for _ in &villages {
        let mut k = CHAIN_KINDS.to_vec();
        shuffle(rng, &mut k);
        kinds.push(k);
    }
    // Round by round: each village gets as many as the full rounds, the first ones one more.
    let n = villages.len().max(1);
    for (i, &vi) in villages.iter().enumerate() {
        let count = (total / n + usize::from(i < total % n)).min(CHAIN_KINDS.len());
        orgs[vi] = kinds[i][..count].to_vec();
    }
    orgs
}
