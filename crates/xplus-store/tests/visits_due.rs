//! The workbench's overdue visits of a city, a province or everything, counted per county and
//! kept between readings (issue 19): a county's kept figures are reused while its records have
//! not changed, counted afresh (and not kept) while it is marked for a refresh, and kept again
//! under the stamp its refresh leaves; they and their list agree with the county's own reading
//! from the records. SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use std::sync::Arc;
use xplus_core::accounts::{Access, Role};
use xplus_store::records::{self, KeptDue, Page, VisitsDue};

fn county_of(due: &VisitsDue) -> Arc<records::CountyDue> {
    let counties = due.counties.as_ref().expect("counted per county");
    assert_eq!(counties.len(), 1);
    counties[0].clone()
}

#[tokio::test]
async fn a_county_is_counted_again_only_after_its_records_change() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    records::refresh_rollups(store).await.unwrap();
    let all = Access::of_account("a", Role::Auditor, None, None);
    let tianchang = official_of("o", "341181000000");
    let kept = KeptDue::default();
    let read = || records::visits_due(store, &all, 2016, today, &kept);
    let page = Page {
        limit: 50,
        offset: 0,
    };

    // At the end of 2016 C3 is paired with H001 (since 2016-07-01) and H003 (since 2015), never
    // visited: both overdue, the longest first.
    let first = read().await.unwrap();
    assert_eq!((first.paired, first.overdue, first.marked), (2, 2, 0));
    let own = records::visits_due(store, &tianchang, 2016, today, &kept)
        .await
        .unwrap();
    assert!(own.counties.is_none(), "a county is read whole");
    assert_eq!((own.paired, own.overdue), (2, 2));
    let ids = |rows: Vec<records::DueVisit>| -> Vec<String> {
        rows.into_iter().map(|r| r.household_id).collect()
    };
    let kept_list = ids(records::overdue_visits(store, &all, &first, page)
        .await
        .unwrap());
    let own_list = ids(records::overdue_visits(store, &tianchang, &own, page)
        .await
        .unwrap());
    assert_eq!(kept_list, ["H003", "H001"]);
    assert_eq!(kept_list, own_list);
    // Nothing changed: the kept figures themselves.
    let again = read().await.unwrap();
    assert!(Arc::ptr_eq(&county_of(&first), &county_of(&again)));

    // A visit marks the county: counted afresh at each reading, kept by none.
    let visits = &xplus_core::interchange::schema::VISITS;
    let visit = vec![row(visits, &["C3", "H001", "2016-12-20", "走访"])];
    let rules = xplus_core::rules::RuleSet::default();
    records::save_entries(store, &tianchang, &rules, vec![(visits, visit)], today)
        .await
        .unwrap();
    let marked = read().await.unwrap();
    assert_eq!((marked.paired, marked.overdue, marked.marked), (2, 1, 1));
    let marked_again = read().await.unwrap();
    assert!(!Arc::ptr_eq(&county_of(&marked), &county_of(&marked_again)));
    // Its refresh moves its stamp: counted once more, then kept.
    records::refresh_rollups(store).await.unwrap();
    let refreshed = read().await.unwrap();
    assert_eq!((refreshed.overdue, refreshed.marked), (1, 0));
    assert!(!Arc::ptr_eq(&county_of(&first), &county_of(&refreshed)));
    let kept_again = read().await.unwrap();
    assert!(Arc::ptr_eq(&county_of(&refreshed), &county_of(&kept_again)));
    let kept_list = ids(records::overdue_visits(store, &all, &refreshed, page)
        .await
        .unwrap());
    assert_eq!(kept_list, ["H003"]);

    // A year not begun is counted as of its first day and not kept.
    let later = records::visits_due(store, &all, 2018, today, &kept)
        .await
        .unwrap();
    let later_again = records::visits_due(store, &all, 2018, today, &kept)
        .await
        .unwrap();
    assert!(!Arc::ptr_eq(&county_of(&later), &county_of(&later_again)));
    db.cleanup().await;
}

/// `xplus report --verify` compares the kept visit tables with what they are kept from: a
/// county's tallies with its visits, its month totals with its tallies, a region's totals per
/// cadre with its counties' tallies. A county's are mended by its refresh; a region's totals
/// by a rebuild (a refresh would carry their error along).
#[tokio::test]
async fn the_kept_visit_tables_are_verified_and_mended() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let tianchang = official_of("o", "341181000000");
    let visits = &xplus_core::interchange::schema::VISITS;
    let added = ["2016-08-01", "2016-08-02", "2016-09-03"]
        .map(|day| row(visits, &["C3", "H003", day, "走访"]))
        .to_vec();
    let rules = xplus_core::rules::RuleSet::default();
    records::save_entries(store, &tianchang, &rules, vec![(visits, added)], today)
        .await
        .unwrap();
    records::refresh_rollups(store).await.unwrap();
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.visit_differences, vec![]);

    tamper(
        &db,
        &[
            "UPDATE cadre_visit_reach SET total = total + 5 WHERE region_code = 341100000000",
            "UPDATE cadre_visit_months SET m8 = m8 + 1 WHERE county_code = 341181000000",
        ],
    )
    .await;
    let v = records::verify_rollups(store).await.unwrap();
    let found: Vec<(Option<String>, &str, u64)> = v
        .visit_differences
        .iter()
        .map(|d| (d.region.map(|r| r.to_string()), d.table, d.rows))
        .collect();
    let county = Some("341181000000".to_string());
    let city = Some("341100000000".to_string());
    assert_eq!(
        found,
        [
            (county.clone(), "cadre_visit_months", 2),
            (county, "visit_month_totals", 2),
            (city.clone(), "cadre_visit_reach", 2),
        ]
    );
    let city_code = xplus_core::registry::RegionCode::parse("341100000000").unwrap();
    records::rebuild_visit_reach(store, &[Some(city_code)])
        .await
        .unwrap();
    let county_code = xplus_core::registry::RegionCode::parse("341181000000").unwrap();
    records::mark_for_refresh(store, &[county_code])
        .await
        .unwrap();
    records::refresh_rollups(store).await.unwrap();
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.visit_differences, vec![]);
    assert_eq!(v.differences, vec![]);
    db.cleanup().await;
}
