//! 远教 and 骨干 through the records layer, on SQLite and (with XPLUS_TEST_DATABASE_URL) on
//! PostgreSQL: rules.md §7 at its boundaries on writes, the 谁来扶 suggestions, and the §10
//! coverage with its gap list.

mod common;

use chrono::NaiveDate;
use common::*;
use std::collections::BTreeMap;
use xplus_core::accounts::{Access, Role};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, Arg, Filter, PairingRequest};
use xplus_store::Refusal;
use xplus_store::StoreError;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn add(b: &mut BTreeMap<&'static str, String>, file: &'static str, line: &str) {
    let mut text = b[file].clone();
    text.push_str(line);
    text.push('\n');
    b.insert(file, text);
}

/// The small bundle, plus four poor households in 甲村: C3 helps H101–H103 (so five households
/// at once with H001 and H003 until H001's pairing ends); H104 has no helper.
async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let mut b = small_bundle();
    for n in 1..=4 {
        let hid = format!("H10{n}");
        add(
            &mut b,
            "households",
            &format!("{hid},341181100201,2015,poor,,illness,1,1,1,1"),
        );
        let person = id(341181, "1960-01-01", 101 + 2 * n as u16);
        add(
            &mut b,
            "members",
            &format!("{hid},{person},某甲{n},head,healthy,ordinary,none,1,1,0"),
        );
        if n < 4 {
            add(
                &mut b,
                "cadre_household_pairings",
                &format!("C3,{hid},2016-08-01,"),
            );
        }
    }
    b.insert(
        "secretaries",
        "secretary_id,village_code,name,start_date,end_date,tier,tier_year,phone\n\
         S1,341181100201,甲书记,2010-01-01,2016-03-31,,,\n\
         S2,341181100201,乙书记,2016-04-05,,county,2016,\n\
         S3,341181100202,丙书记,2012-01-01,2016-10-31,provincial,2015,\n"
            .to_string(),
    );
    b.insert(
        "secretary_checks",
        "secretary_id,year,result,note\nS1,2015,adjusted,\nS2,2016,kept,\nS3,2016,kept,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}

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
    assert!(message.contains("§7"), "{message}");
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
    assert!(message.contains("5") && message.contains("§7"), "{message}");
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
    assert!(message.contains("§7"), "{message}");
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

/// A row of `spec` from its cells as a bundle would have them.
fn row(spec: &'static xplus_core::interchange::FileSpec, cells: &[&str]) -> Vec<Value> {
    let today = day("2016-12-01");
    spec.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            xplus_core::interchange::cell::parse(c, cells.get(i).copied().unwrap_or(""), today)
                .unwrap()
        })
        .collect()
}

fn refusal(r: Result<records::SavedEntries, StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => {
            (p[0].field.clone(), p[0].message.clone())
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn entries_written_with_the_importers_checks_and_within_reach() {
    use xplus_core::interchange::schema::{
        ATTENDANCE, ATTENDANCE_MEMBERS, RECALLS, STATION_CHECKS, VISITS,
    };
    let db = db().await;
    let rules = RuleSet::default();
    let today = day("2016-12-01");
    let store = db.store.as_ref();
    let tianchang = Access::of_account(
        "tc",
        Role::Official,
        RegionCode::parse("341181000000").ok(),
        None,
    );
    let elsewhere = Access::of_account(
        "li",
        Role::Official,
        RegionCode::parse("341182000000").ok(),
        None,
    );
    let check = row(&STATION_CHECKS, &["S1", "2016", "venue", "met", ""]);
    let r = records::save_entries(
        store,
        &elsewhere,
        &rules,
        vec![(&STATION_CHECKS, vec![check.clone()])],
        today,
    )
    .await;
    // Another county's station is answered like one that does not exist.
    match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => {
            assert_eq!(p[0].field, "station_id");
            assert!(
                p[0].message.contains("不在您的管辖范围内"),
                "{}",
                p[0].message
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let saved = records::save_entries(
        store,
        &tianchang,
        &rules,
        vec![(&STATION_CHECKS, vec![check.clone()])],
        today,
    )
    .await
    .unwrap();
    assert_eq!(saved.changed, 1);
    // The same row again changes nothing.
    let saved = records::save_entries(
        store,
        &tianchang,
        &rules,
        vec![(&STATION_CHECKS, vec![check])],
        today,
    )
    .await
    .unwrap();
    assert_eq!(saved.changed, 0);
    let page = records::Page {
        limit: 50,
        offset: 0,
    };
    let listed = records::list_entries(store, &tianchang, &STATION_CHECKS, &[], page, today)
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    let listed = records::list_entries(store, &elsewhere, &STATION_CHECKS, &[], page, today)
        .await
        .unwrap();
    assert_eq!(listed.total, 0);

    // A whole village's attendance in one write: the household and its named members; a person
    // of another household is refused, and then nothing is written.
    let wang = id(341181, "1970-03-05", 11);
    let liu = id(341181, "1980-11-30", 52);
    let bad = records::save_entries(
        store,
        &tianchang,
        &rules,
        vec![
            (&ATTENDANCE, vec![row(&ATTENDANCE, &["T1", "H101"])]),
            (
                &ATTENDANCE_MEMBERS,
                vec![
                    row(&ATTENDANCE_MEMBERS, &["T1", "H001", &wang]),
                    row(&ATTENDANCE_MEMBERS, &["T1", "H001", &liu]),
                ],
            ),
        ],
        today,
    )
    .await;
    let (field, message) = refusal(bad);
    assert_eq!(field, "id_number");
    assert!(
        message.contains("H001") && message.contains("第2条"),
        "{message}"
    );
    let listed = records::list_entries(
        store,
        &tianchang,
        &ATTENDANCE,
        &[("session_id".into(), "T1".into())],
        page,
        today,
    )
    .await
    .unwrap();
    assert_eq!(listed.total, 2, "H101 was not written");
    records::save_entries(
        store,
        &tianchang,
        &rules,
        vec![
            (&ATTENDANCE, vec![row(&ATTENDANCE, &["T1", "H101"])]),
            (
                &ATTENDANCE_MEMBERS,
                vec![row(&ATTENDANCE_MEMBERS, &["T1", "H001", &wang])],
            ),
        ],
        today,
    )
    .await
    .unwrap();
    let listed = records::list_entries(store, &tianchang, &ATTENDANCE, &[], page, today)
        .await
        .unwrap();
    assert_eq!(listed.total, 3);

    // A missing reference, a recall of a helper (rules.md §7): the importer's words.
    let (field, message) = refusal(
        records::save_entries(
            store,
            &admin(),
            &rules,
            vec![(
                &VISITS,
                vec![row(&VISITS, &["C9", "H001", "2016-11-02", "走访"])],
            )],
            today,
        )
        .await,
    );
    assert_eq!(field, "cadre_id");
    assert!(message.contains("不存在"), "{message}");
    let (field, message) = refusal(
        records::save_entries(
            store,
            &admin(),
            &rules,
            vec![(
                &RECALLS,
                vec![row(&RECALLS, &["C1", "2016-11-01", "不胜任", ""])],
            )],
            today,
        )
        .await,
    );
    assert_eq!(field, "cadre_id");
    assert!(message.contains("rules.md §7"), "{message}");
    records::save_entries(
        store,
        &admin(),
        &rules,
        vec![(
            &RECALLS,
            vec![row(&RECALLS, &["C2", "2016-11-01", "工作不力", "C1"])],
        )],
        today,
    )
    .await
    .unwrap();

    // A helper logs their own visits to their own households, nothing else.
    let zhou = Access::of_account("zhou", Role::Helper, None, Some("C3"));
    records::save_entries(
        store,
        &zhou,
        &rules,
        vec![(
            &VISITS,
            vec![row(&VISITS, &["C3", "H101", "2016-11-02", "送春联"])],
        )],
        today,
    )
    .await
    .unwrap();
    let r = records::save_entries(
        store,
        &zhou,
        &rules,
        vec![(
            &VISITS,
            vec![row(&VISITS, &["C1", "H101", "2016-11-03", "走访"])],
        )],
        today,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Forbidden(_)))),
        "{r:?}"
    );
    let r = records::save_entries(
        store,
        &zhou,
        &rules,
        vec![(
            &VISITS,
            vec![row(&VISITS, &["C3", "H002", "2016-11-03", "走访"])],
        )],
        today,
    )
    .await;
    // H002 is not C3's: answered like a household that does not exist.
    match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => assert_eq!(p[0].field, "household_id"),
        other => panic!("H002 is not C3's: {other:?}"),
    }
    let r = records::save_entries(
        store,
        &zhou,
        &rules,
        vec![(
            &STATION_CHECKS,
            vec![row(&STATION_CHECKS, &["S1", "2016", "records", "met", ""])],
        )],
        today,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Forbidden(_)))),
        "{r:?}"
    );
    records::save_entries(
        store,
        &admin(),
        &rules,
        vec![(
            &VISITS,
            vec![row(&VISITS, &["C3", "H102", "2016-03-09", "核实收入"])],
        )],
        today,
    )
    .await
    .unwrap();

    let months = records::visits_by_month(store, &tianchang, 2016)
        .await
        .unwrap();
    assert_eq!(months.len(), 1);
    assert_eq!((months[0].cadre_id.as_str(), months[0].total), ("C3", 2));
    assert_eq!((months[0].months[2], months[0].months[10]), (1, 1));
    assert!(records::visits_by_month(store, &elsewhere, 2016)
        .await
        .unwrap()
        .is_empty());

    // Filters by any column, typed as in a bundle cell: a year, a yes/no, a code.
    let by = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let uvp = &xplus_core::interchange::schema::UNIT_VILLAGE_PAIRINGS;
    let joint = records::list_entries(
        store,
        &tianchang,
        uvp,
        &by(&[("joint_party_org", "是")]),
        page,
        today,
    )
    .await
    .unwrap();
    assert_eq!(joint.total, 1);
    let checks = records::list_entries(
        store,
        &tianchang,
        &STATION_CHECKS,
        &by(&[("year", "2016"), ("item", "venue")]),
        page,
        today,
    )
    .await
    .unwrap();
    assert_eq!(checks.total, 1);
    let r = records::list_entries(
        store,
        &tianchang,
        &STATION_CHECKS,
        &by(&[("colour", "red")]),
        page,
        today,
    )
    .await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Invalid(_)))),
        "{r:?}"
    );

    // 甲村 has U1 and U2 at once: X+1 for both.
    let units = records::unit_pairings(store, &tianchang, today)
        .await
        .unwrap();
    let forms: Vec<String> = units
        .iter()
        .map(|u| u.form.map(|f| f.code().to_string()).unwrap_or_default())
        .collect();
    assert_eq!(forms, vec!["X+1", "X+1"]);
    assert_eq!(units[0].village_name, "甲村");
    db.cleanup().await;
}
