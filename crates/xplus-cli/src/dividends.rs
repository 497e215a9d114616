//! `xplus dividends --year Y --out FILE [--apply]`: each project's distributable income of the
//! year split among the households holding its shares on Dec 31 (rules.md §8), written as
//! `project_id,household_id,shares,amount` (CSV, or a workbook when FILE ends in `.xlsx`);
//! `--apply` records the payments once.

use crate::commands::{open, Failure};
use crate::output::Output;
use std::path::Path;
use std::process::ExitCode;
use xplus_store::records::{self, Applied};
use xplus_store::Refusal;
use xplus_store::StoreError;

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
    let run = records::dividends(store.as_ref(), year).await?;
    let computed = started.elapsed();
    let xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    let bytes = if xlsx {
        xplus_output::workbooks::dividends_workbook(&run)?
    } else {
        xplus_output::workbooks::dividends_csv(&run)?
    };
    crate::commands::write_file(path, bytes)?;
    out.say(
        &format!(
            "{year}年分红：{} 个项目，{} 笔，合计 {} 元，已写入 {}（计算 {} 毫秒）",
            run.projects.len(),
            run.payments(),
            run.paid(),
            path.display(),
            computed.as_millis()
        ),
        &format!(
            "dividends of {year}: {} projects, {} payments, {} yuan in all, written to {} (computed in {} ms)",
            run.projects.len(),
            run.payments(),
            run.paid(),
            path.display(),
            computed.as_millis()
        ),
    );
    for p in run.undistributed() {
        out.say(
            &format!(
                "注意：项目 {} 有可分配收益 {} 元，但 {year}-12-31 无人持股，未分配",
                p.project_id, p.distributable
            ),
            &format!(
                "note: project {} has {} yuan to distribute but nobody held shares on {year}-12-31; not distributed",
                p.project_id, p.distributable
            ),
        );
    }
    if apply {
        let actor = crate::commands::cli_actor();
        match records::apply_dividends(store.as_ref(), &actor, &run).await {
            Ok(Applied::Recorded { payments, .. }) => out.say(
                &format!("已记录 {payments} 笔分红发放（{actor}）"),
                &format!("recorded {payments} payments ({actor})"),
            ),
            Ok(Applied::AlreadyRecorded) => out.say(
                &format!("{year} 年的分红此前已按相同结果记录，未重复写入"),
                &format!("the dividends of {year} were recorded before with the same result; nothing written"),
            ),
            Err(e @ StoreError::Refused(Refusal::Conflict(_))) => return Err(Failure::chain(2, &e)),
            Err(e) => return Err(e.into()),
        }
        // Dividends paid are dashboard figures: brought up to date now, not at the next visit.
        crate::commands::refresh_rollups(store.as_ref(), out).await?;
    }
    Ok(ExitCode::SUCCESS)
}
