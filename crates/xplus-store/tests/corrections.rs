//! Correcting a past year's outcome (book of record, issue 18), on SQLite and PostgreSQL
//! (XPLUS_TEST_DATABASE_URL): the year's figures change and its report lists the correction with
//! who, when and why; a refused correction writes nothing; the correction is exported and an
//! import of the export exports the same.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::{HouseholdStatus, RegionCode, Standing};
use xplus_store::records::{self, OutcomeCorrection};
use xplus_store::{Refusal, StoreError};

#[tokio::test]
async fn a_correction_of_2016_changes_2016_and_is_listed() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
    let admin = &Access::of_account("admin", Role::Admin, None, None);
    records::apply_assessment(store, "cli:test", 2016, today, &mut Discard)
        .await
        .unwrap();
    let report = |year| async move {
        records::year_report(store, admin, None, year, today)
            .await
            .unwrap()
    };
    let before = report(2016).await;
    // 2016 recorded H001 (3 people) as exited.
    assert_eq!(
        (before.households.poor, before.households.exited_in_year),
        (0, 1)
    );
    assert!(before.corrections.is_empty());

    // Refused, nothing written: no reason; a status the assessment cannot give; a year without
    // an outcome; an account that may not correct; a household out of reach.
    let fix = |status, exit_year, reason: &str| OutcomeCorrection {
        household_id: "H001".into(),
        year: 2016,
        status,
        exit_year,
        reason: reason.into(),
    };
    let refused = |r: Result<_, StoreError>| matches!(r, Err(StoreError::Refused(_)));
    let poor = fix(
        HouseholdStatus::Poor,
        None,
        "入户核实：2016 年工资收入重复计算",
    );
    assert!(refused(
        records::correct_outcome(
            store,
            admin,
            "admin",
            &fix(HouseholdStatus::Poor, None, " "),
            today
        )
        .await
    ));
    assert!(refused(
        records::correct_outcome(
            store,
            admin,
            "admin",
            &fix(HouseholdStatus::Monitored, Some(2016), "x"),
            today
        )
        .await
    ));
    let mut other_year = poor.clone();
    other_year.year = 2015;
    assert!(refused(
        records::correct_outcome(store, admin, "admin", &other_year, today).await
    ));
    let helper = &Access::of_account("zhao", Role::Helper, None, Some("C1"));
    assert!(refused(
        records::correct_outcome(store, helper, "zhao", &poor, today).await
    ));
    let elsewhere = RegionCode::parse("341102000000").unwrap();
    let official = &Access::of_account("li", Role::Official, Some(elsewhere), None);
    match records::correct_outcome(store, official, "li", &poor, today).await {
        Err(StoreError::Refused(Refusal::NotFound(_))) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(report(2016).await, before);

    // H001 did not exit in 2016: the outcome goes, H001 is poor again, 2016's figures say so.
    let note = records::correct_outcome(store, admin, "admin", &poor, today)
        .await
        .unwrap();
    assert_eq!(note.seq, 1);
    assert_eq!(
        note.recorded,
        Standing {
            status: HouseholdStatus::Exited,
            exit_year: Some(2016)
        }
    );
    let after = report(2016).await;
    assert_eq!(
        (after.households.poor, after.households.exited_in_year),
        (1, 0)
    );
    assert_eq!(after.persons.poor, 3);
    assert_eq!(after.corrections, vec![note.clone()]);
    assert_eq!(after.corrections[0].corrected_by, "admin");
    // 2015 is untouched; the roll-ups follow.
    assert!(report(2015).await.corrections.is_empty());
    records::refresh_rollups(store).await.unwrap();
    let county = RegionCode::parse("341181000000").unwrap();
    let d = records::dashboard(store, Some(county), 10).await.unwrap();
    assert_eq!(d.region.at_end(2016).poor, 1);
    // Corrected again: it did exit after all. The second correction of the year.
    let exited = fix(
        HouseholdStatus::Exited,
        Some(2016),
        "复核：收入核实无误，撤销前次更正",
    );
    let second = records::correct_outcome(store, admin, "admin", &exited, today)
        .await
        .unwrap();
    assert_eq!(second.seq, 2);
    let again = report(2016).await;
    assert_eq!(
        (again.households.poor, again.households.exited_in_year),
        (0, 1)
    );
    assert_eq!(again.corrections.len(), 2);
    assert!(xplus_store::verify_audit(store).await.unwrap().is_ok());

    // The export carries the corrections; a copy imports whole and exports the same.
    let out = db.dir().join("exp");
    export(&db, &out, false).await;
    let exported = read_folder(&out);
    let rows = exported
        .get("corrections.csv")
        .expect("corrections.csv exported");
    assert_eq!(rows.lines().count(), 3, "{rows}");
    let copy = TestDb::fresh().await;
    let imported = import(&copy, &out).await;
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let out2 = copy.dir().join("exp2");
    export(&copy, &out2, false).await;
    assert_eq!(read_folder(&out2), exported);
    copy.cleanup().await;
    db.cleanup().await;
}

/// A stored income of a past year is that year's record: changing it needs a reason, and the
/// year's report lists the correction (net before and after, who, when, why); entering a year
/// not recorded before, or this year's income, is not a correction. The export carries it.
#[tokio::test]
async fn a_past_years_income_is_corrected_with_its_reason() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 3, 1).unwrap();
    let official = &official_of("县干部", "341181000000");
    let save = |year: &'static str, wage: &'static str, reason: Option<&'static str>| async move {
        let h = records::household(store, official, "H001", today)
            .await
            .unwrap()
            .unwrap();
        let income = row(
            &xplus_core::interchange::schema::INCOMES,
            &["H001", year, wage, "2000", "0", "1200", "800", "300"],
        );
        let mut change =
            records::Change::one(&xplus_core::interchange::schema::INCOMES, income).unwrap();
        change.reason = reason.map(str::to_string);
        records::save_change(store, official, "H001", change, Some(&h.fingerprint), today).await
    };
    // 2015 is stored (wage 6,000.50): changing it without a reason is refused.
    let refused = save("2015", "7000", None).await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(Refusal::Rejected(p))) if p[0].field == "reason"),
        "{refused:?}"
    );
    let refused = save("2015", "7000", Some("  ")).await;
    assert!(refused.is_err());
    let admin = &Access::of_account("admin", Role::Admin, None, None);
    let report = |year| async move {
        records::year_report(store, admin, None, year, today)
            .await
            .unwrap()
    };
    assert!(report(2015).await.income_corrections.is_empty());
    // With a reason: saved and listed in 2015 (net 6,000.50 + 2,000 + 1,200 − 800 → 7,000 …).
    save("2015", "7000", Some("复核工资收入漏记"))
        .await
        .unwrap();
    let listed: Vec<_> = (report(2015).await.income_corrections.iter())
        .map(|c| (c.seq, c.recorded_net.0, c.net.0, c.reason.clone()))
        .collect();
    assert_eq!(
        listed,
        vec![(1, 840_050, 940_000, "复核工资收入漏记".to_string())]
    );
    assert!(report(2016).await.income_corrections.is_empty());
    // A year not recorded before, and this year's income, need no reason.
    save("2014", "5000", None).await.unwrap();
    save("2017", "5000", None).await.unwrap();
    assert_eq!(report(2014).await.income_corrections.len(), 0);

    let out = db.dir().join("out");
    export(&db, &out, false).await;
    let exported = read_folder(&out);
    assert_eq!(exported["income_corrections.csv"].lines().count(), 2);
    let copy = TestDb::fresh().await;
    let imported = import(&copy, &out).await;
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let out2 = copy.dir().join("out");
    export(&copy, &out2, false).await;
    assert_eq!(read_folder(&out2), exported);
    copy.cleanup().await;
    db.cleanup().await;
}
