//! Who in a county's backbone (骨干) counts towards the case report's figures, drawn before
//! the villages are written: the work-team members beside the first secretaries (177 selected
//! cadres in all), the recalled secretary, the start-ups of graduate village officials with
//! their funding and the poor households they bring along, and the poor villages' secretaries
//! in degree study or on an exchange posting. Each is exactly the county's share (`shares`).

use super::context::Ctx;
use super::plan::VillageKind;
use super::rng::{shuffle, DemoRng};
use super::shares::{city, spread, Basis};

/// What a poor village's staffing holds beyond its first secretary.
#[derive(Clone, Copy, Default)]
pub struct Staff {
    pub work_team: u64,
    pub recalled: bool,
}

/// A poor village's secretary's development beyond training.
#[derive(Clone, Copy, Default)]
pub struct Development {
    pub degree: bool,
    pub exchange: bool,
}

pub struct Startup {
    pub village: usize,
    pub funding: u64,
    pub households: u64,
}

pub struct Selected {
    staff: Vec<Staff>,
    development: Vec<Development>,
    pub startups: Vec<Startup>,
}

impl Selected {
    pub fn draw(rng: &mut DemoRng, ctx: &Ctx) -> Selected {
        let plan = ctx.plan;
        let n = plan.villages.len();
        let share = |total| plan.share(total, Basis::PoorVillages);
        let mut poor: Vec<usize> = (0..n)
            .filter(|&vi| plan.villages[vi].kind.is_poor())
            .collect();
        shuffle(rng, &mut poor);
        let mut staff = vec![Staff::default(); n];
        let recalls = share(city::RECALLS) as usize;
        for &vi in poor.iter().take(recalls) {
            staff[vi].recalled = true;
        }
        // The selected cadres are the first secretaries (one a poor village, and each recalled
        // one's successor) and the work teams, which take what is left of the share.
        let secretaries = (poor.len() + recalls.min(poor.len())) as u64;
        let work_team = share(city::SELECTED_CADRES).saturating_sub(secretaries);
        for (&vi, k) in poor.iter().zip(spread(rng, work_team, poor.len())) {
            staff[vi].work_team = k;
        }
        let mut development = vec![Development::default(); n];
        shuffle(rng, &mut poor);
        for &vi in poor.iter().take(share(city::DEGREE) as usize) {
            development[vi].degree = true;
        }
        shuffle(rng, &mut poor);
        for &vi in poor.iter().take(share(city::EXCHANGE) as usize) {
            development[vi].exchange = true;
        }
        // One start-up a village, so that each has a base of its own.
        let mut rural: Vec<usize> = (0..n)
            .filter(|&vi| plan.villages[vi].kind != VillageKind::Urban)
            .collect();
        shuffle(rng, &mut rural);
        rural.truncate(share(city::STARTUPS) as usize);
        rural.sort_unstable();
        let funding = spread(rng, share(city::STARTUP_FUNDING_YUAN), rural.len());
        let households = spread(rng, share(city::STARTUP_HOUSEHOLDS), rural.len());
        let startups = rural
            .iter()
            .zip(funding.into_iter().zip(households))
            .map(|(&village, (funding, households))| Startup {
                village,
                funding,
                households,
            })
            .collect();
        Selected {
            staff,
            development,
            startups,
        }
    }

    pub fn staff(&self, vi: usize) -> Staff {
        self.staff[vi]
    }

    pub fn development(&self, vi: usize) -> Development {
        self.development[vi]
    }
}
