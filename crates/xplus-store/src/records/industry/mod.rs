//! 产业 industry and jobs: participation per household, the planned-exit villages, the
//! industry and start-up support targets, and 一户一工人.

pub(crate) mod overview;
pub(crate) mod page;
pub(in crate::records) mod queries;
pub(crate) mod targets;
pub(crate) mod workers;
