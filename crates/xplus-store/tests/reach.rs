//! Refusals that do not reveal other regions: a new household whose number is held outside the
//! account's reach gets, in every request that would be refused anyway, exactly the answer a free
//! number gets; a number that is taken is said to be taken only when nothing else is wrong, in
//! the same words wherever it is held, and nothing is ever written over it.

mod common;

use common::{import, row, small_bundle, write_bundle, TestDb};
use xplus_core::accounts::{Access, Role};
use xplus_core::interchange::schema::{HOUSEHOLDS, MEMBERS};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_store::records;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// The answer to saving `values`, with `id` written as `ID` so that two numbers compare.
async fn answer(
    db: &TestDb,
    access: &Access,
    file: &'static FileSpec,
    values: Vec<Value>,
    expected: Option<&str>,
    id: &str,
) -> String {
    let result = if file.name == "households" && expected.is_none() {
        // A new household is registered with its head.
        let household = values[0].as_text().unwrap_or_default().to_string();
        let seq = household.bytes().map(u16::from).sum::<u16>();
        let head = common::id(341181, "1985-05-05", seq);
        let change = records::Change {
            members: vec![row(
                &MEMBERS,
                &[
                    &household,
                    &head,
                    "新户主",
                    "head",
                    "healthy",
                    "ordinary",
                    "none",
                    "1",
                    "1",
                    "0",
                ],
            )],
            household: Some(values),
            ..Default::default()
        };
        records::save_change(db.store.as_ref(), access, &household, change, None, today()).await
    } else {
        records::save_record(db.store.as_ref(), access, file, values, expected, today()).await
    };
    format!("{result:?}").replace(id, "ID")
}

async fn audit_length(db: &TestDb) -> i64 {
    db.store.read_audit(&mut |_| Ok(())).await.unwrap().0
}

#[tokio::test]
async fn a_new_household_number_held_elsewhere_answers_as_a_free_one() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    // 甲村's secretary: H003 is in 乙村, outside the reach; H001 within it; H099 is free.
    let secretary = Access::of_account(
        "jia",
        Role::Secretary,
        RegionCode::parse("341181100201").ok(),
        None,
    );
    let household = |id: &str, village: &str, identified: &str| {
        row(
            &HOUSEHOLDS,
            &[
                id, village, identified, "poor", "", "illness", "1", "1", "1", "1",
            ],
        )
    };
    let before = audit_length(&db).await;
    let refused = [
        // A village outside the reach.
        ("341181100202", "2014"),
        // A village that does not exist.
        ("341181100299", "2014"),
        // A rule: identified in the future.
        ("341181100201", "2099"),
    ];
    for (village, identified) in refused {
        let free = answer(
            &db,
            &secretary,
            &HOUSEHOLDS,
            household("H099", village, identified),
            None,
            "H099",
        )
        .await;
        let held = answer(
            &db,
            &secretary,
            &HOUSEHOLDS,
            household("H003", village, identified),
            None,
            "H003",
        )
        .await;
        assert!(free.starts_with("Err("), "{free}");
        assert_eq!(held, free, "village {village}, identified {identified}");
    }
    // Otherwise valid: a taken number is refused wherever it is held, in the same words.
    let held = answer(
        &db,
        &secretary,
        &HOUSEHOLDS,
        household("H003", "341181100201", "2014"),
        None,
        "H003",
    )
    .await;
    let inside = answer(
        &db,
        &secretary,
        &HOUSEHOLDS,
        household("H001", "341181100201", "2014"),
        None,
        "H001",
    )
    .await;
    assert!(held.contains("已被使用"), "{held}");
    assert_eq!(held, inside);
    // Nothing was written over H003 (still 乙村's, monitored) and nothing was logged.
    assert_eq!(audit_length(&db).await, before);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let h003 = records::household(db.store.as_ref(), &admin, "H003", today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(h003.household.village.to_string(), "341181100202");
    assert_eq!(h003.household.status.code(), "monitored");
    // The free number is registered.
    let saved = answer(
        &db,
        &secretary,
        &HOUSEHOLDS,
        household("H099", "341181100201", "2014"),
        None,
        "H099",
    )
    .await;
    assert!(saved.starts_with("Ok("), "{saved}");
    db.cleanup().await;
}

#[tokio::test]
async fn a_member_of_another_household_is_said_only_when_nothing_else_is_wrong() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let secretary = Access::of_account(
        "jia",
        Role::Secretary,
        RegionCode::parse("341181100201").ok(),
        None,
    );
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let fingerprint = records::household(db.store.as_ref(), &admin, "H001", today())
        .await
        .unwrap()
        .unwrap()
        .fingerprint;
    // 刘芳 is the head of H003 in 乙村, outside the secretary's reach; the other number is free.
    let held = common::id(341181, "1980-11-30", 52);
    let free = common::id(341181, "1990-01-01", 71);
    let member = |idno: &str, relation: &str| {
        row(
            &MEMBERS,
            &[
                "H001", idno, "某人", relation, "healthy", "ordinary", "none", "1", "1", "0",
            ],
        )
    };
    // A second head is refused for both numbers alike (H001 has 王大明).
    let a = answer(
        &db,
        &secretary,
        &MEMBERS,
        member(&free, "head"),
        Some(&fingerprint),
        &free,
    )
    .await;
    let b = answer(
        &db,
        &secretary,
        &MEMBERS,
        member(&held, "head"),
        Some(&fingerprint),
        &held,
    )
    .await;
    assert!(a.contains("2名户主"), "{a}");
    assert_eq!(a, b);
    // Otherwise valid: the person held elsewhere is refused, without saying where.
    let b = answer(
        &db,
        &secretary,
        &MEMBERS,
        member(&held, "child"),
        Some(&fingerprint),
        &held,
    )
    .await;
    assert!(b.contains("另一户的成员") && !b.contains("H003"), "{b}");
    db.cleanup().await;
}

#[tokio::test]
async fn a_ledger_key_held_outside_the_reach_is_refused_and_never_written_over() {
    use xplus_core::interchange::schema::STATIONS;
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    // 乙村's secretary: station S1 is 甲村's, outside the reach; S9 is free.
    let secretary = Access::of_account(
        "yi",
        Role::Secretary,
        RegionCode::parse("341181100202").ok(),
        None,
    );
    let rules = xplus_core::rules::RuleSet::default();
    let save = |id: &'static str, village: &'static str| {
        let station = row(&STATIONS, &[id, village, "station", "新站点", "2016", ""]);
        let (db, secretary, rules) = (&db, &secretary, &rules);
        async move {
            let result = records::save_entries(
                db.store.as_ref(),
                secretary,
                rules,
                vec![(&STATIONS, vec![station])],
                today(),
            )
            .await;
            format!("{result:?}").replace(id, "ID")
        }
    };
    let before = audit_length(&db).await;
    // Placed outside the reach: the same refusal for both.
    let free = save("S9", "341181100201").await;
    assert!(free.contains("不在您的管辖范围内"), "{free}");
    assert_eq!(save("S1", "341181100201").await, free);
    // Placed within it: the held key is refused (it is judged after the row was written in a
    // transaction that is not committed) and S1 stays 甲村's.
    let held = save("S1", "341181100202").await;
    assert!(held.starts_with("Err(Refused(Forbidden"), "{held}");
    assert_eq!(audit_length(&db).await, before);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let page = records::list_entries(
        db.store.as_ref(),
        &admin,
        &STATIONS,
        &[("station_id".into(), "S1".into())],
        records::Page {
            limit: 10,
            offset: 0,
        },
        today(),
    )
    .await
    .unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(
        page.rows[0][1].as_region().unwrap().to_string(),
        "341181100201"
    );
    assert_eq!(page.rows[0][3].as_text(), Some("甲村远教站点"));
    assert!(save("S9", "341181100202").await.starts_with("Ok("));
    db.cleanup().await;
}

/// The save path reads the household once and builds what it hands back in memory: that record
/// and its fingerprint are what a fresh read gives (members in identity-number order, incomes by
/// year, the village's name after a move).
#[tokio::test]
async fn a_save_hands_back_the_household_a_read_would_give() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let admin = Access::of_account("admin", Role::Admin, None, None);
    let before = h001(&db).await;
    // A member whose number sorts first and one that ends in X, and an earlier year's income.
    let ends_in_x = (1..200)
        .map(|seq| common::id(341181, "1999-12-31", seq))
        .find(|n| n.ends_with('X'))
        .unwrap();
    let mut change = records::Change::default();
    for (number, name) in [
        (common::id(110105, "1950-01-01", 1), "甲"),
        (ends_in_x, "乙"),
    ] {
        change.members.push(row(
            &MEMBERS,
            &[
                "H001", &number, name, "parent", "healthy", "weak", "none", "1", "1", "0",
            ],
        ));
    }
    change.incomes.push(row(
        &xplus_core::interchange::schema::INCOMES,
        &["H001", "2014", "100", "0", "0", "0", "0", ""],
    ));
    let saved = records::save_change(
        db.store.as_ref(),
        &admin,
        "H001",
        change,
        Some(&before.fingerprint),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(saved.record, h001(&db).await);
    // Moved to another village: the name comes along.
    let mut moved_to = saved.record.household.clone();
    moved_to.village = RegionCode::parse("341181100202").unwrap();
    let household = moved_to.to_row();
    let moved = records::save_record(
        db.store.as_ref(),
        &admin,
        &HOUSEHOLDS,
        household,
        Some(&saved.fingerprint),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(moved.record, h001(&db).await);
    assert_eq!(moved.record.village_name, "乙村");
    db.cleanup().await;
}

async fn h001(db: &TestDb) -> records::HouseholdRecord {
    let admin = Access::of_account("admin", Role::Admin, None, None);
    records::household(db.store.as_ref(), &admin, "H001", today())
        .await
        .unwrap()
        .unwrap()
}
