//! Property tests of the rules: the share ledger and pledge loans (§8), pairing successors (§7).

mod common;

use common::*;
use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;

use xplus_core::backbone::pairing::{ends_without_successor, Span};
use xplus_core::collective::ledger::{self, LedgerEvent, LedgerViolation};
use xplus_core::collective::loan::{self, LoanTerms, LoanViolation};
use xplus_core::collective::ShareEventKind;
use xplus_core::money::Fen;
use xplus_core::rules::RuleSet;
use xplus_core::values::Date;

// ---------------------------------------------------------------------------------------------
// Share ledger (rules.md §8)
// ---------------------------------------------------------------------------------------------

const HOUSEHOLDS: u32 = 4;

fn ledger_day(n: u64) -> Date {
    plus_days(ymd(2016, 1, 1), n)
}

/// A few households, a dozen days (so same-day grants and reclaims are common), more grants
/// than reclaims.
fn ledger_events() -> impl Strategy<Value = Vec<LedgerEvent>> {
    prop::collection::vec(
        (
            0..HOUSEHOLDS,
            0u64..12,
            prop::bool::weighted(0.6),
            0i64..=20,
        )
            .prop_map(|(household, day, grant, shares)| LedgerEvent {
                household,
                date: ledger_day(day),
                kind: if grant {
                    ShareEventKind::Grant
                } else {
                    ShareEventKind::Reclaim
                },
                shares,
            }),
        0..30,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn ledger_flags_exactly_the_events_that_would_break_it(
        total in 0i64..50,
        events in ledger_events(),
    ) {
        let reported = ledger::check(total, &events);
        let indices: Vec<usize> = reported.iter().map(|(i, _)| *i).collect();
        let mut sorted = indices.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(&indices, &sorted, "violations sorted by index, each once");
        let flagged: HashMap<usize, LedgerViolation> = reported.into_iter().collect();

        // Replay: by date, reclaims before grants on one day, then by index.
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| {
            let rank = match events[i].kind {
                ShareEventKind::Reclaim => 0,
                ShareEventKind::Grant => 1,
            };
            (events[i].date, rank, i)
        });
        let mut held: HashMap<u32, i64> = HashMap::new();
        let mut sum = 0i64;
        for i in order {
            let e = events[i];
            let h = held.get(&e.household).copied().unwrap_or(0);
            let (new_h, new_sum) = match e.kind {
                ShareEventKind::Grant => (h + e.shares, sum + e.shares),
                ShareEventKind::Reclaim => (h - e.shares, sum - e.shares),
            };
            let breaks = new_h < 0 || new_sum > total;
            match flagged.get(&i) {
                None => {
                    prop_assert!(!breaks, "event {} {:?} breaks the ledger unflagged", i, e);
                    held.insert(e.household, new_h);
                    sum = new_sum;
                }
                Some(LedgerViolation::BeyondPool { pool }) => {
                    prop_assert_eq!(e.kind, ShareEventKind::Grant);
                    prop_assert!(new_sum > total, "event {} flagged but fits the pool", i);
                    prop_assert_eq!(*pool, total - sum);
                }
                Some(LedgerViolation::BelowZero { held: was }) => {
                    prop_assert_eq!(e.kind, ShareEventKind::Reclaim);
                    prop_assert!(new_h < 0, "event {} flagged but was covered", i);
                    prop_assert_eq!(*was, h);
                }
                Some(LedgerViolation::NotPositive) => {
                    prop_assert!(e.shares <= 0, "event {} of {} shares flagged", i, e.shares);
                }
                Some(v @ LedgerViolation::BeyondInvestors { .. }) => {
                    prop_assert!(false, "check never speaks of investors: {:?}", v);
                }
            }
            prop_assert!(held.values().all(|&v| v >= 0));
            prop_assert!(held.values().sum::<i64>() == sum && sum <= total);
        }

        // The accepted events are a clean ledger whose holdings are the replayed ones.
        let accepted: Vec<LedgerEvent> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| !flagged.contains_key(i))
            .map(|(_, e)| *e)
            .collect();
        prop_assert_eq!(ledger::check(total, &accepted), vec![]);
        for h in 0..HOUSEHOLDS {
            prop_assert_eq!(
                ledger::holding_on(&accepted, h, ledger_day(30)),
                held.get(&h).copied().unwrap_or(0)
            );
        }
    }

    #[test]
    fn ledger_a_zero_holding_may_take_the_whole_pool_and_no_more(
        total in 0i64..50,
        events in ledger_events(),
        existing: bool,
    ) {
        let flagged: BTreeSet<usize> = ledger::check(total, &events).into_iter().map(|(i, _)| i).collect();
        let accepted: Vec<LedgerEvent> = events
            .iter()
            .enumerate()
            .filter(|(i, _)| !flagged.contains(i))
            .map(|(_, e)| *e)
            .collect();
        let after = ledger_day(20);
        let holdings: Vec<i64> =
            (0..HOUSEHOLDS).map(|h| ledger::holding_on(&accepted, h, after)).collect();
        let pool = total - holdings.iter().sum::<i64>();
        prop_assert!(pool >= 0);
        // A household of the project holding nothing, or a newcomer.
        let household = if existing {
            (0..HOUSEHOLDS).find(|&h| holdings[h as usize] == 0).unwrap_or(99)
        } else {
            99
        };
        let grant = |shares| LedgerEvent {
            household,
            date: after,
            kind: ShareEventKind::Grant,
            shares,
        };
        // A grant of nothing is not a ledger entry, so "exactly the pool" needs a pool.
        if pool > 0 {
            let mut exact = accepted.clone();
            exact.push(grant(pool));
            prop_assert_eq!(ledger::check(total, &exact), vec![]);
        }
        let mut over = accepted.clone();
        over.push(grant(pool + 1));
        prop_assert_eq!(
            ledger::check(total, &over),
            vec![(accepted.len(), LedgerViolation::BeyondPool { pool })]
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Equity-pledge loans (rules.md §8)
// ---------------------------------------------------------------------------------------------

fn loan_terms(pledged: i64, held: i64, share_value: i64, amount: i64, term: i64) -> LoanTerms {
    LoanTerms {
        pledged_shares: pledged,
        shares_held: held,
        share_value: Fen(share_value),
        amount: Fen(amount),
        term_months: term,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn loan_cap_is_exactly_eight_times_the_pledged_value(
        pledged in 0i64..=1000,
        spare in 0i64..=100,
        share_value in 0i64..=10_000_000,
        term in 1i64..=60,
    ) {
        let rules = RuleSet::default();
        prop_assert_eq!(rules.loan_value_multiple.value, 8);
        let cap = 8 * pledged * share_value;
        let at_cap = loan_terms(pledged, pledged + spare, share_value, cap, term);
        prop_assert_eq!(loan::check(&at_cap, &rules), vec![]);
        let over = loan_terms(pledged, pledged + spare, share_value, cap + 1, term);
        prop_assert_eq!(
            loan::check(&over, &rules),
            vec![LoanViolation::AmountOverCap { cap: Fen(cap), multiple: 8 }]
        );
    }

    #[test]
    fn loan_term_is_at_most_sixty_months(long in 61i64..=1200, amount in 0i64..=800_000) {
        let rules = RuleSet::default();
        prop_assert_eq!(rules.loan_max_term_months.value, 60);
        prop_assert_eq!(loan::check(&loan_terms(10, 10, 10_000, amount, 60), &rules), vec![]);
        prop_assert_eq!(
            loan::check(&loan_terms(10, 10, 10_000, amount, 61), &rules),
            vec![LoanViolation::TermTooLong { max: 60 }]
        );
        prop_assert_eq!(
            loan::check(&loan_terms(10, 10, 10_000, amount, long), &rules),
            vec![LoanViolation::TermTooLong { max: 60 }]
        );
    }

    #[test]
    fn loan_pledge_at_most_the_holding(held in 0i64..=1000, delta in -3i64..=3) {
        // Pledges at and around the holding, where the boundary is.
        let pledged = (held + delta).max(0);
        let got = loan::check(&loan_terms(pledged, held, 10_000, 0, 12), &RuleSet::default());
        if pledged <= held {
            prop_assert_eq!(got, vec![]);
        } else {
            prop_assert_eq!(got, vec![LoanViolation::PledgeExceedsHolding { pledged, held }]);
        }
    }

    #[test]
    fn loan_violations_match_an_exact_computation(
        pledged in 0i64..=200,
        held in 0i64..=200,
        share_value in 0i64..=1_000_000,
        amount in 0i64..=2_000_000_000,
        term in 1i64..=120,
        multiple in 1i64..=12,
        max_term in 1i64..=120,
    ) {
        let mut rules = RuleSet::default();
        rules.loan_value_multiple.value = multiple;
        rules.loan_max_term_months.value = max_term;
        let cap = i128::from(multiple) * i128::from(pledged) * i128::from(share_value);
        let mut expected = Vec::new();
        if pledged > held {
            expected.push(LoanViolation::PledgeExceedsHolding { pledged, held });
        }
        if i128::from(amount) > cap {
            expected.push(LoanViolation::AmountOverCap { cap: Fen(cap as i64), multiple });
        }
        if term > max_term {
            expected.push(LoanViolation::TermTooLong { max: max_term });
        }
        prop_assert_eq!(
            loan::check(&loan_terms(pledged, held, share_value, amount, term), &rules),
            expected
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Pairing successors (rules.md §7)
// ---------------------------------------------------------------------------------------------

fn pairing_day(n: u64) -> Date {
    plus_days(ymd(2016, 1, 1), n)
}

fn spans() -> impl Strategy<Value = Vec<Span>> {
    prop::collection::vec(
        (0u64..40, prop::option::weighted(0.8, 0u64..20)).prop_map(|(start, len)| Span {
            start: pairing_day(start),
            end: len.map(|l| pairing_day(start + l)),
        }),
        0..7,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_pairing_end_is_reported_iff_nobody_covers_the_next_day(spans in spans()) {
        // Every day each span covers, enumerated (an open end runs past the window).
        let horizon = pairing_day(100);
        let covered: Vec<BTreeSet<Date>> = spans
            .iter()
            .map(|s| {
                let last = s.end.unwrap_or(horizon);
                let mut days = BTreeSet::new();
                let mut d = s.start;
                while d <= last {
                    days.insert(d);
                    d = d.succ_opt().unwrap();
                }
                days
            })
            .collect();
        let expected: Vec<usize> = (0..spans.len())
            .filter(|&i| match spans[i].end {
                None => false,
                Some(end) => {
                    let next = end.succ_opt().unwrap();
                    !(0..spans.len()).any(|j| j != i && covered[j].contains(&next))
                }
            })
            .collect();
        prop_assert_eq!(ends_without_successor(&spans), expected);
    }
}
