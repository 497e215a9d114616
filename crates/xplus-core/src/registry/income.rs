//! Yearly household income (rules.md §2).

use crate::money::Fen;

/// One household's income record for one year, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YearlyIncome {
    pub wage: Fen,
    pub production: Fen,
    pub property: Fen,
    pub transfer: Fen,
    pub production_cost: Fen,
    pub medical_cost: Option<Fen>,
}

impl YearlyIncome {
    /// net = wage + production + property + transfer − production_cost (may be negative).
    pub fn net(&self) -> Fen {
        self.wage + self.production + self.property + self.transfer - self.production_cost
    }
}

/// Per-capita net income rounded half away from zero to the fen; None for a household without
/// members (it has no per-capita figure).
pub fn per_capita(net: Fen, members: i64) -> Option<Fen> {
    (members > 0).then(|| net.div_round(members))
}

/// An income of a year before `this_year` that is already stored is that year's record (book
/// of record): changing its amounts corrects the year — it needs a reason, and the year's report
/// lists it. Entering a year not recorded before is not a correction, nor is an income of this
/// year.
pub fn corrects_past_year(
    year: i32,
    this_year: i32,
    stored: Option<&YearlyIncome>,
    new: &YearlyIncome,
) -> bool {
    year < this_year && stored.is_some_and(|old| old != new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_may_be_negative_and_per_capita_rounds() {
        let y = YearlyIncome {
            wage: Fen(10_000),
            production: Fen(5_000),
            property: Fen(0),
            transfer: Fen(1),
            production_cost: Fen(20_000),
            medical_cost: None,
        };
        assert_eq!(y.net(), Fen(-4_999));
        assert_eq!(per_capita(Fen(10), 4), Some(Fen(3)));
        assert_eq!(per_capita(Fen(10), 0), None);
    }

    #[test]
    fn changing_a_past_years_stored_income_corrects_it() {
        let old = YearlyIncome {
            wage: Fen(100),
            ..Default::default()
        };
        let new = YearlyIncome {
            wage: Fen(200),
            ..Default::default()
        };
        assert!(corrects_past_year(2015, 2017, Some(&old), &new));
        assert!(!corrects_past_year(2015, 2017, Some(&old), &old));
        assert!(!corrects_past_year(2015, 2017, None, &new));
        assert!(!corrects_past_year(2017, 2017, Some(&old), &new));
    }
}
