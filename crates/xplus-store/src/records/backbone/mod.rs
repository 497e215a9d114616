//! 骨干 backbone helpers: cadre and unit pairings, visits, village secretaries and their review,
//! village cadres and the pool of future leaders.

pub(crate) mod activity;
pub(crate) mod field_visits;
pub(crate) mod my_households;
pub(crate) mod pairings;
pub(crate) mod party_building;
pub(crate) mod postings;
mod queries;
pub(crate) mod review;
pub(crate) mod secretaries;
pub(crate) mod startups;
pub(crate) mod village_cadres;
pub(crate) mod visits;
pub(crate) mod visits_due;
pub(crate) mod visits_kept;
