//! `xplus crosscheck DIR_OR_XLSX [--as-of YYYY-MM-DD] --out FILE [--problems FILE] [--apply]`
//! (departments.md): other departments' lists matched against the registry as it stood on the
//! day checked. The findings go to FILE (CSV, or a workbook for `.xlsx`), the rows with invalid
//! numbers to the problems file; `--apply` records the findings once (tasks, warnings). Exit 0
//! when the check ran, 2 when the bundle is malformed (each problem named by file, row, column,
//! value and rule; no file is written, nothing recorded).

use crate::commands::{open, write_file, Failure};
use crate::output::Output;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xplus_core::accounts::{Access, Role};
use xplus_core::values::parse_date;

fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

#[derive(clap::Args)]
pub struct CrosscheckArgs {
    /// 部门数据文件夹或 .xlsx 工作簿 / the department files: a folder or an .xlsx workbook
    bundle: PathBuf,
    /// 比对日 YYYY-MM-DD（默认今天）/ the day checked (default today)
    #[arg(long)]
    as_of: Option<String>,
    /// 发现清单 .csv 或 .xlsx / the findings file (.csv or .xlsx)
    #[arg(long)]
    out: PathBuf,
    /// 身份证号无效的行 .csv 或 .xlsx / the rows with an invalid number (.csv or .xlsx)
    #[arg(long)]
    problems: Option<PathBuf>,
    /// 登记为核查任务和部门预警（重复运行不重复登记）/ record the findings as verification tasks and warnings (a re-run records nothing new)
    #[arg(long)]
    apply: bool,
}

pub async fn run(db: &str, out: &Output, args: CrosscheckArgs) -> Result<ExitCode, Failure> {
    let (bundle, path) = (args.bundle.as_path(), args.out.as_path());
    let problems = args.problems.as_deref();
    let as_of = match args.as_of.as_deref() {
        Some(s) => parse_date(s).map_err(|e| Failure {
            code: 2,
            parts: vec![format!("日期 {s} 无效 / invalid date {s}: {e}")],
        })?,
        None => chrono::Local::now().date_naive(),
    };
    let today = chrono::Local::now().date_naive();
    if let Some(problem) = xplus_core::assessment::tasks::as_of_problem(as_of, today) {
        return Err(Failure {
            code: 2,
            parts: vec![problem],
        });
    }
    let store = open(db).await?;
    let started = std::time::Instant::now();
    // The command line reaches every household, as `assess --apply` does.
    let actor = crate::commands::cli_actor();
    let access = Access::of_account(&actor, Role::Admin, None, None);
    let check =
        xplus_store::records::crosscheck(store.as_ref(), &access, bundle, as_of, today).await?;
    if !check.malformed.is_empty() {
        for m in &check.malformed {
            let place = match (m.row, m.column.is_empty()) {
                (0, _) => m.file.clone(),
                (row, true) => format!("{} 第{row}行 / row {row}", m.file),
                (row, false) => format!(
                    "{} 第{row}行 {} 列 / row {row} column {}",
                    m.file, m.column, m.column
                ),
            };
            let value = if m.value.is_empty() {
                String::new()
            } else {
                format!("「{}」", m.value)
            };
            eprintln!("{place} {value}: {}", out.pick(&m.reason));
        }
        out.say(
            &format!(
                "部门数据有 {} 处错误，未作比对，未写入任何文件",
                check.malformed.len()
            ),
            &format!(
                "the department files have {} errors; nothing was checked or written",
                check.malformed.len()
            ),
        );
        return Ok(ExitCode::from(2));
    }
    let bytes = xplus_output::crosscheck::findings_file(&check.findings, is_workbook(path))?;
    write_file(path, bytes)?;
    if let Some(p) = problems {
        let bytes = xplus_output::crosscheck::problems_file(&check.problems, is_workbook(p))?;
        write_file(p, bytes)?;
    }
    if args.apply {
        let applied =
            xplus_store::records::apply_findings(store.as_ref(), &access, &check, as_of, today)
                .await?;
        out.say(
            &format!(
                "已登记 {} 条（此前已登记 {} 条，未重复登记）；预警新纳入监测 {} 户",
                applied.recorded, applied.already, applied.cases_opened
            ),
            &format!(
                "recorded {} findings ({} were recorded before and were left as they are); {} households entered monitoring on a warning",
                applied.recorded, applied.already, applied.cases_opened
            ),
        );
    }
    let took = started.elapsed().as_millis();
    out.say(
        &format!(
            "截至 {as_of}：比对成员 {} 人、部门数据 {} 行，发现 {} 条（已写入 {}），身份证号无效 {} 行；用时 {took} 毫秒",
            check.members_checked,
            check.rows_read,
            check.findings.len(),
            path.display(),
            check.problems.len()
        ),
        &format!(
            "as of {as_of}: {} members against {} department rows, {} findings (written to {}), {} rows with an invalid number; {took} ms",
            check.members_checked,
            check.rows_read,
            check.findings.len(),
            path.display(),
            check.problems.len()
        ),
    );
    Ok(ExitCode::SUCCESS)
}
