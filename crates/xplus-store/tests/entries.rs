//! Entries written through the records layer (远教 station checks and attendance, 骨干 visits
//! and recalls), on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL: the importer's
//! checks on every write, the account's reach on writes and lists, and the lists' filters.

mod common;

use common::modules::*;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::records;
use xplus_store::Refusal;
use xplus_store::StoreError;

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
    assert!(message.contains("结对帮扶规定"), "{message}");
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
