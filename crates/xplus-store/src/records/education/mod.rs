//! 远教 distance education: station coverage, the year's training and the attendance roll.

pub(crate) mod coverage;
mod queries;
pub(crate) mod roll;
