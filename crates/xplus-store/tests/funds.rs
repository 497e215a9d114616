//! 多元投入 (funds.csv) on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL: the totals of
//! a year by source, link and the regions below the one viewed, for a city's, a county's and a
//! town's official; bad rows refused by file, row, column and value with nothing written; the
//! ledger written from a form within reach only; the file exported byte for byte; the yearly
//! report's section.

mod common;

use common::modules::day;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::collective::funds::{FundLink, FundSource};
use xplus_core::interchange::schema::FUNDS;
use xplus_core::interchange::{cell, Value};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;
use xplus_store::records::{self, FundsOverview};
use xplus_store::{Refusal, StoreError};

fn code(s: &str) -> RegionCode {
    RegionCode::parse(s).unwrap()
}

const FUNDS_CSV: &str = "fund_id,region_code,year,source,link,amount,project_id,note\n\
    F1,341181000000,2016,fiscal,industry,1000000,,县级产业扶贫资金\n\
    F2,341181100000,2016,行业部门资金,other,200000.50,,道路\n\
    F3,341181100201,2016,fiscal,collective,20000,P1,折股量化\n\
    F4,341181100201,2016,social,industry,300000,,\n\
    F5,341181100202,2016,self,industry,5000,,\n\
    F6,341182100201,2016,pairing,backbone,80000,,\n\
    F7,341181100201,2015,fiscal,industry,70000,,\n";

/// Two counties of 滁州 (天长 341181 with 甲村 and 乙村, 明光 341182 with 丙村) and their funds.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = two_county_bundle();
    b.insert("funds", FUNDS_CSV.to_string());
    b
}

async fn db() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    db
}

fn official(region: &str) -> Access {
    Access::of_account("official", Role::Official, Some(code(region)), None)
}

fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}

async fn overview(db: &TestDb, access: &Access, year: Option<i32>) -> FundsOverview {
    records::funds_overview(db.store.as_ref(), access, None, year, 2026)
        .await
        .unwrap()
}

fn source(o: &FundsOverview, s: FundSource) -> (i64, u64) {
    let t = o.by_source.iter().find(|(x, _)| *x == s).unwrap().1;
    (t.amount.0, t.funds)
}

/// (code, own, total in fen) of each region listed.
fn regions(o: &FundsOverview) -> Vec<(String, bool, i64)> {
    (o.regions.iter())
        .map(|g| (g.code.to_string(), g.own, g.total.amount.0))
        .collect()
}

#[tokio::test]
async fn totals_by_source_link_and_region_within_reach() {
    let db = db().await;
    // The city: its two counties, 2016 by default (the last year with funds).
    let city = overview(&db, &official("341100000000"), None).await;
    assert_eq!(city.year, 2016);
    assert_eq!(city.total.amount, Fen(160_500_050));
    assert_eq!(city.total.funds, 6);
    assert_eq!(source(&city, FundSource::Fiscal), (102_000_000, 2));
    assert_eq!(source(&city, FundSource::Sector), (20_000_050, 1));
    assert_eq!(source(&city, FundSource::Credit), (0, 0));
    let industry = city.by_link.iter().find(|(l, _)| *l == FundLink::Industry);
    assert_eq!(industry.unwrap().1.amount, Fen(130_500_000));
    assert_eq!(
        regions(&city),
        vec![
            ("341181000000".into(), false, 152_500_050),
            ("341182000000".into(), false, 8_000_000),
        ]
    );
    assert_eq!(
        city.years.iter().map(|(y, _)| *y).collect::<Vec<_>>(),
        vec![2015, 2016]
    );
    assert_eq!(city.total_of_year(2015), Fen(7_000_000));

    // The county: its own funds (本级) first, then its town.
    let county = overview(&db, &official("341181000000"), Some(2016)).await;
    assert_eq!(county.total.amount, Fen(152_500_050));
    assert_eq!(
        regions(&county),
        vec![
            ("341181000000".into(), true, 100_000_000),
            ("341181100000".into(), false, 52_500_050),
        ]
    );
    // The town: its own road, then each village (乙村 with the people's own money).
    let town = overview(&db, &official("341181100000"), Some(2016)).await;
    assert_eq!(
        regions(&town),
        vec![
            ("341181100000".into(), true, 20_000_050),
            ("341181100201".into(), false, 32_000_000),
            ("341181100202".into(), false, 500_000),
        ]
    );
    let own = &town.regions[2].by_source;
    assert_eq!(own[6], Fen(500_000), "群众自筹 is the seventh source");
    // The other county sees only its own.
    let other = overview(&db, &official("341182000000"), Some(2016)).await;
    assert_eq!(other.total.amount, Fen(8_000_000));
    assert_eq!(source(&other, FundSource::Pairing), (8_000_000, 1));
    // Everywhere: the province, then nothing of a year without funds.
    let all = overview(&db, &admin(), Some(2016)).await;
    assert_eq!(
        regions(&all),
        vec![("340000000000".into(), false, 160_500_050)]
    );
    let none = overview(&db, &admin(), Some(2014)).await;
    assert_eq!(none.total.funds, 0);
    // A region outside reach is not found; so is any region for a helper.
    let outside = records::funds_overview(
        db.store.as_ref(),
        &official("341182000000"),
        Some(code("341181000000")),
        None,
        2026,
    )
    .await;
    assert!(matches!(
        outside,
        Err(StoreError::Refused(Refusal::NotFound(_)))
    ));
    let helper = Access::of_account("h", Role::Helper, None, Some("C1"));
    let refused = records::funds_overview(db.store.as_ref(), &helper, None, None, 2026).await;
    assert!(refused.is_err());
    // An official of the city may look at one county.
    let drilled = records::funds_overview(
        db.store.as_ref(),
        &official("341100000000"),
        Some(code("341182000000")),
        Some(2016),
        2026,
    )
    .await
    .unwrap();
    assert_eq!(drilled.total.amount, Fen(8_000_000));
    assert_eq!(drilled.name, "明光市");
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_fund_row_is_refused_by_file_row_column_and_value() {
    let db = TestDb::fresh().await;
    let mut b = bundle();
    b.insert(
        "funds",
        "fund_id,region_code,year,source,link,amount,project_id,note\n\
         F1,341100000000,2016,fiscal,industry,1000,,\n\
         F2,341182100201,2016,fiscal,collective,1000,P1,\n\
         F3,341181100201,2016,lottery,industry,1000,,\n\
         F4,341181100201,2016,fiscal,industry,-5,,\n\
         F5,341181100201,2016,fiscal,industry,1.234,,\n\
         F6,341181100201,2016,fiscal,industry,10,P9,\n\
         F7,341181100201,2016,fiscal,industry,10,,\n\
         F7,341181100202,2016,fiscal,industry,10,,\n"
            .to_string(),
    );
    let path = write_bundle(&db.dir().join("b"), &b);
    let report = import(&db, &path).await;
    let on = |row: u32| error_on(&report, "funds.csv", row);
    let city = on(2);
    assert_eq!(
        (city.column.as_str(), city.value.as_str()),
        ("region_code", "341100000000")
    );
    assert!(city.reason.contains("县、乡镇或村"), "{city:?}");
    let project = on(3);
    assert_eq!(
        (project.column.as_str(), project.value.as_str()),
        ("project_id", "P1")
    );
    assert!(project.reason.contains("不在该区划内"), "{project:?}");
    assert_eq!(on(4).column, "source");
    assert_eq!(on(5).column, "amount");
    assert_eq!(on(6).column, "amount");
    assert_eq!(on(7).column, "project_id");
    assert_eq!(on(9).column, "fund_id", "one row per fund");
    assert_eq!(report.errors.len(), 7, "{:#?}", report.errors);
    // Nothing was written.
    assert_eq!(overview(&db, &admin(), Some(2016)).await.total.funds, 0);
    db.cleanup().await;
}

#[tokio::test]
async fn the_ledger_writes_funds_within_reach_only() {
    let db = db().await;
    let store = db.store.as_ref();
    let row = |id: &str, region: &str, amount: &str| -> Vec<Value> {
        let cells = [id, region, "2016", "credit", "industry", amount, "", "贷款"];
        (FUNDS.columns.iter().zip(cells))
            .map(|(c, t)| cell::parse(c, t, day("2026-11-29")).unwrap())
            .collect()
    };
    let county = official("341181000000");
    let saved = records::save_entries(
        store,
        &county,
        &RuleSet::default(),
        vec![(&FUNDS, vec![row("F8", "341181100202", "12345.67")])],
        day("2026-11-29"),
    )
    .await
    .unwrap();
    assert_eq!(saved.changed, 1);
    let o = overview(&db, &county, Some(2016)).await;
    assert_eq!(source(&o, FundSource::Credit), (1_234_567, 1));
    // Another county's village, or the city itself, is outside a county's reach.
    for region in ["341182100201", "341100000000"] {
        let refused = records::save_entries(
            store,
            &county,
            &RuleSet::default(),
            vec![(&FUNDS, vec![row("F9", region, "1")])],
            day("2026-11-29"),
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::Refused(Refusal::Rejected(_)))),
            "{region}: {refused:?}"
        );
    }
    // The city's official may not record a fund at the city either: the rule, not the reach.
    let refused = records::save_entries(
        store,
        &official("341100000000"),
        &RuleSet::default(),
        vec![(&FUNDS, vec![row("F9", "341100000000", "1")])],
        day("2026-11-29"),
    )
    .await;
    match refused {
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            assert_eq!(problems[0].field, "region_code");
            assert!(problems[0].message.contains("县、乡镇或村"), "{problems:?}");
        }
        other => panic!("{other:?}"),
    }
    // The ledger lists a county's funds, not the other county's.
    let page = records::list_entries(
        store,
        &county,
        &FUNDS,
        &[("year".to_string(), "2016".to_string())],
        records::Page {
            offset: 0,
            limit: 100,
        },
        day("2026-11-29"),
    )
    .await
    .unwrap();
    assert_eq!(page.total, 6);
    db.cleanup().await;
}

#[tokio::test]
async fn funds_round_trip_byte_for_byte() {
    let db = db().await;
    let files = round_trip(&db).await;
    let funds = &files["funds.csv"];
    assert!(
        funds.starts_with("\u{feff}fund_id,region_code,year,source,link,amount,project_id,note\n"),
        "{funds}"
    );
    assert!(
        funds.contains("F2,341181100000,2016,sector,other,200000.50,,道路\n"),
        "{funds}"
    );
    assert_eq!(funds.lines().count(), 8);
    db.cleanup().await;
}

#[tokio::test]
async fn the_yearly_report_has_the_funds_of_its_reach() {
    let db = db().await;
    let r = records::year_report(
        db.store.as_ref(),
        &official("341181000000"),
        Some(code("341181000000")),
        2016,
        day("2026-11-29"),
    )
    .await
    .unwrap();
    assert_eq!(r.funds.total.amount, Fen(152_500_050));
    assert_eq!(r.funds.total.funds, 5);
    db.cleanup().await;
}
