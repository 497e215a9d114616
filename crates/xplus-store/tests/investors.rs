//! 社会资本入股 (project_investors.csv) on SQLite and (with XPLUS_TEST_DATABASE_URL) on
//! PostgreSQL: the investors' shares and the households' never exceed a project's total — on
//! import (blamed on the grant or the investor that broke it), on the ledger form and in the
//! yearly adjustment, which grants only from what the investors leave; the project's investors
//! and the county's social capital as the pages read them; the file exported byte for byte.
//!
//! The small bundle's P1 (甲村) has 20 shares: H001 and H002 got 5 each in 2015 (10 held until
//! H002 gave its back on 2016-01-01). P2 has 10 shares at 2 a household and nobody holds any.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::interchange::schema::PROJECT_INVESTORS;
use xplus_core::interchange::{cell, Value};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;
use xplus_store::records;
use xplus_store::{Refusal, StoreError};

const HEADER: &str = "project_id,investor,kind,amount,shares,date\n";

fn bundle(investors: &str) -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.insert("project_investors", format!("{HEADER}{investors}"));
    b
}

async fn imported(investors: &str) -> (TestDb, xplus_store::bundle::import::ImportReport) {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle(investors));
    let report = import(&db, &path).await;
    (db, report)
}

fn official(region: &str) -> Access {
    Access::of_account(
        "official",
        Role::Official,
        RegionCode::parse(region).ok(),
        None,
    )
}

#[tokio::test]
async fn investors_take_what_the_households_never_held() {
    // 10 of P1's 20 were held by households in 2015: 10 more fit, with an investor of no shares.
    let (db, report) = imported(
        "P1,惠农农业发展有限公司,enterprise,20000,10,2016-05-01\n\
         P1,王建军,个人,5000.50,,2016-06-01\n",
    )
    .await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let store = db.store.as_ref();
    let today = day("2026-11-29");
    let v = records::project_view(store, &official("341181000000"), "P1", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(v.investors.len(), 2);
    assert_eq!(v.investor_shares, 10);
    // The county's social capital by the end of 2016, not by the end of 2015.
    let o = records::collective_overview(
        store,
        &official("341181000000"),
        &RuleSet::default(),
        2016,
        today,
    )
    .await
    .unwrap();
    let c = &o.investors[0];
    assert_eq!(
        (
            c.county.to_string().as_str(),
            c.projects,
            c.investors,
            c.amount,
            c.shares
        ),
        ("341181000000", 1, 2, Fen(2_500_050), 10)
    );
    let o15 = records::collective_overview(
        store,
        &official("341181000000"),
        &RuleSet::default(),
        2015,
        today,
    )
    .await
    .unwrap();
    assert!(o15.investors.is_empty());
    // 明光 sees none of it.
    let other = records::collective_overview(
        store,
        &official("341182000000"),
        &RuleSet::default(),
        2016,
        today,
    )
    .await
    .unwrap();
    assert!(other.investors.is_empty());
    let r = records::year_report(store, &official("341181000000"), None, 2016, today)
        .await
        .unwrap();
    assert_eq!(r.collective.social_capital, Fen(2_500_050));
    assert_eq!(r.collective.projects_with_investors, 1);
    db.cleanup().await;
}

#[tokio::test]
async fn one_share_too_many_is_refused_on_the_row_that_brought_it() {
    // 11 beside the households' 10 of 2015, stored before: the investor's fault.
    let (db, report) = imported("").await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let mut only = std::collections::BTreeMap::new();
    only.insert(
        "project_investors",
        format!("{HEADER}P1,惠农农业发展有限公司,enterprise,22000,11,2016-05-01\n"),
    );
    let report = import(&db, &write_bundle(&db.dir().join("i"), &only)).await;
    let e = &report.errors;
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(
        (
            e[0].file.as_str(),
            e[0].row,
            e[0].column.as_str(),
            e[0].value.as_str()
        ),
        ("project_investors.csv", 2, "shares", "11")
    );
    assert!(e[0].reason.contains("投资方持股 11 股"), "{e:#?}");
    db.cleanup().await;
    // More than the total by themselves.
    let (db, report) =
        imported("P2,甲公司,enterprise,1,6,2016-05-01\nP2,乙合作社,cooperative,1,5,2016-05-01\n")
            .await;
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    assert_eq!(report.errors[0].row, 3, "the latest row of the project");
    assert!(
        report.errors[0].reason.contains("11"),
        "{:#?}",
        report.errors
    );
    db.cleanup().await;
    // A new grant that does not fit beside the investors is the grant's fault: 10 investors'
    // shares of P1 leave 10, and H001 still holds 5 in 2016.
    let mut b = bundle("P1,甲公司,enterprise,1,10,2016-05-01\n");
    b.get_mut("share_events")
        .unwrap()
        .push_str("P1,H003,2016-06-01,grant,6\n");
    let db = TestDb::fresh().await;
    let report = import(&db, &write_bundle(&db.dir().join("b"), &b)).await;
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let e = &report.errors[0];
    assert_eq!(
        (e.file.as_str(), e.column.as_str()),
        ("share_events.csv", "shares")
    );
    assert!(e.reason.contains("剩余 5 股"), "{e:?}");
    db.cleanup().await;
}

#[tokio::test]
async fn the_ledger_form_keeps_the_rule_and_the_reach() {
    let (db, report) = imported("").await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let store = db.store.as_ref();
    let today = day("2026-11-29");
    let row = |shares: &str| -> Vec<Value> {
        let cells = [
            "P1",
            "惠农公司",
            "enterprise",
            "20000",
            shares,
            "2016-05-01",
        ];
        (PROJECT_INVESTORS.columns.iter().zip(cells))
            .map(|(c, t)| cell::parse(c, t, today).unwrap())
            .collect()
    };
    let save = |access: Access, shares: &'static str| async move {
        records::save_entries(
            store,
            &access,
            &RuleSet::default(),
            vec![(&PROJECT_INVESTORS, vec![row(shares)])],
            today,
        )
        .await
    };
    let saved = save(official("341181000000"), "10").await.unwrap();
    assert_eq!(saved.changed, 1);
    // Rewriting the same investor with one share more does not fit.
    match save(official("341181000000"), "11").await {
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            assert_eq!(problems[0].field, "shares");
            assert!(
                problems[0].message.contains("投资方持股 11 股"),
                "{problems:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Another county's official does not reach 甲村's project.
    let r = save(official("341182000000"), "1").await;
    assert!(matches!(r, Err(StoreError::Refused(_))), "{r:?}");
    let page = records::list_entries(
        store,
        &official("341181000000"),
        &PROJECT_INVESTORS,
        &[],
        records::Page {
            offset: 0,
            limit: 10,
        },
        today,
    )
    .await
    .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.rows[0][4], Value::Int(10));
    db.cleanup().await;
}

#[tokio::test]
async fn the_years_adjustment_grants_only_what_the_investors_leave() {
    // P2: 10 shares at 2 a household; investors hold 9, so H001 cannot get its 2.
    let (db, report) = imported("P2,甲公司,enterprise,4500,9,2016-05-01\n").await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let view = records::adjustment_plan(db.store.as_ref(), 2016)
        .await
        .unwrap();
    assert!(view.plan.events.is_empty(), "{:?}", view.plan.events);
    assert_eq!(
        view.plan.unserved,
        vec![("P2".to_string(), "H001".to_string())]
    );
    db.cleanup().await;
    // 8 leave exactly 2.
    let (db, _) = imported("P2,甲公司,enterprise,4000,8,2016-05-01\n").await;
    let view = records::adjustment_plan(db.store.as_ref(), 2016)
        .await
        .unwrap();
    assert_eq!(view.plan.events.len(), 1);
    db.cleanup().await;
}

#[tokio::test]
async fn investors_round_trip_byte_for_byte() {
    let (db, report) = imported("P1,王建军,individual,5000.50,3,2016-06-01\n").await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let files = round_trip(&db).await;
    assert_eq!(
        files["project_investors.csv"],
        format!("\u{feff}{HEADER}P1,王建军,individual,5000.50,3,2016-06-01\n")
    );
    db.cleanup().await;
}
