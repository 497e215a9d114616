//! 选派干部驻村 (issue 23), on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL:
//! postings.csv imported, refused with the file, row, column and value named, and exported byte
//! for byte; coverage of poor villages on Dec 31 of a year within reach, a recall ending a
//! posting on its decision day and a posting begun after the year not counted; the yearly
//! report's line and the case figure counted from the postings.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::posting::Coverage;
use xplus_core::case_figures::CaseFigure;
use xplus_core::registry::RegionCode;
use xplus_store::records;

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

/// 天长 (甲村 poor, 乙村 not, 丁村 poor and exited in 2016) and 明光 (丙村 poor); 孙丽 (C2) first
/// secretary of 甲村 recalled on 2016-05-01 and replaced by 王涛 (C6); 吴敏 (C4) in 丁村; 钱进
/// (C7) posted to 丙村 only in 2017.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.get_mut("regions")
        .unwrap()
        .push_str("341181100203,丁村,village,341181100000\n");
    let villages = b.get_mut("villages").unwrap();
    *villages = villages.replace("341182100201,0,800,,", "341182100201,1,800,,");
    villages.push_str("341181100203,1,700,2016,2016\n");
    b.get_mut("cadres").unwrap().push_str(
        "C4,吴敏,U1,work_team,\n\
         C6,王涛,U1,first_secretary,\n\
         C7,钱进,U2,work_team,\n",
    );
    b.insert(
        "recalls",
        "cadre_id,decision_date,reason,replacement_id\nC2,2016-05-01,驻村时间不足,C6\n".to_string(),
    );
    b.insert("postings", POSTINGS.to_string());
    b
}

const POSTINGS: &str = "cadre_id,village_code,start_date,end_date\n\
     C2,341181100201,2015-03-01,\n\
     C4,341181100203,2015-03-01,\n\
     C6,341181100201,2016-05-01,\n\
     C7,341182100201,2017-02-01,2019-01-31\n";

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn coverage(poor_villages: u64, covered: u64, cadres: u64) -> Coverage {
    Coverage {
        poor_villages,
        covered,
        cadres,
    }
}

#[tokio::test]
async fn coverage_is_taken_on_dec_31_with_recalls_ending_postings() {
    let db = db().await;
    let store = db.store.as_ref();
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::posting_coverage(store, &admin, 2016)
        .await
        .unwrap();
    assert_eq!(v.as_of, day("2016-12-31"));
    // 丁村 exited in 2016; 甲村 is covered by the successor, 丙村's cadre comes only in 2017. The
    // cadres on Dec 31: 王涛 in 甲村 and 吴敏, still in 丁村.
    assert_eq!(v.report.total, coverage(2, 1, 2));
    assert_eq!(v.report.uncovered, vec![code("341182100201")]);
    assert_eq!(v.name(&code("341182100201")), "丙村");
    let counties: Vec<(String, Coverage)> = (v.report.by_region.iter())
        .map(|(c, n)| (v.name(c).to_string(), *n))
        .collect();
    assert_eq!(
        counties,
        vec![
            ("天长市".to_string(), coverage(1, 1, 2)),
            ("明光市".to_string(), coverage(1, 0, 0)),
        ]
    );
    // At the end of 2015 the recalled 孙丽 was still there, and 丁村 still poor.
    let v = records::posting_coverage(store, &admin, 2015)
        .await
        .unwrap();
    assert_eq!(v.report.total, coverage(3, 2, 2));
    // 2017: 钱进 covers 丙村; 甲村 is still poor (it plans to exit in 2017 but has not).
    let v = records::posting_coverage(store, &admin, 2017)
        .await
        .unwrap();
    assert_eq!(v.report.total, coverage(2, 2, 3));
    assert!(v.report.uncovered.is_empty());

    // 天长's official: its towns, not 明光's village.
    let tianchang = official_of("wang", "341181000000");
    let v = records::posting_coverage(store, &tianchang, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, coverage(1, 1, 2));
    let towns: Vec<RegionCode> = v.report.by_region.keys().copied().collect();
    assert_eq!(towns, vec![code("341181100000")]);
    // 明光's official: one poor village, uncovered.
    let v = records::posting_coverage(store, &official_of("li", "341182000000"), 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, coverage(1, 0, 0));
    db.cleanup().await;
}

#[tokio::test]
async fn the_report_counts_coverage_and_the_selected_cadres_from_postings() {
    let db = db().await;
    let store = db.store.as_ref();
    let today = day("2026-11-29");
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let r = records::year_report(store, &admin, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(
        (
            r.backbone.poor_villages,
            r.backbone.covered,
            r.backbone.cadres_posted
        ),
        (2, 1, 2)
    );
    assert_eq!(r.backbone.poor_villages, r.villages.remaining);
    // 孙丽, 吴敏 and 王涛 were posted by the end of 2016 (the recalled one too); 钱进 in 2017.
    assert_eq!(r.case.get(CaseFigure::SelectedCadres), 3);
    let r = records::year_report(store, &admin, None, 2017, today)
        .await
        .unwrap();
    assert_eq!(r.case.get(CaseFigure::SelectedCadres), 4);
    // Each county counts the cadres posted in its own villages.
    let mingguang = official_of("li", "341182000000");
    let r = records::year_report(store, &mingguang, Some(code("341182000000")), 2017, today)
        .await
        .unwrap();
    assert_eq!(r.case.get(CaseFigure::SelectedCadres), 1);
    assert_eq!((r.backbone.poor_villages, r.backbone.covered), (1, 1));
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_posting_is_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "postings",
        "cadre_id,village_code,start_date,end_date\n\
         C1,341181100201,2015-03-01,\n\
         C2,341181100201,2015-03-01,2015-01-01\n\
         C4,341181100299,2015-03-01,\n\
         C6,341181100201,2016-05-01,\n\
         C6,341181100201,2016-05-01,2016-06-01\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let on = |row: u32| error_on(&report, "postings.csv", row);
    // A helper is not a selected cadre.
    let helper = on(2);
    assert_eq!(
        (helper.column.as_str(), helper.value.as_str()),
        ("cadre_id", "C1")
    );
    assert!(helper.reason.contains("帮扶责任人"), "{helper:?}");
    let ends = on(3);
    assert_eq!(
        (ends.column.as_str(), ends.value.as_str()),
        ("end_date", "2015-01-01")
    );
    let village = on(4);
    assert_eq!(
        (village.column.as_str(), village.value.as_str()),
        ("village_code", "341181100299")
    );
    assert!(
        !on(6).reason.is_empty(),
        "the same cadre, village and start twice"
    );
    assert_eq!(report.errors.len(), 4, "{:#?}", report.errors);
    // Nothing was written.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::posting_coverage(db.store.as_ref(), &admin, 2016)
        .await
        .unwrap();
    assert_eq!(v.report.total, Coverage::default());
    db.cleanup().await;
}

#[tokio::test]
async fn postings_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    assert_eq!(files["postings.csv"], format!("\u{feff}{POSTINGS}"));
    db.cleanup().await;
}

/// A cadre's role changed after they were posted: the stored postings would belong to someone
/// who cannot be posted, so the cadre's row is refused (file, row, column, value) and nothing
/// changes; a change between the two selected roles is accepted.
#[tokio::test]
async fn a_posted_cadre_keeps_a_selected_role() {
    let db = db().await;
    let mut b = std::collections::BTreeMap::new();
    b.insert(
        "cadres",
        "cadre_id,name,unit_id,role,phone\n\
         C4,吴敏,U1,helper,\n\
         C6,王涛,U1,work_team,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("roles"), &b);
    let report = import(&db, &path).await;
    let refused = error_on(&report, "cadres.csv", 2);
    assert_eq!(
        (refused.column.as_str(), refused.value.as_str()),
        ("role", "helper")
    );
    assert!(refused.reason.contains("驻村记录"), "{refused:?}");
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    // Nothing was written: 丁村 is still covered by 吴敏 on Dec 31, 2015.
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let v = records::posting_coverage(db.store.as_ref(), &admin, 2015)
        .await
        .unwrap();
    assert_eq!(v.report.total.covered, 2, "{:?}", v.report.total);

    b.insert(
        "cadres",
        "cadre_id,name,unit_id,role,phone\nC6,王涛,U1,work_team,\n".to_string(),
    );
    let path = write_bundle(&db.dir().join("roles2"), &b);
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db.cleanup().await;
}
