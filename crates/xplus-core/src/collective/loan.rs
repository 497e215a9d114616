//! Equity-pledge loans (农权贷, rules.md §8).

use crate::money::Fen;
use crate::rules::RuleSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanTerms {
    pub pledged_shares: i64,
    /// Shares the household holds in the project when the loan starts.
    pub shares_held: i64,
    pub share_value: Fen,
    pub amount: Fen,
    pub term_months: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoanViolation {
    PledgeExceedsHolding { pledged: i64, held: i64 },
    AmountOverCap { cap: Fen, multiple: i64 },
    TermTooLong { max: i64 },
}

impl LoanViolation {
    /// The column of loans.csv the violation is about.
    pub fn column(&self) -> &'static str {
        match self {
            LoanViolation::PledgeExceedsHolding { .. } => "pledged_shares",
            LoanViolation::AmountOverCap { .. } => "amount",
            LoanViolation::TermTooLong { .. } => "term_months",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            LoanViolation::PledgeExceedsHolding { pledged, held } => format!(
                "质押股数 {pledged} 超过持有股数 {held} / pledges {pledged} shares but holds {held} — collective equity rules"
            ),
            LoanViolation::AmountOverCap { cap, multiple } => format!(
                "贷款金额超过质押股权价值的{multiple}倍（上限 {cap} 元）/ amount over {multiple}× the pledged value (cap {cap} yuan) — equity-backed loan rules"
            ),
            LoanViolation::TermTooLong { max } => format!(
                "贷款期限超过{max}个月 / term longer than {max} months — equity-backed loan rules"
            ),
        }
    }
}

/// Every cap of rules.md §8 the loan breaks (empty when it may be issued).
pub fn check(terms: &LoanTerms, rules: &RuleSet) -> Vec<LoanViolation> {
    let mut out = Vec::new();
    if terms.pledged_shares > terms.shares_held {
        out.push(LoanViolation::PledgeExceedsHolding {
            pledged: terms.pledged_shares,
            held: terms.shares_held,
        });
    }
    let multiple = rules.loan_value_multiple.value;
    let cap = terms
        .share_value
        .checked_mul(terms.pledged_shares)
        .and_then(|v| v.checked_mul(multiple))
        .unwrap_or(Fen(i64::MAX));
    if terms.amount > cap {
        out.push(LoanViolation::AmountOverCap { cap, multiple });
    }
    let max = rules.loan_max_term_months.value;
    if terms.term_months > max {
        out.push(LoanViolation::TermTooLong { max });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(amount: i64, term: i64) -> LoanTerms {
        LoanTerms {
            pledged_shares: 10,
            shares_held: 10,
            share_value: Fen(10_000),
            amount: Fen(amount),
            term_months: term,
        }
    }

    #[test]
    fn exactly_eight_times_and_sixty_months_pass() {
        let rules = RuleSet::default();
        assert!(check(&terms(800_000, 60), &rules).is_empty());
        assert_eq!(
            check(&terms(800_001, 60), &rules),
            vec![LoanViolation::AmountOverCap {
                cap: Fen(800_000),
                multiple: 8
            }]
        );
        assert_eq!(
            check(&terms(1, 61), &rules),
            vec![LoanViolation::TermTooLong { max: 60 }]
        );
    }

    #[test]
    fn cannot_pledge_more_than_held() {
        let mut t = terms(1, 12);
        t.shares_held = 9;
        assert_eq!(
            check(&t, &RuleSet::default()),
            vec![LoanViolation::PledgeExceedsHolding {
                pledged: 10,
                held: 9
            }]
        );
        t.shares_held = 0;
        t.pledged_shares = 0;
        t.amount = Fen(0);
        assert!(check(&t, &RuleSet::default()).is_empty());
    }
}
