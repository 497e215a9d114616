//! Recording a year: the assessment (exits, village exits, returns, monitoring), then the §8
//! equity adjustment it calls for, then the roll-ups — one operation, so that the CLI's
//! `assess --apply` and any other caller (a web page) run the same steps in the same order.
//! Each step is its own audited transaction and each is idempotent, so a year stopped half-way
//! is finished by applying it again.

use crate::error::StoreError;
use crate::records::assessment::apply::{apply_assessment, AppliedAssessment};
use crate::records::assessment::judge::{AssessmentSink, AssessmentSummary};
use crate::records::collective::adjustment::{
    adjustment_plan, apply_adjustment, AdjustmentApplied,
};
use crate::records::reporting::rollup::{refresh_rollups, Refreshed};
use crate::store::Store;
use chrono::NaiveDate;

/// What applying a year did.
#[derive(Debug)]
pub struct YearApplied {
    pub summary: AssessmentSummary,
    pub applied: AppliedAssessment,
    /// Jan 1 of the next year: when the equity adjustment takes effect.
    pub adjustment_date: NaiveDate,
    pub adjustment: AdjustmentApplied,
    /// The roll-up refresh; an error here leaves the records saved (the dashboard refreshes on
    /// its next visit), so it is reported, not raised.
    pub refreshed: Result<Refreshed, StoreError>,
}

/// Applies the assessment of `year` as decided by `actor` on `decided_on` (the outcomes carry
/// that day), writing its lists to `sink`; the roll-ups are refreshed.
///
/// Errors: `Conflict` when a later year was already applied (rules.md: years are recorded in
/// order), and the failures of the store.
pub async fn apply_year(
    store: &dyn Store,
    actor: &str,
    year: i32,
    decided_on: NaiveDate,
    sink: &mut dyn AssessmentSink,
) -> Result<YearApplied, StoreError> {
    let (summary, applied) = apply_assessment(store, actor, year, decided_on, sink).await?;
    // §8: the exits just recorded give up their shares on Jan 1 of the next year, and the poor
    // without shares receive them — after the exits, so the plan sees them.
    let view = adjustment_plan(store, year).await?;
    let adjustment = apply_adjustment(store, actor, &view).await?;
    let refreshed = refresh_rollups(store).await;
    Ok(YearApplied {
        summary,
        applied,
        adjustment_date: view.date,
        adjustment,
        refreshed,
    })
}
