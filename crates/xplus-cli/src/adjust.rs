//! `xplus adjust --year Y --out FILE [--apply]` (added): the rules.md §8 dynamic adjustment of a
//! year as share events dated Jan 1 of the next year — a preview the office can read (and import
//! as `share_events.csv`), recorded with `--apply`. The yearly assessment is to call the same store function.

use crate::commands::{open, Failure};
use crate::output::Output;
use std::path::Path;
use std::process::ExitCode;
use xplus_store::records::{self, AdjustmentApplied};

pub async fn run(
    db: &str,
    out: &Output,
    year: i32,
    path: &Path,
    apply: bool,
) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(year)?;
    let store = open(db).await?;
    let started = std::time::Instant::now();
    let view = records::adjustment_plan(store.as_ref(), year).await?;
    let computed = started.elapsed();
    let bytes = xplus_output::workbooks::adjustment_csv(&view)?;
    crate::commands::write_file(path, bytes)?;
    let plan = &view.plan;
    let reclaims = plan
        .events
        .iter()
        .filter(|e| e.kind == xplus_core::collective::ShareEventKind::Reclaim)
        .count();
    let grants = plan.events.len() - reclaims;
    out.say(
        &format!(
            "{year}年股权动态调整（{} 生效）：收回 {reclaims} 笔，配股 {grants} 笔；质押未还保留 {} 笔；股池不足未配 {} 户次；已写入 {}（计算 {} 毫秒）",
            view.date,
            plan.kept_pledged.len(),
            plan.unserved.len(),
            path.display(),
            computed.as_millis()
        ),
        &format!(
            "equity adjustment of {year} (effective {}): {reclaims} reclaims, {grants} grants; {} pledged holdings kept; {} left unserved by empty pools; written to {} (computed in {} ms)",
            view.date,
            plan.kept_pledged.len(),
            plan.unserved.len(),
            path.display(),
            computed.as_millis()
        ),
    );
    if apply {
        let actor = crate::commands::cli_actor();
        match records::apply_adjustment(store.as_ref(), &actor, &view).await? {
            AdjustmentApplied::Recorded { events } => out.say(
                &format!("已记录 {events} 笔配股、收回（{actor}）"),
                &format!("recorded {events} share events ({actor})"),
            ),
            AdjustmentApplied::AlreadyRecorded => out.say(
                &format!("{year} 年的调整此前已记录，未重复写入"),
                &format!("the adjustment of {year} was recorded before; nothing written"),
            ),
        }
        // Shares held on Dec 31 are a link of the chain the dashboard counts.
        crate::commands::refresh_rollups(store.as_ref(), out).await?;
    }
    Ok(ExitCode::SUCCESS)
}
