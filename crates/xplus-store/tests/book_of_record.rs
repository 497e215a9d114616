//! The book of record (issue 18) through the store (SQLite, and PostgreSQL with
//! XPLUS_TEST_DATABASE_URL): the figures of a year do not move when a later year is recorded,
//! and an export after an applied year imports into an empty database and exports the same.

mod common;

use chrono::NaiveDate;
#[allow(unused)]
use common::planted;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::{HouseholdStatus, RegionCode};
use xplus_core::rollup::Measure;
use xplus_store::records;

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

    records::apply_assessment(store, "cli:test", 2016, today, &mut Discard)
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
    // H001's exit was decided by the assessment, outside the procedure: listed as such, with
    // who decided and when.
    let direct = records::direct_exits(store, all, 2016).await.unwrap();
    let direct: Vec<_> = direct
        .iter()
        .map(|d| {
            (
                d.village.to_string(),
                d.households,
                d.decided_by.clone(),
                d.decided_on,
            )
        })
        .collect();
    assert_eq!(
        direct,
        vec![(
            "341181100201".to_string(),
            1,
            Some("cli:test".to_string()),
            Some(today)
        )]
    );
    // The chain of 2016 still counts the households poor at its start.
    assert_eq!(after_2016.coverage, before_2016.coverage);
    // As of a day: the day before 2016 was decided (2017-01-10), the households stood as at the
    // end of 2016 before it was recorded; on the day, as decided.
    let as_of = |day: &'static str| async move {
        let day = day.parse().unwrap();
        records::report_as_of(store, all, None, day).await.unwrap()
    };
    let eve = as_of("2017-01-09").await;
    assert_eq!(eve.as_of, Some("2017-01-09".parse().unwrap()));
    assert_eq!(eve.year, 2017);
    assert_eq!(
        (eve.households.poor, eve.households.monitored),
        (
            before_2016.households.poor,
            before_2016.households.monitored
        )
    );
    let decided = as_of("2017-01-10").await;
    assert_eq!(
        (decided.households.poor, decided.households.monitored),
        (after_2016.households.poor, after_2016.households.monitored)
    );
    db.cleanup().await;
}

/// The dashboard, the full chain and the 明白卡 of 2015 read the same before and after 2016 is
/// recorded; the dashboard's drill-down lists of 2015 list the households it counts.
#[tokio::test]
async fn recording_2016_leaves_the_dashboard_chain_and_cards_of_2015_alone() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let all = &Access::of_account("t", Role::Auditor, None, None);
    let village = RegionCode::parse("341181100201").unwrap();
    let county = RegionCode::parse("341181000000").unwrap();
    let seen = || async move {
        records::refresh_rollups(store).await.unwrap();
        let d = records::dashboard(store, Some(county), 10).await.unwrap();
        let chain = records::full_chain(store, all, 2015, today).await.unwrap();
        let cards = records::village_cards(store, all, village, 2015, today)
            .await
            .unwrap();
        let by_year: Vec<_> = [
            Measure::ExitedHouseholds,
            Measure::ExitedPersons,
            Measure::ChainPoor,
            Measure::ChainFull,
            Measure::IncomeBand,
        ]
        .into_iter()
        .map(|m| (m, d.region.buckets(m, 2015)))
        .map(|(m, b)| {
            (
                m,
                b.into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
        let listed = |q: records::HouseholdQuery| async move {
            let page = records::Page {
                limit: 50,
                offset: 0,
            };
            records::list_households(store, all, &q, page, today)
                .await
                .unwrap()
                .into_iter()
                .map(|h| h.id().to_string())
                .collect::<Vec<_>>()
        };
        let at_2015 = |status, poor, exit_year| records::HouseholdQuery {
            at_end: Some(2015),
            status,
            poor,
            exit_year,
            ..Default::default()
        };
        let lists = (
            listed(at_2015(None, true, None)).await,
            listed(at_2015(Some(HouseholdStatus::Monitored), false, None)).await,
            listed(at_2015(None, false, Some(2015))).await,
        );
        (d.region.at_end(2015), by_year, chain, cards, lists)
    };
    let before = seen().await;
    let (at, _, chain, cards, lists) = &before;
    // H001 poor (3 people), H002 exited in 2015, H003 monitored (exited 2015).
    assert_eq!(
        (at.poor, at.poor_persons, at.monitored, at.returned),
        (1, 3, 1, 0)
    );
    assert!(!at.as_recorded_now);
    assert_eq!(chain.households.len(), 3);
    let statuses: Vec<_> = cards
        .iter()
        .map(|c| (c.household_id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("H001", HouseholdStatus::Poor),
            ("H002", HouseholdStatus::Exited)
        ]
    );
    assert_eq!(
        lists,
        &(
            vec!["H001".to_string()],
            vec!["H003".to_string()],
            vec!["H002".to_string(), "H003".to_string()]
        )
    );

    records::apply_assessment(store, "cli:test", 2016, today, &mut Discard)
        .await
        .unwrap();
    // 2016 made H001 exited, H002 monitored and removed H003's risk: today's figures moved,
    // those of 2015 did not.
    let after = seen().await;
    assert_eq!(after, before);
    let d = records::dashboard(store, Some(county), 10).await.unwrap();
    let now = d.region.at_end(2017);
    assert!(now.as_recorded_now);
    assert_eq!((now.poor, now.monitored), (0, 1));
    let at_2016 = d.region.at_end(2016);
    assert_eq!(
        (at_2016.poor, at_2016.monitored, at_2016.as_recorded_now),
        (0, 1, false)
    );
    db.cleanup().await;
}

/// rules.md §7 guards changes: a pairing that ended in a household's exit year, lawfully then,
/// is not refused in a copy taken after a later year made the household monitored — the
/// applied outcome in the copy says what it was when the helper left.
#[tokio::test]
async fn a_copy_of_history_is_not_refused_by_the_successor_rule() {
    let mut b = small_bundle();
    // H002 exited in 2015; its helper left in June 2015 without a successor.
    let ended = planted::plant(
        &mut b,
        "cadre_household_pairings",
        "C1,H002",
        "C1,H002,2015-01-01,2015-06-30",
    );
    assert!(planted::errors_of(&b).await.is_empty());
    // 2016 made it monitored. Without the outcome that says so, the end looks like one that
    // left a monitored household alone in its exit year.
    planted::plant(
        &mut b,
        "households",
        "H002",
        "H002,341181100201,2014,monitored,2015,disability,1,1,1,0",
    );
    let errors = planted::errors_of(&b).await;
    assert!(
        planted::has(&errors, "cadre_household_pairings.csv", ended, "end_date"),
        "{errors:#?}"
    );
    b.insert(
        "assessment_outcomes",
        "household_id,year,outcome,reasons,previous_status,previous_exit_year,status,exit_year,decided_on\n\
         H002,2016,monitored,medical_spending,exited,2015,monitored,2015,2017-01-10\n"
            .to_string(),
    );
    let errors = planted::errors_of(&b).await;
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The exit procedure's records come back as they were, and a batch whose days run backwards or
/// a household of a batch that is not there is refused with the row and column named.
#[tokio::test]
async fn exit_batches_import_with_their_days_in_order() {
    let mut b = small_bundle();
    let header = "village_code,year,stage,proposed_by,proposed_on,review_date,review_attendees,\
                  reviewed_by,notice_start,notice_last_day,noticed_by,town_approved_by,\
                  town_approved_on,county_approved_by,county_approved_on\n";
    b.insert(
        "exit_batches",
        format!(
            "{header}341181100201,2016,approved,sec1,2016-10-08,2016-10-12,35,sec1,2016-10-13,\
             2016-10-19,sec1,town1,2016-10-25,county1,2016-11-02\n"
        ),
    );
    b.insert(
        "exit_batch_households",
        "village_code,year,household_id,state\n341181100201,2016,H001,exited\n".to_string(),
    );
    assert!(planted::errors_of(&b).await.is_empty());
    let mut backwards = b.clone();
    planted::plant(
        &mut backwards,
        "exit_batches",
        "341181100201,2016",
        "341181100201,2016,approved,sec1,2016-10-08,2016-10-12,35,sec1,2016-10-13,\
         2016-10-19,sec1,town1,2016-10-25,county1,2016-10-20",
    );
    let errors = planted::errors_of(&backwards).await;
    assert!(
        planted::has(&errors, "exit_batches.csv", 2, "county_approved_on"),
        "{errors:#?}"
    );
    let mut orphan = b.clone();
    planted::append(
        &mut orphan,
        "exit_batch_households",
        "341181100202,2016,H003,proposed",
    );
    let errors = planted::errors_of(&orphan).await;
    assert!(
        planted::has(&errors, "exit_batch_households.csv", 3, "year"),
        "{errors:#?}"
    );
}
