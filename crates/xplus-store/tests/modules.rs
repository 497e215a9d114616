//! 远教 and 骨干 through the records layer, on SQLite and (with XPLUS_TEST_DATABASE_URL) on
//! PostgreSQL: rules.md §7 at its boundaries on writes, the 谁来扶 suggestions, and the §10
//! coverage with its gap list.

mod common;

use common::modules::*;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, Arg, Filter, PairingRequest};
use xplus_store::Refusal;
use xplus_store::StoreError;

fn request(
    household: &str,
    cadre: &str,
    start: &str,
    end: Option<&str>,
    successor: Option<&str>,
) -> PairingRequest {
    PairingRequest {
        household_id: household.into(),
        cadre_id: cadre.into(),
        start: day(start),
        end: end.map(day),
        successor: successor.map(str::to_string),
    }
}

fn refused_field(r: Result<(), StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => {
            (p[0].field.clone(), p[0].message.clone())
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn pairings_of(db: &TestDb, household: &str) -> Vec<Vec<Value>> {
    let mut s = db.store.read_session().await.unwrap();
    s.select(
        &xplus_core::interchange::schema::CADRE_HOUSEHOLD_PAIRINGS,
        &Filter::new().and("household_id = ?", vec![Arg::Text(household.into())]),
        "start_date, cadre_id",
        None,
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn rule_7_on_writes_successor_and_capacity() {
    let db = db().await;
    let rules = RuleSet::default();
    let today = day("2016-12-01");
    let store = db.store.as_ref();

    // The last helper of a poor household cannot end.
    let r = records::save_pairing(
        store,
        &admin(),
        &request("H001", "C3", "2016-07-01", Some("2016-12-31"), None),
        &rules,
        today,
    )
    .await;
    let (field, message) = refused_field(r);
    assert_eq!(field, "end_date");
    assert!(message.contains("结对帮扶规定"), "{message}");
    assert_eq!(pairings_of(&db, "H001").await.len(), 2, "nothing written");

    // A successor the same day can take over.
    records::save_pairing(
        store,
        &admin(),
        &request("H001", "C3", "2016-07-01", Some("2016-12-31"), Some("C1")),
        &rules,
        today,
    )
    .await
    .unwrap();
    let now = pairings_of(&db, "H001").await;
    assert_eq!(now.len(), 3);
    assert_eq!(now[2][0], Value::Text("C1".into()));
    assert_eq!(now[2][2], Value::Date(day("2016-12-31")));
    assert_eq!(now[1][3], Value::Date(day("2016-12-31")));

    // C3 helps five at once until 2016-12-31 (H001, H003, H101–H103): a sixth on that day is
    // refused at capacity 5; from the next day one place is free.
    let r = records::save_pairing(
        store,
        &admin(),
        &request("H104", "C3", "2016-12-31", None, None),
        &rules,
        today,
    )
    .await;
    let (field, message) = refused_field(r);
    assert_eq!(field, "cadre_id");
    assert!(
        message.contains("5") && message.contains("结对帮扶规定"),
        "{message}"
    );
    assert!(pairings_of(&db, "H104").await.is_empty());
    records::save_pairing(
        store,
        &admin(),
        &request("H104", "C3", "2017-01-01", None, None),
        &rules,
        today,
    )
    .await
    .unwrap();
    assert_eq!(pairings_of(&db, "H104").await.len(), 1);

    // A helper's own account may not rearrange pairings; an official outside the region
    // cannot reach the household.
    let helper = Access::of_account("zhou", Role::Helper, None, Some("C3"));
    let r = records::save_pairing(
        store,
        &helper,
        &request("H003", "C1", "2016-12-01", None, None),
        &rules,
        today,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Forbidden(_)))),
        "{r:?}"
    );
    let elsewhere = Access::of_account(
        "li",
        Role::Official,
        RegionCode::parse("341182000000").ok(),
        None,
    );
    let r = records::save_pairing(
        store,
        &elsewhere,
        &request("H003", "C1", "2016-12-01", None, None),
        &rules,
        today,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Forbidden(_)))),
        "{r:?}"
    );
    db.cleanup().await;
}

#[tokio::test]
async fn rule_7_units_stay_until_the_village_exits() {
    let db = db().await;
    let row = |end: &str| {
        vec![
            Value::Text("U2".into()),
            Value::Region(RegionCode::parse("341181100201").unwrap()),
            Value::Date(day("2015-06-01")),
            Value::Date(day(end)),
            Value::Bool(false),
            Value::Null,
        ]
    };
    let r = records::save_unit_pairing(db.store.as_ref(), &admin(), row("2016-12-31")).await;
    let (field, message) = refused_field(r);
    assert_eq!(field, "end_date");
    assert!(message.contains("结对帮扶规定"), "{message}");
    db.cleanup().await;
}

#[tokio::test]
async fn who_should_help_suggests_a_cadre_with_room() {
    let db = db().await;
    let today = day("2016-12-01");
    let s = records::helper_suggestions(db.store.as_ref(), &admin(), &RuleSet::default(), today)
        .await
        .unwrap();
    // H104 is the only poor household without a helper; C3 is full, C1 and C2 (U1) have room
    // and none yet: the smaller id.
    assert_eq!(s.len(), 1, "{s:#?}");
    assert_eq!(s[0].household_id, "H104");
    assert_eq!(s[0].cadre.as_ref().map(|c| c.0.as_str()), Some("C1"));
    db.cleanup().await;
}

#[tokio::test]
async fn training_coverage_and_gap_list() {
    let db = db().await;
    let view = records::coverage(
        db.store.as_ref(),
        &admin(),
        2016,
        day("2016-01-01"),
        day("2016-12-01"),
    )
    .await
    .unwrap();
    // Poor at the start of 2016: H001 and H101–H104 (H002 and H003 exited in 2015). H001
    // attended T1; H003 did too but is not counted.
    assert_eq!(view.report.total.poor, 5);
    assert_eq!(view.report.total.trained, 1);
    assert_eq!(view.gaps.len(), 4);
    let g = &view.gaps[0];
    assert_eq!(g.household_id, "H101");
    assert_eq!(g.stations, vec!["S1".to_string()]);
    assert_eq!(g.next.as_ref().map(|n| n.session_id.as_str()), Some("T1"));
    let village = RegionCode::parse("341181100201").unwrap();
    assert_eq!(view.report.by_region[&village].poor, 5);
    // Within an official's region only: the whole county, and another county (nothing).
    for (county, poor, trained) in [("341181000000", 5, 1), ("341182000000", 0, 0)] {
        let official =
            Access::of_account("li", Role::Official, RegionCode::parse(county).ok(), None);
        let view = records::coverage(
            db.store.as_ref(),
            &official,
            2016,
            day("2016-01-01"),
            day("2016-12-01"),
        )
        .await
        .unwrap();
        assert_eq!(
            (view.report.total.poor, view.report.total.trained),
            (poor, trained),
            "{county}"
        );
    }
    db.cleanup().await;
}

#[tokio::test]
async fn secretaries_tiers_checkups_and_vacancies() {
    let db = db().await;
    let rules = RuleSet::default();
    let today = day("2016-12-01");
    let o = records::secretaries_overview(db.store.as_ref(), &admin(), &rules, 2016, today)
        .await
        .unwrap();
    // In office today: 乙书记 (county tier); 丙书记 (provincial) left and nobody followed.
    let actual: Vec<u32> = o.tiers.iter().map(|t| t.1).collect();
    let targets: Vec<u32> = o.tiers.iter().map(|t| t.2).collect();
    assert_eq!(actual, vec![0, 0, 1]);
    assert_eq!(targets, vec![30, 100, 200]);
    assert_eq!((o.kept, o.adjusted), (2, 0));
    assert_eq!(
        o.filled_in_year, 1,
        "甲村: vacant 2016-04-01..04-04, then filled"
    );
    let vacant: Vec<String> = o.vacant.iter().map(|(v, _)| v.to_string()).collect();
    assert_eq!(vacant, vec!["341181100202".to_string()]);
    let o = records::secretaries_overview(db.store.as_ref(), &admin(), &rules, 2015, today)
        .await
        .unwrap();
    assert_eq!((o.kept, o.adjusted, o.filled_in_year), (0, 1, 0));
    // As of the end of 2015, not today: 丙书记 (provincial) was in office, no village vacant.
    assert_eq!(o.as_of, day("2015-12-31"));
    let actual: Vec<u32> = o.tiers.iter().map(|t| t.1).collect();
    assert_eq!(actual, vec![1, 0, 0]);
    assert!(o.vacant.is_empty(), "{:?}", o.vacant);
    let elsewhere = Access::of_account(
        "li",
        Role::Official,
        RegionCode::parse("341182000000").ok(),
        None,
    );
    let o = records::secretaries_overview(db.store.as_ref(), &elsewhere, &rules, 2016, today)
        .await
        .unwrap();
    assert_eq!((o.villages_with_records, o.kept), (0, 0));
    db.cleanup().await;
}
