//! The SQL of the batches the workbench lists: each batch of a year not approved yet, with the
//! last day of its notice, its open objections and its households still in it.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

pub(in crate::records) struct OpenBatch {
    pub village: RegionCode,
    pub year: i32,
    pub stage: ExitStage,
    pub notice_last_day: Option<NaiveDate>,
    pub open_objections: u64,
    pub households: u64,
}

impl FromRow for OpenBatch {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "open_exit_batches",
        "未审定的退出批次",
        &[
            column("village_code", ColumnType::Region),
            column("year", ColumnType::Year),
            column("stage", ColumnType::Enum(&ExitStage::SPEC)),
            column("notice_last_day", ColumnType::Date),
            column("open_objections", COUNT),
            column("households", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(OpenBatch {
            village: r.region("village_code")?,
            year: i32::try_from(r.int("year")?).ok()?,
            stage: r.code("stage").and_then(ExitStage::parse)?,
            notice_last_day: r.date("notice_last_day"),
            open_objections: r.count("open_objections"),
            households: r.count("households"),
        })
    }
}

/// The batches of any year in the villages between two codes that the county has not approved
/// yet, by year and village (a batch of an earlier year still waits for its steps).
pub(in crate::records) const OPEN_BATCHES: Query<OpenBatch> = Query::new(
    "SELECT b.village_code, b.year, b.stage, b.notice_last_day, \
     (SELECT count(*) FROM exit_objections o WHERE o.village_code = b.village_code \
      AND o.year = b.year AND o.resolution IS NULL), \
     (SELECT count(*) FROM exit_batch_households x WHERE x.village_code = b.village_code \
      AND x.year = b.year AND x.state IN ('proposed', 'agreed')) \
     FROM exit_batches b WHERE b.village_code BETWEEN ? AND ? \
     AND b.stage <> 'approved' ORDER BY b.year, b.village_code",
);
