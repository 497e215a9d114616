//! The SQL of the yearly assessment's operations and the rows it returns, by name: the operations
//! in this folder hold the rules, these files hold what is asked of the database — one file per
//! operation file, and the stored tables of the assessment (`assessment_outcomes`, the exit
//! batches) beside the reads of them. The rows hold xplus-core's types and plain values; the
//! store's own types (`Standing`, `BatchState`, …) are built by the operations, which sit above.

pub(super) mod apply;
pub(super) mod attachments;
pub(super) mod cases;
pub(super) mod chain;
pub(super) mod correction;
pub(super) mod crosscheck;
pub(super) mod exit_batches;
pub(super) mod exit_steps;
pub(super) mod exits;
pub(super) mod facts;
pub(super) mod findings;
pub(super) mod judge;
pub(super) mod monitoring;
pub(super) mod waiting;

pub(in crate::records) use crate::session::rows::column_of;
