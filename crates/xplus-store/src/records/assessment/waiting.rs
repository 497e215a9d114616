//! The exit batches that wait for someone (the workbench's "待我办理"): for each batch of a year
//! within reach, the step it waits for (xplus-core `procedure::waiting_step`) and whether this
//! account may take it (`procedure::may_take`); and the batches in their public notice.

use super::queries::waiting::OPEN_BATCHES;
use crate::error::StoreError;
use crate::records::registry::read::names_of;
use crate::records::shape::village_bounds;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::assessment::procedure::{may_take, waiting_step, ExitStage, ExitStep};
use xplus_core::registry::RegionCode;

/// A batch of the workbench's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingBatch {
    pub village: RegionCode,
    pub year: i32,
    pub name: String,
    pub stage: ExitStage,
    /// The step it waits for (None while the notice runs without objections).
    pub step: Option<ExitStep>,
    /// Whether the account may take that step.
    pub mine: bool,
    pub notice_last_day: Option<NaiveDate>,
    pub open_objections: u64,
    pub households: u64,
}

/// The batches not approved yet within reach, of every year, by year and village.
pub async fn open_batches(
    store: &dyn Store,
    access: &Access,
    today: NaiveDate,
) -> Result<Vec<WaitingBatch>, StoreError> {
    let [lo, hi] = village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = OPEN_BATCHES.fetch(s.as_mut(), &[lo, hi]).await?;
    let names = names_of(s.as_mut(), rows.iter().map(|r| r.village.as_u64())).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let open = usize::try_from(r.open_objections).unwrap_or(usize::MAX);
            let step = waiting_step(r.stage, r.notice_last_day, today, open);
            WaitingBatch {
                name: names.get(&r.village.as_u64()).cloned().unwrap_or_default(),
                mine: step.is_some_and(|st| may_take(access, st, r.village)),
                village: r.village,
                year: r.year,
                stage: r.stage,
                step,
                notice_last_day: r.notice_last_day,
                open_objections: r.open_objections,
                households: r.households,
            }
        })
        .collect())
}
