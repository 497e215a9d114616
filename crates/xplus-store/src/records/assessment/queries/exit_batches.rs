//! What the yearly assessment reads of the exit procedure: where a county's batches of a year
//! have put their households, and whether a later year has recorded outcomes.

use crate::session::rows::{Count, FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};

/// A household of a batch: its batch's stage and its own state in the batch (the code of a
/// `BatchState`, parsed by the operation).
pub(in crate::records) struct BatchedHousehold {
    pub household_id: String,
    pub stage: ExitStage,
    pub state: String,
}

impl FromRow for BatchedHousehold {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "exit_batch_states",
        "退出批次户",
        &[
            column("household_id", ColumnType::Text),
            column("stage", ColumnType::Enum(&ExitStage::SPEC)),
            column("state", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(BatchedHousehold {
            household_id: r.text("household_id")?.to_string(),
            stage: r.code("stage").and_then(ExitStage::parse)?,
            state: r.text("state")?.to_string(),
        })
    }
}

/// The households of the batches of a year in a county; the arguments are the year, then the
/// county.
pub(in crate::records) const BATCH_STATES: Query<BatchedHousehold> = Query::new(
    "SELECT x.household_id, b.stage, x.state FROM exit_batch_households x \
     JOIN exit_batches b ON b.village_code = x.village_code AND b.year = x.year \
     WHERE x.year = ? AND x.county_code = ?",
);

/// How many outcomes are recorded for the years after a year, the argument.
pub(in crate::records) const LATER_OUTCOMES: Query<Count> =
    Query::new("SELECT count(*) FROM assessment_outcomes WHERE year > ?");
