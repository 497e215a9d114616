use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 2020's line, 4,000.00 yuan, at 150 %: 6,000.00 yuan per person.
const LINE: MonitoringLine = MonitoringLine {
    line: Fen(400_000),
    percent: 150,
    line_year: 2020,
};
const SUDDEN: Fen = Fen(1_000_000);

fn facts(registered: Option<HouseholdStatus>, net: i64, expense: i64) -> EntryFacts {
    EntryFacts {
        registered,
        members: 2,
        net_income: Some(Fen(net)),
        rigid_expense: Fen(expense),
        warning: false,
    }
}

#[test]
fn the_line_after_2020_is_the_last_line_set() {
    let book = RuleBook::default();
    let l = MonitoringLine::of(&book, None, 2026).unwrap();
    assert_eq!((l.line, l.percent, l.line_year), (Fen(400_000), 150, 2020));
    assert_eq!(l.per_person(), Fen(600_000));
    let l = MonitoringLine::of(&book, None, 2016).unwrap();
    assert_eq!((l.line, l.line_year), (Fen(295_200), 2016));
    assert_eq!(MonitoringLine::of(&book, None, 2013), None);
}

#[test]
fn an_edge_household_is_below_the_line_by_a_fen() {
    // 2 members × 6,000.00 = 12,000.00 yuan.
    let below = entry(&facts(None, 1_199_999, 0), Some(LINE), SUDDEN).unwrap();
    assert_eq!(below.category, Category::Edge);
    assert_eq!(below.reasons, vec![EntryReason::LowIncome]);
    let at = entry(&facts(None, 1_200_000, 0), Some(LINE), SUDDEN);
    assert!(at.unwrap_err().contains("不符合纳入监测条件"));
}

#[test]
fn a_sudden_expense_counts_from_its_minimum() {
    // 30,000.00 yuan income less 18,000.01 → 11,999.99 < 12,000.00, expense ≥ 10,000.00.
    let sudden = entry(&facts(None, 3_000_000, 1_800_001), Some(LINE), SUDDEN).unwrap();
    assert_eq!(sudden.category, Category::Sudden);
    assert_eq!(sudden.reasons, vec![EntryReason::SuddenExpense]);
    // Leaves exactly the line: not below.
    assert!(entry(&facts(None, 3_000_000, 1_800_000), Some(LINE), SUDDEN).is_err());
    // Below the minimum expense, even when it takes the income below the line: an edge
    // household only if the income itself is low.
    let small = entry(&facts(None, 1_100_000, 999_999), Some(LINE), SUDDEN).unwrap();
    assert_eq!(small.category, Category::Edge);
    let at_min = entry(&facts(None, 1_100_000, 1_000_000), Some(LINE), SUDDEN).unwrap();
    assert_eq!(at_min.category, Category::Sudden);
    assert_eq!(
        at_min.reasons,
        vec![EntryReason::LowIncome, EntryReason::SuddenExpense]
    );
}

#[test]
fn exited_households_are_unstable_and_poor_ones_are_not_monitored() {
    let exited = Some(HouseholdStatus::Exited);
    let e = entry(&facts(exited, 1_199_999, 0), Some(LINE), SUDDEN).unwrap();
    assert_eq!(e.category, Category::Unstable);
    assert!(entry(&facts(exited, 1_200_000, 0), Some(LINE), SUDDEN).is_err());
    let mut warned = facts(exited, 5_000_000, 0);
    warned.warning = true;
    warned.net_income = None;
    let w = entry(&warned, None, SUDDEN).unwrap();
    assert_eq!(
        (w.category, w.reasons),
        (Category::Unstable, vec![EntryReason::Warning])
    );
    for s in [HouseholdStatus::Poor, HouseholdStatus::Returned] {
        let err = entry(&facts(Some(s), 0, 0), Some(LINE), SUDDEN).unwrap_err();
        assert!(err.contains("无需纳入监测"), "{err}");
    }
    // A removed household is an ordinary household again.
    let removed = entry(
        &facts(Some(HouseholdStatus::Removed), 0, 0),
        Some(LINE),
        SUDDEN,
    );
    assert_eq!(removed.unwrap().category, Category::Edge);
}

#[test]
fn a_declaration_needs_its_income() {
    let mut none = facts(None, 0, 3_000_000);
    none.net_income = None;
    assert!(entry(&none, Some(LINE), SUDDEN)
        .unwrap_err()
        .contains("家庭纯收入"));
}

#[test]
fn without_a_line_only_a_warning_opens_a_case() {
    let err = entry(&facts(None, 0, 0), None, SUDDEN).unwrap_err();
    assert!(err.contains("poverty_line"), "{err}");
    let mut bad = facts(None, 0, 0);
    bad.members = 0;
    assert!(entry(&bad, Some(LINE), SUDDEN)
        .unwrap_err()
        .contains("家庭人口"));
}

fn close(measures: usize, net: i64, on: &str) -> CloseFacts<'static> {
    CloseFacts {
        opened_on: d("2026-03-01"),
        closed_on: None,
        on: d(on),
        today: d("2026-12-05"),
        measures,
        members: 2,
        net_income: Fen(net),
        reason: "务工收入稳定",
    }
}

#[test]
fn the_risk_is_removed_with_help_at_or_above_the_line() {
    assert!(close_problems(&close(1, 1_200_000, "2026-12-05"), Some(LINE)).is_empty());
    let low = close_problems(&close(1, 1_199_999, "2026-12-05"), Some(LINE));
    assert!(low[0].contains("低于监测标准 6000.00 元"), "{low:?}");
    let none = close_problems(&close(0, 1_200_000, "2026-12-05"), Some(LINE));
    assert!(none[0].contains("帮扶措施"), "{none:?}");
    assert_eq!(
        close_problems(&close(1, 1_200_000, "2026-12-06"), Some(LINE)).len(),
        1
    );
    assert_eq!(
        close_problems(&close(1, 1_200_000, "2026-02-28"), Some(LINE)).len(),
        1
    );
    assert!(close_problems(&close(1, 1_200_000, "2026-03-01"), Some(LINE)).is_empty());
    let mut again = close(1, 1_200_000, "2026-12-05");
    again.closed_on = Some(d("2026-11-01"));
    assert!(close_problems(&again, Some(LINE))[0].contains("已于 2026-11-01"));
    let mut blank = close(1, 1_200_000, "2026-12-05");
    blank.reason = " \u{200b} ";
    assert!(close_problems(&blank, Some(LINE))
        .iter()
        .any(|p| p.contains("原因")));
}

#[test]
fn measures_need_what_and_who_within_the_case() {
    let m = MeasureFacts {
        opened_on: d("2026-03-01"),
        closed_on: None,
        on: d("2026-03-01"),
        today: d("2026-12-05"),
        detail: "申请临时救助3000元",
        responsible: "王五",
    };
    assert!(measure_problems(&m).is_empty());
    let long = "字".repeat(501);
    let bad = MeasureFacts {
        detail: &long,
        responsible: "",
        closed_on: Some(d("2026-04-01")),
        ..m
    };
    assert_eq!(
        measure_problems(&bad).len(),
        3,
        "{:?}",
        measure_problems(&bad)
    );
}

#[test]
fn sums_beyond_a_billion_are_refused_before_any_arithmetic() {
    let huge = EntryFacts {
        registered: None,
        members: 2,
        net_income: Some(Fen(-100_000_000_001)),
        rigid_expense: Fen(i64::MAX),
        warning: false,
    };
    assert!(entry(&huge, Some(LINE), SUDDEN)
        .unwrap_err()
        .contains("金额无效"));
    let negative = EntryFacts {
        rigid_expense: Fen(-1),
        net_income: Some(Fen(0)),
        ..huge
    };
    assert!(entry(&negative, Some(LINE), SUDDEN).is_err());
    let mut c = close(1, i64::MAX, "2026-12-05");
    c.net_income = Fen(i64::MIN);
    assert!(close_problems(&c, Some(LINE))
        .iter()
        .any(|p| p.contains("金额无效")));
}
