//! The yearly assessment through the store (SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL):
//! the small bundle's three households judged by rules.md §3 and §5, applied once, the status at
//! the start of the year kept after applying, the "why" of a household within reach only, and a
//! poverty line set for the county.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::assessment::household::ExitCriterion;
use xplus_core::assessment::monitoring::{MonitorOutcome, MonitorReason};
use xplus_core::registry::{HouseholdStatus, RegionCode};
use xplus_core::rules::{Parameter, Setting};
use xplus_store::records::{self, Judgement};
use xplus_store::Refusal;
use xplus_store::StoreError;

fn admin() -> xplus_core::accounts::Access {
    xplus_core::accounts::Access::of_account("admin", xplus_core::accounts::Role::Admin, None, None)
}

#[tokio::test]
async fn assessment_judges_applies_once_and_explains() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();

    let mut seen = Collect::default();
    let summary = records::assess_year(store, 2016, &mut seen).await.unwrap();
    assert_eq!((summary.households, summary.eligible), (1, 1));
    // H001: 12,100.00 for three people, above 2,952.00 × 3 = 8,856.00, and every assurance.
    let h1 = seen.of("H001");
    assert_eq!(
        h1.net_income.map(|n| n.to_string()).as_deref(),
        Some("12100.00")
    );
    assert_eq!(
        h1.per_capita.map(|n| n.to_string()).as_deref(),
        Some("4033.33")
    );
    assert!(h1.exit().unwrap().eligible());
    // H002 (exited 2015): 5,800.00 for one is above 1.5 × the line, but 8,000.00 of medical
    // spending is more than its income.
    assert_eq!(
        seen.of("H002").judgement,
        Judgement::Monitoring(MonitorOutcome::Monitored(vec![
            MonitorReason::MedicalSpending
        ]))
    );
    // H003 (monitored 2015): 20,500.00 for two is above 1.5 × the line: risk removed.
    assert_eq!(
        seen.of("H003").judgement,
        Judgement::Monitoring(MonitorOutcome::Stable)
    );
    assert_eq!(
        seen.villages.len(),
        1,
        "甲村 is the poor village not exited"
    );

    let mut again = Collect::default();
    let (_, applied) = records::apply_assessment(store, "cli:test", 2016, today, &mut again)
        .await
        .unwrap();
    assert_eq!(
        again.households, seen.households,
        "what is applied is what was shown"
    );
    assert!(!applied.already_recorded);
    assert_eq!(
        (
            applied.exits,
            applied.monitored,
            applied.risk_removed,
            applied.returned
        ),
        (1, 1, 1, 0)
    );
    let status = |id: &'static str| async move {
        let r = records::household(store, &admin(), id, today)
            .await
            .unwrap()
            .unwrap();
        (r.household.status, r.household.exit_year)
    };
    assert_eq!(status("H001").await, (HouseholdStatus::Exited, Some(2016)));
    assert_eq!(
        status("H002").await,
        (HouseholdStatus::Monitored, Some(2015))
    );
    assert_eq!(status("H003").await, (HouseholdStatus::Exited, Some(2015)));

    // Applied again: the same households are judged (H001 is still poor at the start of 2016),
    // and nothing is written.
    let mut third = Collect::default();
    let (_, applied) = records::apply_assessment(store, "cli:test", 2016, today, &mut third)
        .await
        .unwrap();
    assert!(applied.already_recorded);
    assert_eq!(third.households, seen.households);

    // The why of H001 in 2016: every criterion with value, threshold and source, and the
    // recorded exit; out of another county's reach.
    let why = records::household_assessment(store, &admin(), "H001", 2016, today)
        .await
        .unwrap()
        .unwrap();
    let income = &why.assessment.exit().unwrap().findings[0];
    assert_eq!(income.criterion, ExitCriterion::Income);
    assert_eq!(income.value, "12100.00");
    assert_eq!(income.threshold, "> 8856.00（2952.00 × 3人）");
    assert!(income.source.contains("国家扶贫标准"), "{}", income.source);
    assert_eq!(
        why.recorded.as_ref().map(|r| r.outcome.as_str()),
        Some("exited")
    );
    assert_eq!(why.assessment.at_start.status, HouseholdStatus::Poor);
    let laian = official_of("la", "341182000000");
    assert!(
        records::household_assessment(store, &laian, "H001", 2016, today)
            .await
            .unwrap()
            .is_none()
    );

    // 2017: H001 exited before the year, so §5 looks at it — without a 2017 income it is
    // monitored for that.
    let why = records::household_assessment(store, &admin(), "H001", 2017, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        why.assessment.judgement,
        Judgement::Monitoring(MonitorOutcome::Monitored(vec![MonitorReason::NoIncome]))
    );

    // A county line for 2016 above H001's 4,033.33 a head: recomputed, H001 fails income and
    // the applied run now disagrees, so applying again is refused and nothing changes.
    records::set_rule(
        store,
        "cli:test",
        &Setting {
            parameter: Parameter::PovertyLine,
            region: RegionCode::parse("341181000000").ok(),
            year: Some(2016),
            value: 410_000,
            source: "天长市定标准（测试）".into(),
        },
    )
    .await
    .unwrap();
    let why = records::household_assessment(store, &admin(), "H001", 2016, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        why.assessment.exit().unwrap().failed(),
        [ExitCriterion::Income]
    );
    assert_eq!(why.poverty_line.source, "天长市定标准（测试）");
    let refused =
        records::apply_assessment(store, "cli:test", 2016, today, &mut Collect::default())
            .await
            .unwrap_err();
    assert!(
        matches!(refused, StoreError::Refused(Refusal::Conflict(_))),
        "{refused}"
    );
    assert_eq!(status("H001").await, (HouseholdStatus::Exited, Some(2016)));
    db.cleanup().await;
}

#[tokio::test]
async fn apply_leaves_a_household_in_an_open_batch_to_the_procedure() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let county = official_of("tc", "341181000000");
    let village = RegionCode::parse("341181100201").unwrap();
    let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let stage = records::take_exit_step(
        store,
        &county,
        village,
        2016,
        records::ExitAct::Propose {
            date: day("2016-12-01"),
            households: None,
        },
        today,
    )
    .await
    .unwrap();
    assert_eq!(stage.code(), "proposed");
    let view = records::exit_view(store, &county, village, 2016, today)
        .await
        .unwrap();
    assert_eq!(view.batch.unwrap().households.len(), 1);

    let (_, applied) =
        records::apply_assessment(store, "cli:test", 2016, today, &mut Collect::default())
            .await
            .unwrap();
    assert_eq!((applied.exits, applied.awaiting_procedure), (0, 1));
    let h = records::household(store, &admin(), "H001", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        h.household.status,
        HouseholdStatus::Poor,
        "left to the procedure"
    );
    // The first adjustment of 2016, before the procedure ends.
    let plan = records::adjustment_plan(store, 2016).await.unwrap();
    records::apply_adjustment(store, "cli:test", &plan)
        .await
        .unwrap();

    // The procedure runs to the county's approval: H001 exits in 2016.
    let town = official_of("jd", "341181100000");
    for (who, act) in [
        (
            &county,
            records::ExitAct::Review {
                date: day("2016-12-02"),
                attendees: 30,
                agreed: vec!["H001".into()],
            },
        ),
        (
            &county,
            records::ExitAct::Notice {
                start: day("2016-12-03"),
            },
        ),
        (
            &town,
            records::ExitAct::TownApproval {
                date: day("2016-12-20"),
                opinion: "经审核，同意退出".into(),
            },
        ),
    ] {
        records::take_exit_step(store, who, village, 2016, act, today)
            .await
            .unwrap();
    }
    // The county's approval is dated when it was given: not before the town's, not after today,
    // and with an opinion.
    let county_on = |date: &str, opinion: &str| records::ExitAct::CountyApproval {
        date: day(date),
        opinion: opinion.into(),
    };
    for refused in [
        county_on("2016-12-19", "同意"),
        county_on("2017-02-01", "同意"),
        county_on("2016-12-28", " "),
    ] {
        let r = records::take_exit_step(store, &county, village, 2016, refused, today).await;
        assert!(
            matches!(r, Err(StoreError::Refused(Refusal::Invalid(_)))),
            "{r:?}"
        );
    }
    let approved = county_on("2016-12-28", "经审定，同意退出");
    records::take_exit_step(store, &county, village, 2016, approved, today)
        .await
        .unwrap();
    let out = db.dir().join("after_approval");
    export(&db, &out, false).await;
    let batches = std::fs::read_to_string(out.join("exit_batches.csv")).unwrap();
    assert!(
        batches.contains(",jd,2016-12-20,")
            && batches.ends_with(",2016-12-28,经审核，同意退出,经审定，同意退出\n"),
        "{batches}"
    );
    let outcomes = std::fs::read_to_string(out.join("assessment_outcomes.csv")).unwrap();
    assert!(
        outcomes.contains("H001,2016,exited,,poor,,exited,2016,2016-12-28,"),
        "{outcomes}"
    );
    let h = records::household(store, &admin(), "H001", today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h.household.status, HouseholdStatus::Exited);
    // Applying 2016 again finds the procedure's exit recorded; the adjustment, run before,
    // now sees H001's exit (its 5 shares of P1 stay: pledged to an unpaid loan) and is not
    // refused for having run.
    let (_, applied) =
        records::apply_assessment(store, "cli:test", 2016, today, &mut Collect::default())
            .await
            .unwrap();
    assert_eq!(applied.awaiting_procedure, 0);
    let plan = records::adjustment_plan(store, 2016).await.unwrap();
    assert!(
        plan.plan
            .kept_pledged
            .iter()
            .any(|k| k.household == "H001" && k.shares == 5),
        "{plan:?}"
    );
    records::apply_adjustment(store, "cli:test", &plan)
        .await
        .unwrap();

    // Another county's official can neither see nor act on the batch.
    let laian = official_of("la", "341182000000");
    assert!(matches!(
        records::take_exit_step(
            store,
            &laian,
            village,
            2016,
            records::ExitAct::TownApproval {
                date: day("2016-12-20"),
                opinion: "同意".into(),
            },
            today
        )
        .await,
        Err(StoreError::Refused(Refusal::NotFound(_)))
    ));
    db.cleanup().await;
}

/// A household moved to a village of another county is assessed there with its members and
/// income: they carry the county the assessment reads them by.
#[tokio::test]
async fn a_household_moved_to_another_county_keeps_its_members() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_county_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    save_household(store, "H001", today, |row| {
        row[1] = xplus_core::interchange::Value::Region(RegionCode::parse("341182100201").unwrap());
    })
    .await;

    let mut seen = Collect::default();
    records::assess_year(store, 2016, &mut seen).await.unwrap();
    let h1 = seen.of("H001");
    assert_eq!(h1.village, RegionCode::parse("341182100201").unwrap());
    assert_eq!(h1.members, 3);
    assert_eq!(
        h1.net_income.map(|n| n.to_string()).as_deref(),
        Some("12100.00")
    );
    assert!(h1.exit().unwrap().eligible());

    // The same by an import of households.csv alone: H003 (two members) moves too.
    let mut moved = std::collections::BTreeMap::new();
    moved.insert(
        "households",
        "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n\
         H003,341182100201,2015,monitored,2015,因学,是,是,否,是\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("moved"), &moved);
    assert!(import(&db, &path).await.committed);
    let mut seen = Collect::default();
    records::assess_year(store, 2016, &mut seen).await.unwrap();
    let h3 = seen.of("H003");
    assert_eq!(h3.village, RegionCode::parse("341182100201").unwrap());
    assert_eq!(h3.members, 2);
    assert!(h3.net_income.is_some());
    db.cleanup().await;
}

/// Recording a year goes county after county, reading each through another session while the
/// earlier counties' outcomes are written. On PostgreSQL an outcomes table empty before it used
/// to lose its indexes for the write (as a bundle import's first load does), which locks the
/// table: the next county's read waited for the write, which waited for the read — `assess
/// --apply` of the city demo hung. Both counties must be recorded, and soon.
#[tokio::test]
async fn recording_a_year_of_two_counties_does_not_wait_for_itself() {
    let db = TestDb::fresh().await;
    let mut bundle = two_county_bundle();
    bundle
        .get_mut("households")
        .unwrap()
        .push_str("H004,341182100201,2014,poor,,illness,1,1,1,1\n");
    let head = id(341182, "1961-04-02", 71);
    bundle.get_mut("members").unwrap().push_str(&format!(
        "H004,{head},陈一,head,healthy,ordinary,none,1,1,0\n"
    ));
    bundle
        .get_mut("incomes")
        .unwrap()
        .push_str("H004,2016,9000,0,0,0,0,0\n");
    let report = import(&db, &write_bundle(&db.dir().join("b"), &bundle)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let mut seen = Collect::default();
    let recording = records::apply_assessment(store, "cli:test", 2016, today, &mut seen);
    tokio::time::timeout(std::time::Duration::from_secs(60), recording)
        .await
        .expect("the year is recorded within a minute")
        .unwrap();
    let exited = |id: &'static str| async move {
        let h = records::household(store, &admin(), id, today)
            .await
            .unwrap()
            .unwrap();
        h.household.status
    };
    assert_eq!(exited("H001").await, HouseholdStatus::Exited);
    assert_eq!(exited("H004").await, HouseholdStatus::Exited);
    db.cleanup().await;
}
