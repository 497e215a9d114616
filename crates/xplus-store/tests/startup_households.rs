//! 创业带动贫困户 (startup_households.csv, issue 23 item 3) on SQLite and (with
//! XPLUS_TEST_DATABASE_URL) on PostgreSQL: the links imported, refused with the file, row, column
//! and value named (another county's household, a household not poor that year, a join before
//! the start-up began, an end before the join, a start-up that does not exist, the same link
//! twice) and nothing written, exported byte for byte and imported again; a year's start-ups
//! and the households linked to them counted on its Dec 31 per region within reach (a start-up
//! begun or a household joined later does not move it, a link that ended still counts), the
//! yearly report's line and the case figure counted from the links.

mod common;

use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::startup::StartupTotals;
use xplus_core::case_figures::CaseFigure;
use xplus_core::registry::RegionCode;
use xplus_core::Fen;
use xplus_store::records;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

const LINKS: &str = "startup_id,household_id,join_date,end_date,note\n\
     ST1,H001,2016-02-01,,\n\
     ST2,H001,2016-06-01,2016-10-31,外出务工\n\
     ST2,H005,2017-01-05,,\n\
     ST3,H004,2016-04-01,,\n\
     ST4,H001,2017-04-01,,\n";

/// 天长: 甲村 (H001 poor, H002 exited in 2015), 乙村 (H003 monitored since 2015, H005 poor); 明光:
/// 丙村 (H004 poor). 郑洁 (C5) runs ST1 and ST4 in 甲村 and ST2 in 乙村 (ST1 and ST2 on one
/// base), 钱进 (C7) ST3 in 丙村; ST4 began in 2017.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("households").unwrap().push_str(
        "H004,341182100201,2014,poor,,illness,1,1,1,1\n\
         H005,341181100202,2016,poor,,labour,1,1,1,1\n",
    );
    b.get_mut("members").unwrap().push_str(&format!(
        "H004,{},陈一,head,healthy,ordinary,none,1,1,0\n\
         H005,{},周五,head,healthy,ordinary,none,1,1,0\n",
        id(341182, "1961-04-02", 71),
        id(341181, "1985-05-05", 91),
    ));
    b.get_mut("cadres").unwrap().push_str(
        "C5,郑洁,U2,graduate_official,\n\
         C7,钱进,U2,graduate_official,\n",
    );
    b.insert(
        "startups",
        "startup_id,cadre_id,village_code,name,base,funding,households_brought,start_date\n\
         ST1,C5,341181100201,电商服务站,甲村创业园,250000,,2016-01-15\n\
         ST2,C5,341181100202,苗木基地,甲村创业园,100000,,2016-05-01\n\
         ST3,C7,341182100201,养殖场,丙村创业园,90000,,2016-03-01\n\
         ST4,C5,341181100201,食用菌,,50000,,2017-03-01\n"
            .to_string(),
    );
    b.insert("startup_households", LINKS.to_string());
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn totals(startups: u64, yuan: i64, bases: u64, households: u64) -> StartupTotals {
    StartupTotals {
        startups,
        funding: Fen::from_yuan(yuan),
        bases,
        households,
    }
}

#[tokio::test]
async fn startups_and_their_households_are_counted_on_dec_31_within_reach() {
    let db = db().await;
    let store = db.store.as_ref();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::startup_view(store, &admin, 2016).await.unwrap();
    assert_eq!(v.as_of, common::modules::day("2016-12-31"));
    // ST4 began in 2017; H001 counts once though it left ST2; H005 joined in 2017.
    assert_eq!(v.report.total, totals(3, 440_000, 2, 2));
    let counties: Vec<(String, StartupTotals)> = (v.report.by_region.iter())
        .map(|(c, t)| (v.name(c).to_string(), *t))
        .collect();
    assert_eq!(
        counties,
        vec![
            ("天长市".to_string(), totals(2, 350_000, 1, 1)),
            ("明光市".to_string(), totals(1, 90_000, 1, 1)),
        ]
    );
    let st2 = v.lines.iter().find(|l| l.id == "ST2").unwrap();
    assert_eq!(st2.households.len(), 1);
    assert_eq!(v.name(&st2.village), "乙村");
    // 2017: ST4 and H005 count.
    let v = records::startup_view(store, &admin, 2017).await.unwrap();
    assert_eq!(v.report.total, totals(4, 490_000, 2, 3));

    // 天长's official: its town, not 明光's start-up.
    let tianchang = official_of("wang", "341181000000");
    let v = records::startup_view(store, &tianchang, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, totals(2, 350_000, 1, 1));
    let towns: Vec<RegionCode> = v.report.by_region.keys().copied().collect();
    assert_eq!(towns, vec![code("341181100000")]);
    assert!(v.lines.iter().all(|l| l.id != "ST3"));
    // 明光's official sees its own only.
    let v = records::startup_view(store, &official_of("li", "341182000000"), 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, totals(1, 90_000, 1, 1));
    // Before any start-up began.
    let v = records::startup_view(store, &admin, 2015).await.unwrap();
    assert_eq!(v.report.total, StartupTotals::default());
    db.cleanup().await;
}

#[tokio::test]
async fn the_report_line_and_the_case_figure_count_the_links() {
    let db = db().await;
    let store = db.store.as_ref();
    let today = common::modules::day("2026-11-29");
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let r = records::year_report(store, &admin, None, 2016, today)
        .await
        .unwrap();
    let s = &r.startups;
    assert_eq!(
        (s.startups, s.funding, s.bases, s.households),
        (3, Fen::from_yuan(440_000), 2, 2)
    );
    assert_eq!(r.case.get(CaseFigure::StartupHouseholds), 2);
    assert_eq!(r.case.get(CaseFigure::StartupFunding), 44_000_000);
    assert_eq!(r.case.get(CaseFigure::StartupBases), 2);
    let r = records::year_report(store, &admin, None, 2017, today)
        .await
        .unwrap();
    assert_eq!(r.case.get(CaseFigure::StartupHouseholds), 3);
    // Each county counts its own households.
    let mingguang = official_of("li", "341182000000");
    let r = records::year_report(store, &mingguang, Some(code("341182000000")), 2016, today)
        .await
        .unwrap();
    assert_eq!(r.case.get(CaseFigure::StartupHouseholds), 1);
    assert_eq!(r.startups.households, 1);
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_link_is_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "startup_households",
        "startup_id,household_id,join_date,end_date,note\n\
         ST1,H004,2016-05-01,,\n\
         ST2,H003,2016-06-01,,\n\
         ST1,H001,2016-01-01,,\n\
         ST3,H004,2016-04-01,2016-03-01,\n\
         ST9,H001,2016-04-01,,\n\
         ST2,H001,2016-06-01,,\n\
         ST2,H001,2016-07-01,,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let on = |row: u32| error_on(&report, "startup_households.csv", row);
    let cv = |row: u32| {
        let i = on(row);
        (i.column.clone(), i.value.clone())
    };
    // Another county's household.
    assert_eq!(cv(2), ("household_id".into(), "H004".into()));
    assert!(on(2).reason.contains("不在创业项目所在县"), "{:?}", on(2));
    // H003 exited in 2015: not a poor household in 2016.
    assert_eq!(cv(3), ("household_id".into(), "H003".into()));
    assert!(on(3).reason.contains("不是建档立卡贫困户"), "{:?}", on(3));
    // Before ST1 began (2016-01-15).
    assert_eq!(cv(4), ("join_date".into(), "2016-01-01".into()));
    assert_eq!(cv(5), ("end_date".into(), "2016-03-01".into()));
    assert_eq!(cv(6), ("startup_id".into(), "ST9".into()));
    assert!(
        !on(8).reason.is_empty(),
        "the same start-up and household twice"
    );
    assert_eq!(report.errors.len(), 6, "{:#?}", report.errors);
    // Nothing was written.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::startup_view(db.store.as_ref(), &admin, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, StartupTotals::default());
    db.cleanup().await;
}

#[tokio::test]
async fn links_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(files["startup_households.csv"], format!("\u{feff}{LINKS}"));
    db.cleanup().await;
}
