//! The per-row checks of what the offices decided (schema/assessment.rs): rule settings, the
//! applied outcomes, the exit procedure's batches, households and objections, and the
//! secretaries' review. They are history: an export carries them so that a copy imports whole;
//! the rules that guard changes judge each fact by what held when it happened.

use super::context::*;
use super::files::{date, int, text};
use super::Validator;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::procedure::first_out_of_order;
use xplus_core::assessment::tasks::{outcome_problems, OutcomeFacts, TaskOutcome};
use xplus_core::interchange::{FileId, FileSpec, Value};
use xplus_core::registry::{HouseholdStatus, RegionCode, Standing};
use xplus_core::rules::{Parameter, Setting};

impl Validator {
    pub(super) fn decision_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::RuleSettings => self.rule_setting_row(spec, row, values),
            FileId::AssessmentOutcomes => {
                let year = int(values, 1);
                let key = KeyPacker::new().index(idx(0)).year(year).done();
                if !self.composite_key(spec, row, values, key) {
                    return false;
                }
                let status = |i: usize| values[i].as_code().and_then(HouseholdStatus::parse);
                let Some(before) = status(4) else {
                    return false;
                };
                let before = Standing {
                    status: before,
                    exit_year: values[5].as_int().map(|y| y as i32),
                };
                let seen = OutcomeSeen {
                    household: idx(0),
                    year: year as i32,
                    before,
                };
                self.ctx.outcomes.put(key, seen);
                true
            }
            FileId::ExitBatches => {
                let key = KeyPacker::new().region(refs[0]).year(int(values, 1)).done();
                if !self.composite_key(spec, row, values, key) {
                    return false;
                }
                // Proposal, review, notice start and last day, the town's and county's approval.
                let steps = [4, 5, 8, 9, 12, 14];
                let dates: Vec<_> = steps.iter().map(|&i| date(values, i)).collect();
                if let (Some(k), true) = (first_out_of_order(&dates), row != FROM_DB) {
                    let i = steps[k];
                    self.error_at(
                        spec,
                        row,
                        i,
                        &values[i],
                        "此日期早于前一环节的日期（贫困户退出程序须依次进行）/ this date is before the step before it (the steps of the exit procedure come in order)".into(),
                    );
                    return false;
                }
                self.ctx.batches.insert(key);
                true
            }
            FileId::ExitBatchHouseholds | FileId::ExitObjections | FileId::ExitAttachments => {
                let batch = KeyPacker::new().region(refs[0]).year(int(values, 1)).done();
                if !self.ctx.batches.contains(&batch) {
                    if row != FROM_DB {
                        self.error_at(
                            spec,
                            row,
                            1,
                            &values[1],
                            "退出批次中没有该村该年度的批次 / no batch of this village and year in exit_batches".into(),
                        );
                    }
                    return false;
                }
                let third = if spec.id == FileId::ExitBatchHouseholds {
                    idx(2)
                } else {
                    int(values, 2) as u32
                };
                let key = KeyPacker::new()
                    .region(refs[0])
                    .year(int(values, 1))
                    .index(third)
                    .done();
                self.composite_key(spec, row, values, key)
            }
            FileId::ReviewCriteria => {
                let parts = [
                    int(values, 0).to_string(),
                    int(values, 1).to_string(),
                    text(values, 2).to_string(),
                ];
                self.text_key(spec, row, values, &parts)
            }
            FileId::SecretaryReviews => {
                let parts = [
                    text(values, 0).to_string(),
                    int(values, 1).to_string(),
                    text(values, 2).to_string(),
                ];
                self.text_key(spec, row, values, &parts)
            }
            // The household's n-th correction, or n-th recorded department finding.
            FileId::Corrections | FileId::DepartmentFindings => {
                if spec.id == FileId::DepartmentFindings {
                    return self.finding_row(spec, row, values, idx(0));
                }
                let key = KeyPacker::new()
                    .index(idx(0))
                    .year(int(values, 1))
                    .index(int(values, 2) as u32)
                    .done();
                self.composite_key(spec, row, values, key)
            }
            _ => unreachable!("dispatched by dependent_row"),
        }
    }

    /// A setting passes core's one check of a setting, as `xplus rules set` does.
    fn rule_setting_row(&mut self, spec: &'static FileSpec, row: u32, values: &[Value]) -> bool {
        let parts = [
            values[0].as_code().unwrap_or("").to_string(),
            int(values, 1).to_string(),
            int(values, 2).to_string(),
        ];
        if !self.text_key(spec, row, values, &parts) {
            return false;
        }
        let Some(parameter) = values[0].as_code().and_then(Parameter::parse) else {
            return false;
        };
        let region = match int(values, 1) {
            0 => Ok(None),
            code => RegionCode::from_u64(code as u64).map(Some),
        };
        let Ok(region) = region else {
            if row != FROM_DB {
                self.error_at(
                    spec,
                    row,
                    1,
                    &values[1],
                    "不是区划代码（0 表示全部区划）/ not a region code (0 means everywhere)".into(),
                );
            }
            return false;
        };
        let year = match int(values, 2) {
            0 => None,
            y => Some(y as i32),
        };
        let setting = Setting::new(parameter, region, year, int(values, 3), text(values, 4));
        match setting {
            Ok(_) => true,
            Err(reason) => {
                if row != FROM_DB {
                    self.error_at(spec, row, 3, &values[3], reason);
                }
                false
            }
        }
    }
}

impl Validator {
    /// A recorded department finding: the household's `seq`-th, and its outcome one core's rule
    /// would accept (an outcome that fits the finding, with its day, and a reason where one is
    /// needed).
    fn finding_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        household: u32,
    ) -> bool {
        let key = KeyPacker::new()
            .index(household)
            .index(int(values, 1) as u32)
            .done();
        if !self.composite_key(spec, row, values, key) {
            return false;
        }
        // A stored finding was checked when it was recorded.
        if row == FROM_DB {
            return true;
        }
        let code = |i: usize| values[i].as_code();
        let (Some(finding), Some(as_of)) = (code(3).and_then(Finding::parse), date(values, 8))
        else {
            return false;
        };
        let Some(outcome) = code(14).and_then(TaskOutcome::parse) else {
            // Without an outcome there is nothing to date, explain or sign.
            if let Some(i) = (15..=17).find(|&i| !values[i].is_null()) {
                let reason = "没有核查结果时不能填写结果日期、说明或填写人 / without an outcome there is no outcome day, reason or signer";
                self.error_at(spec, row, i, &values[i], reason.into());
                return false;
            }
            return true;
        };
        let Some(on) = date(values, 15) else {
            self.error_at(
                spec,
                row,
                15,
                &values[15],
                "有核查结果须填写结果日期 / an outcome needs its day".into(),
            );
            return false;
        };
        let facts = OutcomeFacts {
            finding,
            recorded: None,
            outcome,
            on,
            reason: text(values, 16),
            as_of,
            today: self.today,
        };
        let problems = outcome_problems(&facts);
        if let Some(problem) = problems.into_iter().next() {
            self.error_at(spec, row, 14, &values[14], problem);
            return false;
        }
        true
    }
}
