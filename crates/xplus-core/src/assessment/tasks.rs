//! What becomes of a recorded finding (departments.md `--apply`, rules.md §5 and §12): a fact to
//! verify is a task (核查任务) of its village with a due date; a department warning stays open
//! for §5 monitoring until the risk is removed (风险消除); assistance is shown on the household
//! and needs nothing. The people who verify record the outcome; the rules of that outcome live
//! here, whichever path records it (page, API, command line).

use super::crosscheck::Finding;
use chrono::NaiveDate;

crate::labelled_enum! {
    /// How a finding is handled once recorded.
    pub enum Handling {
        Verify = ("verify", "核查任务"),
        Warning = ("warning", "部门预警"),
        Note = ("note", "兜底信息"),
    }
}

crate::labelled_enum! {
    /// What the person who verified a finding concluded.
    /// Confirmed: the department's fact holds for this member (核实属实); refuted: it does not
    /// (核实不属实), with the reason and, where there is one, an attachment; closed: a warning's
    /// risk is gone (风险消除), with the date and reason.
    pub enum TaskOutcome {
        Confirmed = ("confirmed", "属实"),
        Refuted = ("refuted", "不属实"),
        Closed = ("closed", "风险消除"),
    }
}

crate::labelled_enum! {
    /// Who answers for a finding: the household's helper, or the village's secretary when the
    /// household has none.
    pub enum AssigneeRole {
        Helper = ("helper", "帮扶责任人"),
        Secretary = ("secretary", "村党组织书记"),
    }
}

/// How each finding is handled (departments.md's consequence column).
pub fn handling(finding: Finding) -> Handling {
    if finding.is_warning() {
        Handling::Warning
    } else if finding.is_note() {
        Handling::Note
    } else {
        Handling::Verify
    }
}

/// The day a task recorded on `recorded_on` is due: `days` later (rule setting
/// `verification_days`); warnings and notes have none.
pub fn due_on(finding: Finding, recorded_on: NaiveDate, days: i64) -> Option<NaiveDate> {
    (handling(finding) == Handling::Verify)
        .then(|| recorded_on + chrono::Duration::days(days.max(0)))
}

/// Overdue on `today`: a task with no outcome whose due day has passed.
pub fn is_overdue(due: Option<NaiveDate>, outcome: Option<TaskOutcome>, today: NaiveDate) -> bool {
    outcome.is_none() && due.is_some_and(|d| d < today)
}

/// A warning open at the end of `day`: opened by then and not closed by then. A figure for a
/// year reads the warnings open on its last day, whatever was closed since.
pub fn open_on(opened_on: NaiveDate, closed_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    opened_on <= day && closed_on.is_none_or(|c| c > day)
}

/// An outcome someone records for a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeFacts<'a> {
    pub finding: Finding,
    /// The outcome already recorded, if any.
    pub recorded: Option<TaskOutcome>,
    pub outcome: TaskOutcome,
    pub on: NaiveDate,
    pub reason: &'a str,
    /// The day the finding holds from (the finding's day checked).
    pub as_of: NaiveDate,
    pub today: NaiveDate,
}

/// Why the outcome cannot be recorded; empty when it can. An outcome is recorded once: a
/// mistaken one is corrected by the office, not overwritten from a phone.
pub fn outcome_problems(f: &OutcomeFacts<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(r) = f.recorded {
        problems.push(format!(
            "该事项已有结果“{}”，不能再次填写 / this finding already has an outcome ({r})",
            r.label_zh()
        ));
    }
    let fits = match handling(f.finding) {
        Handling::Verify => f.outcome != TaskOutcome::Closed,
        Handling::Warning => f.outcome == TaskOutcome::Closed,
        Handling::Note => false,
    };
    if !fits {
        let what = match handling(f.finding) {
            Handling::Verify => {
                "核查任务的结果只能是“属实”或“不属实” / a task is confirmed or refuted"
            }
            Handling::Warning => {
                "部门预警只能以“风险消除”结束 / a warning ends only when its risk is removed"
            }
            Handling::Note => "兜底信息无需处理 / assistance needs no outcome",
        };
        problems.push(what.to_string());
    }
    if f.on > f.today {
        problems.push(format!(
            "日期 {} 晚于今天 / the day {} is after today",
            f.on, f.on
        ));
    }
    if f.on < f.as_of && f.outcome == TaskOutcome::Closed {
        problems.push(format!(
            "风险消除日期 {} 早于预警日期 {} / the risk cannot be removed before the warning, {}",
            f.on, f.as_of, f.as_of
        ));
    }
    let needs_reason = matches!(f.outcome, TaskOutcome::Refuted | TaskOutcome::Closed);
    if needs_reason && f.reason.trim().is_empty() {
        problems.push("请填写理由 / a reason is required".to_string());
    }
    // The reason is kept as the bundle's text column holds it, so that an export imports back.
    if let Err(e) = reason_as_kept(f.reason) {
        problems.push(e);
    }
    problems
}

/// The reason as it is kept: free text under the bundle's text rule (trimmed, at most 500
/// characters, no control or invisible characters), or why it cannot be.
pub fn reason_as_kept(reason: &str) -> Result<String, String> {
    crate::text::field(crate::text::TextKind::Free, reason)
}

/// Why a check cannot be dated `as_of`: a day after today has not been checked against.
pub fn as_of_problem(as_of: NaiveDate, today: NaiveDate) -> Option<String> {
    (as_of > today).then(|| {
        format!("比对日期 {as_of} 晚于今天 {today} / the day checked, {as_of}, is after today")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts(finding: Finding, outcome: TaskOutcome, reason: &str) -> OutcomeFacts<'_> {
        OutcomeFacts {
            finding,
            recorded: None,
            outcome,
            on: d("2016-08-01"),
            reason,
            as_of: d("2016-07-01"),
            today: d("2016-08-01"),
        }
    }

    #[test]
    fn each_finding_has_its_handling_and_due_day() {
        let day = d("2016-07-01");
        assert_eq!(due_on(Finding::Deceased, day, 15), Some(d("2016-07-16")));
        assert_eq!(due_on(Finding::MedicalBurden, day, 15), None);
        assert_eq!(due_on(Finding::Assistance, day, 15), None);
        assert_eq!(handling(Finding::Vehicle), Handling::Verify);
    }

    #[test]
    fn overdue_from_the_day_after_the_due_day() {
        let due = Some(d("2016-07-16"));
        assert!(!is_overdue(due, None, d("2016-07-16")));
        assert!(is_overdue(due, None, d("2016-07-17")));
        assert!(!is_overdue(
            due,
            Some(TaskOutcome::Confirmed),
            d("2017-01-01")
        ));
        assert!(!is_overdue(None, None, d("2017-01-01")));
    }

    #[test]
    fn a_warning_is_open_until_the_day_it_closes() {
        let opened = d("2016-07-01");
        assert!(!open_on(opened, None, d("2016-06-30")));
        assert!(open_on(opened, None, d("2016-12-31")));
        assert!(open_on(opened, Some(d("2017-01-01")), d("2016-12-31")));
        assert!(!open_on(opened, Some(d("2016-12-31")), d("2016-12-31")));
    }

    #[test]
    fn outcomes_fit_their_finding_and_carry_reasons() {
        let ok = facts(Finding::Deceased, TaskOutcome::Confirmed, "");
        assert!(outcome_problems(&ok).is_empty());
        let refuted = facts(Finding::Vehicle, TaskOutcome::Refuted, " ");
        assert_eq!(outcome_problems(&refuted).len(), 1);
        let closed = facts(Finding::Deceased, TaskOutcome::Closed, "已核实");
        assert_eq!(outcome_problems(&closed).len(), 1);
        let warning = facts(Finding::MedicalBurden, TaskOutcome::Closed, "已报销");
        assert!(outcome_problems(&warning).is_empty());
        let mut early = facts(Finding::MedicalBurden, TaskOutcome::Closed, "已报销");
        early.on = d("2016-06-30");
        assert_eq!(outcome_problems(&early).len(), 1);
        let mut twice = ok.clone();
        twice.recorded = Some(TaskOutcome::Confirmed);
        assert_eq!(outcome_problems(&twice).len(), 1);
        let note = facts(Finding::Assistance, TaskOutcome::Confirmed, "");
        assert_eq!(outcome_problems(&note).len(), 1);
        let mut future = ok;
        future.on = d("2016-08-02");
        assert_eq!(outcome_problems(&future).len(), 1);
        let long = "很".repeat(501);
        let too_long = facts(Finding::Vehicle, TaskOutcome::Refuted, &long);
        assert_eq!(outcome_problems(&too_long).len(), 1);
        let hidden = facts(Finding::Vehicle, TaskOutcome::Refuted, "车已转让\u{202e}");
        assert_eq!(outcome_problems(&hidden).len(), 1);
        assert!(as_of_problem(d("2016-08-02"), d("2016-08-01")).is_some());
        assert!(as_of_problem(d("2016-08-01"), d("2016-08-01")).is_none());
    }
}
