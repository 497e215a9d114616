//! What the writers of a county's links (helpers, collective, education, industry) read of the
//! county being generated: below them all and below the county that calls them.

use super::people::Household;
use super::plan::CountyPlan;
use std::ops::Range;

/// A village's households, by index into the county's list.
pub struct Village {
    pub households: Range<usize>,
}

/// What the modules of a county read.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub code: u64,
    pub county6: u32,
    /// 天长市, for the names of what the county runs.
    pub name: &'a str,
    pub plan: &'a CountyPlan,
    pub villages: &'a [Village],
    pub households: &'a [Household],
}
