//! 产业创业扶贫对象 (industry_targets.csv, issue 23 item 3) on SQLite and (with
//! XPLUS_TEST_DATABASE_URL) on PostgreSQL: the targets of a year counted as of its Dec 31 (a
//! household chosen later is not), their persons at the year's end and their share of the
//! households poor at its start, per region within the reach of the account asking (another
//! county's target is not seen), the case figure in the yearly report, a bad row refused with
//! the file, row, column and value named and nothing written, and the file exported byte for
//! byte and imported again.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::case_figures::CaseFigure;
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, TargetFigures};

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

const TARGETS: &str = "household_id,year,industry\n\
     H001,2016,特色种植\n\
     H002,2015,\n\
     H003,2017,乡村旅游\n\
     H004,2016,来料加工\n";

/// Two counties: 天长 (H001 poor with three persons, H002 exited in 2015, H003 monitored) and
/// 明光 (H004 poor with two persons); H003 chosen only in 2017.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("households")
        .unwrap()
        .push_str("H004,341182100201,2014,poor,,illness,1,1,1,1\n");
    let (head, child) = (id(341182, "1961-04-02", 71), id(341182, "1990-07-12", 82));
    b.get_mut("members").unwrap().push_str(&format!(
        "H004,{head},陈一,head,healthy,ordinary,none,1,1,0\n\
         H004,{child},陈二,child,healthy,ordinary,none,1,1,0\n"
    ));
    b.insert("industry_targets", TARGETS.to_string());
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let report = import(&db, &write_bundle(&db.dir().join("b"), &bundle())).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

fn figures(households: u64, persons: u64, poor: u64, poor_targets: u64) -> TargetFigures {
    TargetFigures {
        households,
        persons,
        poor,
        poor_targets,
    }
}

#[tokio::test]
async fn the_targets_are_counted_as_of_the_years_end_within_reach() {
    let db = db().await;
    let store = db.store.as_ref();
    let all = Access::of_account("t", Role::Auditor, None, None);
    let t = records::industry_targets(store, &all, 2016, today())
        .await
        .unwrap();
    // H001, H002 and H004 (H003 was chosen in 2017); poor at the start of 2016: H001 and H004.
    assert_eq!(t.total, figures(3, 6, 2, 2));
    assert_eq!(t.total.share_bp(), Some(10_000));
    let tianchang = code("341181000000");
    assert_eq!(t.by_region[&tianchang], figures(2, 4, 1, 1));
    assert_eq!(t.name(tianchang), "天长市");
    assert_eq!(t.by_region[&code("341182000000")], figures(1, 2, 1, 1));
    assert_eq!(t.by_region[&code("341181100201")], figures(2, 4, 1, 1));

    // 2015: H002 alone, then poor at its start as H001 and H003 were.
    let t = records::industry_targets(store, &all, 2015, today())
        .await
        .unwrap();
    assert_eq!(t.total, figures(1, 1, 4, 1));
    assert_eq!(t.total.share_bp(), Some(2_500));
    // 2017 counts H003 too.
    let t = records::industry_targets(store, &all, 2017, today())
        .await
        .unwrap();
    assert_eq!(t.total.households, 4);

    // 天长's official does not see 明光's target.
    let official = Access::of_account("t", Role::Official, Some(tianchang), None);
    let t = records::industry_targets(store, &official, 2016, today())
        .await
        .unwrap();
    assert_eq!(t.total, figures(2, 4, 1, 1));
    assert!(!t.by_region.contains_key(&code("341182000000")));

    // The yearly report's line and the case figure, everywhere and in 天长.
    let r = records::year_report(store, &all, None, 2016, today())
        .await
        .unwrap();
    assert_eq!((r.industry.targets, r.industry.target_persons), (3, 6));
    assert_eq!(r.case.get(CaseFigure::IndustryTargets), 3);
    let r = records::year_report(store, &official, Some(tianchang), 2016, today())
        .await
        .unwrap();
    assert_eq!((r.industry.targets, r.industry.target_persons), (2, 4));
    assert_eq!(r.case.get(CaseFigure::IndustryTargets), 2);

    // With the roll-ups current, the households poor at a year's start come from the villages'
    // kept counts and only the targets are read for which were poor: the same figures.
    let asked = [
        (&all, 2014),
        (&all, 2015),
        (&all, 2016),
        (&all, 2017),
        (&official, 2016),
    ];
    let mut read = Vec::new();
    for (access, year) in asked {
        read.push(
            records::industry_targets(store, access, year, today())
                .await
                .unwrap(),
        );
    }
    records::refresh_rollups(store).await.unwrap();
    for ((access, year), before) in asked.into_iter().zip(&read) {
        let kept = records::industry_targets(store, access, year, today())
            .await
            .unwrap();
        assert_eq!(&kept, before, "{year}");
    }
    // The kept counts are what is read: H003 (not a 2015 target) made new in 2016 behind the
    // roll-ups' back still counts among 2015's poor.
    tamper(
        &db,
        &["UPDATE households SET identified_year = 2016 WHERE household_id = 'H003'"],
    )
    .await;
    let t = records::industry_targets(store, &all, 2015, today())
        .await
        .unwrap();
    assert_eq!(t.total, figures(1, 1, 4, 1));
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_target_row_is_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "industry_targets",
        "household_id,year,industry\n\
         H001,2016,\n\
         H099,2016,\n\
         H002,2200,\n\
         H001,2016,重复\n"
            .to_string(),
    );
    let report = import(&db, &write_bundle(&db.dir().join("b"), &b)).await;
    let on = |row: u32| error_on(&report, "industry_targets.csv", row);
    let unknown = on(3);
    assert_eq!(
        (unknown.column.as_str(), unknown.value.as_str()),
        ("household_id", "H099")
    );
    let year = on(4);
    assert_eq!(
        (year.column.as_str(), year.value.as_str()),
        ("year", "2200")
    );
    assert_eq!(
        on(5).column,
        "household_id",
        "one row per household and year"
    );
    // Nothing was written.
    let all = Access::of_account("t", Role::Auditor, None, None);
    let t = records::industry_targets(db.store.as_ref(), &all, 2016, today())
        .await
        .unwrap();
    assert_eq!(t.total.households, 0);
    db.cleanup().await;
}

#[tokio::test]
async fn the_targets_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(files["industry_targets.csv"], format!("\u{feff}{TARGETS}"));
    db.cleanup().await;
}
