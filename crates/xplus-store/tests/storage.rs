//! The storage suite: the same tests on SQLite (default) and on PostgreSQL (when
//! XPLUS_TEST_DATABASE_URL is set). Import is all or nothing, idempotent, and an export imports
//! back to the same data.

mod common;

use common::*;
use xplus_core::interchange::schema::{HOUSEHOLDS, MEMBERS, SHARE_EVENTS};
use xplus_core::interchange::ALL_FILES;

/// Both databases export byte-identical bundles.
async fn assert_same_data(a: &TestDb, b: &TestDb) {
    let (one, two) = (a.dir().join("same-a"), a.dir().join("same-b"));
    export(a, &one, false).await;
    export(b, &two, false).await;
    assert_eq!(read_folder(&one), read_folder(&two));
}

async fn counts(db: &TestDb) -> Vec<u64> {
    let mut out = Vec::new();
    for f in ALL_FILES {
        out.push(db.store.count(f).await.unwrap());
    }
    out
}

#[tokio::test]
async fn migrate_twice_and_start_empty() {
    let db = TestDb::fresh().await;
    db.store.migrate().await.unwrap();
    assert!(db.store.is_empty().await.unwrap());
    db.cleanup().await;
}

#[tokio::test]
async fn a_valid_bundle_imports_and_round_trips() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    let report = import(&db, &dir).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert!(report.committed);
    assert_eq!(db.store.count(&HOUSEHOLDS).await.unwrap(), 3);
    assert_eq!(db.store.count(&MEMBERS).await.unwrap(), 6);
    assert_eq!(db.store.count(&SHARE_EVENTS).await.unwrap(), 3);

    let first = db.dir().join("export1");
    export(&db, &first, false).await;
    let exported = read_folder(&first);
    assert_eq!(exported.len(), ALL_FILES.len());
    // Money comes back exactly, in yuan with two decimals.
    assert!(
        exported["incomes.csv"].contains("H001,2015,6000.50,2000.00,0.00,1200.00,800.00,300.00")
    );
    assert!(exported["households.csv"]
        .contains("H003,341181100202,2015,monitored,2015,schooling,1,1,0,1"));

    let other = TestDb::fresh().await;
    let report = import(&other, &first).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let second = other.dir().join("export2");
    export(&other, &second, false).await;
    assert_eq!(read_folder(&second), exported);
    other.cleanup().await;
    db.cleanup().await;
}

#[tokio::test]
async fn importing_twice_changes_nothing_and_a_changed_row_updates() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let before_counts = counts(&db).await;
    let before = db.dir().join("before");
    export(&db, &before, false).await;
    let report = import(&db, &dir).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(counts(&db).await, before_counts);
    let again = db.dir().join("again");
    export(&db, &again, false).await;
    assert_eq!(read_folder(&again), read_folder(&before));

    // Only households.csv, with one household's safety flag changed.
    let mut b = small_bundle();
    let households = b["households"].replace(
        "H002,341181100201,2014,exited,2015,disability,1,1,1,0",
        "H002,341181100201,2014,exited,2015,disability,1,1,1,1",
    );
    b.retain(|k, _| *k == "households");
    b.insert("households", households);
    let dir2 = write_bundle(&db.dir().join("update"), &b);
    let report = import(&db, &dir2).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let after = db.dir().join("after");
    export(&db, &after, false).await;
    assert!(read_folder(&after)["households.csv"]
        .contains("H002,341181100201,2014,exited,2015,disability,1,1,1,1"));
    assert_eq!(counts(&db).await, before_counts);
    db.cleanup().await;
}

#[tokio::test]
async fn chinese_headers_and_gb18030_import_to_the_same_data() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let zh = db.dir().join("zh");
    export(&db, &zh, true).await;
    let zh_files = read_folder(&zh);
    // With a byte-order mark, so that Chinese Excel opens it as UTF-8.
    assert!(zh_files["households.csv"].starts_with("\u{feff}户编号,村代码,"));
    assert!(zh_files["households.csv"].contains("监测"));
    // Save every file as GB18030, as Chinese Excel does.
    let gbk = db.dir().join("gbk");
    std::fs::create_dir_all(&gbk).unwrap();
    for (name, text) in &zh_files {
        let (bytes, _, bad) = encoding_rs::GB18030.encode(text);
        assert!(!bad);
        std::fs::write(gbk.join(name), bytes).unwrap();
    }
    let other = TestDb::fresh().await;
    let report = import(&other, &gbk).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_same_data(&db, &other).await;
    other.cleanup().await;
    db.cleanup().await;
}

#[tokio::test]
async fn one_xlsx_workbook_imports_to_the_same_data() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let book = db.dir().join("bundle.xlsx");
    export(&db, &book, true).await;
    let other = TestDb::fresh().await;
    let report = import(&other, &book).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_same_data(&db, &other).await;
    other.cleanup().await;
    db.cleanup().await;
}

#[tokio::test]
async fn region_export_keeps_references_whole() {
    let db = TestDb::fresh().await;
    // H003 (village 202) holds shares in P1, a project of village 201.
    let mut bundle = small_bundle();
    let events = format!("{}P1,H003,2016-02-01,grant,5\n", bundle["share_events"]);
    bundle.insert("share_events", events);
    let dir = write_bundle(&db.dir().join("in"), &bundle);
    assert!(import(&db, &dir).await.committed);
    let cut = db.dir().join("cut");
    let options = xplus_store::ExportOptions {
        chinese: false,
        region: Some(xplus_core::registry::RegionCode::parse("341181100202").unwrap()),
    };
    struct P;
    impl xplus_store::ExportProgress for P {
        fn file(&self, _: &str) {}
        fn rows(&self, _: u64) {}
    }
    xplus_store::export_bundle(db.store.as_ref(), &cut, &options, &P)
        .await
        .unwrap();
    let files = read_folder(&cut);
    assert_eq!(
        files["households.csv"].lines().count(),
        2,
        "{}",
        files["households.csv"]
    );
    assert!(files["households.csv"].contains("H003"));
    // The project of another village goes with the household's shares.
    assert!(
        files["projects.csv"].contains("P1,"),
        "{}",
        files["projects.csv"]
    );
    assert!(
        !files["projects.csv"].contains("P2,"),
        "{}",
        files["projects.csv"]
    );
    let other = TestDb::fresh().await;
    let report = import(&other, &cut).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(other.store.count(&MEMBERS).await.unwrap(), 2);
    other.cleanup().await;
    db.cleanup().await;
}
