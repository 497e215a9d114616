//! `xplus assess --year Y --out DIR --set NAME=VALUE…` (interchange.md): the year's assessment
//! with a few rule settings changed for this run only. Nothing is recorded; `DIR/changes.csv`
//! lists every household and village whose exit eligibility differs from the assessment under
//! the stored rules.

use crate::assess::{csv_failed, CsvFiles, WHAT_IF_FILES};
use crate::commands::{bad_input, open, Failure};
use crate::output::{halves, Output};
use std::path::Path;
use std::process::ExitCode;
use xplus_core::rules::{what_if_setting, Parameter, Setting};
use xplus_store::records::{self, EligibilityChange, WhatIfSink};
use xplus_store::StoreError;

/// The `--set` arguments as settings for `year` everywhere, each checked as a stored setting
/// would be; every problem is named at once.
pub fn settings(year: i32, args: &[String]) -> Result<Vec<Setting>, Failure> {
    let mut settings: Vec<Setting> = Vec::new();
    // Each problem as (中文, English), prefixed with the argument it is about.
    let mut problems: Vec<(String, String)> = Vec::new();
    for arg in args {
        let mut problem = |message: &str| {
            let (zh, en) = halves(message);
            problems.push((format!("--set {arg}：{zh}"), format!("--set {arg}: {en}")));
        };
        let Some((name, value)) = arg.split_once('=') else {
            problem("应写成 参数=值，例如 poverty_line=3500 / write it as NAME=VALUE, e.g. poverty_line=3500");
            continue;
        };
        let Some(parameter) = Parameter::parse(name.trim()) else {
            let names: Vec<&str> = Parameter::ASSESSED.iter().map(|p| p.code()).collect();
            problem(&format!(
                "没有参数“{name}”，可设置：{} / no parameter '{name}'; these can be set: {}",
                names.join("、"),
                names.join(", ")
            ));
            continue;
        };
        if settings.iter().any(|s| s.parameter == parameter) {
            problem(&format!(
                "{} 已经设置过一次 / {parameter} is set twice",
                parameter.label_zh()
            ));
            continue;
        }
        match what_if_setting(parameter, value, None, year) {
            Ok(s) => settings.push(s),
            Err(m) => problem(&m),
        }
    }
    if problems.is_empty() {
        return Ok(settings);
    }
    // One message naming every problem, each side in its own language.
    let (zh, en): (Vec<String>, Vec<String>) = problems.into_iter().unzip();
    Err(bad_input(vec![format!(
        "{} / {}",
        zh.join("；"),
        en.join("; ")
    )]))
}

/// `changes.csv`: the third of the what-if's files.
impl WhatIfSink for CsvFiles {
    fn change(&mut self, c: &EligibilityChange) -> Result<(), StoreError> {
        let flag = |b: bool| if b { "1" } else { "0" };
        // Ids are written as users typed them: one starting with "=" must not run in Excel.
        let id = xplus_core::text::guard_formula(&c.id);
        self.changes()
            .write_record([c.kind.code(), id.as_ref(), flag(c.before), flag(c.after)])
            .map_err(csv_failed)
    }
}

pub async fn run(
    db: &str,
    out: &Output,
    year: i32,
    dir: &Path,
    set: &[String],
) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(year)?;
    let overrides = settings(year, set)?;
    let store = open(db).await?;
    let mut files = CsvFiles::create(dir, &WHAT_IF_FILES)?;
    let summary =
        records::what_if_year(store.as_ref(), year, overrides.clone(), &mut files).await?;
    files.finish()?;
    let named: Vec<String> = overrides
        .iter()
        .map(|s| format!("{}={}", s.parameter.code(), s.parameter.show_value(s.value)))
        .collect();
    let (b, a) = (&summary.before, &summary.after);
    out.say(
        &format!(
            "{year}年假设计算（{}，未记录）：符合退出标准 {} 户 → {} 户（共 {} 户贫困户），符合出列 {} 个村 → {} 个（共 {} 个贫困村）；\
             结果不同的 {} 户、{} 个村列在 changes.csv；已写入 {}",
            named.join("，"),
            b.eligible, a.eligible, a.households,
            b.villages_eligible, a.villages_eligible, a.villages,
            summary.households_changed, summary.villages_changed,
            dir.display()
        ),
        &format!(
            "what-if for {year} ({}, nothing recorded): households eligible to exit {} → {} (of {}), villages eligible {} → {} (of {}); \
             {} households and {} villages that differ are in changes.csv; written to {}",
            named.join(", "),
            b.eligible, a.eligible, a.households,
            b.villages_eligible, a.villages_eligible, a.villages,
            summary.households_changed, summary.villages_changed,
            dir.display()
        ),
    );
    Ok(ExitCode::SUCCESS)
}
