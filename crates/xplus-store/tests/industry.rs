//! 产业 ledgers through the records layer (SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL):
//! rows written with the importer's checks — a placement or a course attendee must be a member
//! of the household, text-keyed rows are not repeated — and listed within reach.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::interchange::schema::{
    COURSE_ATTENDANCE, GUIDANCE, LABOUR_COURSES, ORG_HOUSEHOLDS, OVOP_HOUSEHOLDS, OVOP_PROJECTS,
    PARTY_ORGS, PLACEMENTS,
};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, Page};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[tokio::test]
async fn industry_rows_keep_the_importers_rules_and_make_in_industry() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let rules = RuleSet::default();
    let today = NaiveDate::from_ymd_opt(2016, 12, 1).unwrap();
    let official = official_of("tc", "341181000000");
    let wang = id(341181, "1970-03-05", 11);
    let liu = id(341181, "1980-11-30", 52);
    let save = |file: &'static FileSpec, rows: Vec<Vec<Value>>| {
        records::save_entries(store, &official, &rules, vec![(file, rows)], today)
    };
    save(
        &OVOP_PROJECTS,
        vec![row(
            &OVOP_PROJECTS,
            &["YP1", "341181100201", "甲村葡萄", "120000", "2016"],
        )],
    )
    .await
    .unwrap();
    save(
        &OVOP_HOUSEHOLDS,
        vec![row(&OVOP_HOUSEHOLDS, &["YP1", "H001", "2016-04-01"])],
    )
    .await
    .unwrap();
    // A placement of someone who is not a member of the household named.
    let r = save(
        &PLACEMENTS,
        vec![row(
            &PLACEMENTS,
            &["H001", &liu, "南京建筑工地", "南京", "2016-03-01", "8"],
        )],
    )
    .await;
    match r {
        Err(StoreError::Refused(Refusal::Rejected(p))) => {
            assert_eq!(p[0].field, "id_number");
            assert!(p[0].message.contains("H001"), "{}", p[0].message);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    save(
        &PLACEMENTS,
        vec![row(
            &PLACEMENTS,
            &["H001", &wang, "南京建筑工地", "南京", "2016-03-01", "8"],
        )],
    )
    .await
    .unwrap();
    save(
        &LABOUR_COURSES,
        vec![row(
            &LABOUR_COURSES,
            &[
                "LC1",
                "341181000000",
                "天长市职业技能培训中心",
                "电工",
                "2016-04-10",
                "2016-04-24",
            ],
        )],
    )
    .await
    .unwrap();
    save(
        &COURSE_ATTENDANCE,
        vec![row(&COURSE_ATTENDANCE, &["LC1", "H001", &wang])],
    )
    .await
    .unwrap();
    // The same guidance item twice in one write is a duplicate key.
    let item = row(
        &GUIDANCE,
        &["341181100201", "2016", "统一技术指导", "指导组"],
    );
    let r = save(&GUIDANCE, vec![item.clone(), item]).await;
    assert!(
        matches!(r, Err(StoreError::Refused(Refusal::Rejected(_)))),
        "{r:?}"
    );

    let page = Page {
        limit: 10,
        offset: 0,
    };
    let elsewhere = official_of("li", "341182000000");
    for (who, want) in [(&official, 1), (&elsewhere, 0)] {
        let listed = records::list_entries(store, who, &PLACEMENTS, &[], page, today)
            .await
            .unwrap();
        assert_eq!(listed.total, want);
        let listed = records::list_entries(store, who, &LABOUR_COURSES, &[], page, today)
            .await
            .unwrap();
        assert_eq!(listed.total, want);
    }

    // rules.md §6 in_industry from the stored files. An organisation brought H001 along in 2015.
    save(
        &PARTY_ORGS,
        vec![row(
            &PARTY_ORGS,
            &[
                "PO1",
                "341181100201",
                "葡萄协会党支部",
                "association",
                "",
                "12",
                "2015-01-01",
            ],
        )],
    )
    .await
    .unwrap();
    save(
        &ORG_HOUSEHOLDS,
        vec![row(
            &ORG_HOUSEHOLDS,
            &["PO1", "H001", "2015-06-01", "2015-12-31"],
        )],
    )
    .await
    .unwrap();
    // 2015: H001, H002 (exits in 2015) and H003 were poor at its start; only H001 was brought along.
    let o = records::industry_overview(store, &official, 2015, today)
        .await
        .unwrap();
    let of = |o: &records::IndustryOverview| -> Vec<(String, bool)> {
        o.households
            .iter()
            .map(|h| (h.household_id.clone(), h.links.any()))
            .collect()
    };
    assert_eq!(
        of(&o),
        [
            ("H001".to_string(), true),
            ("H002".to_string(), false),
            ("H003".to_string(), false)
        ]
    );
    assert!(o.households[0].links.brought_along && !o.households[0].links.placement);
    assert_eq!(
        (
            o.activity.orgs[0].orgs,
            o.activity.orgs[0].party_members,
            o.activity.orgs[0].brought
        ),
        (1, 12, 1)
    );
    // 2016: H001 alone is poor; it joined 甲村葡萄, a member was placed and took a course.
    let o = records::industry_overview(store, &official, 2016, today)
        .await
        .unwrap();
    assert_eq!(of(&o), [("H001".to_string(), true)]);
    let l = o.households[0].links;
    assert!(l.joined_project && l.placement && l.course && !l.brought_along && !l.own_industry);
    assert_eq!(o.by_link(), [0, 1, 0, 1, 1]);
    assert_eq!(
        o.activity.orgs[0].brought, 0,
        "the organisation's help ended in 2015"
    );
    assert_eq!((o.activity.courses.n, o.activity.courses.a), (1, 1));
    assert_eq!(
        (
            o.activity.placements.n,
            o.activity.placements.a,
            o.activity.placements.b
        ),
        (1, 1, 1)
    );
    assert!(
        o.activity.planned_exit.is_empty(),
        "甲村 plans to exit in 2017"
    );
    // 2017: the placement (March to October 2016) and the course are over; the project stays.
    let o = records::industry_overview(store, &official, 2017, today)
        .await
        .unwrap();
    let l = o.households[0].links;
    assert!(l.joined_project && !l.placement && !l.course);
    assert_eq!(o.activity.placements.n, 0);
    let v = &o.activity.planned_exit[0];
    assert_eq!(
        (
            v.name.as_str(),
            v.projects,
            v.products.as_str(),
            v.joined,
            v.poor,
            v.poor_in_industry
        ),
        ("甲村", 1, "甲村葡萄", 1, 1, 1)
    );
    // Another county's account reaches none of it.
    let o = records::industry_overview(store, &elsewhere, 2016, today)
        .await
        .unwrap();
    assert!(o.households.is_empty() && o.activity.orgs.is_empty());
    assert_eq!((o.activity.courses.n, o.activity.placements.n), (0, 0));
    db.cleanup().await;
}
