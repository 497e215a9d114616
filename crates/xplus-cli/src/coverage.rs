//! `xplus coverage`: the yearly training coverage of rules.md §10 and the gap list, as a
//! workbook for the office, with the totals printed.

use crate::commands::{open, Failure};
use crate::output::Output;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;
use xplus_core::values::parse_date;
use xplus_output::workbooks::TargetRow;

fn bad(what: String) -> Failure {
    Failure {
        code: 2,
        parts: vec![what],
    }
}

pub async fn run(
    db: &str,
    out: &Output,
    year: i32,
    path: &Path,
    region: Option<&str>,
    from: Option<&str>,
) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(year)?;
    let today = chrono::Local::now().date_naive();
    let from: NaiveDate = match from {
        Some(s) => {
            parse_date(s).map_err(|e| bad(format!("日期 {s} 无效 / invalid date {s}: {e}")))?
        }
        None => today,
    };
    let (access, _) = crate::commands::reach_of(region)?;
    let store = open(db).await?;
    // The workbook names the coverage target in force for the region, as the page does.
    let book = xplus_store::records::rule_book(store.as_ref()).await?;
    let target = xplus_store::records::rules_for_view(&book, &access, year)
        .set
        .targets
        .training_coverage_bp;
    let started = std::time::Instant::now();
    let view = xplus_store::records::coverage(store.as_ref(), &access, year, from, today).await?;
    let computed = started.elapsed();
    let total = view.report.total;
    let target = TargetRow::share("远教培训覆盖率", &target, (total.trained, total.poor));
    let bytes = xplus_output::workbooks::coverage_workbook(&view, &[target])?;
    let written = started.elapsed() - computed;
    crate::commands::write_file(path, bytes)?;
    let t = view.report.total;
    let rate = t
        .rate_bp()
        .map(|bp| xplus_core::assessment::village::format_bp_percent(bp as i64))
        .unwrap_or_else(|| "-".into());
    out.say(
        &format!(
            "{year}年：贫困户 {} 户，已参训 {} 户（{rate}），参训 {} 人次；未参训 {} 户，清单已写入 {}（计算 {} 毫秒，生成工作簿 {} 毫秒）",
            t.poor,
            t.trained,
            t.person_times,
            t.gaps(),
            path.display(),
            computed.as_millis(),
            written.as_millis()
        ),
        &format!(
            "{year}: {} poor households, {} trained ({rate}), {} person-times; {} not reached, list written to {} (computed in {} ms, workbook {} ms)",
            t.poor,
            t.trained,
            t.person_times,
            t.gaps(),
            path.display(),
            computed.as_millis(),
            written.as_millis()
        ),
    );
    Ok(ExitCode::SUCCESS)
}
