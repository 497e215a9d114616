//! Where the exit procedure's batches have put their households (`BatchState`), and whether a
//! later year was applied: what the yearly assessment reads of the procedure. Kept apart from the
//! procedure itself (`exits.rs`), which runs the assessment, so that the assessment can read
//! these without importing the procedure back.

use crate::error::StoreError;
use crate::records::shape::column;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use std::collections::HashMap;
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

const COUNT: ColumnType = ColumnType::Int {
    min: 0,
    max: i64::MAX,
};

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

static BATCHED: FileSpec = crate::records::shape::shape(
    FileId::Households,
    "exit_batch_states",
    "退出批次户",
    &[
        column("household_id", ColumnType::Text),
        column("stage", ColumnType::Enum(&ExitStage::SPEC)),
        column("state", ColumnType::Text),
    ],
);

/// Where the batches of `year` in a county have put their households: what `xplus assess
/// --apply` leaves to the procedure (a household in a batch not approved yet, or one the village
/// did not agree on or withdrew after an objection).
pub(in crate::records) async fn batch_states(
    s: &mut dyn ReadSession,
    county: RegionCode,
    year: i32,
) -> Result<HashMap<String, (ExitStage, BatchState)>, StoreError> {
    Ok(s.query(
        &BATCHED,
        "SELECT x.household_id, b.stage, x.state FROM exit_batch_households x \
             JOIN exit_batches b ON b.village_code = x.village_code AND b.year = x.year \
             WHERE x.year = ? AND x.county_code = ?",
        &[Arg::Int(i64::from(year)), Arg::Int(county.as_u64() as i64)],
    )
    .await?
    .iter()
    .filter_map(|r| {
        Some((
            r[0].as_text()?.to_string(),
            (
                r[1].as_code().and_then(ExitStage::parse)?,
                BatchState::parse(r[2].as_text()?)?,
            ),
        ))
    })
    .collect())
}

static LATER: FileSpec = crate::records::shape::shape(
    FileId::Households,
    "later_outcomes",
    "以后年度",
    &[column("n", COUNT)],
);

/// Whether an assessment of a year after `year` has recorded anything.
pub(in crate::records) async fn later_years_applied(
    s: &mut dyn ReadSession,
    year: i32,
) -> Result<bool, StoreError> {
    let rows = s
        .query(
            &LATER,
            "SELECT count(*) FROM assessment_outcomes WHERE year > ?",
            &[Arg::Int(i64::from(year))],
        )
        .await?;
    Ok(rows
        .first()
        .map(|r| crate::records::shape::count_of(&r[0]))
        .unwrap_or(0)
        > 0)
}
