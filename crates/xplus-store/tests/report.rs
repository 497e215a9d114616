//! The yearly report through the store (SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL):
//! the small bundle's figures, a county's own line for empty-shell villages, and the reach of a
//! region.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;
use xplus_core::report::Growth;
use xplus_core::rules::{Parameter, Setting};
use xplus_core::Fen;
use xplus_store::records;

#[tokio::test]
async fn report_counts_the_small_bundle() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let all = Access::of_account("t", Role::Auditor, None, None);
    let r = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    // H001 poor (3 people); H002 exited 2015; H003 monitored.
    assert_eq!((r.households.poor, r.persons.poor), (1, 3));
    assert_eq!((r.households.monitored, r.households.returned), (1, 0));
    assert_eq!(r.households.exited_in_year, 0);
    // 甲村 is the one poor village, not exited.
    assert_eq!(
        (
            r.villages.poor,
            r.villages.exited_in_year,
            r.villages.remaining
        ),
        (1, 0, 1)
    );
    assert_eq!(r.coverage.poor_at_start, 1);
    assert_eq!(r.coverage.trained_in_year, 1, "H001 attended T1 in 2016");
    // T1 (2016-03-05): H001 and H003.
    assert_eq!((r.training.sessions, r.training.attendance), (1, 2));
    // 52,000 and 120,000.50 yuan: neither below 50,000; one at least 100,000.
    assert_eq!(r.collective.villages_reported, 2);
    assert_eq!(r.collective.empty_shell_villages, 0);
    assert_eq!(r.collective.villages_over_100k, 1);
    let chuzhou = &r.rural_income[0];
    assert_eq!(chuzhou.region, RegionCode::parse("341100000000").unwrap());
    assert_eq!(chuzhou.previous, Some(Fen(1_007_000)));
    assert_eq!(chuzhou.growth, Some(Growth(88)));

    // The county raises its empty-shell line to 60,000 yuan: 甲村 (52,000) becomes one, in the
    // whole registry's report too (each village is judged by its own county's line).
    records::set_rule(
        store,
        "t",
        &Setting {
            parameter: Parameter::CollectiveIncomeMin,
            region: Some(RegionCode::parse("341181000000").unwrap()),
            year: None,
            value: 6_000_000,
            source: "测试 / test".into(),
        },
    )
    .await
    .unwrap();
    let r = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(r.collective.empty_shell_villages, 1);

    // Another county's official sees none of it, and no statistics of the city above.
    let elsewhere = RegionCode::parse("341182000000").unwrap();
    let other = Access::of_account("t", Role::Official, Some(elsewhere), None);
    let r = records::year_report(store, &other, Some(elsewhere), 2016, today)
        .await
        .unwrap();
    assert_eq!((r.households.poor, r.villages.poor), (0, 0));
    assert_eq!(r.coverage.poor_at_start, 0);
    assert_eq!(
        (r.training.sessions, r.collective.villages_reported),
        (0, 0)
    );
    assert!(r.rural_income.is_empty());
    db.cleanup().await;
}
