//! 集体 over the records layer, on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL:
//! rules.md §8 dividends of the small bundle to the fen (a tie to the smaller id), recorded once,
//! and the year's equity adjustment.

mod common;

use common::*;
use xplus_core::collective::ShareEventKind;
use xplus_store::records::{self, AdjustmentApplied, Applied};
use xplus_store::Refusal;
use xplus_store::StoreError;

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

#[tokio::test]
async fn dividends_to_the_fen_recorded_once() {
    let db = db().await;
    let store = db.store.as_ref();
    // 2015: 1000.01 yuan over H001 and H002, 5 shares each: the odd fen to H001.
    let run = records::dividends(store, 2015).await.unwrap();
    let paid: Vec<(String, i64)> = run.projects[0]
        .payments
        .iter()
        .map(|p| (p.household.clone(), p.amount.0))
        .collect();
    assert_eq!(paid, vec![("H001".into(), 50_001), ("H002".into(), 50_000)]);
    assert_eq!(run.paid().0, 100_001);
    // 2016: H002 gave its shares back on Jan 1; H001 gets it all.
    let run16 = records::dividends(store, 2016).await.unwrap();
    assert_eq!(run16.paid().0, 99_999);
    assert_eq!(run16.payments(), 1);

    let actor = "cli:test";
    assert_eq!(
        records::apply_dividends(store, actor, &run).await.unwrap(),
        Applied::Recorded {
            payments: 2,
            projects: 1
        }
    );
    assert_eq!(
        records::apply_dividends(store, actor, &run).await.unwrap(),
        Applied::AlreadyRecorded
    );
    // A run that no longer matches the records (computed before a change) is refused.
    let mut other = run.clone();
    other.projects[0].payments[0].amount.0 -= 1;
    let r = records::apply_dividends(store, actor, &other).await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Conflict(_)))),
        "{r:?}"
    );
    // 2016 is recorded separately.
    assert_eq!(
        records::apply_dividends(store, actor, &run16)
            .await
            .unwrap(),
        Applied::Recorded {
            payments: 1,
            projects: 1
        }
    );
    db.cleanup().await;
}

#[tokio::test]
async fn the_years_adjustment_grants_from_the_village_pools() {
    let db = db().await;
    let store = db.store.as_ref();
    // 2016: nobody exited in 2016; H001 (poor) holds P1 (pledged) but none of P2 → 2 shares of P2.
    let view = records::adjustment_plan(store, 2016).await.unwrap();
    let events: Vec<(String, String, ShareEventKind, i64)> = view
        .plan
        .events
        .iter()
        .map(|e| (e.project.clone(), e.household.clone(), e.kind, e.shares))
        .collect();
    assert_eq!(
        events,
        vec![("P2".into(), "H001".into(), ShareEventKind::Grant, 2)]
    );
    assert_eq!(view.date.to_string(), "2017-01-01");
    assert_eq!(
        records::apply_adjustment(store, "cli:test", &view)
            .await
            .unwrap(),
        AdjustmentApplied::Recorded { events: 1 }
    );
    let again = records::adjustment_plan(store, 2016).await.unwrap();
    assert_eq!(
        records::apply_adjustment(store, "cli:test", &again)
            .await
            .unwrap(),
        AdjustmentApplied::AlreadyRecorded
    );
    db.cleanup().await;
}

#[tokio::test]
async fn the_collective_views_read_within_reach() {
    use chrono::NaiveDate;
    use xplus_core::accounts::{Access, Role};
    use xplus_core::registry::RegionCode;
    use xplus_core::rules::RuleSet;
    let db = db().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2016, 12, 1).unwrap();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let o = records::collective_overview(store, &admin, &RuleSet::default(), 2016, today)
        .await
        .unwrap();
    assert_eq!((o.villages.len(), o.empty_shell, o.strong), (2, 0, 1));
    // The "123" number of 2016 is the region's target now (targets.rs tests it).
    let book = records::rule_book(store).await.unwrap();
    let t = records::collective_targets(store, &admin, &book, 2016)
        .await
        .unwrap();
    assert_eq!(t.reduction.map(|r| r.value), Some(200));
    assert_eq!(o.loans.len(), 1);
    assert_eq!(
        (
            o.loans[0].issued,
            o.loans[0].outstanding,
            o.loans[0].issued_amount.0
        ),
        (1, 1, 4_000_000)
    );
    let p = records::project_view(store, &admin, "P1", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.holders, vec![("H001".to_string(), 5)]);
    assert_eq!(p.years.len(), 2);
    assert_eq!(p.transferred, None);
    let p2 = records::project_view(store, &admin, "P2", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p2.transferred, Some(false), "the concession runs to 2030");
    let h = records::household_shares(store, &admin, "H001", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.holdings.len(), 1);
    assert_eq!(h.loans.len(), 1);
    let elsewhere = official_of("li", "341182000000");
    assert!(records::project_view(store, &elsewhere, "P1", today)
        .await
        .unwrap()
        .is_none());
    assert!(records::household_shares(store, &elsewhere, "H001", today)
        .await
        .unwrap()
        .is_none());
    let o = records::collective_overview(store, &elsewhere, &RuleSet::default(), 2016, today)
        .await
        .unwrap();
    assert!(o.villages.is_empty() && o.loans.is_empty());
    // 乙村's secretary does not see 甲村's loan, though both are in 天长市.
    let yicun = Access::of_account(
        "yicun",
        Role::Secretary,
        RegionCode::parse("341181100202").ok(),
        None,
    );
    let o = records::collective_overview(store, &yicun, &RuleSet::default(), 2016, today)
        .await
        .unwrap();
    assert_eq!(o.villages.len(), 1);
    assert!(o.loans.is_empty(), "{:?}", o.loans);
    let p = records::project_view(store, &yicun, "P1", today)
        .await
        .unwrap();
    assert!(p.is_none(), "P1 is 甲村's");
    db.cleanup().await;
}

#[tokio::test]
async fn asset_register_hands_bot_over_on_its_end_date_and_the_village_page_reads_back() {
    use chrono::NaiveDate;

    use xplus_core::collective::economy::AssetHolder;
    use xplus_core::interchange::schema::VILLAGE_ENTERPRISES;
    use xplus_core::interchange::{cell, Value};
    use xplus_core::registry::RegionCode;
    use xplus_core::rules::RuleSet;

    let db = db().await;
    let store = db.store.as_ref();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let official = official_of("tc", "341181000000");
    let holders = |list: Vec<records::AssetRow>| -> Vec<(String, AssetHolder)> {
        list.into_iter().map(|a| (a.project_id, a.holder)).collect()
    };
    let end = day("2030-12-31");
    let before = records::asset_register(store, &official, day("2030-12-30"))
        .await
        .unwrap();
    assert_eq!(
        before[1].value.0,
        500 * 100 * 10,
        "share value × total shares"
    );
    assert_eq!(
        holders(before),
        [
            ("P1".to_string(), AssetHolder::Village),
            ("P2".to_string(), AssetHolder::Concession { end: Some(end) })
        ]
    );
    assert_eq!(
        holders(
            records::asset_register(store, &official, end)
                .await
                .unwrap()
        )[1],
        ("P2".to_string(), AssetHolder::PassedToVillage { on: end })
    );

    let today = day("2016-12-01");
    let row: Vec<Value> = VILLAGE_ENTERPRISES
        .columns
        .iter()
        .zip([
            "QY1",
            "341181100201",
            "甲村农民专业合作社",
            "cooperative",
            "2014-03-01",
            "500000",
            "46",
            "葡萄种植与销售",
        ])
        .map(|(c, v)| cell::parse(c, v, today).unwrap())
        .collect();
    records::save_entries(
        store,
        &official,
        &RuleSet::default(),
        vec![(&VILLAGE_ENTERPRISES, vec![row])],
        today,
    )
    .await
    .unwrap();
    let village = RegionCode::parse("341181100201").unwrap();
    let v = records::village_collective(store, &official, &RuleSet::default(), village, today)
        .await
        .unwrap()
        .expect("天长市 reaches 甲村");
    assert_eq!(v.name, "甲村");
    // 52,000 yuan in 2016: neither empty-shell (below 50,000) nor strong (100,000).
    assert_eq!(
        v.incomes
            .iter()
            .map(|i| (i.year, i.income.0, i.empty_shell, i.strong))
            .collect::<Vec<_>>(),
        [(2016, 5_200_000, false, false)]
    );
    assert_eq!(v.projects.len(), 2);
    assert_eq!(v.enterprises.len(), 1);
    assert_eq!(v.enterprises[0][2].as_text(), Some("甲村农民专业合作社"));
    let elsewhere = official_of("li", "341182000000");
    assert!(
        records::village_collective(store, &elsewhere, &RuleSet::default(), village, today)
            .await
            .unwrap()
            .is_none()
    );
    assert!(records::asset_register(store, &elsewhere, today)
        .await
        .unwrap()
        .is_empty());
    db.cleanup().await;
}

#[tokio::test]
async fn pledge_loans_written_from_a_page_keep_the_caps_of_rules_8() {
    use chrono::NaiveDate;

    use xplus_core::interchange::schema::LOANS;
    use xplus_core::interchange::{cell, Value};

    use xplus_core::rules::RuleSet;

    let db = db().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
    let official = official_of("tc", "341181000000");
    let loan = |cells: [&str; 8]| -> Vec<Value> {
        LOANS
            .columns
            .iter()
            .zip(cells)
            .map(|(c, v)| cell::parse(c, v, today).unwrap())
            .collect()
    };
    let rules = RuleSet::default();
    let save = |row: Vec<Value>| {
        records::save_entries(store, &official, &rules, vec![(&LOANS, vec![row])], today)
    };
    let refused = |r: Result<records::SavedEntries, StoreError>| match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => {
            (p[0].field.clone(), p[0].message.clone())
        }
        other => panic!("expected a refusal, got {other:?}"),
    };
    // H001 holds 5 shares of P1 (1,000 yuan each), all pledged to L1 (40,000 yuan, the cap).
    let (field, message) = refused(
        save(loan([
            "L2",
            "H001",
            "P1",
            "1",
            "1000",
            "2016-06-01",
            "12",
            "",
        ]))
        .await,
    );
    assert_eq!(field, "pledged_shares", "{message}");
    assert!(message.contains("collective equity rules"), "{message}");
    // Nor one that starts earlier and would still run when L1 pledges all 5 shares.
    let (field, _) = refused(
        save(loan([
            "L3",
            "H001",
            "P1",
            "5",
            "40000",
            "2015-06-01",
            "60",
            "",
        ]))
        .await,
    );
    assert_eq!(field, "pledged_shares");
    // Another county's official is told nothing about H001's holdings: the row is outside reach.
    let elsewhere = official_of("li", "341182000000");
    let r = records::save_entries(
        store,
        &elsewhere,
        &rules,
        vec![(
            &LOANS,
            vec![loan([
                "L9",
                "H001",
                "P1",
                "6",
                "1000",
                "2015-06-01",
                "12",
                "",
            ])],
        )],
        today,
    )
    .await;
    let (field, message) = refused(r);
    assert_eq!(field, "household_id");
    assert!(!message.contains("holds"), "{message}");
    // L1 itself, one fen over 8 × 5 × 1,000 yuan; and a term of 61 months.
    let (field, message) = refused(
        save(loan([
            "L1",
            "H001",
            "P1",
            "5",
            "40000.01",
            "2016-01-10",
            "60",
            "",
        ]))
        .await,
    );
    assert_eq!(field, "amount", "{message}");
    assert!(message.contains("40000.00"), "the cap named: {message}");
    let (field, _) = refused(
        save(loan([
            "L1",
            "H001",
            "P1",
            "5",
            "40000",
            "2016-01-10",
            "61",
            "",
        ]))
        .await,
    );
    assert_eq!(field, "term_months");
    // Repaid on 2017-01-10: L1 is rewritten (not a second L1), and its shares are free again.
    save(loan([
        "L1",
        "H001",
        "P1",
        "5",
        "40000",
        "2016-01-10",
        "60",
        "2017-01-10",
    ]))
    .await
    .unwrap();
    save(loan([
        "L2",
        "H001",
        "P1",
        "5",
        "40000",
        "2017-02-01",
        "36",
        "",
    ]))
    .await
    .unwrap();
    // L1 unpaid again would overlap L2 on 5 shares.
    let (field, _) = refused(
        save(loan([
            "L1",
            "H001",
            "P1",
            "5",
            "40000",
            "2016-01-10",
            "60",
            "",
        ]))
        .await,
    );
    assert_eq!(field, "pledged_shares");
    let h = records::household_shares(store, &official, "H001", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.loans.len(), 2);
    db.cleanup().await;
}
