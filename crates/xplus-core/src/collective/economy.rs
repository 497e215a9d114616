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
