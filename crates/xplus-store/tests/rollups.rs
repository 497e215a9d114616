//! Roll-ups and the dashboard through the store (SQLite, and PostgreSQL with
//! XPLUS_TEST_DATABASE_URL): an import marks its counties, a refresh computes them, the dashboard
//! agrees with the report computed from the records, a change marks its county again, and the
//! verification recomputes everything and finds no difference.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::assessment::chain::Link;
use xplus_core::registry::RegionCode;
use xplus_core::rollup::Measure;
use xplus_core::rules::{Parameter, Setting};
use xplus_store::records;

fn code(c: &str) -> RegionCode {
    RegionCode::parse(c).unwrap()
}

#[tokio::test]
async fn rollups_follow_the_records_and_agree_with_the_report() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let tianchang = code("341181000000");

    // The import marked Tianchang; nothing is stored until a refresh.
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        vec![tianchang]
    );
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.pending, vec![tianchang]);
    let done = records::refresh_rollups(store).await.unwrap();
    assert_eq!(done.counties, 1);
    assert!(done.rows > 0);
    assert!(records::dirty_counties(store).await.unwrap().is_empty());
    // A second refresh has nothing to do.
    assert_eq!(records::refresh_rollups(store).await.unwrap().counties, 0);

    let all = Access::of_account("t", Role::Auditor, None, None);
    let d = dashboard(store, &all, None).await.unwrap();
    let report = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    let f = &d.region;
    // The stored figure, and the report's count of the same from the records.
    let trained = Link::Trained.code();
    let paired = Link::PairedCadre.code();
    let agreed = [
        (Measure::PoorHouseholds, 0, "", report.households.poor),
        (Measure::PoorPersons, 0, "", report.persons.poor),
        (
            Measure::MonitoredHouseholds,
            0,
            "",
            report.households.monitored,
        ),
        (Measure::ChainPoor, 2016, "", report.coverage.poor_at_start),
        (
            Measure::ChainLink,
            2016,
            trained,
            report.coverage.trained_in_year,
        ),
        (
            Measure::ChainLink,
            2016,
            paired,
            report.coverage.paired_cadre,
        ),
        (Measure::ChainFull, 2016, "", report.coverage.full_chain),
        (
            Measure::ChainFullApplicable,
            2016,
            "",
            report.coverage.full_chain_applicable,
        ),
        (
            Measure::CollectiveReported,
            2016,
            "",
            report.collective.villages_reported,
        ),
        (
            Measure::Strong,
            2016,
            "",
            report.collective.villages_over_100k,
        ),
    ];
    for (measure, year, bucket, counted) in agreed {
        assert_eq!(
            f.get(measure, year, bucket) as u64,
            counted,
            "{measure} {year} {bucket}"
        );
    }
    // H002 and H003 exited in 2015, with one and two members.
    assert_eq!(f.by_year(Measure::ExitedHouseholds), vec![(2015, 2)]);
    assert_eq!(f.by_year(Measure::ExitedPersons), vec![(2015, 3)]);
    let (poor, remaining) = f.poor_villages(2016);
    assert_eq!(
        (poor as u64, remaining as u64),
        (report.villages.poor, report.villages.remaining)
    );
    assert_eq!(f.get(Measure::EmptyShell, 2016, ""), 0);
    // 2016 per head: H001 12,100/3 → 4,000–5,000; H002 5,800 → 5,000–6,000; H003 10,250 → ≥10,000.
    assert_eq!(
        f.buckets(Measure::IncomeBand, 2016),
        vec![("2", 1), ("3", 1), ("6", 1)]
    );
    assert_eq!(
        f.buckets(Measure::Cause, 0),
        vec![("illness", 1), ("skills", 1)]
    );
    // The registry's child is the province; the villages carry their population.
    assert_eq!(d.children.len(), 1);
    assert_eq!(d.children[0].name, "安徽省");
    assert_eq!(
        d.top_villages
            .iter()
            .map(|(c, _, poor, pop)| (c.to_string(), *poor, *pop))
            .collect::<Vec<_>>(),
        vec![
            ("341181100201".to_string(), 3, 1200),
            ("341181100202".to_string(), 0, 900)
        ]
    );

    // A county official sees the county with its town as the child.
    let official = Access::of_account("t", Role::Official, Some(tianchang), None);
    let d = dashboard(store, &official, None).await.unwrap();
    assert_eq!(d.region.name, "天长市");
    assert_eq!(d.region.get(Measure::PoorHouseholds, 0, ""), 1);
    assert_eq!(d.children.len(), 1);
    assert_eq!(d.children[0].code, Some(code("341181100000")));
    // …and not another county's, nor the city above.
    assert!(dashboard(store, &official, Some(code("341100000000")))
        .await
        .is_none());

    let v = records::verify_rollups(store).await.unwrap();
    assert!(v.pending.is_empty());
    assert_eq!(v.counties, 1);
    assert!(v.figures > 20, "{v:?}");
    assert_eq!(v.differences, vec![]);

    // A county line changes what is judged: the county is marked, and after a refresh 甲村
    // (52,000 yuan) is an empty shell.
    records::set_rule(
        store,
        "t",
        &Setting {
            parameter: Parameter::CollectiveIncomeMin,
            region: Some(tianchang),
            year: None,
            value: 6_000_000,
            source: "测试 / test".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        vec![tianchang]
    );
    records::refresh_rollups(store).await.unwrap();
    let d = dashboard(store, &all, None).await.unwrap();
    assert_eq!(d.region.get(Measure::EmptyShell, 2016, ""), 1);

    // A household saved by the web form marks its county too; H001 exits in 2016.
    save_household(store, "H001", today, |row| {
        row[3] = xplus_core::interchange::Value::Code("exited");
        row[4] = xplus_core::interchange::Value::Int(2016);
    })
    .await;
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        vec![tianchang]
    );
    records::refresh_rollups(store).await.unwrap();
    let d = dashboard(store, &all, None).await.unwrap();
    assert_eq!(d.region.get(Measure::PoorHouseholds, 0, ""), 0);
    assert_eq!(
        d.region.by_year(Measure::ExitedHouseholds),
        vec![(2015, 2), (2016, 1)]
    );
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.differences, vec![]);
    db.cleanup().await;
}

/// The dashboard `access` sees for `region`, None out of reach.
async fn dashboard(
    store: &dyn xplus_store::Store,
    access: &Access,
    region: Option<RegionCode>,
) -> Option<records::Dashboard> {
    let region = records::dashboard_region(access, region)?;
    Some(records::dashboard(store, region, 20).await.unwrap())
}

/// An imported rule setting for everywhere marks every county: its lines judge the villages of
/// counties the setting's row does not name.
#[tokio::test]
async fn an_imported_setting_marks_every_county_below_it() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    records::refresh_rollups(store).await.unwrap();
    assert!(records::dirty_counties(store).await.unwrap().is_empty());
    let mut settings = std::collections::BTreeMap::new();
    settings.insert(
        "rule_settings",
        "parameter,region_code,year,value,source\n\
         collective_income_min,0,0,600000,滁州市文件（示例）\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("s"), &settings);
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        vec![code("341181000000")]
    );
    db.cleanup().await;
}

/// A household moved to a village of another county takes its full chain along: its training,
/// pairing and shares carry its county (migration 0026), and the roll-ups of both counties and
/// the new county's chain page read them by it.
#[tokio::test]
async fn a_household_moved_to_another_county_takes_its_chain_along() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &two_county_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let (tianchang, mingguang) = (code("341181000000"), code("341182000000"));
    records::refresh_rollups(store).await.unwrap();
    let held = [Link::Trained, Link::PairedCadre, Link::HoldingShares];
    let figure =
        |d: &records::Dashboard, link: Link| d.region.get(Measure::ChainLink, 2016, link.code());
    let county = |c| Access::of_account("t", Role::Official, Some(c), None);
    let before = dashboard(store, &county(tianchang), None).await.unwrap();

    save_household(store, "H001", today, |row| {
        row[1] = xplus_core::interchange::Value::Region(code("341182100201"));
    })
    .await;
    // Both counties are marked and refreshed by the one call (read side by side on two cores or
    // more); the verification below finds the figures of both right.
    let done = records::refresh_rollups(store).await.unwrap();
    assert_eq!(done.counties, 2);
    let left = dashboard(store, &county(tianchang), None).await.unwrap();
    let arrived = dashboard(store, &county(mingguang), None).await.unwrap();
    assert_eq!(arrived.region.get(Measure::ChainPoor, 2016, ""), 1);
    for link in held {
        assert_eq!(figure(&arrived, link), 1, "{link:?}");
        assert_eq!(figure(&left, link), figure(&before, link) - 1, "{link:?}");
    }
    let chain = records::full_chain(store, &county(mingguang), 2016, today)
        .await
        .unwrap();
    let h1 = &chain.households[0];
    assert_eq!(h1.household_id, "H001");
    assert!(held.iter().all(|l| h1.links.holds(*l)), "{:?}", h1.links);
    assert_eq!(h1.sessions, 1);
    let v = records::verify_rollups(store).await.unwrap();
    assert_eq!(v.differences, vec![]);
    db.cleanup().await;
}
