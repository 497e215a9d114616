//! 远教 distance education: station coverage, the year's training and the attendance roll.

pub(crate) mod coverage;
pub(crate) mod lectures;
mod queries;
pub(crate) mod roll;
