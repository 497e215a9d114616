//! 建档立卡 registry records: households, their members and incomes as pages read and edit them,
//! one household at a time or a page of a list, and the history of each.

pub(crate) mod history;
pub(crate) mod household;
pub(crate) mod income_correction;
pub(crate) mod membership;
mod queries;
pub(crate) mod read;
pub(crate) mod save;
pub(crate) mod search;
mod search_queries;
pub(crate) mod years;
