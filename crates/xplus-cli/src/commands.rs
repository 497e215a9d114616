//! One function per command; each turns library results into lines for the user and an exit
//! status: 0 success, 2 bad input, 1 any other failure.

use crate::output::{Lang, Output};
use crate::{AuditCommand, Command, EncodingArg, Headers, ScaleArg};
use indicatif::ProgressBar;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::bundle::source::Encoding;
use xplus_store::demo::{DemoOptions, Scale};
use xplus_store::Refusal;
use xplus_store::{
    export_bundle, import_bundle, write_issues, ExportOptions, ExportProgress, ImportOptions,
    ImportProgress, Issue, Store, StoreError,
};

pub struct Failure {
    pub code: u8,
    /// The error and its causes, outermost first; each may be written "中文 / English".
    pub parts: Vec<String>,
}

impl Failure {
    /// An error with its chain of causes.
    pub(crate) fn chain(code: u8, e: &dyn std::error::Error) -> Failure {
        let mut parts = vec![e.to_string()];
        let mut cause = e.source();
        while let Some(c) = cause {
            // Some messages already quote their cause; say it once.
            let text = c.to_string();
            if !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
            cause = c.source();
        }
        Failure { code, parts }
    }
}

/// A year the commands accept (the years the records can hold), or the bad-input failure.
pub(crate) fn checked_year(year: i32) -> Result<i32, Failure> {
    if (1949..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(Failure {
            code: 2,
            parts: vec![format!("年度 {year} 无效 / invalid year {year}")],
        })
    }
}

/// Writes a command's output file, or fails naming it.
pub(crate) fn write_file(path: &std::path::Path, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure {
        code: 1,
        parts: vec![format!(
            "无法写入 {} / cannot write {}: {e}",
            path.display(),
            path.display()
        )],
    })
}

/// What a command line report reads: everything, or one region when `--region` is given.
pub(crate) fn reach_of(
    region: Option<&str>,
) -> Result<
    (
        xplus_core::accounts::Access,
        Option<xplus_core::registry::RegionCode>,
    ),
    Failure,
> {
    use xplus_core::accounts::Access;
    match region {
        Some(code) => {
            let code = xplus_core::registry::RegionCode::parse(code).map_err(|e| Failure {
                code: 2,
                parts: vec![format!(
                    "区划代码 {code} 无效 / invalid region code {code}: {e}"
                )],
            })?;
            Ok((Access::system_reader(&cli_actor(), Some(code)), Some(code)))
        }
        None => Ok((Access::system_reader(&cli_actor(), None), None)),
    }
}

impl From<xplus_output::OutputError> for Failure {
    fn from(e: xplus_output::OutputError) -> Failure {
        Failure::chain(1, &e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        let code = match e {
            StoreError::BadUrl(_)
            | StoreError::InMemory
            | StoreError::Source(_)
            | StoreError::Refused(Refusal::Invalid(_))
            | StoreError::Refused(Refusal::Rejected(_)) => 2,
            _ => 1,
        };
        Failure::chain(code, &e)
    }
}

pub async fn run(command: Command, db: &str, out: &Output) -> Result<ExitCode, Failure> {
    match command {
        Command::Init { partition } => crate::init::init(db, partition, out).await,
        Command::Shard { province, server } => crate::init::shard(db, province, &server, out).await,
        Command::Import {
            bundle,
            errors,
            ignore_unknown_columns,
            encoding,
        } => {
            let store = open(db).await?;
            let encoding = encoding_of(encoding);
            import(
                store.as_ref(),
                &bundle,
                errors.as_deref(),
                ignore_unknown_columns,
                encoding,
                out,
            )
            .await
        }
        Command::Export {
            bundle,
            headers,
            region,
        } => export(db, &bundle, headers, region, out).await,
        Command::Demo {
            scale,
            seed,
            out: dir,
        } => demo(scale, seed, dir.as_deref(), db, out).await,
        Command::User { command } => crate::users::run(command, db, out).await,
        Command::Crosscheck(args) => crate::crosscheck::run(db, out, args).await,
        Command::Coverage {
            year,
            out: path,
            region,
            from,
        } => crate::coverage::run(db, out, year, &path, region.as_deref(), from.as_deref()).await,
        Command::Report { verify: true, .. } => crate::report::verify(db, out).await,
        Command::Report {
            year,
            as_of,
            format: Some(format),
            out: Some(path),
            region,
            verify: false,
        } if year.is_some() || as_of.is_some() => {
            let when = match (year, as_of) {
                (_, Some(day)) => crate::report::When::AsOf(day),
                (Some(year), None) => crate::report::When::Year(year),
                (None, None) => unreachable!("guarded above"),
            };
            crate::report::run(db, out, when, format, &path, region.as_deref()).await
        }
        Command::Report { .. } => Err(Failure {
            code: 2,
            parts: vec![
                "请给出 --year（或 --as-of）、--format 和 --out，或 --verify / give --year (or --as-of), --format and --out, or --verify"
                    .into(),
            ],
        }),
        Command::Dividends {
            year,
            out: path,
            apply,
        } => crate::dividends::run(db, out, year, &path, apply).await,
        Command::Adjust {
            year,
            out: path,
            apply,
        } => crate::adjust::run(db, out, year, &path, apply).await,
        Command::Assess {
            year,
            out: dir,
            apply,
            by,
            on,
            set,
        } => crate::assess::command(db, out, year, &dir, apply, (by, on), &set).await,
        Command::Correct {
            household,
            year,
            status,
            exit_year,
            reason,
            by,
        } => {
            let typed = crate::correct::Typed {
                household: &household,
                year,
                status: &status,
                exit_year,
                reason: &reason,
                by: by.as_deref(),
            };
            crate::correct::run(db, out, typed).await
        }
        Command::Rules { command } => crate::assess::rules(db, out, command).await,
        Command::Serve {
            addr,
            demo,
            demo_scale,
            read_db,
        } => crate::serve::serve(db, read_db.as_deref(), out, &addr, demo.then_some(demo_scale)).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => verify_audit(db, out).await,
        Command::Backup { file } => crate::backup::backup(db, &file, out).await,
        Command::Restore { file } => crate::backup::restore(db, &file, out).await,
    }
}

/// The bundle encoding `xplus import --encoding` asks for.
fn encoding_of(arg: EncodingArg) -> Encoding {
    match arg {
        EncodingArg::Auto => Encoding::Auto,
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Gb18030 => Encoding::Gb18030,
    }
}

/// `xplus export`: writes the records (or one region's households) as a bundle.
async fn export(
    db: &str,
    bundle: &Path,
    headers: Headers,
    region: Option<String>,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    let region = match region {
        Some(code) => Some(RegionCode::parse(&code).map_err(|e| Failure {
            code: 2,
            parts: vec![
                format!("区划代码 {code} 无效 / invalid region code {code}"),
                e.to_string(),
            ],
        })?),
        None => None,
    };
    let options = ExportOptions {
        chinese: headers == Headers::Zh,
        region,
    };
    let bar = Bar(out.spinner());
    let counts = export_bundle(store.as_ref(), bundle, &options, &bar).await?;
    bar.0.finish_and_clear();
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    out.say(
        &format!(
            "已导出 {} 个文件、{total} 行到 {}",
            counts.len(),
            bundle.display()
        ),
        &format!(
            "exported {} files, {total} rows to {}",
            counts.len(),
            bundle.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// `xplus audit verify`: checks the audit log's hash chain.
async fn verify_audit(db: &str, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    match xplus_store::verify_audit(store.as_ref()).await? {
        Ok(status) => {
            let (n, head) = (status.entries, status.head_hash);
            out.say(
                &format!("审计日志完整：{n} 条记录，哈希链无误。末条哈希：{head}（请另行留存，以便日后核对）"),
                &format!("the audit log is intact: {n} entries, the hash chain holds. Head hash: {head} (keep it elsewhere to check against later)"),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => Err(Failure {
            code: 1,
            parts: vec![broken.describe()],
        }),
    }
}

pub(crate) fn bad_input(parts: Vec<String>) -> Failure {
    Failure { code: 2, parts }
}

pub(crate) async fn open(db: &str) -> Result<Box<dyn Store>, Failure> {
    let store = xplus_store::open(db).await?;
    store.migrate().await?;
    Ok(store)
}

/// The command line's name in the audit log: the operating-system user.
pub(crate) fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("cli:{user}")
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A progress bar as the library's progress callbacks.
struct Bar(ProgressBar);

impl ImportProgress for Bar {
    fn file(&self, name: &str) {
        self.0.set_prefix(name.to_string());
        self.0.set_message("");
    }
    fn rows(&self, rows: u64) {
        self.0.set_message(rows.to_string());
    }
}

impl ExportProgress for Bar {
    fn file(&self, name: &str) {
        ImportProgress::file(self, name);
    }
    fn rows(&self, rows: u64) {
        ImportProgress::rows(self, rows);
    }
}

/// How many findings are printed; the rest are in the `--errors` file.
const SHOWN: usize = 50;

fn print_issues(out: &Output, issues: &[Issue], kind_zh: &str, kind_en: &str) {
    for i in issues.iter().take(SHOWN) {
        let row = if i.row == 0 {
            String::new()
        } else {
            format!(" 第{}行", i.row)
        };
        let row_en = if i.row == 0 {
            String::new()
        } else {
            format!(" row {}", i.row)
        };
        let value = if i.value.is_empty() {
            String::new()
        } else {
            format!(" “{}”", i.value)
        };
        match out.lang {
            Lang::Zh => eprintln!(
                "{kind_zh}：{}{row} {}{value}：{}",
                i.file,
                i.column,
                out.pick(&i.reason)
            ),
            Lang::En => eprintln!(
                "{kind_en}: {}{row_en} {}{value}: {}",
                i.file,
                i.column,
                out.pick(&i.reason)
            ),
        }
    }
    if issues.len() > SHOWN {
        out.say(
            &format!(
                "……另有 {} 条{kind_zh}未显示（用 --errors 文件 查看全部）",
                issues.len() - SHOWN
            ),
            &format!(
                "… {} more {kind_en}s not shown (use --errors FILE for all)",
                issues.len() - SHOWN
            ),
        );
    }
}

async fn import(
    store: &dyn Store,
    bundle: &Path,
    errors_file: Option<&Path>,
    ignore_unknown_columns: bool,
    encoding: Encoding,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let options = ImportOptions {
        encoding,
        ignore_unknown_columns,
        today: today(),
        actor: cli_actor(),
        rules: RuleSet::default(),
        dry_run: false,
        uploaded_as: None,
    };
    let bar = Arc::new(Bar(out.spinner()));
    let report = import_bundle(store, bundle, &options, bar.clone()).await?;
    bar.0.finish_and_clear();
    if let Some(path) = errors_file {
        let localized: Vec<Issue> = report
            .errors
            .iter()
            .chain(&report.warnings)
            .map(|i| Issue {
                reason: out.pick(&i.reason),
                ..i.clone()
            })
            .collect();
        write_issues(path, &localized)?;
    }
    print_issues(out, &report.errors, "错误", "error");
    print_issues(out, &report.warnings, "疑点", "warning");
    let rows: u64 = report.files.iter().map(|f| f.rows).sum();
    // The encoding each file was read in: a file saved in the wrong one is seen at once.
    for f in &report.files {
        out.say(
            &format!("  {}：{} 行（{}）", f.name, f.rows, f.encoding),
            &format!("  {}: {} rows ({})", f.name, f.rows, f.encoding),
        );
    }
    if !report.committed {
        out.say(
            &format!(
                "导入未完成：发现 {} 个错误，数据库未作任何改动。",
                report.errors_total
            ),
            &format!(
                "nothing imported: {} errors found; the database is unchanged.",
                report.errors_total
            ),
        );
        return Ok(ExitCode::from(2));
    }
    out.say(
        &format!(
            "已导入 {} 个文件、{rows} 行；疑点 {} 条。",
            report.files.len(),
            report.warnings_total
        ),
        &format!(
            "imported {} files, {rows} rows; {} warnings.",
            report.files.len(),
            report.warnings_total
        ),
    );
    refresh_rollups(store, out).await?;
    Ok(ExitCode::SUCCESS)
}

/// Brings the dashboard's roll-ups up to date after a command changed records, so that the
/// first dashboard after it need not wait for the counties it touched. The records are already
/// committed: a failure here is reported, and the next refresh (the server, `report --verify`)
/// takes the counties still marked.
pub(crate) async fn refresh_rollups(store: &dyn Store, out: &Output) -> Result<(), Failure> {
    tell_refreshed(&xplus_store::records::refresh_rollups(store).await, out);
    Ok(())
}

/// What a roll-up refresh did; a failed one leaves the records saved.
pub(crate) fn tell_refreshed(
    refreshed: &Result<xplus_store::records::Refreshed, xplus_store::StoreError>,
    out: &Output,
) {
    match refreshed {
        Err(e) => out.say(
            &format!("汇总未能更新（记录已保存，看板打开时会再更新）：{e}"),
            &format!("the roll-ups were not updated (the records are saved; the dashboard will update them): {e}"),
        ),
        Ok(done) if done.counties > 0 => out.say(
            &format!("已更新 {} 个区县的汇总（{} 项）", done.counties, done.rows),
            &format!("roll-ups updated for {} counties ({} figures)", done.counties, done.rows),
        ),
        Ok(_) => {}
    }
}

pub(crate) async fn demo(
    scale: ScaleArg,
    seed: u64,
    dir: Option<&Path>,
    db: &str,
    out: &Output,
) -> Result<ExitCode, Failure> {
    let scale = match scale {
        ScaleArg::County => Scale::County,
        ScaleArg::City => Scale::City,
        ScaleArg::Province => Scale::Province,
        ScaleArg::National => Scale::National,
    };
    let options = DemoOptions { scale, seed };
    let temp;
    let target = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            temp = tempfile::tempdir().map_err(|e| Failure {
                code: 1,
                parts: vec![
                    "无法创建临时文件夹 / cannot create a temporary folder".into(),
                    e.to_string(),
                ],
            })?;
            temp.path().to_path_buf()
        }
    };
    let bar = out.bar(0);
    bar.set_prefix(if out.lang == Lang::Zh {
        "生成演示数据（户）"
    } else {
        "generating demo households"
    });
    let summary = {
        let target = target.clone();
        let bar = bar.clone();
        tokio::task::spawn_blocking(move || {
            xplus_store::demo::write_bundle(&target, &options, &mut |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
        })
        .await
        .map_err(|e| Failure::chain(1, &e))?
        .map_err(|e| Failure::chain(1, &e))?
    };
    bar.finish_and_clear();
    out.say(
        &format!(
            "已生成演示数据：{} 户、{} 人，共 {} 行。",
            summary.households, summary.members, summary.rows_written
        ),
        &format!(
            "demo data generated: {} households, {} people, {} rows.",
            summary.households, summary.members, summary.rows_written
        ),
    );
    match dir {
        Some(d) => {
            out.say(
                &format!("数据包在 {}", d.display()),
                &format!("bundle written to {}", d.display()),
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let store = open(db).await?;
            import(store.as_ref(), &target, None, false, Encoding::Auto, out).await
        }
    }
}
