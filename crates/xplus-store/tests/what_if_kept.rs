//! A web server's what-ifs keep what they read of each county (`KeptFacts`): a county whose
//! records have not changed is judged from the facts kept, with the same result as reading it,
//! and a county written to is read again.

mod common;

use common::*;
use xplus_core::rules::{what_if_setting, Parameter};
use xplus_store::records::{self, EligibilityChange, KeptFacts, WhatIfSink, WhatIfSummary};

#[derive(Default)]
struct Changes(Vec<EligibilityChange>);

impl records::AssessmentSink for Changes {
    fn household(
        &mut self,
        _: &records::HouseholdAssessment,
    ) -> Result<(), xplus_store::StoreError> {
        Ok(())
    }
    fn village(&mut self, _: &records::VillageAssessment) -> Result<(), xplus_store::StoreError> {
        Ok(())
    }
}

impl WhatIfSink for Changes {
    fn change(&mut self, c: &EligibilityChange) -> Result<(), xplus_store::StoreError> {
        self.0.push(c.clone());
        Ok(())
    }
}

async fn counties(db: &TestDb) -> Vec<xplus_core::registry::RegionCode> {
    let admin = xplus_core::accounts::Access::of_account(
        "admin",
        xplus_core::accounts::Role::Admin,
        None,
        None,
    );
    records::counties_within(db.store.as_ref(), &admin)
        .await
        .unwrap()
}

async fn what_if(db: &TestDb, kept: Option<&KeptFacts>) -> (WhatIfSummary, Vec<EligibilityChange>) {
    let store = db.store.as_ref();
    let line = what_if_setting(Parameter::PovertyLine, "100000", None, 2016).unwrap();
    let counties = counties(db).await;
    let mut sink = Changes::default();
    let summary = records::what_if_counties(store, kept, 2016, counties, vec![line], &mut sink)
        .await
        .unwrap();
    (summary, sink.0)
}

#[tokio::test]
async fn kept_facts_give_what_reading_gives_until_a_county_is_written() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_county_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let kept = KeptFacts::default();

    // Marked by the import: read, and not kept (nor read ahead).
    let read = what_if(&db, None).await;
    assert_eq!(what_if(&db, Some(&kept)).await, read);
    let all = counties(&db).await;
    // The counties with households: 天长市 (明光市 has none).
    assert_eq!(all.len(), 1);
    let ahead = records::read_ahead(store, &kept, 2016, all.clone());
    assert_eq!(ahead.await.unwrap(), 0);
    assert_eq!(kept.size(), (0, 0));
    records::refresh_rollups(store).await.unwrap();
    assert_eq!(what_if(&db, Some(&kept)).await, read);
    let (kept_counties, households) = kept.size();
    assert_eq!(kept_counties, 1);
    assert!(households >= 3);
    assert_eq!(
        records::read_ahead(store, &kept, 2016, all).await.unwrap(),
        1
    );
    assert_eq!(
        kept.size(),
        (1, households),
        "read ahead: nothing read again"
    );
    // From what is kept: the same.
    assert_eq!(what_if(&db, Some(&kept)).await, read);
    assert_eq!(read.0.before.eligible, 1);
    assert_eq!(read.0.after.eligible, 0);

    // H001's income taken away: read again, marked and after its refresh.
    tamper(
        &db,
        &["DELETE FROM incomes WHERE household_id = 'H001' AND year = 2016"],
    )
    .await;
    records::mark_for_refresh(
        store,
        &[xplus_core::registry::RegionCode::parse("341181000000").unwrap()],
    )
    .await
    .unwrap();
    let changed = what_if(&db, None).await;
    assert_eq!(changed.0.before.eligible, 0, "no income: not eligible");
    assert_eq!(what_if(&db, Some(&kept)).await, changed);
    records::refresh_rollups(store).await.unwrap();
    assert_eq!(what_if(&db, Some(&kept)).await, changed);
    assert_eq!(what_if(&db, Some(&kept)).await, changed);
    db.cleanup().await;
}

/// A server starting on a store whose households all fit reads every county ahead: its first
/// what-if, asked without opening the form, finds them kept and gives what reading gives.
#[tokio::test]
async fn a_store_that_fits_is_read_ahead_whole() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_county_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    records::refresh_rollups(store).await.unwrap();
    let kept = KeptFacts::default();
    let read = what_if(&db, None).await;
    let ahead = records::read_ahead_all(store, &kept, 2016).await.unwrap();
    assert_eq!(ahead, Some(1), "天长市, the one county with households");
    let size = kept.size();
    assert_eq!(size.0, 1);
    assert_eq!(what_if(&db, Some(&kept)).await, read);
    assert_eq!(kept.size(), size, "the what-if read nothing again");
    db.cleanup().await;
}
