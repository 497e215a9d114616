//! Partitions by province (`xplus init --partition province`, PostgreSQL): a database converts in
//! place with every row kept and can be converted again; a household that moves to a county of
//! another province takes its records into that province's partition, leaves no copy behind and
//! both counties' figures stay right. The move is checked on every backend, partitioned or not
//! (XPLUS_TEST_PARTITION=province partitions each PostgreSQL test database); SQLite refuses to
//! partition.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_store::{records, Backend, Refusal, StoreError};

fn code(c: &str) -> RegionCode {
    RegionCode::parse(c).unwrap()
}

/// The small bundle with a county of Jiangsu (32…), 南京市玄武区, and a village there.
fn two_province_bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut bundle = small_bundle();
    bundle.get_mut("regions").unwrap().push_str(
        "320000000000,江苏省,province,\n\
         320100000000,南京市,city,320000000000\n\
         320102000000,玄武区,county,320100000000\n\
         320102001000,梅园新村街道,town,320102000000\n\
         320102001001,丁村,village,320102001000\n",
    );
    bundle
        .get_mut("villages")
        .unwrap()
        .push_str("320102001001,0,700,,\n");
    bundle
}

async fn pg_pool(db: &TestDb) -> Option<sqlx::PgPool> {
    if db.store.backend() != Backend::Postgres {
        return None;
    }
    Some(sqlx::PgPool::connect(&db.url).await.unwrap())
}

#[tokio::test]
async fn a_household_that_moves_province_takes_its_records_along_and_leaves_no_copy() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_province_bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    records::refresh_rollups(store).await.unwrap();
    let members_before = store
        .count(&xplus_core::interchange::schema::MEMBERS)
        .await
        .unwrap();

    save_household(store, "H001", today, |row| {
        row[1] = Value::Region(code("320102001001"));
    })
    .await;
    // Both counties are marked: the one left (its figures lose the household) and the one joined.
    let done = records::refresh_rollups(store).await.unwrap();
    assert_eq!(done.counties, 2);
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.differences, vec![]);
    let arrived = records::dashboard(store, Some(code("320102000000")), 20)
        .await
        .unwrap();
    assert_eq!(
        arrived
            .region
            .get(xplus_core::rollup::Measure::ChainPoor, 2016, ""),
        1
    );
    // Nothing doubled: the members are where they were, one row each.
    assert_eq!(
        store
            .count(&xplus_core::interchange::schema::MEMBERS)
            .await
            .unwrap(),
        members_before
    );

    if let Some(pool) = pg_pool(&db).await {
        // Each of the household's records lies in the table (or, partitioned, the partition) of
        // its new province, with the new county.
        for table in [
            "members",
            "incomes",
            "attendance",
            "cadre_household_pairings",
        ] {
            let places: Vec<(String, i64)> = sqlx::query_as(&format!(
                "SELECT DISTINCT tableoid::regclass::text, county_code FROM {table} \
                 WHERE household_id = 'H001'"
            ))
            .fetch_all(&pool)
            .await
            .unwrap();
            assert!(!places.is_empty(), "{table}");
            for (place, county) in places {
                assert_eq!(county, 320_102_000_000, "{table}");
                assert!(place == table || place == format!("{table}_p32"), "{place}");
            }
        }
        pool.close().await;
    }
    db.cleanup().await;
}

#[tokio::test]
async fn partitioning_keeps_every_row_and_runs_again_as_a_no_op() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let Some(pool) = pg_pool(&db).await else {
        let refused = store.partition_by_province().await;
        assert!(
            matches!(refused, Err(StoreError::Refused(Refusal::Invalid(_)))),
            "{refused:?}"
        );
        db.cleanup().await;
        return;
    };
    export(&db, &db.dir().join("before"), false).await;
    let first = store.partition_by_province().await.unwrap();
    export(&db, &db.dir().join("after"), false).await;
    assert_eq!(
        read_folder(&db.dir().join("before")),
        read_folder(&db.dir().join("after"))
    );
    let members = first.iter().find(|t| t.table == "members").unwrap();
    assert_eq!(members.zh, "家庭成员");
    // Moved now, or already when the test database was partitioned (XPLUS_TEST_PARTITION).
    assert!(matches!(members.rows_moved, Some(6) | None), "{members:?}");

    let again = store.partition_by_province().await.unwrap();
    assert!(again.iter().all(|t| t.rows_moved.is_none()), "{again:?}");
    let partitioned: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_partitioned_table")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(partitioned as usize, again.len());
    // Every index of every partition is built and valid.
    let invalid: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(invalid, 0);
    // A second import of the same bundle changes nothing and doubles nothing.
    assert!(import(&db, &path).await.errors.is_empty());
    export(&db, &db.dir().join("again"), false).await;
    assert_eq!(
        read_folder(&db.dir().join("before")),
        read_folder(&db.dir().join("again"))
    );
    pool.close().await;
    db.cleanup().await;
}
