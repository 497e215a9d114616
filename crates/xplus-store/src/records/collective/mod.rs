//! 集体 collective equity: the village economy, assets, dividends, the yearly adjustment and the
//! funds put into the chain (多元投入).

pub(crate) mod adjustment;
pub(crate) mod assets;
pub(crate) mod dividends;
pub(crate) mod funds;
pub(crate) mod overview;
mod queries;
pub(crate) mod targets;
