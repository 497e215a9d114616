//! Partitions by province (`xplus init --partition province`, PostgreSQL): a database converts in
//! place with every row kept and can be converted again; a household that moves to a county of
//! another province, or a person who moves to a household there, takes the records into that
//! province's partition, leaves no copy behind and both counties' figures stay right. The move is checked on every backend, partitioned or not
//! (XPLUS_TEST_PARTITION=province partitions each PostgreSQL test database); SQLite refuses to
//! partition.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::interchange::schema::MEMBERS;
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rollup::Measure;
use xplus_store::{records, Backend, Refusal, StoreError};

fn code(c: &str) -> RegionCode {
    RegionCode::parse(c).unwrap()
}

/// The small bundle with a county of Jiangsu (32…), 南京市玄武区, and a village there.
fn two_province_bundle() -> std::collections::BTreeMap<&'static str, String> {
    with_jiangsu(small_bundle())
}

async fn pg_pool(db: &TestDb) -> Option<sqlx::PgPool> {
    if db.store.backend() != Backend::Postgres {
        return None;
    }
    Some(sqlx::PgPool::connect(&db.url).await.unwrap())
}

/// On PostgreSQL the database is partitioned after the import, so that both provinces have a
/// partition (converted now, or split out of the default partition of a test database that
/// XPLUS_TEST_PARTITION partitioned while empty).
#[tokio::test]
async fn a_household_that_moves_province_takes_its_records_along_and_leaves_no_copy() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_province_bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let store = db.store.as_ref();
    let pool = pg_pool(&db).await;
    if let Some(pool) = &pool {
        store.partition_by_province().await.unwrap();
        let both: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE c.relname ~ '_p(32|34)$'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert_eq!(
            both, 28,
            "each of the 14 tables has a partition per province"
        );
    }
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    records::refresh_rollups(store).await.unwrap();
    let members_before = store.count(&MEMBERS).await.unwrap();

    // Through the households' trigger (0026), which updates each record's county.
    save_household(store, "H001", today, |row| {
        row[1] = Value::Region(code("320102001001"));
    })
    .await;
    let done = records::refresh_rollups(store).await.unwrap();
    assert_eq!(done.counties, 2);
    assert_eq!(
        records::verify_rollups(store).await.unwrap().differences,
        vec![]
    );
    let arrived = records::dashboard(store, Some(code("320102000000")), 20)
        .await
        .unwrap();
    assert_eq!(arrived.region.get(Measure::ChainPoor, 2016, ""), 1);

    // Through an import: H003 (天长市) moves to 玄武区 in households.csv, and its members are
    // listed again in the same bundle — merged onto the rows the move just carried over.
    let moved = h003_moves_to_jiangsu();
    let report = import(&db, &write_bundle(&db.dir().join("m"), &moved)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let done = records::refresh_rollups(store).await.unwrap();
    assert_eq!(done.counties, 2);
    assert_eq!(
        records::verify_rollups(store).await.unwrap().differences,
        vec![]
    );
    // Nothing doubled: every person is one row.
    assert_eq!(store.count(&MEMBERS).await.unwrap(), members_before);

    if let Some(pool) = pool {
        // Each of the households' records lies in the partition of its new province.
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
            assert_eq!(places, vec![(format!("{table}_p32"), 320_102_000_000)]);
        }
        pool.close().await;
    }
    db.cleanup().await;
}

#[tokio::test]
async fn partitioning_keeps_every_row_and_what_the_table_carries_and_runs_again() {
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
    // Converted now; or (XPLUS_TEST_PARTITION) partitioned while empty, when the import gave
    // Anhui its partition as its first rows arrived. Either way the six people are in it.
    if members.converted {
        assert_eq!(members.provinces_added, [34]);
        assert_eq!(members.rows_moved, 6);
    }
    let in_anhui: i64 = sqlx::query_scalar("SELECT count(*) FROM members_p34")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(in_anhui, 6);
    let again = store.partition_by_province().await.unwrap();
    assert!(
        again
            .iter()
            .all(|t| !t.converted && t.provinces_added.is_empty() && t.rows_moved == 0),
        "{again:?}"
    );
    let partitioned: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_partitioned_table")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(partitioned as usize, again.len());
    // Every index of every partition is built and valid; members keeps its reference to the
    // households, its two triggers (plus the one for a move between partitions) and its checks.
    let one = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        one("SELECT count(*) FROM pg_index WHERE NOT indisvalid").await,
        0
    );
    assert_eq!(
        one("SELECT count(*) FROM pg_constraint WHERE conrelid = 'members'::regclass AND contype = 'f'").await,
        1
    );
    assert_eq!(
        one("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'members'::regclass AND NOT tgisinternal").await,
        2
    );
    let bad = sqlx::query(
        "INSERT INTO members (household_id, id_number, name, relation, health, labour, schooling, county_code) \
         VALUES ('H001', '34118119700305001X', '某', 'boss', 'healthy', 'none', 'none', 341181000000)",
    )
    .execute(&pool)
    .await;
    assert!(format!("{bad:?}").contains("check"), "{bad:?}");
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
