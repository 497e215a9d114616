//! rules.md §4 village exit (贫困村出列): poverty incidence at most 2% (the people of households
//! poor at the start of the year and not exit-eligible in it, over the village population) and
//! collective operating income at least 50,000 yuan (0 disables the income test).

use super::{Decision, Finding};
use crate::money::Fen;
use crate::rules::RuleSet;

crate::labelled_enum! {
    /// The criteria of §4, with the codes `assess` writes in `failed`.
    pub enum VillageCriterion {
        Incidence = ("incidence", "贫困发生率"),
        CollectiveIncome = ("collective_income", "村集体经营性收入"),
    }
}

/// One village as §4 reads it for year Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VillageFacts {
    /// villages.csv `population`.
    pub population: i64,
    /// Members of households poor or returned at the start of Y and not exit-eligible in Y.
    pub poor_persons: i64,
    /// Collective operating income of Y; None when not reported.
    pub collective_income: Option<Fen>,
}

/// Whether a household poor at the start of the year counts among §4's poor persons of its
/// village: when §3 finds it not eligible to exit, or when the exit procedure held it back (the
/// village's review did not agree, or an upheld objection withdrew it) — it stays poor whatever
/// §3 says. Its members are then counted.
pub fn counts_as_poor(exit_eligible: bool, held_back_by_procedure: bool) -> bool {
    !exit_eligible || held_back_by_procedure
}

/// Poverty incidence in ten-thousandths (basis points), rounded half up; None without a
/// population. The one rounding of incidence: the "why" view, the dashboard, `assess` and the
/// report all show this number (the §4 test itself compares exactly, never this rounding).
pub fn incidence_bp(poor_persons: i64, population: i64) -> Option<i64> {
    (population > 0).then(|| {
        let (p, n) = (i128::from(poor_persons.max(0)), i128::from(population));
        i64::try_from((p * 20_000 + n) / (2 * n)).unwrap_or(i64::MAX)
    })
}

/// Basis points as a percentage with two decimals: 25 → "0.25%".
pub fn format_bp_percent(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// Basis points as a fraction with four decimals, as interchange.md's `villages.csv` writes it:
/// 25 → "0.0025".
pub fn format_bp_fraction(bp: i64) -> String {
    format!("{}.{:04}", bp / 10_000, bp % 10_000)
}

pub fn assess_village(v: &VillageFacts, rules: &RuleSet) -> Decision<VillageCriterion> {
    let max_bp = rules.village_incidence_bp.value;
    // poor / population ≤ max_bp / 10,000, compared exactly in integers.
    let incidence_ok = v.population > 0
        && i128::from(v.poor_persons) * 10_000 <= i128::from(max_bp) * i128::from(v.population);
    let shown = format_bp_percent;
    let incidence = Finding {
        criterion: VillageCriterion::Incidence,
        passed: incidence_ok,
        value: match incidence_bp(v.poor_persons, v.population) {
            Some(bp) => format!("{}（{} / {}）", shown(bp), v.poor_persons, v.population).into(),
            None => "无户籍人口 / no population".into(),
        },
        threshold: format!("≤ {}", shown(max_bp)).into(),
        source: rules.village_incidence_bp.source.clone(),
    };
    let min = rules.collective_income_min.value;
    let income = Finding {
        criterion: VillageCriterion::CollectiveIncome,
        passed: min.0 == 0 || v.collective_income.is_some_and(|i| i >= min),
        value: match v.collective_income {
            Some(i) => i.to_string().into(),
            None => "未报 / not reported".into(),
        },
        threshold: if min.0 == 0 {
            "不考核 / not required".into()
        } else {
            format!("≥ {min}").into()
        },
        source: rules.collective_income_min.source.clone(),
    };
    Decision {
        findings: vec![incidence, income],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(poor: i64, population: i64, income: Option<i64>) -> VillageFacts {
        VillageFacts {
            population,
            poor_persons: poor,
            collective_income: income.map(Fen::from_yuan),
        }
    }

    #[test]
    fn incidence_exactly_two_percent_passes_one_more_person_fails() {
        let rules = RuleSet::default();
        let d = assess_village(&v(20, 1_000, Some(50_000)), &rules);
        assert!(d.eligible());
        assert_eq!(d.findings[0].value, "2.00%（20 / 1000）");
        assert_eq!(
            assess_village(&v(21, 1_000, Some(50_000)), &rules).failed(),
            [VillageCriterion::Incidence]
        );
        // 2% of 1,001 is 20.02 people: 20 pass, 21 fail.
        assert!(assess_village(&v(20, 1_001, Some(50_000)), &rules).eligible());
        assert_eq!(
            assess_village(&v(0, 0, Some(50_000)), &rules).failed(),
            [VillageCriterion::Incidence],
            "no population"
        );
    }

    #[test]
    fn one_incidence_one_rounding() {
        // One poor person in 401 is 0.2494%: shown as 0.25% everywhere.
        assert_eq!(incidence_bp(1, 401), Some(25));
        assert_eq!(format_bp_percent(25), "0.25%");
        assert_eq!(format_bp_fraction(25), "0.0025");
        // Half a basis point rounds up; just under half rounds down.
        assert_eq!(incidence_bp(1, 20_000), Some(1));
        assert_eq!(incidence_bp(1, 20_001), Some(0));
        assert_eq!(incidence_bp(20, 1_000), Some(200));
        assert_eq!(incidence_bp(5, 0), None);
        // More poor persons than people (bad data) saturates instead of wrapping.
        assert_eq!(incidence_bp(i64::MAX, 1), Some(i64::MAX));
        let d = assess_village(&v(1, 401, Some(50_000)), &RuleSet::default());
        assert_eq!(d.findings[0].value, "0.25%（1 / 401）");
    }

    #[test]
    fn collective_income_at_least_the_minimum_zero_disables() {
        let rules = RuleSet::default();
        assert!(assess_village(&v(0, 900, Some(50_000)), &rules).eligible());
        let below = VillageFacts {
            collective_income: Some(Fen::from_yuan(50_000) - Fen(1)),
            ..v(0, 900, None)
        };
        assert_eq!(
            assess_village(&below, &rules).failed(),
            [VillageCriterion::CollectiveIncome]
        );
        assert_eq!(
            assess_village(&v(0, 900, None), &rules).failed(),
            [VillageCriterion::CollectiveIncome],
            "not reported"
        );
        let off = RuleSet {
            collective_income_min: crate::rules::Sourced {
                value: Fen(0),
                source: "test".into(),
            },
            ..RuleSet::default()
        };
        assert!(assess_village(&v(0, 900, None), &off).eligible());
    }
}
