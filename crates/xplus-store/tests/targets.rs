//! Targets as rule settings and the empty-shell plan, on SQLite and (with
//! XPLUS_TEST_DATABASE_URL) on PostgreSQL: a county measured against its own "123" number or,
//! without one, its city's; the "312" targets of the region viewed with the progress as of the
//! year's end; the plan's three standings; and empty_shell_plan.csv imported, refused with the
//! file, row, column and value named, and exported byte for byte.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::collective::economy::PlanStatus;
use xplus_core::registry::RegionCode;
use xplus_core::rules::{Origin, Parameter, Setting};
use xplus_store::records;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

fn setting(p: Parameter, region: &str, year: Option<i32>, value: i64) -> Setting {
    Setting::new(p, Some(code(region)), year, value, "测试文件（文号）").unwrap()
}

/// Two counties of 滁州 (天长 341181 with 甲村 and 乙村, 明光 341182 with 丙村), incomes of 2016 and
/// a plan for each village.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("collective_income")
        .unwrap()
        .push_str("341182100201,2016,10000\n");
    b.insert(
        "empty_shell_plan",
        "village_code,planned_year,measure\n\
         341181100201,2017,光伏入股\n\
         341181100202,2016,\n\
         341182100201,2016,土地流转\n"
            .to_string(),
    );
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

#[tokio::test]
async fn a_county_is_measured_against_its_own_123_number_or_its_citys() {
    let db = db().await;
    let store = db.store.as_ref();
    let set = |s: Setting| async move { records::set_rule(store, "cli:test", &s).await.unwrap() };
    set(setting(
        Parameter::EmptyShellReduction,
        "341100000000",
        Some(2016),
        250,
    ))
    .await;
    set(setting(
        Parameter::EmptyShellReduction,
        "341181000000",
        Some(2016),
        1,
    ))
    .await;
    let book = records::rule_book(store).await.unwrap();
    let reduction = |access: Access| {
        let book = &book;
        async move {
            let t = records::collective_targets(store, &access, book, 2016)
                .await
                .unwrap();
            t.reduction.map(|r| (r.value, r.origin))
        }
    };
    // 天长 has its own number; 明光 none, so its city's; the city its own; everywhere the plan's.
    let tianchang = official_of("wang", "341181000000");
    assert_eq!(
        reduction(tianchang.clone()).await,
        Some((1, Origin::Region(code("341181000000"))))
    );
    assert_eq!(
        reduction(official_of("li", "341182000000")).await,
        Some((250, Origin::Region(code("341100000000"))))
    );
    assert_eq!(
        reduction(official_of("zhao", "341100000000")).await,
        Some((250, Origin::Region(code("341100000000"))))
    );
    let admin = Access::of_account("admin", Role::Admin, None, None);
    assert_eq!(reduction(admin.clone()).await, Some((200, Origin::Default)));
    // A town of 天长 sees its county's.
    assert_eq!(
        reduction(official_of("sun", "341181100000")).await,
        Some((1, Origin::Region(code("341181000000"))))
    );
    // 2018: the plan names none and nothing is set.
    let t = records::collective_targets(store, &admin, &book, 2018)
        .await
        .unwrap();
    assert!(t.reduction.is_none());
    assert_eq!((t.zero_year.value, t.strong_bp.value), (2017, 5_000));
    db.cleanup().await;
}

#[tokio::test]
async fn the_plan_is_cleared_on_plan_or_overdue_by_each_countys_minimum() {
    let db = db().await;
    let store = db.store.as_ref();
    // 天长 judges empty-shell below 60,000 yuan: 甲村's 52,000 is empty-shell there.
    let min = setting(
        Parameter::CollectiveIncomeMin,
        "341181000000",
        None,
        6_000_000,
    );
    records::set_rule(store, "cli:test", &min).await.unwrap();
    let book = records::rule_book(store).await.unwrap();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let t = records::collective_targets(store, &admin, &book, 2016)
        .await
        .unwrap();
    let standing: Vec<(String, PlanStatus)> = t
        .planned
        .iter()
        .map(|v| (v.code.to_string(), v.status))
        .collect();
    assert_eq!(
        standing,
        vec![
            ("341181100201".into(), PlanStatus::OnPlan),
            ("341181100202".into(), PlanStatus::Cleared),
            ("341182100201".into(), PlanStatus::Overdue),
        ]
    );
    let overdue: Vec<_> = t
        .overdue()
        .map(|v| (v.name.as_str(), v.measure.as_deref()))
        .collect();
    assert_eq!(overdue, vec![("丙村", Some("土地流转"))]);
    // 2017: nothing reported, so 甲村 (planned 2017) is overdue too, 乙村 no longer cleared.
    let t = records::collective_targets(store, &admin, &book, 2017)
        .await
        .unwrap();
    assert_eq!(t.count(PlanStatus::Overdue), 3);
    // Within reach: 明光's official sees only 丙村.
    let t = records::collective_targets(store, &official_of("li", "341182000000"), &book, 2016)
        .await
        .unwrap();
    assert_eq!(t.planned.len(), 1);
    db.cleanup().await;
}

#[tokio::test]
async fn the_312_targets_are_the_regions_and_counted_at_the_years_end() {
    let db = common::modules::db().await;
    let store = db.store.as_ref();
    let county = setting(Parameter::SecretaryTierCounty, "341181000000", None, 12);
    records::set_rule(store, "cli:test", &county).await.unwrap();
    let book = records::rule_book(store).await.unwrap();
    let tianchang = official_of("wang", "341181000000");
    let today = day("2026-11-29");
    let overview = |year| {
        let rules = records::rules_for_view(&book, &tianchang, year).set;
        let access = tianchang.clone();
        async move {
            records::secretaries_overview(store, &access, &rules, year, today)
                .await
                .unwrap()
        }
    };
    let o = overview(2016).await;
    assert_eq!(o.as_of, day("2016-12-31"));
    let rows: Vec<(u32, u32)> = o.tiers.iter().map(|t| (t.1, t.2)).collect();
    // 乙书记 (county tier rated 2016) in office at the end of 2016; 丙书记 left in October.
    assert_eq!(rows, vec![(0, 30), (0, 100), (1, 12)]);
    assert_eq!(o.targets[2].origin, Origin::Region(code("341181000000")));
    assert_eq!(o.targets[0].origin, Origin::Default);
    // At the end of 2015: 丙书记 (provincial, rated 2015) in office; 乙书记 not yet.
    let o = overview(2015).await;
    let actual: Vec<u32> = o.tiers.iter().map(|t| t.1).collect();
    assert_eq!(actual, vec![1, 0, 0]);
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_plan_row_is_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "empty_shell_plan",
        "village_code,planned_year,measure\n\
         341181100201,2050,\n\
         341181100299,2016,\n\
         341182100201,2016,\n\
         341182100201,2017,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let on = |row: u32| error_on(&report, "empty_shell_plan.csv", row);
    let year = on(2);
    assert_eq!(
        (year.column.as_str(), year.value.as_str()),
        ("planned_year", "2050")
    );
    assert!(year.reason.contains("2035"), "{year:?}");
    let village = on(3);
    assert_eq!(
        (village.column.as_str(), village.value.as_str()),
        ("village_code", "341181100299")
    );
    assert_eq!(on(5).column, "village_code", "one plan per village");
    // Nothing was written.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let book = records::rule_book(db.store.as_ref()).await.unwrap();
    let t = records::collective_targets(db.store.as_ref(), &admin, &book, 2016)
        .await
        .unwrap();
    assert!(t.planned.is_empty());
    db.cleanup().await;
}

#[tokio::test]
async fn the_plan_round_trips_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(
        files["empty_shell_plan.csv"],
        "\u{feff}village_code,planned_year,measure\n\
         341181100201,2017,光伏入股\n\
         341181100202,2016,\n\
         341182100201,2016,土地流转\n"
    );
    db.cleanup().await;
}
