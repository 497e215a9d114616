//! 村干部与村级带头人后备库 (issue 23), on SQLite and (with XPLUS_TEST_DATABASE_URL) on
//! PostgreSQL: village_cadres.csv, village_cadre_development.csv and leader_pool.csv imported,
//! refused with the file, row, column and value named, and exported byte for byte; the figures
//! on Dec 31 of a year within reach (a record dated later does not move them); the yearly
//! report's lines.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::village_cadre::{PoolSource, VillageCadrePost};
use xplus_core::registry::RegionCode;
use xplus_store::records;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

const SECRETARIES: &str =
    "secretary_id,village_code,name,start_date,end_date,tier,tier_year,phone\n\
     S1,341181100201,钱广,2010-01-01,,,,\n\
     S2,341182100201,孙平,2012-01-01,2016-05-31,,,\n\
     S3,341182100201,李强,2016-06-01,,,,\n\
     S4,341181100203,吴刚,2011-01-01,,,,\n";

const DEVELOPMENT: &str = "secretary_id,kind,start_date,end_date,description\n\
     S1,training,2016-03-01,2016-03-05,示范培训班\n\
     S2,training,2016-02-01,2016-02-03,示范培训班\n\
     S4,training,2017-03-01,2017-03-03,示范培训班\n";

const CADRES: &str =
    "village_cadre_id,village_code,name,post,start_date,end_date,education,phone\n\
     V1,341181100201,王林,committee_director,2014-03-01,,senior,13800000011\n\
     V2,341181100201,赵梅,group_leader,2014-03-01,2016-06-30,junior,\n\
     V3,341181100202,陈东,deputy_secretary,2014-03-01,,,\n\
     V4,341182100201,刘洋,committee_director,2014-03-01,,college,\n\
     V5,341181100201,周文,committee_member,2017-03-01,,,\n";

const CADRE_DEVELOPMENT: &str = "village_cadre_id,kind,start_date,end_date,description\n\
     V1,degree,2016-09-01,2019-06-30,大专学历教育\n\
     V1,training,2016-04-01,2016-04-03,\n\
     V2,degree,2015-09-01,,\n\
     V4,degree,2017-09-01,,\n";

const POOL: &str =
    "leader_id,village_code,name,source,leader_type,entered_date,left_date,secretary_id\n\
     L1,341181100201,郑一,returnee,industry,2015-05-01,,\n\
     L2,341181100201,冯二,veteran,,2016-01-10,2016-08-31,\n\
     L3,341182100201,李强,village_doctor,,2015-06-01,2016-06-01,S3\n\
     L4,341181100202,何四,entrepreneur,market,2017-02-01,,\n";

/// 天长 (甲村 poor, 乙村 not, 丁村 poor and exited in 2016) and 明光 (丙村 poor, its secretary
/// changed in 2016 to 李强 from the pool).
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("regions")
        .unwrap()
        .push_str("341181100203,丁村,village,341181100000\n");
    let villages = b.get_mut("villages").unwrap();
    *villages = villages.replace("341182100201,0,800,,", "341182100201,1,800,,");
    villages.push_str("341181100203,1,700,2016,2016\n");
    b.insert("secretaries", SECRETARIES.to_string());
    b.insert("secretary_development", DEVELOPMENT.to_string());
    b.insert("village_cadres", CADRES.to_string());
    b.insert("village_cadre_development", CADRE_DEVELOPMENT.to_string());
    b.insert("leader_pool", POOL.to_string());
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

#[tokio::test]
async fn figures_are_taken_on_dec_31_within_reach() {
    let db = db().await;
    let store = db.store.as_ref();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::village_cadre_figures(store, &admin, 2016)
        .await
        .unwrap();
    assert_eq!(v.as_of, day("2016-12-31"));
    let t = &v.report.total;
    // 赵梅 left in June, 周文 comes in 2017.
    assert_eq!(t.in_office, 3);
    assert_eq!(t.by_post[&VillageCadrePost::CommitteeDirector], 2);
    assert_eq!(t.by_post[&VillageCadrePost::DeputySecretary], 1);
    assert_eq!(t.by_post[&VillageCadrePost::GroupLeader], 0);
    // 王林's course of 2016 and 赵梅's of 2015 (she left, her course counts); 刘洋's is of 2017.
    assert_eq!(t.degree, 2);
    // 丁村 exited in 2016; 甲村's secretary was trained in 2016, 丙村's new one was not (the
    // training of his predecessor, gone by Dec 31, does not count).
    assert_eq!((t.poor_villages, t.trained), (2, 1));
    assert_eq!(v.report.untrained, vec![code("341182100201")]);
    assert_eq!(v.name(&code("341182100201")), "丙村");
    // 郑一 only: 冯二 left, 李强 became 丙村's secretary, 何四 comes in 2017.
    assert_eq!(t.pool, 1);
    assert_eq!(t.by_source[&PoolSource::Returnee], 1);
    assert_eq!(t.promoted, 1);
    let counties: Vec<(String, u64, u64, u64, u64)> = (v.report.by_region.iter())
        .map(|(c, f)| {
            (
                v.name(c).to_string(),
                f.in_office,
                f.degree,
                f.pool,
                f.promoted,
            )
        })
        .collect();
    assert_eq!(
        counties,
        vec![
            ("天长市".to_string(), 2, 2, 1, 0),
            ("明光市".to_string(), 1, 0, 0, 1),
        ]
    );

    // At the end of 2015: 赵梅 still in office, 丁村 still poor, 李强 still in the pool.
    let t = records::village_cadre_figures(store, &admin, 2015)
        .await
        .unwrap()
        .report
        .total;
    assert_eq!((t.in_office, t.degree, t.pool, t.promoted), (4, 1, 2, 0));
    assert_eq!((t.poor_villages, t.trained), (3, 0));
    // 2017: the records of 2017 count now.
    let t = records::village_cadre_figures(store, &admin, 2017)
        .await
        .unwrap()
        .report
        .total;
    assert_eq!((t.in_office, t.degree, t.pool, t.promoted), (4, 3, 2, 1));

    // 天长's official: its town, nothing of 明光.
    let tianchang = official_of("wang", "341181000000");
    let v = records::village_cadre_figures(store, &tianchang, 2016)
        .await
        .unwrap();
    let towns: Vec<RegionCode> = v.report.by_region.keys().copied().collect();
    assert_eq!(towns, vec![code("341181100000")]);
    assert_eq!((v.report.total.in_office, v.report.total.promoted), (2, 0));
    assert!(v.report.untrained.is_empty());
    // 明光's official sees 丙村 only.
    let v = records::village_cadre_figures(store, &official_of("li", "341182000000"), 2016)
        .await
        .unwrap();
    assert_eq!((v.report.total.in_office, v.report.total.pool), (1, 0));
    assert_eq!(v.report.untrained, vec![code("341182100201")]);
    db.cleanup().await;
}

#[tokio::test]
async fn the_report_has_the_lines() {
    let db = db().await;
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let r = records::year_report(db.store.as_ref(), &admin, None, 2016, day("2026-11-29"))
        .await
        .unwrap();
    let c = &r.village_cadres;
    assert_eq!(
        (
            c.in_office,
            c.degree,
            c.poor_villages,
            c.secretaries_trained
        ),
        (3, 2, 2, 1)
    );
    assert_eq!((c.pool, c.promoted), (1, 1));
    assert_eq!(c.poor_villages, r.villages.remaining);
    db.cleanup().await;
}

#[tokio::test]
async fn bad_rows_are_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "village_cadres",
        format!(
            "{CADRES}V6,341181100201,甲,committee_member,2016-03-01,2015-01-01,,\n\
             V7,341181100201,乙,mayor,2016-03-01,,,\n"
        ),
    );
    b.insert(
        "village_cadre_development",
        format!("{CADRE_DEVELOPMENT}V9,training,2016-01-01,,\n"),
    );
    b.insert(
        "leader_pool",
        format!(
            "{POOL}L5,341181100201,丙,other,,2016-01-01,,S2\n\
             L6,341181100201,丁,graduate,,2016-01-01,2015-12-31,\n\
             L1,341181100201,郑一,returnee,,2016-01-01,,\n\
             L7,341181100201,钱七,returnee,,2012-01-01,,S1\n"
        ),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let at = |file: &str, row: u32| {
        let i = error_on(&report, file, row);
        (i.column.clone(), i.value.clone(), i.reason.clone())
    };
    let (column, value, _) = at("village_cadres.csv", 7);
    assert_eq!(
        (column.as_str(), value.as_str()),
        ("end_date", "2015-01-01")
    );
    let (column, value, _) = at("village_cadres.csv", 8);
    assert_eq!((column.as_str(), value.as_str()), ("post", "mayor"));
    let (column, value, _) = at("village_cadre_development.csv", 6);
    assert_eq!(
        (column.as_str(), value.as_str()),
        ("village_cadre_id", "V9")
    );
    // 孙平 is 明光's secretary: a 天长 member cannot have become him.
    let (column, value, reason) = at("leader_pool.csv", 6);
    assert_eq!((column.as_str(), value.as_str()), ("secretary_id", "S2"));
    assert!(reason.contains("县"), "{reason}");
    let (column, value, _) = at("leader_pool.csv", 7);
    assert_eq!(
        (column.as_str(), value.as_str()),
        ("left_date", "2015-12-31")
    );
    let (_, value, _) = at("leader_pool.csv", 8);
    assert_eq!(value, "L1", "the same member twice");
    // 钱广's term began in 2010, before 钱七 entered the pool in 2012.
    let (column, value, reason) = at("leader_pool.csv", 9);
    assert_eq!((column.as_str(), value.as_str()), ("secretary_id", "S1"));
    assert!(
        reason.contains("2010-01-01") && reason.contains("入库日期"),
        "{reason}"
    );
    assert_eq!(report.errors.len(), 7, "{:#?}", report.errors);
    // Nothing was written.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::village_cadre_figures(db.store.as_ref(), &admin, 2016)
        .await
        .unwrap();
    assert_eq!((v.report.total.in_office, v.report.total.pool), (0, 0));
    db.cleanup().await;
}

/// A village cadre corrected to a village of another county takes their development records
/// along: the records' stored county follows (the trigger of migration 0033, which partitions
/// and shards place rows by), and the new county's figures count them.
#[tokio::test]
async fn a_cadre_moved_to_another_county_takes_their_development_along() {
    let db = db().await;
    let store = db.store.as_ref();
    let development_county = "SELECT county_code FROM village_cadre_development \
         WHERE village_cadre_id = 'V4'";
    assert_eq!(integers(&db, development_county).await, vec![341182000000]);
    let tianchang = official_of("wang", "341181000000");
    let degree = |access: Access| async move {
        let v = records::village_cadre_figures(store, &access, 2017);
        v.await.unwrap().report.total.degree
    };
    assert_eq!(degree(tianchang.clone()).await, 2);
    // 刘洋 (V4) of 明光's 丙村 corrected to 天长's 甲村.
    let header = CADRES.lines().next().unwrap();
    let mut b = std::collections::BTreeMap::new();
    b.insert(
        "village_cadres",
        format!("{header}\nV4,341181100201,刘洋,committee_director,2014-03-01,,college,\n"),
    );
    let report = import(&db, &write_bundle(&db.dir().join("m"), &b)).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(integers(&db, development_county).await, vec![341181000000]);
    assert_eq!(
        degree(tianchang).await,
        3,
        "刘洋's course of 2017 counts in 天长"
    );
    assert_eq!(degree(official_of("li", "341182000000")).await, 0);
    db.cleanup().await;
}

#[tokio::test]
async fn the_three_files_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(files["village_cadres.csv"], format!("\u{feff}{CADRES}"));
    assert_eq!(
        files["village_cadre_development.csv"],
        format!("\u{feff}{CADRE_DEVELOPMENT}")
    );
    assert_eq!(files["leader_pool.csv"], format!("\u{feff}{POOL}"));
    db.cleanup().await;
}
