//! The book of record (issue 18) through the store (SQLite, and PostgreSQL with
//! XPLUS_TEST_DATABASE_URL): the figures of a year do not move when a later year is recorded,
//! and an export after an applied year imports into an empty database and exports the same.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_store::records::{self, AssessmentSink, HouseholdAssessment, VillageAssessment};
use xplus_store::StoreError;

struct Ignore;

impl AssessmentSink for Ignore {
    fn household(&mut self, _: &HouseholdAssessment) -> Result<(), StoreError> {
        Ok(())
    }
    fn village(&mut self, _: &VillageAssessment) -> Result<(), StoreError> {
        Ok(())
    }
}

#[tokio::test]
async fn recording_2016_leaves_the_figures_of_2015_alone() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let all = &Access::of_account("t", Role::Auditor, None, None);
    let report = |year| async move {
        records::year_report(store, all, None, year, today)
            .await
            .unwrap()
    };
    let before_2015 = report(2015).await;
    let before_2016 = report(2016).await;
    // H001 poor (3 people), H002 exited 2015, H003 monitored (exited 2015).
    assert_eq!(
        (
            before_2015.households.poor,
            before_2015.households.monitored,
            before_2015.households.exited_in_year
        ),
        (1, 1, 2)
    );

    records::apply_assessment(store, "cli:test", 2016, today, &mut Ignore)
        .await
        .unwrap();
    // 2016 recorded: H001 exited, H002 monitored, H003's risk removed. The figures of 2015 are
    // those of the end of 2015, as before.
    assert_eq!(report(2015).await, before_2015);
    let after_2016 = report(2016).await;
    assert_ne!(after_2016.households, before_2016.households);
    assert_eq!(
        (
            after_2016.households.poor,
            after_2016.households.monitored,
            after_2016.households.exited_in_year,
            after_2016.persons.exited_in_year
        ),
        (0, 1, 1, 3)
    );
    // The chain of 2016 still counts the households poor at its start.
    assert_eq!(after_2016.coverage, before_2016.coverage);
    db.cleanup().await;
}
