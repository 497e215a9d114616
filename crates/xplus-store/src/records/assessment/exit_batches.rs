//! Where the exit procedure's batches have put their households (`BatchState`), and whether a
//! later year was applied: what the yearly assessment reads of the procedure. Kept apart from the
//! procedure itself (`exits.rs`), which runs the assessment, so that the assessment can read
//! these without importing the procedure back.

use super::queries::exit_batches::{BATCH_STATES, LATER_OUTCOMES};
use crate::error::StoreError;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use std::collections::HashMap;
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::registry::RegionCode;

// Where a batch has put a household is core's (the bundle's exit_batch_households.csv names it).
pub use xplus_core::assessment::procedure::BatchState;

/// Where the batches of `year` in a county have put their households: what `xplus assess
/// --apply` leaves to the procedure (a household in a batch not approved yet, or one the village
/// did not agree on or withdrew after an objection).
pub(in crate::records) async fn batch_states(
    s: &mut dyn ReadSession,
    county: RegionCode,
    year: i32,
) -> Result<HashMap<String, (ExitStage, BatchState)>, StoreError> {
    Ok(BATCH_STATES
        .fetch(
            s,
            &[Arg::Int(i64::from(year)), Arg::Int(county.as_u64() as i64)],
        )
        .await?
        .into_iter()
        .filter_map(|h| Some((h.household_id, (h.stage, BatchState::parse(&h.state)?))))
        .collect())
}

/// Whether an assessment of a year after `year` has recorded anything.
pub(in crate::records) async fn later_years_applied(
    s: &mut dyn ReadSession,
    year: i32,
) -> Result<bool, StoreError> {
    let rows = LATER_OUTCOMES
        .fetch(s, &[Arg::Int(i64::from(year))])
        .await?;
    Ok(rows.first().map_or(0, |c| c.n) > 0)
}
