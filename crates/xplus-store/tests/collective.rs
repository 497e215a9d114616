//! 集体 over the records layer, on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL:
//! rules.md §8 dividends of the small bundle to the fen (a tie to the smaller id), recorded once,
//! and the year's equity adjustment.

mod common;

use common::*;
use xplus_core::collective::ShareEventKind;
use xplus_store::records::{self, AdjustmentApplied, Applied};
use xplus_store::StoreError;

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

#[tokio::test]
async fn dividends_to_the_fen_recorded_once() {
    let db = db().await;
    let store = db.store.as_ref();
    // 2015: 1000.01 yuan over H001 and H002, 5 shares each: the odd fen to H001.
    let run = records::dividends(store, 2015).await.unwrap();
    let paid: Vec<(String, i64)> = run.projects[0]
        .payments
        .iter()
        .map(|p| (p.household.clone(), p.amount.0))
        .collect();
    assert_eq!(paid, vec![("H001".into(), 50_001), ("H002".into(), 50_000)]);
    assert_eq!(run.paid().0, 100_001);
    // 2016: H002 gave its shares back on Jan 1; H001 gets it all.
    let run16 = records::dividends(store, 2016).await.unwrap();
    assert_eq!(run16.paid().0, 99_999);
    assert_eq!(run16.payments(), 1);

    let actor = "cli:test";
    assert_eq!(
        records::apply_dividends(store, actor, &run).await.unwrap(),
        Applied::Recorded { payments: 2 }
    );
    assert_eq!(
        records::apply_dividends(store, actor, &run).await.unwrap(),
        Applied::AlreadyRecorded
    );
    // A different result for a recorded year is refused.
    let mut other = run.clone();
    other.projects[0].payments[0].amount.0 -= 1;
    let r = records::apply_dividends(store, actor, &other).await;
    assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}");
    db.cleanup().await;
}

#[tokio::test]
async fn the_years_adjustment_grants_from_the_village_pools() {
    let db = db().await;
    let store = db.store.as_ref();
    // 2016: nobody exited in 2016; H001 (poor) holds P1 (pledged) but none of P2 → 2 shares of P2.
    let view = records::adjustment_plan(store, 2016).await.unwrap();
    let events: Vec<(String, String, ShareEventKind, i64)> = view
        .plan
        .events
        .iter()
        .map(|e| (e.project.clone(), e.household.clone(), e.kind, e.shares))
        .collect();
    assert_eq!(
        events,
        vec![("P2".into(), "H001".into(), ShareEventKind::Grant, 2)]
    );
    assert_eq!(view.date.to_string(), "2017-01-01");
    assert_eq!(
        records::apply_adjustment(store, "cli:test", &view)
            .await
            .unwrap(),
        AdjustmentApplied::Recorded { events: 1 }
    );
    let again = records::adjustment_plan(store, 2016).await.unwrap();
    assert_eq!(
        records::apply_adjustment(store, "cli:test", &again)
            .await
            .unwrap(),
        AdjustmentApplied::AlreadyRecorded
    );
    db.cleanup().await;
}
