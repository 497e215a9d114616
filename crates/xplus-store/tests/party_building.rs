//! 基层党组织建设 (issue 23), on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL:
//! weak_organisations.csv and standardisation_checks.csv imported, refused with the file, row,
//! column and value named, and exported byte for byte; the figures on Dec 31 of a year within
//! reach (a listing, rectification or check dated later does not move them); the ledgers'
//! writes within reach; the yearly report's line.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::party_building::PartyFigures;
use xplus_core::interchange::cell;
use xplus_core::interchange::schema::WEAK_ORGANISATIONS;
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::records;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

/// 甲村 (poor) listed in 2015, rectified in 2016, listed again in 2017 and open; 乙村 listed in
/// 2016 and rectified only in 2017; 丙村 (明光) listed and rectified in 2016.
const WEAK: &str = "village_code,year,reasons,measures,leader,planned_date,rectified_date\n\
     341181100201,2015,disunited;weak_economy,调整村两委班子,张为民,2015-12-31,2016-03-01\n\
     341181100201,2017,secretary_vacant,,赵书记,2017-12-31,\n\
     341181100202,2016,irregular_life,,李志强,2016-12-31,2017-02-01\n\
     341182100201,2016,other,规范组织生活,王建华,2016-10-31,2016-09-15\n";

const ITEMS: [&str; 7] = [
    "setting",
    "leadership",
    "members",
    "venue",
    "life",
    "systems",
    "support",
];

/// 甲村 meets every item in 2016 (and has one unmet check in 2017); 乙村 misses the venue; 丙村
/// was not checked on support.
fn checks() -> String {
    let mut s = String::from("village_code,year,item,met,checked_date,note\n");
    for item in ITEMS {
        s.push_str(&format!("341181100201,2016,{item},1,2016-11-01,\n"));
        let met = if item == "venue" {
            "0,2016-11-02,限期整改"
        } else {
            "1,2016-11-02,"
        };
        s.push_str(&format!("341181100202,2016,{item},{met}\n"));
        if item != "support" {
            s.push_str(&format!("341182100201,2016,{item},1,2016-12-31,\n"));
        }
    }
    s.push_str("341181100201,2017,venue,0,2017-03-01,\n");
    s
}

fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.insert("weak_organisations", WEAK.to_string());
    b.insert("standardisation_checks", checks());
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn figures(weak: u64, rectified: u64, checked: u64, meeting: u64, poor: u64) -> PartyFigures {
    PartyFigures {
        weak,
        rectified,
        checked,
        meeting,
        poor_checked: poor,
        poor_meeting: poor.min(meeting),
    }
}

#[tokio::test]
async fn figures_are_taken_on_dec_31_per_region_within_reach() {
    let db = db().await;
    let store = db.store.as_ref();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::party_building(store, &admin, 2016).await.unwrap();
    assert_eq!(v.as_of, day("2016-12-31"));
    // 乙村's rectification of 2017 and 甲村's listing and check of 2017 do not count yet.
    assert_eq!(v.report.total, figures(3, 2, 3, 1, 1));
    assert_eq!(v.report.total.meeting_bp(), Some(3_333));
    assert_eq!(v.report.open.len(), 1);
    assert_eq!(v.report.open[0].village, code("341181100202"));
    assert_eq!(v.report.open[0].leader, "李志强");
    assert_eq!(v.name(&code("341181100202")), "乙村");
    let counties: Vec<(String, PartyFigures)> = (v.report.by_region.iter())
        .map(|(c, f)| (v.name(c).to_string(), *f))
        .collect();
    assert_eq!(
        counties,
        vec![
            ("天长市".to_string(), figures(2, 1, 2, 1, 1)),
            ("明光市".to_string(), figures(1, 1, 1, 0, 0)),
        ]
    );
    // The end of 2015: 甲村 listed and open, nothing checked.
    let v = records::party_building(store, &admin, 2015).await.unwrap();
    assert_eq!(v.report.total, figures(1, 0, 0, 0, 0));
    assert_eq!(v.report.total.meeting_bp(), None);
    // 2017: 甲村's second listing open; its one check of 2017 does not meet the standard.
    let v = records::party_building(store, &admin, 2017).await.unwrap();
    assert_eq!(v.report.total, figures(4, 3, 1, 0, 1));
    assert_eq!(v.report.open[0].leader, "赵书记");

    // 天长's official: its town, not 明光's village.
    let tianchang = official_of("wang", "341181000000");
    let v = records::party_building(store, &tianchang, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, figures(2, 1, 2, 1, 1));
    let towns: Vec<RegionCode> = v.report.by_region.keys().copied().collect();
    assert_eq!(towns, vec![code("341181100000")]);
    // 明光's official sees 丙村 only, and no open listing of 天长.
    let v = records::party_building(store, &official_of("li", "341182000000"), 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, figures(1, 1, 1, 0, 0));
    assert!(v.report.open.is_empty());

    // The yearly report's line is the same figures.
    let r = records::year_report(store, &admin, None, 2016, day("2026-11-29"))
        .await
        .unwrap();
    assert_eq!(r.party_building, figures(3, 2, 3, 1, 1));
    db.cleanup().await;
}

#[tokio::test]
async fn bad_rows_are_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = two_county_bundle();
    b.insert(
        "weak_organisations",
        "village_code,year,reasons,measures,leader,planned_date,rectified_date\n\
         341181100201,2016,disunited,,张,2015-06-30,\n\
         341181100202,2016,disunited,,张,2016-12-31,2015-12-01\n\
         341181100299,2016,disunited,,张,2016-12-31,\n\
         341181100201,2015,bogus,,张,2015-12-31,\n\
         341182100201,2016,other,,王,2016-12-31,\n\
         341182100201,2016,other,,王,2016-12-31,\n\
         341182100201,2015,other,,王,2015-12-31,2027-01-01\n"
            .to_string(),
    );
    b.insert(
        "standardisation_checks",
        "village_code,year,item,met,checked_date,note\n\
         341181100201,2016,venue,1,2017-01-05,\n\
         341181100201,2016,life,1,2016-05-01,\n\
         341181100201,2016,组织生活,0,2016-06-01,\n\
         341181100201,2016,canteen,1,2016-06-01,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let weak = |row: u32| error_on(&report, "weak_organisations.csv", row);
    let at = |i: &xplus_store::bundle::import::Issue| (i.column.clone(), i.value.clone());
    let planned = weak(2);
    assert_eq!(at(planned), ("planned_date".into(), "2015-06-30".into()));
    assert!(planned.reason.contains("早于列入年度"), "{planned:?}");
    let early = weak(3);
    assert_eq!(at(early), ("rectified_date".into(), "2015-12-01".into()));
    assert_eq!(at(weak(4)), ("village_code".into(), "341181100299".into()));
    assert_eq!(at(weak(5)), ("reasons".into(), "bogus".into()));
    assert!(weak(7).reason.contains("重复"), "a village twice a year");
    let late = weak(8);
    assert_eq!(at(late), ("rectified_date".into(), "2027-01-01".into()));
    assert!(late.reason.contains("today"), "{late:?}");
    let check = |row: u32| error_on(&report, "standardisation_checks.csv", row);
    let outside = check(2);
    assert_eq!(at(outside), ("checked_date".into(), "2017-01-05".into()));
    assert!(outside.reason.contains("检查年度"), "{outside:?}");
    assert!(
        check(4).reason.contains("重复"),
        "the same item by its label"
    );
    assert_eq!(at(check(5)), ("item".into(), "canteen".into()));
    assert_eq!(report.errors.len(), 9, "{:#?}", report.errors);
    // Nothing was written.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::party_building(db.store.as_ref(), &admin, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, PartyFigures::default());
    db.cleanup().await;
}

/// A weak-organisation row of the fixture's shape.
fn listing(village: &str, year: i32, rectified: &str) -> String {
    format!("{village},{year},disunited,,张,{year}-12-31,{rectified}\n")
}

#[tokio::test]
async fn a_village_is_listed_again_only_once_its_listing_is_rectified() {
    let db = db().await;
    let header = WEAK.lines().next().unwrap();
    let again = |rows: &[String]| {
        let mut b = std::collections::BTreeMap::new();
        b.insert("weak_organisations", format!("{header}\n{}", rows.concat()));
        b
    };
    // Imports `rows`, which must be refused with one error, on row 2; its column, value and
    // reason.
    let refused = |dir: &'static str, rows: Vec<String>| {
        let db = &db;
        async move {
            let report = import(db, &write_bundle(&db.dir().join(dir), &again(&rows))).await;
            assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
            let e = error_on(&report, "weak_organisations.csv", 2);
            (e.column.clone(), e.value.clone(), e.reason.clone())
        }
    };
    // 甲村's 2017 listing is still open: it cannot be listed in 2018. The error is on the
    // bundle's row, its year.
    let (column, value, reason) = refused("b1", vec![listing("341181100201", 2018, "")]).await;
    assert_eq!((column.as_str(), value.as_str()), ("year", "2018"));
    assert!(
        reason.contains("2017") && reason.contains("仍未整顿转化"),
        "{reason}"
    );
    // Listing 丙村 (rectified in 2016) again in 2017 while the same bundle takes that
    // rectification back: refused on the later listing's row.
    let rows = vec![
        listing("341182100201", 2017, ""),
        listing("341182100201", 2016, ""),
    ];
    let (column, value, _) = refused("b2", rows).await;
    assert_eq!((column.as_str(), value.as_str()), ("year", "2017"));
    // Taking back 甲村's 2015 rectification while its 2017 listing is stored: refused on the
    // bundle's (earlier) row, its day judged rectified.
    let (column, value, _) = refused("b2b", vec![listing("341181100201", 2015, "")]).await;
    assert_eq!((column.as_str(), value.as_str()), ("rectified_date", ""));
    // Rectifying 甲村's 2017 listing in 2018 in the same bundle, after the 2018 row, lets it in:
    // the bundle's row replaces the stored one whatever the order.
    let path = write_bundle(
        &db.dir().join("b3"),
        &again(&[
            listing("341181100201", 2018, ""),
            listing("341181100201", 2017, "2018-04-01"),
        ]),
    );
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::party_building(db.store.as_ref(), &admin, 2018)
        .await
        .unwrap();
    assert_eq!((v.report.total.weak, v.report.total.rectified), (5, 4));
    // The ledger's form refuses what the importer refuses: 甲村's 2018 listing is open now.
    let today = day("2026-11-29");
    let row: Vec<Value> = (WEAK_ORGANISATIONS.columns.iter())
        .zip(listing("341181100201", 2019, "").trim_end().split(','))
        .map(|(c, v)| cell::parse(c, v, today).unwrap())
        .collect();
    let rows = vec![(&WEAK_ORGANISATIONS, vec![row])];
    let tianchang = official_of("wang", "341181000000");
    let refused = records::save_entries(
        db.store.as_ref(),
        &tianchang,
        &RuleSet::default(),
        rows,
        today,
    )
    .await
    .unwrap_err();
    assert!(
        format!("{refused:?}").contains("仍未整顿转化"),
        "{refused:?}"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn the_ledger_writes_within_reach_with_the_importers_rules() {
    let db = db().await;
    let store = db.store.as_ref();
    let today = day("2026-11-29");
    let rules = &RuleSet::default();
    let row = |cells: [&str; 7]| -> Vec<Value> {
        (WEAK_ORGANISATIONS.columns.iter())
            .zip(cells)
            .map(|(c, v)| cell::parse(c, v, today).unwrap())
            .collect()
    };
    let yi = |rectified: &'static str| {
        row([
            "341181100202",
            "2018",
            "班子不团结、其他",
            "",
            "李志强",
            "2018-12-31",
            rectified,
        ])
    };
    let tianchang = official_of("wang", "341181000000");
    let save = |access: Access, r: Vec<Value>| async move {
        let rows = vec![(&WEAK_ORGANISATIONS, vec![r])];
        records::save_entries(store, &access, rules, rows, today).await
    };
    // Rectified before the year listed: refused as the importer refuses it.
    assert!(save(tianchang.clone(), yi("2017-12-31")).await.is_err());
    // 明光's official cannot list 天长's village.
    let mingguang = official_of("li", "341182000000");
    assert!(save(mingguang, yi("")).await.is_err());
    let saved = save(tianchang, yi("2018-06-30")).await.unwrap();
    assert_eq!(saved.changed, 1);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::party_building(store, &admin, 2018).await.unwrap();
    assert_eq!((v.report.total.weak, v.report.total.rectified), (5, 4));
    db.cleanup().await;
}

#[tokio::test]
async fn party_building_files_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(files["weak_organisations.csv"], format!("\u{feff}{WEAK}"));
    assert_eq!(
        files["standardisation_checks.csv"].lines().count(),
        checks().lines().count()
    );
    db.cleanup().await;
}
