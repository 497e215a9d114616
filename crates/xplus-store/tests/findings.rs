//! `crosscheck --apply` and what follows (departments.md, rules.md §5): findings recorded once
//! with who answers for them and by when; a confirmed death makes the member leave on the day
//! of death while the day before keeps them; a head's death, a second outcome and an outcome
//! that does not fit are refused whole; an open warning keeps a household monitored until the
//! day it closes; a malformed bundle records nothing. SQLite, and PostgreSQL with
//! XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use std::path::Path;
use xplus_core::accounts::{Access, Role};
use xplus_core::assessment::monitoring::{MonitorOutcome, MonitorReason};
use xplus_core::assessment::tasks::{AssigneeRole, TaskOutcome};
use xplus_store::records::{self, Judgement};
use xplus_store::StoreError;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn today() -> NaiveDate {
    d("2017-02-01")
}

fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}

/// 周强 (C3), H001's and H003's helper since 2016.
fn helper() -> Access {
    Access::of_account("zhouqiang", Role::Helper, None, Some("C3"))
}

/// 李秀英 (H001's spouse) died in October 2016; 王大明, the head, on the last day of the year;
/// 刘芳 (H003) paid 10,000.00 herself in 2016.
fn departments(dir: &Path) {
    let wang = id(341181, "1970-03-05", 11);
    let li = id(341181, "1972-08-19", 22);
    let fang = id(341181, "1980-11-30", 52);
    write(
        dir,
        "deaths.csv",
        &format!("id_number,name,died_on\n{li},李秀英,2016-10-01\n{wang},王大明,2016-12-31\n"),
    );
    write(
        dir,
        "vehicles.csv",
        &format!("id_number,name,plate,kind,registered_on\n{fang},刘芳,皖M23456,car,2016-03-01\n"),
    );
    write(
        dir,
        "medical.csv",
        &format!("id_number,name,year,total_cost,self_paid\n{fang},刘芳,2016,30000,10000.00\n"),
    );
}

async fn checked(db: &TestDb, dir: &Path, as_of: NaiveDate) -> records::Crosscheck {
    let check = records::crosscheck(db.store.as_ref(), &admin(), dir, as_of, today())
        .await
        .unwrap();
    assert!(check.malformed.is_empty(), "{:?}", check.malformed);
    check
}

async fn ready() -> (TestDb, std::path::PathBuf) {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let dir = db.dir().join("departments");
    departments(&dir);
    (db, dir)
}

#[tokio::test]
async fn apply_records_each_finding_once_with_its_helper_and_due_day() {
    let (db, dir) = ready().await;
    let store = db.store.as_ref();
    let check = checked(&db, &dir, d("2016-12-31")).await;
    let applied = records::apply_findings(store, &admin(), &check, d("2016-12-31"), today())
        .await
        .unwrap();
    assert_eq!((applied.recorded, applied.already), (4, 0));
    let again = records::apply_findings(store, &admin(), &check, d("2016-12-31"), today())
        .await
        .unwrap();
    assert_eq!(
        (again.recorded, again.already),
        (0, 4),
        "a re-run records nothing"
    );
    // The same lists checked on another day find the same facts: still nothing new.
    let later = checked(&db, &dir, d("2017-01-15")).await;
    let third = records::apply_findings(store, &admin(), &later, d("2017-01-15"), today())
        .await
        .unwrap();
    assert_eq!(third.recorded, 0);

    let h1 = records::household_findings(store, &admin(), "H001", today())
        .await
        .unwrap();
    assert_eq!(h1.len(), 2);
    for f in &h1 {
        assert_eq!(f.assignee, Some((AssigneeRole::Helper, "C3".to_string())));
        assert_eq!(
            f.due_on,
            Some(d("2017-02-16")),
            "15 days from the day recorded"
        );
        assert!(f.fact_on.is_some());
    }
    let h3 = records::household_findings(store, &helper(), "H003", today())
        .await
        .unwrap();
    let medical = h3
        .iter()
        .find(|f| f.finding.code() == "medical_burden")
        .unwrap();
    assert_eq!(medical.due_on, None, "a warning has no due day");
    // Out of reach: another county's official sees nothing.
    let other = official_of("la", "341182000000");
    assert!(records::household_findings(store, &other, "H001", today())
        .await
        .unwrap()
        .is_empty());

    // The lists: open tasks, the overdue among them the day after the due day.
    let open = records::FindingFilter {
        per_page: 50,
        ..Default::default()
    };
    let list = records::finding_list(store, &admin(), &open, today())
        .await
        .unwrap();
    assert_eq!(list.total, 4);
    let overdue = records::FindingFilter {
        state: records::FindingState::Overdue,
        ..open.clone()
    };
    let late = d("2017-02-17");
    let list = records::finding_list(store, &admin(), &overdue, late)
        .await
        .unwrap();
    assert_eq!(list.total, 3, "the warning is never overdue");
    assert!(list.entries.iter().all(|e| e.overdue));
    let counts = records::task_counts(store, &admin(), late).await.unwrap();
    assert_eq!(counts.totals(), (3, 3));
    assert_eq!(counts.by_county().len(), 1);
    db.cleanup().await;
}

#[tokio::test]
async fn a_confirmed_death_makes_the_member_leave_from_that_day() {
    let (db, dir) = ready().await;
    let store = db.store.as_ref();
    let check = checked(&db, &dir, d("2016-12-31")).await;
    records::apply_findings(store, &admin(), &check, d("2016-12-31"), today())
        .await
        .unwrap();
    let findings = records::household_findings(store, &helper(), "H001", today())
        .await
        .unwrap();
    let li = id(341181, "1972-08-19", 22);
    let wang = id(341181, "1970-03-05", 11);
    let of = |n: &str| {
        findings
            .iter()
            .find(|f| f.id_number.to_string() == n)
            .unwrap()
            .seq
    };
    let confirm = records::OutcomeTold {
        outcome: TaskOutcome::Confirmed,
        on: today(),
        reason: String::new(),
        attachment: None,
    };
    // The head cannot leave before the household has another head: refused, nothing written.
    let refused =
        records::record_outcome(store, &helper(), "H001", of(&wang), &confirm, today()).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(_))),
        "{refused:?}"
    );
    let still = records::household_findings(store, &helper(), "H001", today())
        .await
        .unwrap();
    assert!(still.iter().all(|f| f.outcome.is_none()));

    let done = records::record_outcome(store, &helper(), "H001", of(&li), &confirm, today())
        .await
        .unwrap();
    assert_eq!(done.outcome, Some(TaskOutcome::Confirmed));
    assert_eq!(done.outcome_by, "zhouqiang");
    let h1 = records::household(store, &admin(), "H001", today())
        .await
        .unwrap()
        .unwrap();
    assert!(h1.members.iter().all(|m| m.id_number.to_string() != li));
    // The book of record: on the day before her death she was a member; on the day, not.
    let payroll = db.dir().join("payroll");
    write(
        &payroll,
        "payroll.csv",
        &format!("id_number,name,employer,since\n{li},李秀英,县医院,2016-01-01\n"),
    );
    let before = checked(&db, &payroll, d("2016-09-30")).await;
    assert_eq!(before.findings.len(), 1);
    assert_eq!(before.findings[0].household_id, "H001");
    let after = checked(&db, &payroll, d("2016-10-01")).await;
    assert!(after.findings.is_empty());
    // An outcome is recorded once.
    let twice = records::record_outcome(store, &helper(), "H001", of(&li), &confirm, today()).await;
    assert!(matches!(twice, Err(StoreError::Refused(_))));
    db.cleanup().await;
}

#[tokio::test]
async fn a_refutation_needs_a_reason_and_keeps_its_attachment() {
    let (db, dir) = ready().await;
    let store = db.store.as_ref();
    let check = checked(&db, &dir, d("2016-12-31")).await;
    records::apply_findings(store, &admin(), &check, d("2016-12-31"), today())
        .await
        .unwrap();
    let h3 = records::household_findings(store, &helper(), "H003", today())
        .await
        .unwrap();
    let vehicle = h3
        .iter()
        .find(|f| f.finding.code() == "vehicle")
        .unwrap()
        .seq;
    let mut refute = records::OutcomeTold {
        outcome: TaskOutcome::Refuted,
        on: today(),
        reason: "  ".into(),
        attachment: None,
    };
    let no_reason =
        records::record_outcome(store, &helper(), "H003", vehicle, &refute, today()).await;
    assert!(matches!(no_reason, Err(StoreError::Refused(_))));
    refute.reason = "车辆已于2016年5月转让，附过户证明".into();
    let png = b"\x89PNG\r\n\x1a\n0000".to_vec();
    refute.attachment = Some(("过户证明.png".into(), png.clone()));
    let auditor = Access::of_account("audit", Role::Auditor, None, None);
    assert!(
        records::record_outcome(store, &auditor, "H003", vehicle, &refute, today())
            .await
            .is_err()
    );
    let done = records::record_outcome(store, &helper(), "H003", vehicle, &refute, today())
        .await
        .unwrap();
    assert_eq!(done.attachment.as_ref().unwrap().name, "过户证明.png");
    let (note, bytes) = records::finding_attachment(store, &helper(), "H003", vehicle, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((note.content_type.as_str(), bytes), ("image/png", png));
    db.cleanup().await;
}

#[tokio::test]
async fn an_open_warning_keeps_a_household_monitored_until_it_closes() {
    let (db, dir) = ready().await;
    let store = db.store.as_ref();
    // H003 is stable in 2016 without a warning (tests/assessment.rs).
    assert_eq!(
        judged(&db, "H003").await,
        Judgement::Monitoring(MonitorOutcome::Stable)
    );
    // A warning recorded as of the first day of 2017 does not reach back into 2016.
    let later = checked(&db, &dir, d("2017-01-01")).await;
    let only_2017: Vec<_> = later
        .findings
        .iter()
        .filter(|f| f.finding.code() != "medical_burden")
        .cloned()
        .collect();
    let mut without = later.clone();
    without.findings = only_2017;
    records::apply_findings(store, &admin(), &without, d("2017-01-01"), today())
        .await
        .unwrap();
    assert_eq!(
        judged(&db, "H003").await,
        Judgement::Monitoring(MonitorOutcome::Stable)
    );

    let check = checked(&db, &dir, d("2016-12-31")).await;
    records::apply_findings(store, &admin(), &check, d("2016-12-31"), today())
        .await
        .unwrap();
    assert_eq!(
        judged(&db, "H003").await,
        Judgement::Monitoring(MonitorOutcome::Monitored(vec![
            MonitorReason::Warning,
            MonitorReason::OpenCase
        ])),
        "the warning opened a monitoring case on the day checked"
    );
    let h3 = records::household_findings(store, &admin(), "H003", today())
        .await
        .unwrap();
    let warning = h3
        .iter()
        .find(|f| f.finding.code() == "medical_burden")
        .unwrap()
        .seq;
    // The warning closes with its case, not on its own.
    let close = records::OutcomeTold {
        outcome: TaskOutcome::Closed,
        on: d("2016-12-31"),
        reason: "医保二次报销后自付已降至5000元".into(),
        attachment: None,
    };
    let refused = records::record_outcome(store, &helper(), "H003", warning, &close, today()).await;
    assert!(
        matches!(refused, Err(StoreError::Refused(records_refusal)) if records_refusal.to_string().contains("纳入监测")),
    );
    let cases = records::household_cases(store, &helper(), "H003", today())
        .await
        .unwrap();
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case.opened_on, d("2016-12-31"));
    assert_eq!(case.finding_seq, Some(warning));
    // The risk removed on the last day of 2016, after a measure: not open at its end.
    let measure = records::MeasureTold {
        kind: xplus_core::assessment::cases::MeasureKind::Health,
        detail: "医保二次报销".into(),
        responsible: "周强".into(),
        on: d("2016-12-31"),
    };
    records::add_measure(store, &helper(), &case.case_no, &measure, today())
        .await
        .unwrap();
    let told = records::CloseTold {
        on: d("2016-12-31"),
        net_income: xplus_core::money::Fen(2_000_000),
        members: 2,
        reason: "医保二次报销后自付已降至5000元".into(),
    };
    records::close_case(store, &helper(), &case.case_no, &told, today())
        .await
        .unwrap();
    let h3 = records::household_findings(store, &admin(), "H003", today())
        .await
        .unwrap();
    let closed = h3.iter().find(|f| f.seq == warning).unwrap();
    assert_eq!(closed.outcome, Some(TaskOutcome::Closed));
    assert_eq!(closed.outcome_on, Some(d("2016-12-31")));
    assert_eq!(
        judged(&db, "H003").await,
        Judgement::Monitoring(MonitorOutcome::Stable)
    );
    db.cleanup().await;
}

#[tokio::test]
async fn a_malformed_bundle_records_nothing() {
    let (db, dir) = ready().await;
    write(
        &dir,
        "deaths.csv",
        "id_number,name,died_on\n341181197003050110,王大明,2016-13-01\n",
    );
    let check = records::crosscheck(db.store.as_ref(), &admin(), &dir, d("2016-12-31"), today())
        .await
        .unwrap();
    assert!(!check.malformed.is_empty());
    let refused = records::apply_findings(
        db.store.as_ref(),
        &admin(),
        &check,
        d("2016-12-31"),
        today(),
    )
    .await;
    assert!(refused.is_err());
    let list = records::finding_list(
        db.store.as_ref(),
        &admin(),
        &records::FindingFilter {
            state: records::FindingState::All,
            per_page: 10,
            ..Default::default()
        },
        today(),
    )
    .await
    .unwrap();
    assert_eq!(list.total, 0);
    // A helper may not apply a county's check.
    departments(&dir);
    let fine = checked(&db, &dir, d("2016-12-31")).await;
    // Nor may anyone record a check dated after today.
    let future =
        records::apply_findings(db.store.as_ref(), &admin(), &fine, d("2017-02-02"), today()).await;
    assert!(future.is_err());
    assert!(records::apply_findings(
        db.store.as_ref(),
        &helper(),
        &fine,
        d("2016-12-31"),
        today()
    )
    .await
    .is_err());
    db.cleanup().await;
}
