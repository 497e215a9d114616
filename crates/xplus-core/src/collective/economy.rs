//! rules.md §9 village collective economy (empty-shell and strong villages) and §8 BOT: who holds
//! a collective asset on a day.

use crate::rules::RuleSet;
use crate::values::Date;
use crate::Fen;

/// Empty-shell village (空壳村): operating income of the year below the configured minimum
/// (50,000 yuan by default), or none at all — so that the strict variant, a minimum of zero,
/// means "no operating income" rather than nothing.
pub fn is_empty_shell(income: Fen, rules: &RuleSet) -> bool {
    income.0 <= 0 || income.0 < rules.collective_income_min.value.0
}

/// A village at or above the strong-village income of the "50% over 100,000 yuan" goal.
pub fn is_strong(income: Fen, rules: &RuleSet) -> bool {
    income.0 >= rules.collective_strong_income.value.0
}

/// The years a village may be planned to stop being empty-shell (空壳村消除计划): the
/// programme's first year to the latest plausible sequel, so that a typing slip (2071, 1917) is
/// refused at the border.
pub const PLAN_FIRST_YEAR: i64 = 2014;
pub const PLAN_LAST_YEAR: i64 = 2035;

crate::labelled_enum! {
    /// Where a village of the empty-shell plan stands at the end of a year.
    pub enum PlanStatus {
        Cleared = ("cleared", "已消除"),
        OnPlan = ("on_plan", "按计划"),
        Overdue = ("overdue", "逾期"),
    }
}

/// The "3年消灭空壳村" plan for one village in `year`: cleared once its operating income of the
/// year is no longer empty-shell (§9, [`is_empty_shell`]); otherwise on plan while its planned
/// year is still ahead, overdue from the planned year itself (the plan means "no longer
/// empty-shell in that year"). A year without recorded income shows no operating income, so it
/// does not clear the village.
pub fn plan_status(
    income: Option<Fen>,
    planned_year: i32,
    year: i32,
    rules: &RuleSet,
) -> PlanStatus {
    if income.is_some_and(|i| !is_empty_shell(i, rules)) {
        PlanStatus::Cleared
    } else if planned_year > year {
        PlanStatus::OnPlan
    } else {
        PlanStatus::Overdue
    }
}

/// Who holds a collective project's asset on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetHolder {
    /// No concession: the village collective's throughout.
    Village,
    /// Run by the BOT enterprise until the end of its concession.
    Concession { end: Option<Date> },
    /// The concession ended: the asset passed to the village without payment on its end date.
    PassedToVillage { on: Date },
}

/// rules.md §8 BOT: a project with a concession enterprise is the enterprise's to run until the
/// end date; from that day it is the village collective's. A concession without an end date
/// stays with the enterprise.
pub fn asset_holder(has_enterprise: bool, concession_end: Option<Date>, on: Date) -> AssetHolder {
    match (has_enterprise, concession_end) {
        (false, _) => AssetHolder::Village,
        (true, Some(end)) if end <= on => AssetHolder::PassedToVillage { on: end },
        (true, end) => AssetHolder::Concession { end },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        crate::values::parse_date(s).unwrap()
    }

    #[test]
    fn empty_shell_below_the_line_strong_from_it() {
        let rules = RuleSet::default();
        assert!(is_empty_shell(Fen::from_yuan(50_000) - Fen(1), &rules));
        assert!(
            !is_empty_shell(Fen::from_yuan(50_000), &rules),
            "on the line"
        );
        assert!(is_empty_shell(Fen(0), &rules));
        assert!(!is_strong(Fen::from_yuan(100_000) - Fen(1), &rules));
        assert!(is_strong(Fen::from_yuan(100_000), &rules), "on the line");
        let strict = RuleSet {
            collective_income_min: crate::rules::Sourced {
                value: Fen(0),
                source: rules.collective_income_min.source.clone(),
            },
            ..RuleSet::default()
        };
        assert!(is_empty_shell(Fen(0), &strict), "no operating income");
        assert!(!is_empty_shell(Fen(1), &strict), "one fen is some");
    }

    #[test]
    fn a_planned_village_is_cleared_on_plan_or_overdue() {
        let rules = RuleSet::default();
        let poor = Some(Fen::from_yuan(20_000));
        let enough = Some(Fen::from_yuan(50_000));
        assert_eq!(plan_status(enough, 2017, 2016, &rules), PlanStatus::Cleared);
        assert_eq!(plan_status(enough, 2015, 2016, &rules), PlanStatus::Cleared);
        assert_eq!(plan_status(poor, 2017, 2016, &rules), PlanStatus::OnPlan);
        assert_eq!(
            plan_status(poor, 2016, 2016, &rules),
            PlanStatus::Overdue,
            "in the planned year itself"
        );
        assert_eq!(
            plan_status(None, 2015, 2016, &rules),
            PlanStatus::Overdue,
            "no income, no clearing"
        );
        assert_eq!(plan_status(None, 2018, 2016, &rules), PlanStatus::OnPlan);
    }

    #[test]
    fn a_bot_asset_passes_to_the_village_on_its_end_date() {
        let end = d("2026-12-31");
        assert_eq!(
            asset_holder(true, Some(end), d("2026-12-30")),
            AssetHolder::Concession { end: Some(end) }
        );
        assert_eq!(
            asset_holder(true, Some(end), end),
            AssetHolder::PassedToVillage { on: end }
        );
        assert_eq!(
            asset_holder(true, None, d("2099-01-01")),
            AssetHolder::Concession { end: None }
        );
        assert_eq!(asset_holder(false, Some(end), end), AssetHolder::Village);
    }
}
