//! 一户一工人 (issue 23 item 3) on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL: of
//! the households poor on Dec 31 of a year, those with a member in work that day (core
//! `in_work_on`: a placement that ended on Dec 30 or began after the year does not count), per
//! region within the reach of the account asking, the list of those without a worker a page at a
//! time, and the yearly report's line.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, Page, WorkerFigures};

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

/// Two counties: 天长 (H001 poor, placed from July 2016 for a year; H002 exited in 2015, H003
/// monitored) and 明光 (H004 poor, placed for six months from June 30, 2016 — until Dec 30 —
/// and again from January 2017).
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("households")
        .unwrap()
        .push_str("H004,341182100201,2014,poor,,illness,1,1,1,1\n");
    let head = id(341182, "1961-04-02", 71);
    b.get_mut("members").unwrap().push_str(&format!(
        "H004,{head},陈一,head,healthy,ordinary,none,1,1,0\n"
    ));
    let h001 = id(341181, "1970-03-05", 11);
    b.insert(
        "placements",
        format!(
            "household_id,id_number,employer,place,start_date,months\n\
             H001,{h001},苏州纺织厂,苏州,2016-07-01,12\n\
             H004,{head},南京建筑工地,南京,2016-06-30,6\n\
             H004,{head},南京建筑工地,南京,2017-01-05,24\n"
        ),
    );
    b
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

const ALL: Page = Page {
    offset: 0,
    limit: 100,
};

#[tokio::test]
async fn a_worker_is_a_member_in_work_on_dec_31_within_reach() {
    let db = TestDb::fresh().await;
    let report = import(&db, &write_bundle(&db.dir().join("b"), &bundle())).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let store = db.store.as_ref();
    let all = Access::of_account("t", Role::Auditor, None, None);
    let w = records::one_worker(store, &all, 2016, ALL, today())
        .await
        .unwrap();
    let f = |poor, with_worker| WorkerFigures { poor, with_worker };
    assert_eq!(w.total, f(2, 1));
    assert_eq!(w.total.share_bp(), Some(5_000));
    assert_eq!(w.by_region[&code("341181000000")], f(1, 1));
    assert_eq!(w.by_region[&code("341182000000")], f(1, 0));
    assert_eq!(w.gaps.total, 1);
    assert_eq!(w.gaps.gaps[0].household_id, "H004");
    assert_eq!(w.name(code("341182100201")), "丙村");
    // A page past the list is empty, the total still counted.
    let w2 = records::one_worker(
        store,
        &all,
        2016,
        Page {
            offset: 1,
            limit: 10,
        },
        today(),
    )
    .await
    .unwrap();
    assert_eq!((w2.gaps.total, w2.gaps.gaps.len()), (1, 0));
    // 2017: H001's year ended on June 30; H004 is in work again.
    let w = records::one_worker(store, &all, 2017, ALL, today())
        .await
        .unwrap();
    assert_eq!(w.total, f(2, 1));
    assert_eq!(w.gaps.gaps[0].household_id, "H001");

    // 天长's official sees 天长 alone.
    let official = Access::of_account("t", Role::Official, Some(code("341181000000")), None);
    let w = records::one_worker(store, &official, 2016, ALL, today())
        .await
        .unwrap();
    assert_eq!((w.total, w.gaps.total), (f(1, 1), 0));
    assert!(!w.by_region.contains_key(&code("341182000000")));

    // The yearly report's line.
    let r = records::year_report(store, &all, None, 2016, today())
        .await
        .unwrap();
    assert_eq!((r.industry.with_worker, r.industry.without_worker), (1, 1));
    db.cleanup().await;
}
