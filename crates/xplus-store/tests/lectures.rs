//! 讲学授课 (issue 23) on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL: a year's
//! sessions held at the stations within reach and their attendances, by lecturer kind, per
//! region; a session of another year or another county is not counted; the yearly report's line.

mod common;

use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::education::LecturerKind;
use xplus_store::records;

/// 天长's station S1 (甲村): T1 of 2016 by a cadre (H001 and H003 attend), T2 of 2017 by an
/// expert (H001); 明光 has no station.
async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let mut b = two_county_bundle();
    b.insert(
        "training_sessions",
        "session_id,station_id,date,mode,lecturer_kind,topic,title\n\
         T1,S1,2016-03-05,party_school,cadre,policy,扶贫政策解读\n\
         T2,S1,2017-04-05,base,expert,skills,葡萄种植\n"
            .to_string(),
    );
    b.insert(
        "attendance",
        "session_id,household_id\nT1,H001\nT1,H003\nT2,H001\n".to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

#[tokio::test]
async fn sessions_and_person_times_by_lecturer_kind_within_reach() {
    let db = db().await;
    let store = db.store.as_ref();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::lecture_view(store, &admin, 2016).await.unwrap();
    let t = v.report.total;
    assert_eq!((t.total_sessions(), t.total_person_times()), (1, 2));
    assert_eq!(
        (
            t.sessions_of(LecturerKind::Cadre),
            t.person_times_of(LecturerKind::Cadre)
        ),
        (1, 2)
    );
    assert_eq!(t.sessions_of(LecturerKind::Expert), 0);
    let counties: Vec<&str> = v.report.by_region.keys().map(|c| v.name(c)).collect();
    assert_eq!(counties, ["天长市"]);
    let v = records::lecture_view(store, &admin, 2017).await.unwrap();
    assert_eq!(v.report.total.person_times_of(LecturerKind::Expert), 1);
    assert_eq!(v.report.total.total_sessions(), 1);
    // 明光's official: none.
    let v = records::lecture_view(store, &official_of("li", "341182000000"), 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total.total_sessions(), 0);
    let today = common::modules::day("2026-11-29");
    let r = records::year_report(store, &admin, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(r.training.lectures.shown(), "1 / 2");
    db.cleanup().await;
}
