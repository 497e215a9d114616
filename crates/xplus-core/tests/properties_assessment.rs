//! Property tests of the yearly assessment's rules (rules.md §3–5) and the secretaries' review,
//! each against a second statement of the rule written here with plain integer arithmetic.

use proptest::prelude::*;
use std::collections::BTreeMap;

use xplus_core::assessment::household::{assess_exit, ExitCriterion, HouseholdFacts, MemberFacts};
use xplus_core::assessment::monitoring::{assess_monitoring, MonitorFacts, MonitorOutcome};
use xplus_core::assessment::village::{assess_village, VillageCriterion, VillageFacts};
use xplus_core::backbone::review::{rank, weighted_total, Criterion};
use xplus_core::money::Fen;
use xplus_core::registry::Schooling;
use xplus_core::rules::{RuleSet, Sourced};

fn member(birth_year: i32, dropout: bool, insured: bool) -> MemberFacts {
    MemberFacts {
        name: "m".into(),
        birth_year,
        schooling: if dropout {
            Schooling::Dropout
        } else {
            Schooling::Primary
        },
        medical_insured: insured,
    }
}

proptest! {
    /// §3: eligible exactly when net > line × members, every assurance holds, no dropout aged
    /// 6–15 and everyone insured; the failures are exactly the criteria that do not hold.
    #[test]
    fn exit_is_every_criterion(
        line in 1i64..1_000_000,
        net in proptest::option::of(-2_000_000i64..10_000_000),
        members in prop::collection::vec((1990i32..2016, any::<bool>(), prop::bool::weighted(0.9)), 0..6),
        flags in prop::array::uniform4(prop::bool::weighted(0.9)),
    ) {
        let year = 2016;
        let h = HouseholdFacts {
            members: members.iter().map(|(b, d, i)| member(*b, *d, *i)).collect(),
            net_income: net.map(Fen),
            food_secure: flags[0],
            clothing_secure: flags[1],
            housing_safe: flags[2],
            water_safe: flags[3],
        };
        let line = Sourced { value: Fen(line), source: "test".into() };
        let d = assess_exit(&h, year, &line);
        let n = members.len() as i64;
        let mut want = Vec::new();
        if !net.is_some_and(|net| n > 0 && net > line.value.0 * n) { want.push(ExitCriterion::Income); }
        if !flags[0] { want.push(ExitCriterion::Food); }
        if !flags[1] { want.push(ExitCriterion::Clothing); }
        if members.iter().any(|(b, d, _)| *d && (6..=15).contains(&(year - b))) { want.push(ExitCriterion::Education); }
        if members.iter().any(|(_, _, i)| !i) { want.push(ExitCriterion::Medical); }
        if !flags[2] { want.push(ExitCriterion::Housing); }
        if !flags[3] { want.push(ExitCriterion::Water); }
        prop_assert_eq!(d.eligible(), want.is_empty());
        prop_assert_eq!(d.failed(), want);
    }

    /// §5: returned at or below the line; otherwise monitored exactly when below 1.5 × the
    /// line, medical spending above income or a warning is open; stable otherwise.
    #[test]
    fn monitoring_partitions_households(
        line in 1i64..1_000_000,
        members in 1i64..8,
        net in -1_000_000i64..20_000_000,
        medical in proptest::option::of(0i64..20_000_000),
        warning in any::<bool>(),
    ) {
        let f = MonitorFacts { members, net_income: Some(Fen(net)), medical_cost: medical.map(Fen), open_warning: warning, open_case: false };
        let out = assess_monitoring(&f, Fen(line), 150);
        let needed = line * members;
        let expected = if net <= needed {
            "returned"
        } else if 2 * net < 3 * needed || medical.is_some_and(|m| m > net) || warning {
            "monitored"
        } else {
            "stable"
        };
        let got = match out {
            MonitorOutcome::Returned => "returned",
            MonitorOutcome::Monitored(ref r) => { prop_assert!(!r.is_empty()); "monitored" }
            MonitorOutcome::Stable => "stable",
        };
        prop_assert_eq!(got, expected);
    }

    /// §4: incidence passes exactly when poor / population ≤ 2% (as rationals), income when
    /// it reaches the minimum.
    #[test]
    fn village_incidence_is_exact(
        population in 0i64..100_000,
        poor in 0i64..5_000,
        income in proptest::option::of(0i64..20_000_000),
    ) {
        let rules = RuleSet::default();
        let d = assess_village(&VillageFacts { population, poor_persons: poor, collective_income: income.map(Fen) }, &rules);
        let incidence_ok = population > 0 && (poor as i128) * 50 <= population as i128;
        prop_assert_eq!(!d.failed().contains(&VillageCriterion::Incidence), incidence_ok);
        prop_assert_eq!(!d.failed().contains(&VillageCriterion::CollectiveIncome), income.is_some_and(|i| i >= 5_000_000));
    }

    /// The review's total lies between the lowest and the highest score, and the ranking
    /// gives equal totals equal ranks and never skips more than the ties before it.
    #[test]
    fn review_totals_and_ranks(
        weights in prop::collection::vec(1u32..50, 1..6),
        scores in prop::collection::vec(prop::collection::vec(0u32..=100, 6), 1..12),
    ) {
        let criteria: Vec<Criterion> = weights.iter().enumerate()
            .map(|(i, w)| Criterion { code: format!("c{i}"), name: String::new(), weight: *w })
            .collect();
        let mut totals = Vec::new();
        for (k, s) in scores.iter().enumerate() {
            let map: BTreeMap<String, u32> = criteria.iter().zip(s).map(|(c, v)| (c.code.clone(), *v)).collect();
            let t = weighted_total(&map, &criteria).unwrap();
            let lo = map.values().min().unwrap() * 100;
            let hi = map.values().max().unwrap() * 100;
            prop_assert!(lo <= t && t <= hi, "{} not within {}..={}", t, lo, hi);
            totals.push((k, t));
        }
        let ranked = rank(&totals);
        for (i, (place, _, total)) in ranked.iter().enumerate() {
            let higher = ranked.iter().filter(|(_, _, t)| t > total).count() as u32;
            prop_assert_eq!(*place, higher + 1);
            if i > 0 { prop_assert!(ranked[i - 1].2 >= *total); }
        }
    }
}
