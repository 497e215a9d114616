//! 集体 collective equity: the village economy, assets, dividends and the yearly adjustment.

pub(crate) mod adjustment;
pub(crate) mod assets;
pub(crate) mod dividends;
pub(crate) mod overview;
mod queries;
pub(crate) mod targets;
