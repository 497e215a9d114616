//! Correcting what an applied assessment recorded for a household in a past year (book of
//! record): the year's figures then change, and the correction stays visible with who made it,
//! when and why (corrections.csv). The standing before the year's decision is not corrected —
//! it is the previous year's result — only what the year decided.

use super::Outcome;
use crate::registry::household::check_years;
use crate::registry::{HouseholdStatus, Standing};

/// The longest reason kept (characters).
pub const REASON_MAX_CHARS: usize = 500;

/// Why the reason of a correction (of an outcome, an income) is refused: none given, or too long.
pub fn reason_problem(reason: &str) -> Option<String> {
    let reason = reason.trim();
    if reason.is_empty() {
        Some("更正须说明原因 / a correction needs its reason".to_string())
    } else if reason.chars().count() > REASON_MAX_CHARS {
        Some(format!(
            "更正原因不超过 {REASON_MAX_CHARS} 字 / the reason is at most {REASON_MAX_CHARS} characters"
        ))
    } else {
        None
    }
}

/// The outcome that takes a household from `before` to `after` in a year, as the assessment
/// records it; None when nothing happened (the standing did not change: no outcome is kept) or
/// when no assessment decides such a change.
pub fn outcome_between(before: Standing, after: Standing) -> Option<Outcome> {
    use HouseholdStatus::*;
    match (before.status, after.status) {
        (Poor | Returned, Exited) => Some(Outcome::Exited),
        (Exited | Monitored, Returned) => Some(Outcome::Returned),
        (Exited, Monitored) => Some(Outcome::Monitored),
        (Monitored, Exited) => Some(Outcome::RiskRemoved),
        _ => None,
    }
}

/// Why correcting the decision of `year` to `after` is refused, each reason in Chinese and
/// English; empty when it may be recorded. `before` is the standing the decision replaced,
/// `recorded` what it decided.
pub fn correction_problems(
    year: i32,
    identified_year: i32,
    before: Standing,
    recorded: Standing,
    after: Standing,
    reason: &str,
) -> Vec<String> {
    let mut problems: Vec<String> = reason_problem(reason).into_iter().collect();
    if after == recorded {
        problems.push(
            "更正后的结果与已记录的相同 / the corrected result is the one already recorded"
                .to_string(),
        );
    }
    if after != before && outcome_between(before, after).is_none() {
        problems.push(format!(
            "年初为“{}”的户，年度评估不会使其成为“{}” / the assessment does not take a household that was {} to {}",
            before.status.label_zh(),
            after.status.label_zh(),
            before.status.code(),
            after.status.code()
        ));
    }
    // An exit of the year is an exit in the year; any other exit year is the one it had.
    let expected = expected_exit(year, before, after);
    if after.exit_year != expected {
        let shown = |empty: &str| expected.map_or(empty.to_string(), |y| y.to_string());
        problems.push(format!(
            "脱贫年度应为 {} / the exit year must be {}",
            shown("空"),
            shown("empty")
        ));
    }
    let years = check_years(
        after.status,
        i64::from(identified_year),
        after.exit_year.map(i64::from),
        i64::from(year),
    );
    problems.extend(years.into_iter().map(|(_, why)| why));
    problems
}

/// The exit year a corrected decision carries: the year itself for an exit, else the one the
/// household had.
pub fn expected_exit(year: i32, before: Standing, after: Standing) -> Option<i32> {
    match outcome_between(before, after) {
        Some(Outcome::Exited) => Some(year),
        _ => before.exit_year,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HouseholdStatus::*;

    fn st(status: HouseholdStatus, exit_year: Option<i32>) -> Standing {
        Standing { status, exit_year }
    }

    #[test]
    fn an_exit_recorded_wrongly_can_be_undone_or_changed() {
        let before = st(Poor, None);
        let recorded = st(Exited, Some(2015));
        // It did not exit: the outcome goes, the household stays poor.
        assert!(
            correction_problems(2015, 2014, before, recorded, before, "入户核实收入不达标")
                .is_empty()
        );
        assert_eq!(outcome_between(before, before), None);
        // No reason, or the same result: refused.
        assert_eq!(
            correction_problems(2015, 2014, before, recorded, before, "  ").len(),
            1
        );
        assert_eq!(
            correction_problems(2015, 2014, before, recorded, recorded, "x").len(),
            1
        );
        // A poor household is not made monitored by an assessment.
        assert!(
            !correction_problems(2015, 2014, before, recorded, st(Monitored, Some(2015)), "x")
                .is_empty()
        );
    }

    #[test]
    fn a_monitoring_decision_can_be_corrected() {
        let before = st(Exited, Some(2014));
        let recorded = st(Monitored, Some(2014));
        let returned = st(Returned, Some(2014));
        assert!(
            correction_problems(2016, 2014, before, recorded, returned, "医疗支出漏报").is_empty()
        );
        assert_eq!(outcome_between(before, returned), Some(Outcome::Returned));
        // The exit year is the one it had.
        let moved = st(Returned, Some(2016));
        assert!(!correction_problems(2016, 2014, before, recorded, moved, "x").is_empty());
        assert_eq!(expected_exit(2016, before, moved), Some(2014));
        let long = "因".repeat(REASON_MAX_CHARS + 1);
        assert_eq!(
            correction_problems(2016, 2014, before, recorded, returned, &long).len(),
            1
        );
    }
}
