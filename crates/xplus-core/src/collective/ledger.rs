//! The share ledger of one project: holdings are the running sum of grant (+) and reclaim (−)
//! events; a holding never goes below zero and the households together never hold more than the
//! project's total shares less its investors' (the rest is the village pool).

use super::ShareEventKind;
use crate::values::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerEvent {
    /// Any key that identifies the household within the project.
    pub household: u32,
    pub date: Date,
    pub kind: ShareEventKind,
    pub shares: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerViolation {
    /// The reclaim takes more than the household holds on that day.
    BelowZero { held: i64 },
    /// The grant gives more than is left in the pool on that day.
    BeyondPool { pool: i64 },
    /// An event of zero or fewer shares moves nothing and is not a valid ledger entry.
    NotPositive,
    /// The investors' shares (社会资本入股) leave the households less than they hold: more than
    /// the project's total, or more than the total less what the households hold.
    BeyondInvestors { investors: i64, total: i64 },
}

impl LedgerViolation {
    pub fn describe(&self) -> String {
        match self {
            LedgerViolation::BelowZero { held } => format!(
                "收回股数超过持有股数（当时持有 {held} 股）/ reclaims more shares than held ({held}) — collective equity rules"
            ),
            LedgerViolation::BeyondPool { pool } => format!(
                "配股超过村集体股池剩余（当时剩余 {pool} 股）/ grants more shares than left in the pool ({pool}) — collective equity rules"
            ),
            LedgerViolation::NotPositive => {
                "股数须为正数 / the number of shares must be positive — collective equity rules".to_string()
            }
            LedgerViolation::BeyondInvestors { investors, total } => format!(
                "投资方持股 {investors} 股加上农户配股超过项目总股数 {total} 股 / the investors' {investors} shares and the households' exceed the project's {total} shares — collective equity rules"
            ),
        }
    }
}

/// Replays a project's events in date order (on one day, reclaims before grants, so shares
/// taken back from one household can be granted to another the same day) and returns the
/// violating events by their index in `events`. A violating event is left out of the running
/// totals, so one mistake is reported once rather than cascading.
pub fn check(total_shares: i64, events: &[LedgerEvent]) -> Vec<(usize, LedgerViolation)> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| {
        let e = &events[i];
        (e.date, e.kind == ShareEventKind::Grant, i)
    });
    let mut holdings: std::collections::HashMap<u32, i64> = std::collections::HashMap::new();
    let mut held_total: i64 = 0;
    let mut violations = Vec::new();
    for i in order {
        let e = &events[i];
        if e.shares <= 0 {
            violations.push((i, LedgerViolation::NotPositive));
            continue;
        }
        let held = holdings.entry(e.household).or_insert(0);
        match e.kind {
            ShareEventKind::Grant => {
                let pool = total_shares - held_total;
                if e.shares > pool {
                    violations.push((i, LedgerViolation::BeyondPool { pool }));
                } else {
                    *held += e.shares;
                    held_total += e.shares;
                }
            }
            ShareEventKind::Reclaim => {
                if e.shares > *held {
                    violations.push((i, LedgerViolation::BelowZero { held: *held }));
                } else {
                    *held -= e.shares;
                    held_total -= e.shares;
                }
            }
        }
    }
    violations.sort_by_key(|(i, _)| *i);
    violations
}

/// The shares the households of a project may hold together: its total less what its investors
/// hold (社会资本入股 — their shares are not the village pool's). Investors holding more than the
/// total leave the households nothing and break the rule themselves.
pub fn households_total(total_shares: i64, investor_shares: i64) -> Result<i64, LedgerViolation> {
    if investor_shares > total_shares {
        return Err(LedgerViolation::BeyondInvestors {
            investors: investor_shares,
            total: total_shares,
        });
    }
    Ok(total_shares - investor_shares)
}

/// Shares a household holds at the end of `day` (events dated on or before it).
pub fn holding_on(events: &[LedgerEvent], household: u32, day: Date) -> i64 {
    events
        .iter()
        .filter(|e| e.household == household && e.date <= day)
        .map(|e| match e.kind {
            ShareEventKind::Grant => e.shares,
            ShareEventKind::Reclaim => -e.shares,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ShareEventKind::*;

    fn ev(household: u32, date: &str, kind: ShareEventKind, shares: i64) -> LedgerEvent {
        LedgerEvent {
            household,
            date: crate::values::parse_date(date).unwrap(),
            kind,
            shares,
        }
    }

    #[test]
    fn exactly_the_pool_is_fine_one_more_is_not() {
        let ok = [ev(1, "2016-01-01", Grant, 6), ev(2, "2016-01-01", Grant, 4)];
        assert!(check(10, &ok).is_empty());
        let over = [ev(1, "2016-01-01", Grant, 6), ev(2, "2016-01-02", Grant, 5)];
        assert_eq!(
            check(10, &over),
            vec![(1, LedgerViolation::BeyondPool { pool: 4 })]
        );
    }

    #[test]
    fn reclaim_all_is_fine_one_more_is_not() {
        let ok = [
            ev(1, "2016-01-01", Grant, 5),
            ev(1, "2017-01-01", Reclaim, 5),
        ];
        assert!(check(10, &ok).is_empty());
        let over = [
            ev(1, "2016-01-01", Grant, 5),
            ev(1, "2017-01-01", Reclaim, 6),
        ];
        assert_eq!(
            check(10, &over),
            vec![(1, LedgerViolation::BelowZero { held: 5 })]
        );
        // A reclaim dated before the grant holds nothing yet.
        let early = [
            ev(1, "2016-01-02", Grant, 5),
            ev(1, "2016-01-01", Reclaim, 1),
        ];
        assert_eq!(
            check(10, &early),
            vec![(1, LedgerViolation::BelowZero { held: 0 })]
        );
    }

    #[test]
    fn same_day_reclaim_frees_the_pool_for_a_grant() {
        let events = [
            ev(1, "2016-01-01", Grant, 10),
            ev(2, "2017-01-01", Grant, 10),
            ev(1, "2017-01-01", Reclaim, 10),
        ];
        assert!(check(10, &events).is_empty());
        assert_eq!(
            holding_on(&events, 2, crate::values::parse_date("2017-01-01").unwrap()),
            10
        );
    }

    #[test]
    fn events_must_move_shares() {
        let events = [
            ev(1, "2016-01-01", Grant, -3),
            ev(2, "2016-01-01", Reclaim, 0),
        ];
        assert_eq!(
            check(10, &events),
            vec![
                (0, LedgerViolation::NotPositive),
                (1, LedgerViolation::NotPositive)
            ]
        );
    }

    #[test]
    fn investors_shares_are_not_the_households_pool() {
        assert_eq!(households_total(100, 30), Ok(70));
        assert_eq!(households_total(100, 100), Ok(0));
        assert_eq!(
            households_total(100, 101),
            Err(LedgerViolation::BeyondInvestors {
                investors: 101,
                total: 100
            })
        );
        // 70 left to the households: 70 granted is fine, 71 is not.
        let pool = households_total(100, 30).unwrap();
        assert!(check(pool, &[ev(1, "2016-01-01", Grant, 70)]).is_empty());
        assert_eq!(
            check(pool, &[ev(1, "2016-01-01", Grant, 71)]),
            vec![(0, LedgerViolation::BeyondPool { pool: 70 })]
        );
        let said = households_total(10, 11).unwrap_err().describe();
        assert!(
            said.contains("投资方持股 11 股") && said.contains("10 shares"),
            "{said}"
        );
    }

    #[test]
    fn a_project_of_zero_shares_grants_nothing() {
        assert!(check(0, &[]).is_empty());
        assert_eq!(
            check(0, &[ev(1, "2016-01-01", Grant, 1)]),
            vec![(0, LedgerViolation::BeyondPool { pool: 0 })]
        );
    }
}
