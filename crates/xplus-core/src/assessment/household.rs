//! rules.md §3 household exit (贫困户退出): 一达标两不愁三保障 — net income strictly above the line
//! for every member, food and clothing secure, no dropout of compulsory-school age, every member
//! insured, housing and water safe.

use super::{Decision, Finding};
use crate::money::Fen;
use crate::registry::Schooling;
use crate::rules::Sourced;
use std::borrow::Cow;

crate::labelled_enum! {
    /// The criteria of §3, with the codes `assess` writes in `failed`.
    pub enum ExitCriterion {
        Income = ("income", "收入稳定超过扶贫标准"),
        Food = ("food", "不愁吃"),
        Clothing = ("clothing", "不愁穿"),
        Education = ("education", "义务教育有保障"),
        Medical = ("medical", "基本医疗有保障"),
        Housing = ("housing", "住房安全有保障"),
        Water = ("water", "饮水安全有保障"),
    }
}

/// Compulsory-school ages (义务教育): 6 to 15 inclusive, age = Y − birth year.
pub const SCHOOL_AGES: std::ops::RangeInclusive<i32> = 6..=15;

/// One member as §3 reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    /// Shown only in the value of a failed criterion (a dropout, the uninsured): a reader may
    /// leave it empty for a member who can fail none.
    pub name: String,
    pub birth_year: i32,
    pub schooling: Schooling,
    pub medical_insured: bool,
}

/// One household as §3 reads it for year Y.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub members: Vec<MemberFacts>,
    /// net(Y) of rules.md §2; None when no income is recorded for Y.
    pub net_income: Option<Fen>,
    pub food_secure: bool,
    pub clothing_secure: bool,
    pub housing_safe: bool,
    pub water_safe: bool,
}

const CENTRAL: &str =
    "厅字〔2016〕16号（中央）、厅字〔2016〕57号（安徽）两不愁三保障 / central and Anhui exit rules";

/// rules.md §3 for `year` with the poverty line `line` (per person per year).
pub fn assess_exit(h: &HouseholdFacts, year: i32, line: &Sourced<Fen>) -> Decision<ExitCriterion> {
    let members = h.members.len() as i64;
    let needed = line.value.checked_mul(members);
    let income = match (h.net_income, needed) {
        (None, _) => Finding {
            criterion: ExitCriterion::Income,
            passed: false,
            value: format!("{year}年无收入记录 / no income recorded for {year}").into(),
            threshold: threshold_text(needed, line.value, members),
            source: line.source.clone(),
        },
        (Some(net), Some(needed)) => Finding {
            criterion: ExitCriterion::Income,
            // 稳定超过: strictly above; on the line is not enough, and a household without
            // members has nobody above any line.
            passed: members > 0 && net > needed,
            value: net.to_string().into(),
            threshold: threshold_text(Some(needed), line.value, members),
            source: line.source.clone(),
        },
        (Some(net), None) => Finding {
            criterion: ExitCriterion::Income,
            passed: false,
            value: net.to_string().into(),
            threshold: threshold_text(None, line.value, members),
            source: line.source.clone(),
        },
    };
    let dropouts: Vec<String> = h
        .members
        .iter()
        .filter(|m| {
            SCHOOL_AGES.contains(&(year - m.birth_year)) && m.schooling == Schooling::Dropout
        })
        .map(|m| format!("{}（{}岁）", m.name, year - m.birth_year))
        .collect();
    let uninsured: Vec<String> = h
        .members
        .iter()
        .filter(|m| !m.medical_insured)
        .map(|m| m.name.clone())
        .collect();
    let flag = |criterion, ok: bool, needed: &'static str| Finding {
        criterion,
        passed: ok,
        value: Cow::Borrowed(if ok { "是 / yes" } else { "否 / no" }),
        threshold: Cow::Borrowed(needed),
        source: Cow::Borrowed(CENTRAL),
    };
    let listed = |criterion, names: Vec<String>, needed: &'static str| Finding {
        criterion,
        passed: names.is_empty(),
        value: if names.is_empty() {
            Cow::Borrowed("无 / none")
        } else {
            Cow::Owned(names.join("、"))
        },
        threshold: Cow::Borrowed(needed),
        source: Cow::Borrowed(CENTRAL),
    };
    Decision {
        findings: vec![
            income,
            flag(ExitCriterion::Food, h.food_secure, "不愁吃 / food secure"),
            flag(
                ExitCriterion::Clothing,
                h.clothing_secure,
                "不愁穿 / clothing secure",
            ),
            listed(
                ExitCriterion::Education,
                dropouts,
                "6–15岁无辍学 / no dropout aged 6–15",
            ),
            listed(
                ExitCriterion::Medical,
                uninsured,
                "全部成员参加基本医疗保险 / every member insured",
            ),
            flag(
                ExitCriterion::Housing,
                h.housing_safe,
                "住房安全 / safe housing",
            ),
            flag(ExitCriterion::Water, h.water_safe, "饮水安全 / safe water"),
        ],
    }
}

fn threshold_text(needed: Option<Fen>, line: Fen, members: i64) -> Cow<'static, str> {
    match needed {
        Some(n) => format!("> {n}（{line} × {members}人）").into(),
        None => format!("> {line} × {members}人").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::default_poverty_line;

    fn member(birth_year: i32, schooling: Schooling) -> MemberFacts {
        MemberFacts {
            name: format!("M{birth_year}"),
            birth_year,
            schooling,
            medical_insured: true,
        }
    }

    fn household(net: Option<i64>, members: Vec<MemberFacts>) -> HouseholdFacts {
        HouseholdFacts {
            members,
            net_income: net.map(Fen),
            food_secure: true,
            clothing_secure: true,
            housing_safe: true,
            water_safe: true,
        }
    }

    fn line() -> Sourced<Fen> {
        default_poverty_line(2016).unwrap()
    }

    #[test]
    fn income_exactly_on_the_line_fails_one_fen_above_passes() {
        let two = || vec![member(1970, Schooling::None), member(1972, Schooling::None)];
        let on = 2 * 295_200;
        let d = assess_exit(&household(Some(on), two()), 2016, &line());
        assert_eq!(d.failed(), [ExitCriterion::Income]);
        assert_eq!(d.findings[0].threshold, "> 5904.00（2952.00 × 2人）");
        assert!(assess_exit(&household(Some(on + 1), two()), 2016, &line()).eligible());
        assert_eq!(
            assess_exit(&household(Some(-1), two()), 2016, &line()).failed(),
            [ExitCriterion::Income],
            "negative income"
        );
        let none = assess_exit(&household(None, two()), 2016, &line());
        assert_eq!(none.failed(), [ExitCriterion::Income]);
        assert!(none.findings[0].value.contains("无收入记录"));
    }

    #[test]
    fn an_empty_household_is_above_no_line() {
        let d = assess_exit(&household(Some(1), vec![]), 2016, &line());
        assert_eq!(d.failed(), [ExitCriterion::Income]);
    }

    #[test]
    fn dropouts_count_from_age_6_to_15() {
        let with = |birth: i32| {
            household(
                Some(10_000_000),
                vec![
                    member(1970, Schooling::None),
                    member(birth, Schooling::Dropout),
                ],
            )
        };
        // Age = 2016 − birth year.
        for (birth, age, fails) in [
            (2011, 5, false),
            (2010, 6, true),
            (2001, 15, true),
            (2000, 16, false),
        ] {
            let d = assess_exit(&with(birth), 2016, &line());
            assert_eq!(
                d.failed().contains(&ExitCriterion::Education),
                fails,
                "a dropout aged {age}"
            );
        }
        let d = assess_exit(&with(2010), 2016, &line());
        assert_eq!(d.findings[3].value, "M2010（6岁）");
    }

    #[test]
    fn every_member_must_be_insured_and_every_failure_is_named() {
        let mut h = household(Some(10_000_000), vec![member(1970, Schooling::None)]);
        h.members[0].medical_insured = false;
        h.water_safe = false;
        h.food_secure = false;
        let d = assess_exit(&h, 2016, &line());
        assert_eq!(
            d.failed(),
            [
                ExitCriterion::Food,
                ExitCriterion::Medical,
                ExitCriterion::Water
            ]
        );
        assert_eq!(d.findings[4].value, "M1970");
        assert!(d.findings.iter().all(|f| !f.source.is_empty()));
    }
}
