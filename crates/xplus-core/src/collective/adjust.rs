//! rules.md §8 dynamic adjustment, run when a year's assessment is applied: shares follow the
//! household. On Jan 1 of Y+1 (after Y's dividends) a household that exited in Y gives back all
//! its shares, except those pledged to an unpaid loan, which stay (flagged) until it is repaid —
//! a later year's adjustment reclaims them then (an exited household still holding shares).
//! Then poor and returned households of the project's village that hold none of its shares are
//! granted `shares_per_household` from the pool — returned households first, then the lowest
//! per-capita income, then the smaller household id — while the pool lasts.

use super::ShareEventKind;
use crate::money::Fen;
use crate::registry::HouseholdStatus;
use std::collections::BTreeMap;

/// A project as the adjustment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool<K> {
    pub project: K,
    pub village: u64,
    pub shares_per_household: i64,
    pub total_shares: i64,
}

/// A household as the adjustment sees it, after the year's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<K> {
    pub household: K,
    pub village: u64,
    pub status: HouseholdStatus,
    /// The year it exited, if it did.
    pub exit_year: Option<i32>,
    /// Per-capita net income of the year; None when no income is recorded (sorted after those
    /// with a figure: the office has to look at them, but not before the known poorest).
    pub per_capita_income: Option<Fen>,
}

/// One household's holding of one project on Dec 31 of the year, with the shares pledged to
/// loans that are not repaid on Jan 1 of the next year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held<K> {
    pub project: K,
    pub household: K,
    pub shares: i64,
    pub pledged: i64,
}

/// A share event the adjustment writes, dated Jan 1 of Y+1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment<K> {
    pub project: K,
    pub household: K,
    pub kind: ShareEventKind,
    pub shares: i64,
}

/// Shares an exited household keeps because they are pledged (reported, not reclaimed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPledged<K> {
    pub project: K,
    pub household: K,
    pub shares: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentPlan<K> {
    /// Reclaims first, then grants, each in project then household order of the rule.
    pub events: Vec<Adjustment<K>>,
    pub kept_pledged: Vec<KeptPledged<K>>,
    /// Poor or returned households left without shares of a village project because its pool ran
    /// out, per project.
    pub unserved: Vec<(K, K)>,
}

/// The adjustment of `year` for `pools`, given `holdings` on Dec 31 and the `households`.
pub fn adjust<K: Ord + Clone>(
    year: i32,
    pools: &[Pool<K>],
    holdings: &[Held<K>],
    households: &[Candidate<K>],
) -> AdjustmentPlan<K> {
    let by_id: BTreeMap<&K, &Candidate<K>> = households.iter().map(|h| (&h.household, h)).collect();
    let mut held: BTreeMap<(&K, &K), i64> = BTreeMap::new();
    let mut events = Vec::new();
    let mut kept_pledged = Vec::new();
    let mut holdings: Vec<&Held<K>> = holdings.iter().filter(|h| h.shares > 0).collect();
    holdings.sort_by(|a, b| (&a.project, &a.household).cmp(&(&b.project, &b.household)));
    for h in holdings {
        // Exited in the year, or earlier with shares kept then because they were pledged (the
        // loan is repaid now, or they stay pledged and are kept again).
        let exited = by_id.get(&h.household).is_some_and(|c| {
            matches!(
                c.status,
                HouseholdStatus::Exited | HouseholdStatus::Monitored
            ) && c.exit_year.is_some_and(|y| y <= year)
        });
        let pledged = h.pledged.clamp(0, h.shares);
        let mut keep = h.shares;
        if exited {
            let reclaim = h.shares - pledged;
            if reclaim > 0 {
                events.push(Adjustment {
                    project: h.project.clone(),
                    household: h.household.clone(),
                    kind: ShareEventKind::Reclaim,
                    shares: reclaim,
                });
            }
            if pledged > 0 {
                kept_pledged.push(KeptPledged {
                    project: h.project.clone(),
                    household: h.household.clone(),
                    shares: pledged,
                });
            }
            keep = pledged;
        }
        if keep > 0 {
            held.insert((&h.project, &h.household), keep);
        }
    }
    let mut queue: Vec<&Candidate<K>> = households
        .iter()
        .filter(|c| matches!(c.status, HouseholdStatus::Poor | HouseholdStatus::Returned))
        .collect();
    queue.sort_by(|a, b| {
        let returned = |c: &Candidate<K>| c.status != HouseholdStatus::Returned;
        let income = |c: &Candidate<K>| match c.per_capita_income {
            Some(f) => (0, f.0),
            None => (1, 0),
        };
        (returned(a), income(a), &a.household).cmp(&(returned(b), income(b), &b.household))
    });
    // The queue per village, in the order above: each pool reads only its village's households.
    let mut by_village: BTreeMap<u64, Vec<&Candidate<K>>> = BTreeMap::new();
    for c in queue {
        by_village.entry(c.village).or_default().push(c);
    }
    let mut held_per_project: BTreeMap<&K, i64> = BTreeMap::new();
    for ((project, _), shares) in &held {
        *held_per_project.entry(*project).or_default() += *shares;
    }
    let mut unserved = Vec::new();
    let mut pools: Vec<&Pool<K>> = pools.iter().collect();
    pools.sort_by(|a, b| a.project.cmp(&b.project));
    for p in pools {
        let mut pool = p.total_shares - held_per_project.get(&p.project).copied().unwrap_or(0);
        let Some(candidates) = by_village.get(&p.village) else {
            continue;
        };
        for c in candidates {
            if held.contains_key(&(&p.project, &c.household)) {
                continue;
            }
            if p.shares_per_household <= 0 || pool < p.shares_per_household {
                unserved.push((p.project.clone(), c.household.clone()));
                continue;
            }
            pool -= p.shares_per_household;
            events.push(Adjustment {
                project: p.project.clone(),
                household: c.household.clone(),
                kind: ShareEventKind::Grant,
                shares: p.shares_per_household,
            });
        }
    }
    AdjustmentPlan {
        events,
        kept_pledged,
        unserved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pool(project: &str, spp: i64, total: i64) -> Pool<String> {
        Pool {
            project: project.into(),
            village: 1,
            shares_per_household: spp,
            total_shares: total,
        }
    }

    fn cand(
        id: &str,
        status: HouseholdStatus,
        exit: Option<i32>,
        income: Option<i64>,
    ) -> Candidate<String> {
        Candidate {
            household: id.into(),
            village: 1,
            status,
            exit_year: exit,
            per_capita_income: income.map(Fen),
        }
    }

    fn held(project: &str, household: &str, shares: i64, pledged: i64) -> Held<String> {
        Held {
            project: project.into(),
            household: household.into(),
            shares,
            pledged,
        }
    }

    fn short(plan: &AdjustmentPlan<String>) -> Vec<String> {
        plan.events
            .iter()
            .map(|e| {
                format!(
                    "{}:{}{}{}",
                    e.project,
                    e.household,
                    if e.kind == ShareEventKind::Grant {
                        "+"
                    } else {
                        "-"
                    },
                    e.shares
                )
            })
            .collect()
    }

    #[test]
    fn exits_give_back_except_pledged_then_returned_and_poorest_first_while_the_pool_lasts() {
        use HouseholdStatus::*;
        let households = vec![
            cand("H1", Exited, Some(2016), Some(500_000)),
            cand("H2", Exited, Some(2016), Some(600_000)),
            cand("H3", Poor, None, Some(200_000)),
            cand("H4", Poor, None, Some(100_000)),
            cand("H5", Returned, None, Some(900_000)),
            cand("H6", Poor, None, None),
            cand("H7", Exited, Some(2015), Some(800_000)),
        ];
        // Pool of 20 at 5 a household: H1, H2 and H7 hold 5 each (5 left in the pool). H7
        // exited in 2015 and kept its shares (they were pledged then); repaid now, they go back.
        let holdings = vec![
            held("P1", "H1", 5, 0),
            held("P1", "H2", 5, 3),
            held("P1", "H7", 5, 0),
        ];
        let plan = adjust(2016, &[pool("P1", 5, 20)], &holdings, &households);
        // H1 gives back 5, H2 keeps its 3 pledged shares (gives back 2), H7 gives back 5.
        // Pool: 20 - 3 = 17 → three grants of 5: H5 (returned), H4 and H3 (lowest incomes).
        assert_eq!(
            short(&plan),
            vec!["P1:H1-5", "P1:H2-2", "P1:H7-5", "P1:H5+5", "P1:H4+5", "P1:H3+5"]
        );
        assert_eq!(plan.kept_pledged.len(), 1);
        assert_eq!(plan.kept_pledged[0].shares, 3);
        let unserved: Vec<&str> = plan.unserved.iter().map(|(_, h)| h.as_str()).collect();
        assert_eq!(unserved, vec!["H6"], "no income recorded sorts last");
    }

    #[test]
    fn a_returned_household_keeps_its_shares_though_it_exited_in_the_year() {
        let households = vec![cand("H1", HouseholdStatus::Returned, Some(2016), Some(1))];
        let plan = adjust(
            2016,
            &[pool("P1", 5, 10)],
            &[held("P1", "H1", 5, 0)],
            &households,
        );
        assert!(plan.events.is_empty(), "{:?}", plan.events);
    }

    #[test]
    fn a_holding_of_zero_and_an_empty_village_change_nothing() {
        let households = vec![cand("H1", HouseholdStatus::Exited, Some(2016), None)];
        let plan = adjust(
            2016,
            &[pool("P1", 5, 10)],
            &[held("P1", "H1", 0, 0)],
            &households,
        );
        assert!(plan.events.is_empty() && plan.unserved.is_empty());
        let plan = adjust::<String>(2016, &[pool("P1", 5, 10)], &[], &[]);
        assert!(plan.events.is_empty());
    }

    proptest! {
        #[test]
        fn shares_are_conserved_and_the_pool_never_goes_below_zero(
            total in 0i64..200,
            spp in 1i64..20,
            people in proptest::collection::vec((0u8..5, 0i64..30, 0i64..30, proptest::option::of(0i64..1_000_000)), 0..30),
        ) {
            let statuses = [
                HouseholdStatus::Poor,
                HouseholdStatus::Returned,
                HouseholdStatus::Exited,
                HouseholdStatus::Monitored,
                HouseholdStatus::Removed,
            ];
            let mut households = Vec::new();
            let mut holdings = Vec::new();
            let mut left = total;
            for (i, (s, shares, pledged, income)) in people.iter().enumerate() {
                let id = format!("H{i:03}");
                let status = statuses[*s as usize];
                let exit = matches!(status, HouseholdStatus::Exited | HouseholdStatus::Monitored).then_some(2016 - (i as i32 % 2));
                households.push(cand(&id, status, exit, *income));
                let shares = (*shares).min(left);
                left -= shares;
                holdings.push(held("P1", &id, shares, *pledged));
            }
            let plan = adjust(2016, &[pool("P1", spp, total)], &holdings, &households);
            let mut after: BTreeMap<String, i64> = holdings.iter().map(|h| (h.household.clone(), h.shares)).collect();
            for e in &plan.events {
                let h = after.entry(e.household.clone()).or_default();
                match e.kind {
                    ShareEventKind::Grant => *h += e.shares,
                    ShareEventKind::Reclaim => *h -= e.shares,
                }
                prop_assert!(*h >= 0);
            }
            let held_total: i64 = after.values().sum();
            prop_assert!(held_total <= total, "{} > {}", held_total, total);
            // Exited (in the year or before): only pledged shares remain.
            for h in &holdings {
                let c = households.iter().find(|c| c.household == h.household).unwrap();
                let exited = matches!(c.status, HouseholdStatus::Exited | HouseholdStatus::Monitored);
                if exited && c.exit_year.is_some_and(|y| y <= 2016) {
                    prop_assert_eq!(after[&h.household], h.pledged.clamp(0, h.shares));
                }
            }
        }
    }
}
