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

/// A household of a batch and where it stands in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchState {
    /// Proposed, not reviewed yet.
    Proposed,
    /// Agreed by the democratic review (and not withdrawn since).
    Agreed,
    /// Not agreed by the review: stays poor.
    Disagreed,
    /// Withdrawn after an objection was upheld: stays poor.
    Withdrawn,
    /// Exit recorded on the county's approval.
    Exited,
}

impl BatchState {
    pub fn code(self) -> &'static str {
        match self {
            BatchState::Proposed => "proposed",
            BatchState::Agreed => "agreed",
            BatchState::Disagreed => "disagreed",
            BatchState::Withdrawn => "withdrawn",
            BatchState::Exited => "exited",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BatchState::Proposed => "已提名",
            BatchState::Agreed => "评议通过",
            BatchState::Disagreed => "评议未通过",
            BatchState::Withdrawn => "异议成立，撤回",
            BatchState::Exited => "已退出",
        }
    }

    pub(in crate::records) fn parse(code: &str) -> Option<BatchState> {
        [
            BatchState::Proposed,
            BatchState::Agreed,
            BatchState::Disagreed,
            BatchState::Withdrawn,
            BatchState::Exited,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

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
