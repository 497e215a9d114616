//! Tests of the rules configuration (`rules.rs`).

use super::*;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

#[test]
fn a_setting_is_checked_once_here() {
    let code = |c: &str| Some(RegionCode::parse(c).unwrap());
    let ok = Setting::new(
        Parameter::NoticeDays,
        code("341100000000"),
        Some(2016),
        7,
        " 文 ",
    );
    assert_eq!(ok.unwrap().source, "文");
    let town = Setting::new(Parameter::NoticeDays, code("341122100000"), None, 7, "文");
    assert!(town.unwrap_err().contains("县以下"));
    let value = Setting::new(Parameter::NoticeDays, None, None, 0, "文");
    assert!(value.unwrap_err().contains("不能取值 0"));
    let year = Setting::new(Parameter::NoticeDays, None, Some(1900), 7, "文");
    assert!(year.unwrap_err().contains("年度 1900"));
    assert!(Setting::new(Parameter::NoticeDays, None, None, 7, "  ").is_err());
    assert!(Setting::new(Parameter::NoticeDays, None, None, 7, "a\u{202e}b").is_err());
}

fn set(parameter: Parameter, region: Option<&str>, year: Option<i32>, value: i64) -> Setting {
    Setting {
        parameter,
        region: region.map(code),
        year,
        value,
        source: format!("{parameter} {region:?} {year:?}"),
    }
}

#[test]
fn the_nearest_region_wins_then_the_year() {
    let book = RuleBook::new(vec![
        set(Parameter::PovertyLine, Some("340000000000"), None, 300_000),
        set(Parameter::PovertyLine, Some("341100000000"), None, 310_000),
        set(
            Parameter::PovertyLine,
            Some("341100000000"),
            Some(2016),
            320_000,
        ),
        set(Parameter::PovertyLine, Some("341181000000"), None, 330_000),
        set(Parameter::PovertyLine, None, Some(2016), 299_000),
    ]);
    let line = |place: &str, year| {
        book.for_place(Some(code(place)), year)
            .poverty_line
            .map(|l| l.value.0)
    };
    // 天长 (its own setting) over 滁州's year setting.
    assert_eq!(line("341181100201", 2016), Some(330_000));
    // 来安 (341122) inside 滁州: the city's 2016 setting, its any-year one otherwise.
    assert_eq!(line("341122000000", 2016), Some(320_000));
    assert_eq!(line("341122000000", 2017), Some(310_000));
    // 合肥 (3401): the province's.
    assert_eq!(line("340100000000", 2016), Some(300_000));
    // Outside Anhui: the everywhere-2016 setting, then the national default.
    assert_eq!(line("320100000000", 2016), Some(299_000));
    assert_eq!(line("320100000000", 2017), Some(295_200));
    assert_eq!(line("320100000000", 2030), None);
    let rules = book.for_place(Some(code("341181100201")), 2016);
    assert_eq!(
        rules.poverty_line.unwrap().source,
        "poverty_line Some(\"341181000000\") None"
    );
}

#[test]
fn a_what_if_wins_over_every_stored_setting_where_it_applies() {
    let stored = RuleBook::new(vec![
        set(Parameter::PovertyLine, Some("341181000000"), None, 330_000),
        set(Parameter::NoticeDays, None, None, 10),
    ]);
    let what_if =
        stored.with_overrides(vec![set(Parameter::PovertyLine, None, Some(2016), 350_000)]);
    let line = |book: &RuleBook, year| {
        book.for_place(Some(code("341181100201")), year)
            .poverty_line
            .map(|l| l.value.0)
    };
    // The county's own stored line gives way in the what-if's year only.
    assert_eq!(line(&stored, 2016), Some(330_000));
    assert_eq!(line(&what_if, 2016), Some(350_000));
    assert_eq!(line(&what_if, 2017), Some(330_000));
    // What the what-if does not name stays as stored.
    let here = what_if.for_place(Some(code("341181000000")), 2016);
    assert_eq!(here.set.notice_days.value, 10);
    // The stored book is untouched.
    assert!(stored.overrides.is_empty());
}

#[test]
fn a_what_if_takes_only_what_the_assessment_reads() {
    let s = what_if_setting(Parameter::PovertyLine, "3500", None, 2016).unwrap();
    assert_eq!(
        (s.value, s.year, s.source.as_str()),
        (350_000, Some(2016), WHAT_IF_SOURCE)
    );
    let e = what_if_setting(Parameter::NoticeDays, "5", None, 2016).unwrap_err();
    assert!(e.contains("不影响年度评估"), "{e}");
}

#[test]
fn a_typed_value_is_yuan_for_money_and_whole_otherwise() {
    assert_eq!(Parameter::PovertyLine.parse_value("3,500"), Ok(350_000));
    assert_eq!(Parameter::PovertyLine.parse_value("3500.5"), Ok(350_050));
    assert_eq!(Parameter::NoticeDays.parse_value(" 7 "), Ok(7));
    let shown = Parameter::PovertyLine.show_value(350_050);
    assert_eq!(shown, "3500.50");
    assert_eq!(Parameter::PovertyLine.parse_value(&shown), Ok(350_050));
    assert_eq!(Parameter::NoticeDays.show_value(7), "7");
    assert!(Parameter::NoticeDays
        .parse_value("7.5")
        .unwrap_err()
        .contains("不是整数"));
    assert!(Parameter::PovertyLine
        .parse_value("abc")
        .unwrap_err()
        .contains("金额"));
}

#[test]
fn unset_parameters_keep_their_defaults_and_sources() {
    let book = RuleBook::new(vec![set(
        Parameter::VillageIncidenceBp,
        Some("341181000000"),
        None,
        300,
    )]);
    let here = book.for_place(Some(code("341181000000")), 2016);
    assert_eq!(here.set.village_incidence_bp.value, 300);
    let elsewhere = book.for_place(Some(code("341122000000")), 2016);
    assert_eq!(elsewhere.set, RuleSet::default());
    assert_eq!(book.for_place(None, 2016).set, RuleSet::default());
}

#[test]
fn the_latest_year_with_a_line() {
    let none = RuleBook::default();
    assert_eq!(none.latest_line_year(2026), Some(2020));
    assert_eq!(none.latest_line_year(2016), Some(2016));
    assert_eq!(none.latest_line_year(2013), None);
    let county = RuleBook::new(vec![set(
        Parameter::PovertyLine,
        Some("341181000000"),
        Some(2023),
        450_000,
    )]);
    assert_eq!(county.latest_line_year(2026), Some(2023));
    let every = RuleBook::new(vec![set(Parameter::PovertyLine, None, None, 450_000)]);
    assert_eq!(every.latest_line_year(2026), Some(2026));
}

#[test]
fn parameters_refuse_values_that_make_no_sense() {
    assert!(!Parameter::PovertyLine.accepts(0));
    assert!(Parameter::PovertyLine.accepts(1));
    assert!(!Parameter::MonitoringLinePercent.accepts(99));
    assert!(Parameter::MonitoringLinePercent.accepts(100));
    assert!(Parameter::CollectiveIncomeMin.accepts(0));
    assert!(!Parameter::VillageIncidenceBp.accepts(10_001));
}

#[test]
fn targets_default_to_the_case_report() {
    let book = RuleBook::default();
    let t = |year| book.for_place(Some(code("341122000000")), year).set.targets;
    assert_eq!(t(2016).secretary_counts(), [30, 100, 200]);
    let reduction = |year| {
        (book.for_place(Some(code("341122000000")), year))
            .empty_shell_reduction
            .map(|r| r.value)
    };
    assert_eq!(
        [2014, 2015, 2016, 2017, 2018].map(reduction),
        [None, Some(100), Some(200), Some(300), None]
    );
    let d = t(2016);
    assert_eq!(d.empty_shell_zero_year.value, 2017);
    assert_eq!(
        (d.strong_villages_bp.value, d.strong_villages_year.value),
        (5_000, 2019)
    );
    assert_eq!(d.training_coverage_bp.value, 10_000);
    assert_eq!(d.industry_coverage_bp.value, 10_000);
    assert_eq!(d.secretary_tiers[0].origin, Origin::Default);
    assert!(d.secretary_tiers[0].source.contains("312"));
}

#[test]
fn a_county_has_its_own_target_or_its_citys() {
    let book = RuleBook::new(vec![
        set(
            Parameter::EmptyShellReduction,
            Some("341100000000"),
            Some(2016),
            250,
        ),
        set(
            Parameter::EmptyShellReduction,
            Some("341181000000"),
            Some(2016),
            20,
        ),
        set(
            Parameter::EmptyShellReduction,
            Some("341181000000"),
            None,
            5,
        ),
        set(
            Parameter::SecretaryTierCounty,
            Some("341100000000"),
            None,
            150,
        ),
        set(
            Parameter::SecretaryTierCounty,
            Some("341181000000"),
            None,
            12,
        ),
        set(Parameter::TrainingCoverageTargetBp, None, Some(2016), 9_000),
    ]);
    let t = |place: &str, year| book.for_place(Some(code(place)), year).set.targets;
    let reduction = |place: &str, year| {
        (book.for_place(Some(code(place)), year))
            .empty_shell_reduction
            .unwrap()
    };
    // 天长 (341181): its own numbers, the year's over its every-year one, then that one.
    assert_eq!(reduction("341181000000", 2016).value, 20);
    assert_eq!(reduction("341181000000", 2017).value, 5);
    assert_eq!(
        reduction("341181100201", 2016).origin,
        Origin::Region(code("341181000000"))
    );
    // 来安 (341122) inherits 滁州's 2016 number, and has the default in 2017.
    let laian = reduction("341122000000", 2016);
    assert_eq!(
        (laian.value, laian.origin),
        (250, Origin::Region(code("341100000000")))
    );
    assert_eq!(reduction("341122000000", 2017).origin, Origin::Default);
    // The city itself sees its own setting; the province the default.
    assert_eq!(reduction("341100000000", 2016).value, 250);
    assert_eq!(reduction("340000000000", 2016).value, 200);
    assert_eq!(t("341181000000", 2016).secretary_counts(), [30, 100, 12]);
    assert_eq!(t("341122000000", 2016).secretary_counts(), [30, 100, 150]);
    let training = t("341122000000", 2016).training_coverage_bp;
    assert_eq!(
        (training.value, training.origin),
        (9_000, Origin::Everywhere)
    );
    assert_eq!(t("341122000000", 2017).training_coverage_bp.value, 10_000);
}

#[test]
fn target_settings_are_checked_and_listed_but_not_assessed() {
    let ok = |p: Parameter, v: i64| Setting::new(p, None, None, v, "文").is_ok();
    assert!(ok(Parameter::SecretaryTierProvincial, 0));
    assert!(!ok(Parameter::SecretaryTierCity, -1));
    assert!(!ok(Parameter::EmptyShellReduction, -5));
    assert!(ok(Parameter::StrongVillagesTargetBp, 10_000));
    assert!(!ok(Parameter::StrongVillagesTargetBp, 10_001));
    assert!(!ok(Parameter::IndustryCoverageTargetBp, -1));
    assert!(!ok(Parameter::TrainingCoverageTargetBp, 12_000));
    assert!(ok(Parameter::EmptyShellZeroYear, 2017));
    assert!(!ok(Parameter::EmptyShellZeroYear, 17));
    assert!(!ok(Parameter::StrongVillagesTargetYear, 2200));
    let err = Setting::new(Parameter::StrongVillagesTargetBp, None, None, 20_000, "文");
    assert!(err
        .unwrap_err()
        .contains("strong_villages_target_bp cannot be 20000"));
    assert_eq!(
        Parameter::parse("secretary_tier_county"),
        Some(Parameter::SecretaryTierCounty)
    );
    let targets = [
        Parameter::SecretaryTierProvincial,
        Parameter::SecretaryTierCity,
        Parameter::SecretaryTierCounty,
        Parameter::EmptyShellReduction,
        Parameter::EmptyShellZeroYear,
        Parameter::StrongVillagesTargetBp,
        Parameter::StrongVillagesTargetYear,
        Parameter::IndustryCoverageTargetBp,
        Parameter::TrainingCoverageTargetBp,
    ];
    let rules_2016 = RuleBook::default().for_place(None, 2016);
    let listed = rules_2016.set.listed();
    for p in targets {
        assert!(!Parameter::ASSESSED.contains(&p), "{p} is not a what-if");
        assert!(what_if_setting(p, "1", None, 2016).is_err());
        let year_rule = p == Parameter::EmptyShellReduction;
        assert!(
            year_rule || listed.iter().any(|(q, _, _)| *q == p),
            "{p} listed"
        );
    }
    let rules_2018 = RuleBook::default().for_place(None, 2018);
    let in_2018 = rules_2018.set.listed();
    assert!(!in_2018
        .iter()
        .any(|(q, _, _)| *q == Parameter::EmptyShellReduction));
}

#[test]
fn a_share_meets_its_target_exactly() {
    let t = Target {
        value: 5_000,
        source: "x".into(),
        origin: Origin::Default,
    };
    assert!(t.share_met(1, 2));
    assert!(!t.share_met(49_999, 100_000));
    assert!(!t.share_met(0, 0), "nothing to count meets no target");
}
