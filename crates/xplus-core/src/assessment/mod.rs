//! The yearly assessment: rules.md §3 household exit, §4 village exit and §5 monitoring. Each
//! exit decision keeps the criteria it checked, the value found, the threshold and its source.

pub mod attachment;
pub mod cases;
pub mod chain;
pub mod correction;
pub mod crosscheck;
pub mod household;
pub mod monitoring;
pub mod procedure;
pub mod tasks;
pub mod village;

use crate::registry::HouseholdStatus;
use std::borrow::Cow;

crate::labelled_enum! {
    /// What an applied assessment recorded for a household in a year (assessment_outcomes.csv).
    pub enum Outcome {
        Exited = ("exited", "脱贫"),
        Returned = ("returned", "返贫"),
        Monitored = ("monitored", "纳入监测"),
        RiskRemoved = ("risk_removed", "风险消除"),
    }
}

/// Why `on` cannot be the day the assessment of `year` was decided: a day after `today` has not
/// happened, and a year is not judged before it starts.
pub fn decided_on_problem(
    year: i32,
    on: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Option<String> {
    use chrono::Datelike;
    if on > today {
        return Some(format!(
            "决定日期 {on} 晚于今天 {today} / the day decided, {on}, is after today ({today})"
        ));
    }
    if on.year() < year {
        return Some(format!(
            "决定日期 {on} 早于 {year} 年 / the day decided, {on}, is before {year}"
        ));
    }
    None
}

/// The rule that judges a household in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// §3: poor or returned at the start of the year — may it exit?
    Exit,
    /// §5: exited or monitored before the year — is it at risk, or back in poverty?
    Monitoring,
}

/// Which section judges a household in `year`, from its status, identification year and exit
/// year at the start of the year; None for one not identified yet or removed.
pub fn section_for(
    status: HouseholdStatus,
    identified_year: i32,
    exit_year: Option<i32>,
    year: i32,
) -> Option<Section> {
    if crate::education::coverage::poor_at_start_of(status, identified_year, exit_year, year) {
        Some(Section::Exit)
    } else if identified_year <= year
        && matches!(status, HouseholdStatus::Exited | HouseholdStatus::Monitored)
    {
        Some(Section::Monitoring)
    } else {
        None
    }
}

#[cfg(test)]
mod section_tests {
    use super::*;
    use HouseholdStatus::*;

    #[test]
    fn each_household_is_judged_by_one_section() {
        assert_eq!(section_for(Poor, 2014, None, 2016), Some(Section::Exit));
        assert_eq!(section_for(Returned, 2014, None, 2016), Some(Section::Exit));
        // Exited in 2016 itself: still poor at the start of 2016.
        assert_eq!(
            section_for(Exited, 2014, Some(2016), 2016),
            Some(Section::Exit)
        );
        assert_eq!(
            section_for(Exited, 2014, Some(2015), 2016),
            Some(Section::Monitoring)
        );
        assert_eq!(
            section_for(Monitored, 2014, Some(2015), 2016),
            Some(Section::Monitoring)
        );
        assert_eq!(section_for(Poor, 2017, None, 2016), None);
        assert_eq!(section_for(Removed, 2014, None, 2016), None);
    }
}

/// One criterion as checked: what was found against what was needed, and where the threshold
/// comes from — what the "why" view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<C> {
    pub criterion: C,
    pub passed: bool,
    /// The value found, as shown (yuan with two decimals, a list of members …). Fixed texts are
    /// borrowed: the assessment judges every household of a province and shows few.
    pub value: Cow<'static, str>,
    /// What was needed, as shown.
    pub threshold: Cow<'static, str>,
    pub source: Cow<'static, str>,
}

/// A decision: every criterion checked, in the order of rules.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<C> {
    pub findings: Vec<Finding<C>>,
}

impl<C: Copy> Decision<C> {
    pub fn eligible(&self) -> bool {
        self.findings.iter().all(|f| f.passed)
    }

    /// The criteria that failed, in order.
    pub fn failed(&self) -> Vec<C> {
        self.findings
            .iter()
            .filter(|f| !f.passed)
            .map(|f| f.criterion)
            .collect()
    }
}
