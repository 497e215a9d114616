//! 产业 industry and jobs: participation per household, the planned-exit villages and the
//! industry and start-up support targets.

pub(crate) mod overview;
pub(crate) mod page;
pub(in crate::records) mod queries;
pub(crate) mod targets;
