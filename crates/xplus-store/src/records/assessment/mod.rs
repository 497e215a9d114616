//! The yearly assessment and what follows it: judging households, recording the outcome, the
//! exit procedure, monitoring, the full chain and the whole year's `apply_year`.

pub(crate) mod apply;
pub(crate) mod apply_year;
pub(crate) mod attachments;
pub(crate) mod case_steps;
pub(crate) mod cases;
pub(crate) mod chain;
pub(crate) mod correction;
pub(crate) mod crosscheck;
pub(crate) mod exit_batches;
mod exit_record;
pub(crate) mod exit_steps;
pub(crate) mod exits;
pub(crate) mod facts;
pub(crate) mod finding_lists;
pub(crate) mod findings;
pub(crate) mod judge;
pub(crate) mod kept_facts;
pub(crate) mod monitoring;
mod queries;
pub(crate) mod waiting;
pub(crate) mod what_if;
