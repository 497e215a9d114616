//! The search box's store side (records/registry/search.rs, migration 0019): people by a part
//! of their name or identity number, households by the start of their number, regions by a part
//! of their name — within the account's reach, kept current by every write, and unharmed by
//! hostile words. Runs on SQLite, and on PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use common::{id, import, official_of, small_bundle, write_bundle, TestDb};
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::search::{SearchText, SearchTextProblem};
use xplus_core::registry::{RegionCode, Relation};
use xplus_store::records::{self, HouseholdQuery, Page};

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

const PAGE: Page = Page {
    limit: 20,
    offset: 0,
};

fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}

/// The small bundle and a second county (来安县) with one household whose head's name shares
/// two characters with 甲村's 王大明, and a member with a long name.
fn two_counties() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = small_bundle();
    b.get_mut("regions").unwrap().push_str(
        "341182000000,来安县,county,341100000000\n\
         341182100000,新安镇,town,341182000000\n\
         341182100201,大刘郢村,village,341182100000\n",
    );
    b.get_mut("villages")
        .unwrap()
        .push_str("341182100201,1,800,,2017\n");
    b.get_mut("households")
        .unwrap()
        .push_str("L001,341182100201,2014,poor,,illness,1,1,1,1\n");
    let members = b.get_mut("members").unwrap();
    members.push_str(&format!(
        "L001,{},王大力,head,healthy,ordinary,none,1,1,0\n",
        id(341182, "1966-04-12", 71)
    ));
    members.push_str(&format!(
        "L001,{},欧阳娜娜,spouse,healthy,ordinary,none,1,1,0\n",
        id(341182, "1968-09-23", 82)
    ));
    b
}

async fn loaded() -> TestDb {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("in"), &two_counties());
    assert!(import(&db, &dir).await.committed);
    db
}

fn words(s: &str) -> SearchText {
    SearchText::parse(s).unwrap()
}

/// Imports the two counties again with 王小明 renamed 王晓鸣.
async fn renamed_by_import(db: &TestDb) {
    let mut bundle = two_counties();
    let renamed = bundle["members"].replace("王小明", "王晓鸣");
    bundle.insert("members", renamed);
    let dir = write_bundle(&db.dir().join("again"), &bundle);
    assert!(import(db, &dir).await.committed);
}

async fn names(db: &TestDb, access: &Access, q: &str) -> Vec<String> {
    let found = records::search_people(db.store.as_ref(), access, &words(q), PAGE, today())
        .await
        .unwrap();
    assert_eq!(found.total as usize, found.items.len(), "{q}");
    found.items.into_iter().map(|p| p.name).collect()
}

#[tokio::test]
async fn people_are_found_by_part_of_a_name_with_their_head() {
    let db = loaded().await;
    let everyone = admin();
    // Two characters of three, at the start or the end, and the middle of a long name.
    // Heads first, then by village: 甲村 (天长市) before 大刘郢村 (来安县).
    assert_eq!(names(&db, &everyone, "王大").await, ["王大明", "王大力"]);
    assert_eq!(names(&db, &everyone, "大明").await, ["王大明"]);
    assert_eq!(names(&db, &everyone, "阳娜").await, ["欧阳娜娜"]);
    assert_eq!(names(&db, &everyone, "欧阳娜娜").await, ["欧阳娜娜"]);
    assert_eq!(names(&db, &everyone, "小明").await, ["王小明"]);
    assert!(names(&db, &everyone, "明王").await.is_empty());
    // A member is shown with their relation and the head's name; heads come first.
    let found = records::search_people(
        db.store.as_ref(),
        &everyone,
        &words("王小明"),
        PAGE,
        today(),
    )
    .await
    .unwrap();
    let child = &found.items[0];
    assert_eq!(child.relation, Relation::Child);
    assert_eq!(child.head_name.as_deref(), Some("王大明"));
    assert_eq!(child.household_id, "H001");
    assert_eq!(child.village_name, "甲村");
    db.cleanup().await;
}

#[tokio::test]
async fn an_official_never_finds_another_countys_people_or_households() {
    let db = loaded().await;
    let tianchang = official_of("tc", "341181000000");
    let laian = official_of("la", "341182000000");
    assert_eq!(names(&db, &tianchang, "王大").await, ["王大明"]);
    assert_eq!(names(&db, &laian, "王大").await, ["王大力"]);
    let wang_dali = id(341182, "1966-04-12", 71);
    let last6 = &wang_dali[12..];
    assert_eq!(names(&db, &laian, last6).await, ["王大力"]);
    assert!(names(&db, &tianchang, last6).await.is_empty());
    let households = |a: &Access| {
        let a = a.clone();
        let store = db.store.as_ref();
        async move {
            records::search_households(store, &a, &words("L00"), PAGE, today())
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(households(&laian).await, 1);
    assert_eq!(households(&tianchang).await, 0);
    let regions = records::search_regions(db.store.as_ref(), &tianchang, &words("新安"), &[], PAGE)
        .await
        .unwrap();
    assert_eq!(regions.total, 0);
    // A helper reaches households, not regions; 周强 (C3) is paired with H001 and H003.
    let helper = Access::of_account("zq", Role::Helper, None, Some("C3"));
    assert_eq!(names(&db, &helper, "王大").await, ["王大明"]);
    let regions = records::search_regions(db.store.as_ref(), &helper, &words("甲村"), &[], PAGE)
        .await
        .unwrap();
    assert_eq!(regions.total, 0);
    db.cleanup().await;
}

#[tokio::test]
async fn identity_numbers_are_found_by_any_part_or_by_their_end_when_masked() {
    let db = loaded().await;
    let wang_daming = id(341181, "1970-03-05", 11);
    let everyone = admin();
    let tianchang = official_of("tc", "341181000000");
    // The last six digits, for everyone.
    assert_eq!(names(&db, &everyone, &wang_daming[12..]).await, ["王大明"]);
    assert_eq!(names(&db, &tianchang, &wang_daming[12..]).await, ["王大明"]);
    // A lower-case x is the stored X.
    let lower = wang_daming[12..].to_ascii_lowercase();
    assert_eq!(names(&db, &everyone, &lower).await, ["王大明"]);
    // The birth date, hidden from officials: found by those who see numbers whole only.
    assert_eq!(names(&db, &everyone, "19700305").await, ["王大明"]);
    assert!(names(&db, &tianchang, "19700305").await.is_empty());
    assert_eq!(names(&db, &tianchang, &wang_daming).await, ["王大明"]);
    db.cleanup().await;
}

#[tokio::test]
async fn households_by_number_and_regions_by_name() {
    let db = loaded().await;
    let everyone = admin();
    let store = db.store.as_ref();
    let found = records::search_households(store, &everyone, &words("H00"), PAGE, today())
        .await
        .unwrap();
    let ids: Vec<&str> = found.items.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["H001", "H002", "H003"]);
    assert_eq!(found.items[0].head_name.as_deref(), Some("王大明"));
    let secretary = Access::of_account(
        "jia",
        Role::Secretary,
        RegionCode::parse("341181100201").ok(),
        None,
    );
    let found = records::search_households(store, &secretary, &words("H00"), PAGE, today())
        .await
        .unwrap();
    assert_eq!(found.total, 2);
    // Paged: the total stays, the page moves.
    let second = Page {
        limit: 2,
        offset: 2,
    };
    let found = records::search_households(store, &everyone, &words("H00"), second, today())
        .await
        .unwrap();
    assert_eq!((found.total, found.items.len()), (3, 1));
    let found = records::search_regions(store, &everyone, &words("天长"), &[], PAGE)
        .await
        .unwrap();
    let regions: Vec<String> = found.items.iter().map(|r| r.name.clone()).collect();
    assert_eq!(regions, ["天长市", "天长街道"]);
    assert_eq!(found.items[1].above, ["滁州市", "天长市"]);
    let villages = [xplus_core::registry::Level::Village];
    let found = records::search_regions(store, &everyone, &words("大刘"), &villages, PAGE)
        .await
        .unwrap();
    assert_eq!(found.items[0].code.to_string(), "341182100201");
    // A typed start of a code.
    let found = records::search_regions(store, &everyone, &words("3411811002"), &[], PAGE)
        .await
        .unwrap();
    assert_eq!(found.total, 2);
    db.cleanup().await;
}

#[tokio::test]
async fn hostile_words_find_nothing_and_break_nothing() {
    let db = loaded().await;
    let everyone = admin();
    assert_eq!(SearchText::parse("王"), Err(SearchTextProblem::TooShort));
    assert_eq!(
        SearchText::parse("\u{200b}\u{200d} \u{feff}"),
        Err(SearchTextProblem::Empty)
    );
    assert!(matches!(
        SearchText::parse(&"王".repeat(10_000)),
        Err(SearchTextProblem::TooLong { .. })
    ));
    for q in [
        "%%",
        "__",
        "%王%",
        "王_",
        "'王",
        "\"王\"",
        "a'b\"c",
        "\\\\",
        "OR 1",
        "NEAR(a b)",
        "*王",
        "王*",
        "^王",
        "-王",
        "'; DROP TABLE members; --",
    ] {
        let text = words(q);
        let store = db.store.as_ref();
        let people = records::search_people(store, &everyone, &text, PAGE, today()).await;
        let households = records::search_households(store, &everyone, &text, PAGE, today()).await;
        let regions = records::search_regions(store, &everyone, &text, &[], PAGE).await;
        assert_eq!(people.unwrap().total, 0, "{q}");
        assert_eq!(households.unwrap().total, 0, "{q}");
        assert_eq!(regions.unwrap().total, 0, "{q}");
    }
    // NUL and zero-width characters are dropped, not searched for.
    assert_eq!(names(&db, &everyone, "王\0大\u{200b}明").await, ["王大明"]);
    assert_eq!(names(&db, &everyone, "ａｂ").await, Vec::<String>::new());
    db.cleanup().await;
}

#[tokio::test]
async fn the_index_follows_every_write() {
    let db = loaded().await;
    let everyone = admin();
    // A re-import that renames a member: the new name is found, the old one is not.
    renamed_by_import(&db).await;
    assert_eq!(names(&db, &everyone, "晓鸣").await, ["王晓鸣"]);
    assert!(names(&db, &everyone, "小明").await.is_empty());
    // A member added through the form path.
    let newborn = id(341181, "2020-01-02", 93);
    let row = common::row(
        &xplus_core::interchange::schema::MEMBERS,
        &[
            "H001",
            &newborn,
            "王新生",
            "child",
            "healthy",
            "none",
            "none",
            "1",
            "0",
            "0",
        ],
    );
    let stored = records::household(db.store.as_ref(), &everyone, "H001", today())
        .await
        .unwrap()
        .unwrap();
    let saved = records::save_record(
        db.store.as_ref(),
        &everyone,
        &xplus_core::interchange::schema::MEMBERS,
        row,
        Some(stored.fingerprint.as_str()),
        today(),
    )
    .await;
    assert!(saved.is_ok(), "{saved:?}");
    assert_eq!(names(&db, &everyone, "新生").await, ["王新生"]);
    assert_eq!(names(&db, &everyone, &newborn[12..]).await, ["王新生"]);
    db.cleanup().await;
}

#[tokio::test]
async fn the_household_list_matches_the_heads_name() {
    let db = loaded().await;
    let everyone = admin();
    let count = |text: &str| {
        let query = HouseholdQuery {
            text: Some(text.to_string()),
            ..Default::default()
        };
        let store = db.store.as_ref();
        let everyone = everyone.clone();
        async move {
            records::count_households(store, &everyone, &query, today())
                .await
                .unwrap()
        }
    };
    // 李秀英 is the spouse in H001: her name no longer lists a household headed by another.
    assert_eq!(count("李秀英").await, 0);
    assert_eq!(count("王大明").await, 1);
    assert_eq!(count(&id(341181, "1972-08-19", 22)).await, 1);
    db.cleanup().await;
}

/// A restore fills SQLite's search index once at its end (as an import into an empty table
/// does) and hands it back to the triggers: the restored people are found, and so is a name
/// written after it.
#[tokio::test]
async fn a_restored_copy_is_searchable_and_its_index_follows_later_writes() {
    let db = loaded().await;
    let everyone = admin();
    let file = db.dir().join("copy.xbk");
    xplus_store::backup::backup(db.store.as_ref(), &file)
        .await
        .unwrap();
    let other = TestDb::fresh().await;
    xplus_store::backup::restore(other.store.as_ref(), &file)
        .await
        .unwrap();
    assert_eq!(names(&other, &everyone, "大明").await, ["王大明"]);
    assert_eq!(names(&other, &everyone, "阳娜").await, ["欧阳娜娜"]);
    renamed_by_import(&other).await;
    assert_eq!(names(&other, &everyone, "晓鸣").await, ["王晓鸣"]);
    assert!(names(&other, &everyone, "小明").await.is_empty());
    other.cleanup().await;
    db.cleanup().await;
}
