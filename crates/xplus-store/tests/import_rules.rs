//! Bundles that break a rule across rows (rules.md §7 helpers and units, §8 shares and loans, a
//! household's lifecycle) are refused with the row that breaks it named, whether the other rows
//! are in the same bundle or already stored, and the database is left as it was.

mod common;

use common::planted::*;
use common::*;

#[tokio::test]
async fn rule_7_no_poor_household_left_without_a_helper() {
    // The successor starts two days after the end: one day uncovered.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "cadre_household_pairings",
        "C3,H001",
        "C3,H001,2016-07-02,",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "cadre_household_pairings.csv", row - 1, "end_date"),
        "{e:#?}"
    );
    assert!(e.iter().any(|i| i.reason.contains("结对帮扶规定")));

    // The same end for an exited household is fine (H002 exited in 2015).
    let b = small_bundle();
    assert!(errors_of(&b).await.is_empty());

    // A unit may not leave a poor village that has not exited.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "unit_village_pairings",
        "U2,",
        "U2,341181100201,2015-06-01,2016-12-31,0",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "unit_village_pairings.csv", row, "end_date"),
        "{e:#?}"
    );

    // Capacity: C3 already helps H003 and (from 2016-07-01) H001; four more make six at once.
    let mut b = small_bundle();
    let mut last = 0;
    for n in 0..4 {
        let hid = format!("H1{n}");
        append(
            &mut b,
            "households",
            &format!("{hid},341181100202,2015,poor,,illness,1,1,1,1"),
        );
        append(
            &mut b,
            "members",
            &format!(
                "{hid},{},某甲{n},head,healthy,ordinary,none,1,1,0",
                id(341181, "1960-01-01", 101 + 2 * n)
            ),
        );
        last = append(
            &mut b,
            "cadre_household_pairings",
            &format!("C3,{hid},2016-08-01,"),
        );
    }
    let e = errors_of(&b).await;
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        has(&e, "cadre_household_pairings.csv", last, "cadre_id"),
        "{e:#?}"
    );
}

#[tokio::test]
async fn rule_8_ledger_loans_and_pledged_shares() {
    // A grant beyond the pool (20 total; 5 held after H002's reclaim; 16 more).
    let mut b = small_bundle();
    let row = append(&mut b, "share_events", "P1,H003,2016-02-01,grant,16");
    let e = errors_of(&b).await;
    assert!(has(&e, "share_events.csv", row, "shares"), "{e:#?}");

    // Exactly the pool is fine.
    let mut b = small_bundle();
    append(&mut b, "share_events", "P1,H003,2016-02-01,grant,15");
    assert!(errors_of(&b).await.is_empty());

    // Term over 60 months, and pledging more than held.
    let mut b = small_bundle();
    let row = plant(&mut b, "loans", "L1", "L1,H001,P1,6,100,2016-01-10,61,");
    let e = errors_of(&b).await;
    assert!(has(&e, "loans.csv", row, "term_months"), "{e:#?}");
    assert!(has(&e, "loans.csv", row, "pledged_shares"), "{e:#?}");

    // Reclaiming pledged shares before the loan is repaid.
    let mut b = small_bundle();
    let row = append(&mut b, "share_events", "P1,H001,2016-06-01,reclaim,1");
    let e = errors_of(&b).await;
    assert!(has(&e, "share_events.csv", row, "shares"), "{e:#?}");
    assert!(e.iter().any(|i| i.reason.contains("L1")));
    // After repayment it is allowed.
    let mut b = small_bundle();
    plant(
        &mut b,
        "loans",
        "L1",
        "L1,H001,P1,5,40000,2016-01-10,60,2016-05-31",
    );
    append(&mut b, "share_events", "P1,H001,2016-06-01,reclaim,1");
    assert!(errors_of(&b).await.is_empty());
}

#[tokio::test]
async fn a_bundle_row_dated_before_stored_rows_is_still_checked() {
    // Stored: P1 has 20 shares, 5 held by H001 after H002's reclaim. A later bundle grants 16
    // to H003 on a day *before* the stored grants: the pool overflows when the stored grants
    // are replayed, and the bundle's row is the one named.
    let mut first = small_bundle();
    append(&mut first, "share_events", "P1,H003,2016-06-01,grant,10");
    let mut second = only(&first, &[]);
    second.insert(
        "share_events",
        "project_id,household_id,date,kind,shares\nP1,H001,2014-01-01,grant,11\n".to_string(),
    );
    refused_after(&first, &second, "share_events.csv", 2, "shares").await;

    // Stored: C3 helps H003, H001 (from 2016-07-01) and three more from 2016-08-01: five at
    // once, the limit. A bundle pairing C3 with a sixth household from an earlier day is refused.
    let mut first = small_bundle();
    for n in 0..3 {
        let hid = format!("H1{n}");
        append(
            &mut first,
            "households",
            &format!("{hid},341181100202,2015,poor,,illness,1,1,1,1"),
        );
        append(
            &mut first,
            "members",
            &format!(
                "{hid},{},某甲{n},head,healthy,ordinary,none,1,1,0",
                id(341181, "1960-01-01", 101 + 2 * n)
            ),
        );
        append(
            &mut first,
            "cadre_household_pairings",
            &format!("C3,{hid},2016-08-01,"),
        );
    }
    let mut second = only(&first, &[]);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH20,341181100202,2015,poor,,illness,1,1,1,1\n".to_string());
    second.insert("members", format!("household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\nH20,{},某乙,head,healthy,ordinary,none,1,1,0\n", id(341181, "1961-01-01", 201)));
    second.insert(
        "cadre_household_pairings",
        "cadre_id,household_id,start_date,end_date\nC3,H20,2015-06-01,\n".to_string(),
    );
    refused_after(
        &first,
        &second,
        "cadre_household_pairings.csv",
        2,
        "cadre_id",
    )
    .await;
}

#[tokio::test]
async fn pledges_add_up_and_stay_until_repaid() {
    // Two unpaid loans may not pledge the same five shares twice.
    let mut b = small_bundle();
    let row = append(&mut b, "loans", "L2,H001,P1,5,100,2016-02-01,12,");
    let e = errors_of(&b).await;
    assert!(has(&e, "loans.csv", row, "pledged_shares"), "{e:#?}");

    // A new loan against shares the stored ledger reclaims while it is unpaid.
    let mut first = small_bundle();
    plant(
        &mut first,
        "loans",
        "L1",
        "L1,H001,P1,5,40000,2016-01-10,60,2016-05-31",
    );
    append(&mut first, "share_events", "P1,H001,2018-01-01,reclaim,5");
    let mut second = only(&first, &[]);
    second.insert("loans", "loan_id,household_id,project_id,pledged_shares,amount,start_date,term_months,repaid_date\nL3,H001,P1,5,100,2017-03-01,24,\n".to_string());
    refused_after(&first, &second, "loans.csv", 2, "pledged_shares").await;
}

#[tokio::test]
async fn a_helper_may_leave_after_the_household_exited() {
    // Exited in 2015, helper left in 2016, now monitored again: the old end was lawful.
    let mut b = small_bundle();
    plant(
        &mut b,
        "households",
        "H002,",
        "H002,341181100201,2014,monitored,2015,disability,1,1,1,0",
    );
    append(&mut b, "cadre_household_pairings", "C3,H002,2017-01-01,");
    assert!(errors_of(&b).await.is_empty());
    // Still poor (never exited): the same gap is refused.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "cadre_household_pairings",
        "C3,H001",
        "C3,H001,2016-07-05,",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "cadre_household_pairings.csv", row - 1, "end_date"),
        "{e:#?}"
    );
}

#[tokio::test]
async fn a_village_that_is_not_exited_keeps_its_unit() {
    // Stored: U2's pairing ended in 2016 after the village exited in 2016. A bundle that undoes
    // the exit is refused on the village row.
    let mut first = small_bundle();
    plant(
        &mut first,
        "villages",
        "341181100201",
        "341181100201,1,1200,2016,",
    );
    plant(
        &mut first,
        "unit_village_pairings",
        "U2,",
        "U2,341181100201,2015-06-01,2016-12-31,0",
    );
    let mut second = only(&first, &["regions"]);
    second.insert("villages", "village_code,poor_village,population,exit_year,planned_exit_year\n341181100201,1,1200,,2017\n".to_string());
    refused_after(&first, &second, "villages.csv", 2, "exit_year").await;
}

#[tokio::test]
async fn a_stored_household_moves_only_along_its_lifecycle() {
    // H002 exited in 2015: it may become monitored or returned, not poor again.
    let first = small_bundle();
    let mut second = only(&first, &[]);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH002,341181100201,2014,poor,2015,disability,1,1,1,0\n".to_string());
    refused_after(&first, &second, "households.csv", 2, "status").await;

    let db = TestDb::fresh().await;
    let one = write_bundle(&db.dir().join("one"), &first);
    assert!(import(&db, &one).await.committed);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH002,341181100201,2014,returned,2015,disability,1,1,1,0\n".to_string());
    let two = write_bundle(&db.dir().join("two"), &second);
    let report = import(&db, &two).await;
    assert!(report.committed, "{:#?}", report.errors);
    db.cleanup().await;
}
