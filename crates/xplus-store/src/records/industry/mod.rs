//! 产业 industry and jobs: participation per household and the planned-exit villages.

pub(crate) mod overview;
pub(crate) mod page;
pub(in crate::records) mod queries;
