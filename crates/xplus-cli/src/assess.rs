//! `xplus assess --year Y --out DIR [--apply]`: the yearly assessment of rules.md §3–5 written as
//! `DIR/households.csv` and `DIR/villages.csv` (interchange.md), streamed county by county;
//! `--apply` records the exits, village exits, returns and monitoring, then the §8 equity
//! adjustment of the year. And `xplus rules list|set`, the numbers the assessment reads.

use crate::commands::{bad_input, open, Failure};
use crate::output::Output;
use crate::RulesCommand;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;
use xplus_core::registry::RegionCode;
use xplus_core::rules::{Parameter, RuleBook, Setting};
use xplus_output::assessment::{
    write_household, write_village, HOUSEHOLDS_HEADER, VILLAGES_HEADER,
};
use xplus_store::records::{
    self, AdjustmentApplied, AssessmentSink, HouseholdAssessment, VillageAssessment,
};
use xplus_store::Refusal;
use xplus_store::StoreError;

/// The files of a run, written as the results come — as `*.csv.part` beside the final names,
/// renamed only when the run succeeds, so a refused or failed run leaves the previous files as
/// they were. `households.csv` and `villages.csv` always; a what-if adds `changes.csv`.
pub(crate) struct CsvFiles {
    writers: Vec<csv::Writer<BufWriter<File>>>,
    names: &'static [&'static str],
    dir: std::path::PathBuf,
    done: bool,
}

const FILES: [&str; 2] = ["households.csv", "villages.csv"];
pub(crate) const WHAT_IF_FILES: [&str; 3] = ["households.csv", "villages.csv", "changes.csv"];
pub(crate) const CHANGES_HEADER: [&str; 4] = ["kind", "id", "before", "after"];

fn part(dir: &Path, name: &str) -> std::path::PathBuf {
    dir.join(format!("{name}.part"))
}

impl Drop for CsvFiles {
    fn drop(&mut self) {
        if !self.done {
            for name in self.names {
                let _ = std::fs::remove_file(part(&self.dir, name));
            }
        }
    }
}

pub(crate) fn csv_failed(e: csv::Error) -> StoreError {
    StoreError::Refused(Refusal::Invalid(format!(
        "无法写入 CSV / cannot write the CSV: {e}"
    )))
}

impl CsvFiles {
    /// The files `names` in `dir` (the first two are the assessment's, a third the what-if's
    /// changes), each with its header.
    pub(crate) fn create(dir: &Path, names: &'static [&'static str]) -> Result<CsvFiles, Failure> {
        let cannot = |e: &dyn std::fmt::Display| Failure {
            code: 1,
            parts: vec![format!(
                "无法写入 {} / cannot write to {}: {e}",
                dir.display(),
                dir.display()
            )],
        };
        std::fs::create_dir_all(dir).map_err(|e| cannot(&e))?;
        let mut files = CsvFiles {
            writers: Vec::new(),
            names,
            dir: dir.to_path_buf(),
            done: false,
        };
        let headers: [&[&str]; 3] = [&HOUSEHOLDS_HEADER, &VILLAGES_HEADER, &CHANGES_HEADER];
        for (name, header) in names.iter().zip(headers) {
            let file = File::create(part(dir, name)).map_err(|e| cannot(&e))?;
            let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
            w.write_record(header).map_err(|e| cannot(&e))?;
            files.writers.push(w);
        }
        Ok(files)
    }

    /// The what-if's `changes.csv`.
    pub(crate) fn changes(&mut self) -> &mut csv::Writer<BufWriter<File>> {
        &mut self.writers[2]
    }

    pub(crate) fn finish(mut self) -> Result<(), StoreError> {
        let failed = |e: &dyn std::fmt::Display| {
            StoreError::Refused(Refusal::Invalid(format!(
                "无法写入 CSV / cannot write the CSV: {e}"
            )))
        };
        for w in &mut self.writers {
            w.flush().map_err(|e| failed(&e))?;
        }
        for name in self.names {
            std::fs::rename(part(&self.dir, name), self.dir.join(name)).map_err(|e| failed(&e))?;
        }
        self.done = true;
        Ok(())
    }
}

impl AssessmentSink for CsvFiles {
    fn household(&mut self, h: &HouseholdAssessment) -> Result<(), StoreError> {
        write_household(&mut self.writers[0], h).map_err(csv_failed)
    }

    fn village(&mut self, v: &VillageAssessment) -> Result<(), StoreError> {
        write_village(&mut self.writers[1], v).map_err(csv_failed)
    }
}

/// Who decided an applied assessment and on which day (`--by`, `--on`).
pub struct Decided {
    /// `cli:NAME`, as every command-line entry of the audit log.
    pub actor: String,
    on: chrono::NaiveDate,
}

impl Decided {
    pub fn new(
        year: i32,
        by: Option<&str>,
        on: Option<chrono::NaiveDate>,
    ) -> Result<Self, Failure> {
        let today = chrono::Local::now().date_naive();
        let on = on.unwrap_or(today);
        if let Some(problem) = xplus_core::assessment::decided_on_problem(year, on, today) {
            return Err(bad_input(vec![problem]));
        }
        let actor = match by {
            None => crate::commands::cli_actor(),
            Some(name) => {
                let name = xplus_core::text::field(xplus_core::text::TextKind::Name, name)
                    .map_err(|e| bad_input(vec![format!("--by：{e}")]))?;
                if name.is_empty() {
                    return Err(bad_input(vec!["--by 不能为空 / --by is empty".into()]));
                }
                format!("cli:{name}")
            }
        };
        Ok(Decided { actor, on })
    }
}

/// `xplus assess`: a what-if with `--set`, otherwise the assessment, recorded with `--apply`
/// by whom and on which day (`decided`).
pub async fn command(
    db: &str,
    out: &Output,
    year: i32,
    dir: &Path,
    apply: bool,
    decided: (Option<String>, Option<chrono::NaiveDate>),
    set: &[String],
) -> Result<ExitCode, Failure> {
    if !set.is_empty() {
        // A what-if records nothing, so there is nothing for --apply to record.
        if apply {
            return Err(bad_input(vec![
                "--apply 不能与 --set 同用：假设计算不记录任何结果；请先用 xplus rules set 设置规则，再评估并记录 / \
                 --apply is refused with --set: a what-if records nothing; set the rule with xplus rules set, then assess with --apply"
                    .into(),
            ]));
        }
        return crate::what_if::run(db, out, year, dir, set).await;
    }
    // Who and when matter only to what is recorded: a dry run takes neither.
    let decided = match apply {
        true => Some(Decided::new(year, decided.0.as_deref(), decided.1)?),
        false => None,
    };
    run(db, out, year, dir, decided).await
}

async fn run(
    db: &str,
    out: &Output,
    year: i32,
    dir: &Path,
    apply: Option<Decided>,
) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(year)?;
    let store = open(db).await?;
    let mut files = CsvFiles::create(dir, &FILES)?;
    let started = std::time::Instant::now();
    let (summary, applied) = if let Some(Decided { actor, on }) = &apply {
        let applying = records::apply_year(store.as_ref(), actor, year, *on, &mut files);
        match applying.await {
            Ok(done) => (done.summary.clone(), Some(done)),
            Err(e @ StoreError::Refused(Refusal::Conflict(_))) => {
                return Err(Failure::chain(2, &e))
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        (
            records::assess_year(store.as_ref(), year, &mut files).await?,
            None,
        )
    };
    files.finish()?;
    let took = started.elapsed();
    out.say(
        &format!(
            "{year}年评估：贫困户 {} 户 {} 人，符合退出标准 {} 户 {} 人；贫困村 {} 个，符合出列 {} 个；\
             已脱贫户 {} 户中返贫 {}、监测 {}、稳定 {}；已写入 {}（{} 毫秒）",
            summary.households,
            summary.persons,
            summary.eligible,
            summary.eligible_persons,
            summary.villages,
            summary.villages_eligible,
            summary.watched,
            summary.returned,
            summary.monitored,
            summary.stable,
            dir.display(),
            took.as_millis()
        ),
        &format!(
            "assessment of {year}: {} poor households ({} people), {} eligible to exit ({} people); \
             {} poor villages, {} eligible; of {} exited households {} returned, {} monitored, {} stable; \
             written to {} ({} ms)",
            summary.households,
            summary.persons,
            summary.eligible,
            summary.eligible_persons,
            summary.villages,
            summary.villages_eligible,
            summary.watched,
            summary.returned,
            summary.monitored,
            summary.stable,
            dir.display(),
            took.as_millis()
        ),
    );
    let Some(done) = applied else {
        return Ok(ExitCode::SUCCESS);
    };
    let actor = apply.as_ref().map_or("", |d| d.actor.as_str());
    tell_applied(out, actor, year, &done);
    Ok(ExitCode::SUCCESS)
}

/// What `--apply` recorded, said step by step.
fn tell_applied(out: &Output, actor: &str, year: i32, done: &records::YearApplied) {
    let applied = &done.applied;
    if applied.already_recorded {
        out.say(
            &format!("{year} 年的评估此前已按相同结果记录，未重复写入"),
            &format!("the assessment of {year} was recorded before with the same result; nothing written"),
        );
    } else {
        out.say(
            &format!(
                "已记录（{actor}）：脱贫 {} 户，贫困村出列 {} 个，返贫 {} 户，监测 {} 户，风险消除 {} 户",
                applied.exits,
                applied.villages_exited,
                applied.returned,
                applied.monitored,
                applied.risk_removed
            ),
            &format!(
                "recorded ({actor}): {} exits, {} village exits, {} returns, {} monitored, {} risks removed",
                applied.exits,
                applied.villages_exited,
                applied.returned,
                applied.monitored,
                applied.risk_removed
            ),
        );
    }
    if applied.awaiting_procedure + applied.withdrawn_by_procedure > 0 {
        out.say(
            &format!(
                "退出程序：{} 户在未审定的退出批次中，留待程序审定；{} 户经民主评议或公示异议撤回，未记录脱贫",
                applied.awaiting_procedure, applied.withdrawn_by_procedure
            ),
            &format!(
                "exit procedure: {} households are in batches not approved yet, left to the procedure; {} were withdrawn by the review or an upheld objection, not recorded as exited",
                applied.awaiting_procedure, applied.withdrawn_by_procedure
            ),
        );
    }
    if applied.exited_not_eligible + applied.villages_exited_not_eligible > 0 {
        out.say(
            &format!(
                "请核实：{} 户、{} 个村记为 {year} 年脱贫（出列），但现在不符合标准，未作改动",
                applied.exited_not_eligible, applied.villages_exited_not_eligible
            ),
            &format!(
                "to check: {} households and {} villages are recorded as exiting in {year} but do not meet the rules now; left unchanged",
                applied.exited_not_eligible, applied.villages_exited_not_eligible
            ),
        );
    }
    let date = done.adjustment_date;
    match done.adjustment {
        AdjustmentApplied::Recorded { events } => out.say(
            &format!("股权动态调整（{date} 生效）：记录配股、收回 {events} 笔"),
            &format!("equity adjustment (effective {date}): recorded {events} share events"),
        ),
        AdjustmentApplied::AlreadyRecorded => out.say(
            &format!("{year} 年的股权调整此前已记录，未重复写入"),
            &format!("the equity adjustment of {year} was recorded before; nothing written"),
        ),
    }
    crate::commands::tell_refreshed(&done.refreshed, out);
}

fn bad(zh: String, en: String) -> Failure {
    Failure {
        code: 2,
        parts: vec![format!("{zh} / {en}")],
    }
}

pub async fn rules(db: &str, out: &Output, command: RulesCommand) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    match command {
        RulesCommand::List => {
            let book = records::rule_book(store.as_ref()).await?;
            list(out, &book);
        }
        RulesCommand::ReviewCriteria {
            criteria,
            region,
            year,
            source,
        } => {
            let mut parsed = Vec::new();
            for c in &criteria {
                let mut parts = c.splitn(3, ':');
                let (Some(code), Some(weight), Some(name)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(bad(
                        format!("指标“{c}”应写成 代码:权重:名称"),
                        format!("write the criterion '{c}' as code:weight:name"),
                    ));
                };
                let weight: u32 = weight.trim().parse().map_err(|_| {
                    bad(
                        format!("权重“{weight}”不是整数"),
                        format!("the weight '{weight}' is not a whole number"),
                    )
                })?;
                parsed.push(xplus_core::backbone::review::Criterion {
                    code: code.trim().to_string(),
                    name: name.trim().to_string(),
                    weight,
                });
            }
            let region = match region {
                None => None,
                Some(r) => Some(RegionCode::parse(&r).map_err(|e| {
                    bad(
                        format!("区划代码“{r}”无效：{e}"),
                        format!("bad region code '{r}': {e}"),
                    )
                })?),
            };
            let actor = crate::commands::cli_actor();
            records::set_review_criteria(store.as_ref(), &actor, region, year, &parsed, &source)
                .await?;
            out.say(
                &format!("已设置述职评议考核指标 {} 项（{actor}）", parsed.len()),
                &format!("set {} review criteria ({actor})", parsed.len()),
            );
        }
        RulesCommand::Set {
            parameter,
            value,
            region,
            year,
            source,
        } => {
            let names: Vec<&str> = Parameter::ALL.iter().map(|p| p.code()).collect();
            let p = Parameter::parse(&parameter).ok_or_else(|| {
                bad(
                    format!("没有参数“{parameter}”；可设置：{}", names.join("、")),
                    format!(
                        "no parameter '{parameter}'; these can be set: {}",
                        names.join(", ")
                    ),
                )
            })?;
            let value = p.parse_value(&value).map_err(|m| Failure {
                code: 2,
                parts: vec![m],
            })?;
            let region = match region {
                None => None,
                Some(r) => {
                    let code = RegionCode::parse(&r).map_err(|e| {
                        bad(
                            format!("区划代码“{r}”无效：{e}"),
                            format!("bad region code '{r}': {e}"),
                        )
                    })?;
                    Some(code)
                }
            };
            // Core's one check of a setting (value, region level, year, source).
            let setting = Setting::new(p, region, year, value, &source).map_err(|m| Failure {
                code: 2,
                parts: vec![m],
            })?;
            let actor = crate::commands::cli_actor();
            records::set_rule(store.as_ref(), &actor, &setting).await?;
            out.say(
                &format!("已设置 {}（{actor}）", describe(&setting)),
                &format!("set {} ({actor})", describe(&setting)),
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(s: &Setting) -> String {
    let value = s.parameter.show_value(s.value);
    format!(
        "{} {} = {value} [{} · {}] — {}",
        s.parameter.code(),
        s.parameter.label_zh(),
        s.region
            .map_or("全部地区 everywhere".to_string(), |r| r.to_string()),
        s.year
            .map_or("每年 every year".to_string(), |y| y.to_string()),
        s.source
    )
}

fn list(out: &Output, book: &RuleBook) {
    if book.settings().is_empty() {
        out.say(
            "没有设置，全部使用 rules.md 的默认值：",
            "nothing is set; every number is the default of rules.md:",
        );
    }
    for s in book.settings() {
        out.say(&describe(s), &describe(s));
    }
    let defaults = book.for_place(None, chrono::Datelike::year(&chrono::Local::now()));
    for (parameter, value, source) in defaults.set.listed() {
        let line = format!("默认 default {parameter} = {value} — {source}");
        out.say(&line, &line);
    }
    for year in 2014..=2020 {
        if let Some(l) = xplus_core::rules::default_poverty_line(year) {
            let line = format!(
                "默认 default poverty_line [{year}] = {} — {}",
                l.value, l.source
            );
            out.say(&line, &line);
        }
    }
    // The "123" number differs by year, like the line.
    for year in 2014..=2020 {
        if let Some(t) = xplus_core::rules::targets::default_empty_shell_reduction(year) {
            let line = format!(
                "默认 default empty_shell_reduction [{year}] = {} — {}",
                t.value, t.source
            );
            out.say(&line, &line);
        }
    }
}
