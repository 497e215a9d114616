//! Visits recorded in the field (issue 20): a visit with its photos and the household's income
//! is kept whole or not at all; the same visit sent twice writes nothing; a different visit of
//! the same helper, household and day, or a household changed since the form read it, is a
//! conflict that writes nothing; photos are kept once, read back checked, and carried by a
//! backup. SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::backbone::photos::{keep, KeptPhoto};
use xplus_core::backbone::visits::VisitKind;
use xplus_core::interchange::schema::INCOMES;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, FieldVisit, NewVisit};
use xplus_store::{Refusal, StoreError};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 10).unwrap()
}

fn visit(activity: &str) -> FieldVisit {
    FieldVisit {
        cadre_id: "C3".into(),
        household_id: "H001".into(),
        date: day(),
        kind: Some(VisitKind::Home),
        activity: activity.into(),
        found: Some("李秀英需复查".into()),
        location: Some("32.7, 119.0".into()),
    }
}

/// A real picture: a PNG of `w` × `h` pixels, kept by core's rule.
fn photo(w: u32, h: u32, shade: u8) -> KeptPhoto {
    use std::io::Cursor;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, shade])
    });
    let mut png = Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png).unwrap();
    keep(&png.into_inner()).unwrap()
}

fn new(visit: FieldVisit, photos: Vec<KeptPhoto>) -> NewVisit {
    NewVisit {
        visit,
        photos,
        change: None,
        fingerprint: None,
        replaces: None,
    }
}

fn income_change(wage: &str) -> records::Change {
    // This year's income (a past year's would be a correction, which needs its reason).
    let values = row(
        &INCOMES,
        &["H001", "2017", wage, "2500", "100", "1500", "1000", ""],
    );
    records::Change::one(&INCOMES, values).unwrap()
}

fn conflict(e: StoreError) -> String {
    match e {
        StoreError::Refused(Refusal::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn a_visit_with_photos_is_kept_once_and_read_back() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let zhou = Access::of_account("zhou", Role::Helper, None, Some("C3"));
    let rules = RuleSet::default();
    let photos = vec![photo(2000, 1000, 10), photo(300, 200, 200)];

    let saved = records::record_visit(
        store,
        &zhou,
        &rules,
        new(visit("走访"), photos.clone()),
        day(),
    )
    .await
    .unwrap();
    assert!(saved.changed);
    assert_eq!(saved.photos.len(), 2);
    assert_eq!((saved.photos[0].width, saved.photos[0].height), (1600, 800));
    // The place is written back in one form.
    assert_eq!(
        saved.visit.location.as_deref(),
        Some("32.700000,119.000000")
    );

    // Sent again (a queued visit whose answer was lost): nothing is written, no photo doubled.
    let again = records::record_visit(
        store,
        &zhou,
        &rules,
        new(visit("走访"), photos.clone()),
        day(),
    )
    .await
    .unwrap();
    assert!(!again.changed);
    assert_eq!(again.photos.len(), 2);

    let listed = records::household_visits(store, &zhou, "H001", None, 20, day())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].visit.activity, "走访");
    assert_eq!(listed[0].photos.len(), 2);
    let (meta, bytes) = records::visit_photo(store, &zhou, &listed[0].visit.key(), 2, day())
        .await
        .unwrap()
        .expect("the second photo");
    assert_eq!(bytes, photos[1].jpeg);
    assert_eq!(meta.size as usize, bytes.len());

    // A helper paired with other households reads none of it.
    let other = Access::of_account("zhao", Role::Helper, None, Some("C1"));
    assert!(
        records::visit_photo(store, &other, &listed[0].visit.key(), 1, day())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        records::household_visits(store, &other, "H001", None, 20, day())
            .await
            .unwrap()
            .is_empty()
    );

    // A backup carries the photos: restored into another database, they read back the same.
    let dir = db.dir().to_path_buf();
    xplus_store::backup::backup(store, &dir.join("v.xbk"))
        .await
        .unwrap();
    let target = xplus_store::open(&format!("sqlite://{}", dir.join("r.db").display()))
        .await
        .unwrap();
    target.migrate().await.unwrap();
    xplus_store::backup::restore(target.as_ref(), &dir.join("v.xbk"))
        .await
        .unwrap();
    let (_, back) = records::visit_photo(target.as_ref(), &zhou, &listed[0].visit.key(), 2, day())
        .await
        .unwrap()
        .expect("restored");
    assert_eq!(back, photos[1].jpeg);

    // A damaged photo is refused, not sent.
    tamper(
        &db,
        &["UPDATE visit_photos SET content = 'AAAA' WHERE seq = 1"],
    )
    .await;
    let damaged = records::visit_photo(store, &zhou, &listed[0].visit.key(), 1, day()).await;
    assert!(matches!(
        damaged,
        Err(StoreError::Refused(Refusal::Conflict(_)))
    ));
    db.cleanup().await;
}

#[tokio::test]
async fn a_changed_visit_or_household_is_a_conflict_that_writes_nothing() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let zhou = Access::of_account("zhou", Role::Helper, None, Some("C3"));
    let rules = RuleSet::default();
    let first = records::record_visit(store, &zhou, &rules, new(visit("走访"), vec![]), day())
        .await
        .unwrap();

    // Another visit of the same day, made without seeing the first: refused.
    let m = conflict(
        records::record_visit(store, &zhou, &rules, new(visit("电话回访"), vec![]), day())
            .await
            .unwrap_err(),
    );
    assert!(m.contains("已有同一干部的另一条走访记录"), "{m}");
    // Made over the first, knowingly: kept.
    let mut over = new(visit("电话回访"), vec![]);
    over.replaces = Some(first.visit.version());
    records::record_visit(store, &zhou, &rules, over, day())
        .await
        .unwrap();

    // The household changed since the phone read it: neither the income nor the visit (with its
    // photo) is written.
    let stale = first.fingerprint.clone();
    let office = official_of("o", "341181000000");
    save_household_income(&db, &office, "9500").await;
    let mut late = new(
        FieldVisit {
            date: day() - chrono::Duration::days(1),
            ..visit("帮助联系务工岗位")
        },
        vec![photo(64, 64, 1)],
    );
    late.change = Some(income_change("12000"));
    late.fingerprint = Some(stale);
    let before = audit_count(&db).await;
    conflict(
        records::record_visit(store, &zhou, &rules, late.clone(), day())
            .await
            .unwrap_err(),
    );
    assert_eq!(audit_count(&db).await, before, "nothing written");
    let listed = records::household_visits(
        store,
        &zhou,
        "H001",
        Some(day() - chrono::Duration::days(5)),
        20,
        day(),
    )
    .await
    .unwrap();
    assert_eq!(listed.len(), 1, "only the first day's visit");

    // With the fingerprint read now: the income, the visit and its photo together.
    let now = records::household(store, &zhou, "H001", day())
        .await
        .unwrap()
        .unwrap();
    late.fingerprint = Some(now.fingerprint);
    let sent_again = late.clone();
    let kept = records::record_visit(store, &zhou, &rules, late, day())
        .await
        .unwrap();
    assert_eq!(kept.photos.len(), 1);
    // Sent again as it was (its answer lost on the way): its fingerprint is old now, but it
    // changes nothing, so it is no conflict and writes nothing.
    let resent = records::record_visit(store, &zhou, &rules, sent_again, day())
        .await
        .unwrap();
    assert!(!resent.changed);
    let record = records::household(store, &zhou, "H001", day())
        .await
        .unwrap()
        .unwrap();
    let wage = record
        .incomes
        .iter()
        .find(|i| i.year == 2017)
        .unwrap()
        .amounts
        .wage;
    assert_eq!(wage.0, 1_200_000);
    assert_ne!(kept.fingerprint, first.fingerprint);

    // A place that is not one, and a fifth photo, are refused by field.
    let mut far = new(visit("x"), vec![]);
    far.visit.location = Some("91,200".into());
    match records::record_visit(store, &zhou, &rules, far, day()).await {
        Err(StoreError::Refused(Refusal::Rejected(p))) => assert_eq!(p[0].field, "location"),
        other => panic!("{other:?}"),
    }
    let mut many = new(
        FieldVisit {
            date: day() - chrono::Duration::days(2),
            ..visit("集中宣讲")
        },
        (0..5).map(|i| photo(32, 32, i)).collect(),
    );
    many.visit.kind = Some(VisitKind::Group);
    match records::record_visit(store, &zhou, &rules, many, day()).await {
        Err(StoreError::Refused(Refusal::Rejected(p))) => assert_eq!(p[0].field, "photos"),
        other => panic!("{other:?}"),
    }
    db.cleanup().await;
}

/// The office records H001's wage of 2017 through the household's own save.
async fn save_household_income(db: &TestDb, office: &Access, wage: &str) {
    let store = db.store.as_ref();
    let now = records::household(store, office, "H001", day())
        .await
        .unwrap()
        .unwrap();
    let change = income_change(wage);
    records::save_change(store, office, "H001", change, Some(&now.fingerprint), day())
        .await
        .unwrap();
}

async fn audit_count(db: &TestDb) -> i64 {
    let store = db.store.as_ref();
    let mut s = store.read_session().await.unwrap();
    s.audit_head().await.unwrap()
}
