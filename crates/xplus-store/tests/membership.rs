//! Valid time for members (book of record, issue 18) through the store (SQLite, and PostgreSQL
//! with XPLUS_TEST_DATABASE_URL): a member who leaves today leaves the persons of earlier years
//! as they were, a change dated in an earlier year corrects that year and is listed as such,
//! and member_changes.csv carries the history through an export.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::interchange::schema::MEMBERS;
use xplus_core::registry::membership::{ChangeReason, MembershipChange};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, ChangeTold};
use xplus_store::{Refusal, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn told(on: NaiveDate, reason: ChangeReason, note: &str) -> ChangeTold {
    ChangeTold {
        on,
        reason,
        note: note.into(),
    }
}

/// The persons of the poor at the end of 2015 and 2016 in the report, in the roll-ups (the
/// dashboard of each year) and on the cards of H001's village.
async fn persons(db: &TestDb, today: NaiveDate) -> Vec<(i32, u64, i64, usize)> {
    let store = db.store.as_ref();
    let all = &Access::of_account("t", Role::Auditor, None, None);
    let village = RegionCode::parse("341181100201").unwrap();
    let county = RegionCode::parse("341181000000").unwrap();
    records::refresh_rollups(store).await.unwrap();
    let d = records::dashboard(store, Some(county), 10).await.unwrap();
    let mut out = Vec::new();
    for year in [2015, 2016] {
        let report = records::year_report(store, all, None, year, today)
            .await
            .unwrap();
        let cards = records::village_cards(store, all, village, year, today)
            .await
            .unwrap();
        let h001 = cards.iter().find(|c| c.household_id == "H001").unwrap();
        out.push((
            year,
            report.persons.poor,
            d.region.at_end(year).poor_persons,
            h001.members.len(),
        ));
    }
    out
}

#[tokio::test]
async fn a_member_who_leaves_leaves_earlier_years_alone() {
    let db = TestDb::fresh().await;
    // The child attended a training in 2016 (attendance_members names them): after they leave,
    // a copy of the registry still names them there.
    let mut bundle = small_bundle();
    bundle.insert(
        "attendance_members",
        format!(
            "session_id,household_id,id_number\nT1,H001,{}\n",
            id(341181, "2009-06-01", 31)
        ),
    );
    let path = write_bundle(&db.dir().join("b"), &bundle);
    let imported = import(&db, &path).await;
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let store = db.store.as_ref();
    let today = day(2017, 3, 1);
    let official = &official_of("县干部", "341181000000");
    let before = persons(&db, today).await;
    // H001 is poor with three people at the end of both years.
    assert_eq!(before, vec![(2015, 3, 3, 3), (2016, 3, 3, 3)]);

    let h001 = records::household(store, official, "H001", today)
        .await
        .unwrap()
        .unwrap();
    let child = h001.members.iter().find(|m| m.name == "王小明").unwrap();
    let head = h001.head().unwrap().id_number;
    // A head does not leave; a day after today is refused; nothing is written.
    let refused = records::member_leaves(
        store,
        official,
        "H001",
        head,
        &told(day(2017, 2, 1), ChangeReason::Death, ""),
        &h001.fingerprint,
        today,
    )
    .await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(Refusal::Rejected(p))) if p[0].field == "relation"),
        "{refused:?}"
    );
    let refused = records::member_leaves(
        store,
        official,
        "H001",
        child.id_number,
        &told(day(2017, 3, 2), ChangeReason::Moved, ""),
        &h001.fingerprint,
        today,
    )
    .await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(Refusal::Rejected(p))) if p[0].field == "changed_on"),
        "{refused:?}"
    );

    // The child moves out in February 2017: today's members lose them, 2015 and 2016 keep them.
    let saved = records::member_leaves(
        store,
        official,
        "H001",
        child.id_number,
        &told(day(2017, 2, 1), ChangeReason::Moved, "外出求学落户"),
        &h001.fingerprint,
        today,
    )
    .await
    .unwrap();
    assert_eq!(saved.record.members.len(), 2);
    assert_eq!(persons(&db, today).await, before);
    // The old fingerprint is stale now.
    let again = records::member_leaves(
        store,
        official,
        "H001",
        child.id_number,
        &told(day(2017, 2, 1), ChangeReason::Moved, ""),
        &h001.fingerprint,
        today,
    )
    .await;
    assert!(matches!(
        again,
        Err(StoreError::Refused(Refusal::Conflict(_)))
    ));

    // The spouse died in May 2016 and is only recorded now: without a reason it is refused;
    // with one, 2016 changes (and lists the late entry), 2015 does not.
    let h001 = records::household(store, official, "H001", today)
        .await
        .unwrap()
        .unwrap();
    let spouse = h001.members.iter().find(|m| m.name == "李秀英").unwrap();
    let late = |note: &'static str| {
        let fingerprint = h001.fingerprint.clone();
        let id_number = spouse.id_number;
        async move {
            records::member_leaves(
                store,
                official,
                "H001",
                id_number,
                &told(day(2016, 5, 1), ChangeReason::Death, note),
                &fingerprint,
                today,
            )
            .await
        }
    };
    let refused = late("").await;
    assert!(
        matches!(&refused, Err(StoreError::Refused(Refusal::Rejected(p))) if p[0].field == "note"),
        "{refused:?}"
    );
    late("2016年5月病故，当年未登记").await.unwrap();
    assert_eq!(
        persons(&db, today).await,
        vec![(2015, 3, 3, 3), (2016, 2, 2, 2)]
    );
    let all = &Access::of_account("t", Role::Auditor, None, None);
    let report_2016 = records::year_report(store, all, None, 2016, today)
        .await
        .unwrap();
    let late: Vec<_> = (report_2016.member_corrections.iter())
        .map(|c| (c.member.name.as_str(), c.change, c.note.as_str()))
        .collect();
    assert_eq!(
        late,
        vec![(
            "李秀英",
            MembershipChange::Left,
            "2016年5月病故，当年未登记"
        )]
    );
    let report_2015 = records::year_report(store, all, None, 2015, today)
        .await
        .unwrap();
    assert!(report_2015.member_corrections.is_empty());

    // A child born in February 2017 joins: today counts them, the past does not.
    let h001 = records::household(store, official, "H001", today)
        .await
        .unwrap()
        .unwrap();
    let newborn = id(341181, "2017-02-10", 77);
    let row = row(
        &MEMBERS,
        &[
            "H001",
            &newborn,
            "王小宝",
            "child",
            "healthy",
            "none",
            "preschool",
            "1",
            "",
            "0",
        ],
    );
    let mut change = records::Change::one(&MEMBERS, row).unwrap();
    change.joined = Some(told(day(2017, 2, 10), ChangeReason::Birth, ""));
    let saved = records::save_change(
        store,
        official,
        "H001",
        change,
        Some(&h001.fingerprint),
        today,
    )
    .await
    .unwrap();
    assert_eq!(saved.record.members.len(), 2);
    assert_eq!(
        persons(&db, today).await,
        vec![(2015, 3, 3, 3), (2016, 2, 2, 2)]
    );

    // The assessment of 2016, run in 2017, judges the members 2016 ended with: the head and the
    // child (the spouse died in 2016; the child left and the baby came in 2017).
    let why = records::household_assessment(store, official, "H001", 2016, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(why.assessment.members, 2);
    let why_2015 = records::household_assessment(store, official, "H001", 2015, today)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(why_2015.assessment.members, 3);

    // The lists behind the income bands agree with the bands counted (both per head of the
    // household at the end of the year).
    let county = RegionCode::parse("341181000000").unwrap();
    let all = &Access::of_account("t", Role::Auditor, None, None);
    records::refresh_rollups(store).await.unwrap();
    let d = records::dashboard(store, Some(county), 10).await.unwrap();
    for year in [2015, 2016] {
        let counted = d
            .region
            .buckets(xplus_core::rollup::Measure::IncomeBand, year);
        assert!(!counted.is_empty(), "{year}");
        for (band, n) in counted {
            let query = records::HouseholdQuery {
                income_band: Some((year, band.to_string().parse().unwrap())),
                ..Default::default()
            };
            let page = records::Page {
                limit: 50,
                offset: 0,
            };
            let listed = records::list_households(store, all, &query, page, today)
                .await
                .unwrap();
            assert_eq!(listed.len() as i64, n, "{year} band {band}");
        }
    }

    // The export carries the changes; a copy imports them and reads the same years.
    let out = db.dir().join("out");
    export(&db, &out, false).await;
    let exported = read_folder(&out);
    let changes = &exported["member_changes.csv"];
    assert_eq!(changes.lines().count(), 4, "{changes}");
    let copy = TestDb::fresh().await;
    let report = import(&copy, &out).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        persons(&copy, today).await,
        vec![(2015, 3, 3, 3), (2016, 2, 2, 2)]
    );
    let out2 = copy.dir().join("out");
    export(&copy, &out2, false).await;
    assert_eq!(read_folder(&out2), exported);
    copy.cleanup().await;

    // A bundle whose changes disagree with its members is refused, nothing written: the spouse
    // is listed as a member although she left (she would be counted twice in earlier years).
    let mut broken = exported.clone();
    let members = broken["members.csv"].clone();
    let spouse_row = format!(
        "H001,{},李秀英,spouse,chronic,weak,none,1,1,0\n",
        id(341181, "1972-08-19", 22)
    );
    broken.insert("members.csv".into(), members + &spouse_row);
    let dir = db.dir().join("broken");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in &broken {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let empty = TestDb::fresh().await;
    let refused = import(&empty, &dir).await;
    let reasons: Vec<_> = refused.errors.iter().map(|e| e.reason.clone()).collect();
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("减少") && r.contains("H001")),
        "{reasons:?}"
    );
    assert!(!refused.committed);
    empty.cleanup().await;
    db.cleanup().await;
}
