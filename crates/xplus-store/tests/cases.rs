//! Monitoring through the year (rules.md §5, the 2021 mechanism): a declaration or a round opens
//! a case at once, in the category core's entry rule gives (an exited household 脱贫不稳定户, one
//! outside the registry 边缘易致贫户 or 突发严重困难户); a poor household, a registered person
//! declared as outside, a second open case and a declaration that does not qualify are refused
//! and write nothing; the risk is removed only after a measure and at or above the line; a case
//! open at a year's end makes the household monitored that year, and closing it later does not
//! move the year. SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::assessment::cases::{CaseSource, Category, EntryReason, MeasureKind};
use xplus_core::assessment::monitoring::{MonitorOutcome, MonitorReason};
use xplus_core::money::Fen;
use xplus_store::records::{
    self, CaseFilter, CaseState, CaseTold, CloseTold, Judgement, MeasureTold, Outside,
};
use xplus_store::StoreError;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn today() -> NaiveDate {
    d("2017-02-01")
}

fn admin() -> Access {
    Access::of_account("admin", Role::Admin, None, None)
}

/// 周强 (C3), H001's and H003's helper.
fn helper() -> Access {
    Access::of_account("zhouqiang", Role::Helper, None, Some("C3"))
}

fn county() -> xplus_core::registry::RegionCode {
    xplus_core::registry::RegionCode::parse("341181000000").unwrap()
}

async fn ready() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    db
}

fn declared(household: &str, net_yuan: i64, on: &str) -> CaseTold {
    CaseTold {
        household_id: Some(household.into()),
        outside: None,
        source: CaseSource::Declaration,
        on: d(on),
        net_income: Some(Fen::from_yuan(net_yuan)),
        rigid_expense: Fen(0),
        situation: "务工受伤，收入减少".into(),
    }
}

fn outside(id_number: &str, net_yuan: i64, expense_yuan: i64) -> CaseTold {
    CaseTold {
        household_id: None,
        outside: Some(Outside {
            village: xplus_core::registry::RegionCode::from_u64(341181100202).unwrap(),
            head_name: "赵六".into(),
            id_number: id_number.into(),
            members: 3,
        }),
        source: CaseSource::Round,
        on: d("2017-01-20"),
        net_income: Some(Fen::from_yuan(net_yuan)),
        rigid_expense: Fen::from_yuan(expense_yuan),
        situation: "干部排查发现".into(),
    }
}

async fn open_count(db: &TestDb) -> u64 {
    let f = CaseFilter {
        category: None,
        state: CaseState::All,
        page: 1,
        per_page: 50,
    };
    (records::case_list(db.store.as_ref(), &admin(), &f, today()).await)
        .unwrap()
        .total
}

fn refused_with(r: Result<impl std::fmt::Debug, StoreError>, words: &str) {
    match r {
        Err(StoreError::Refused(e)) => assert!(e.to_string().contains(words), "{e}"),
        other => panic!("expected a refusal with {words}: {other:?}"),
    }
}

#[tokio::test]
async fn declarations_open_cases_in_their_category_and_refusals_write_nothing() {
    let db = ready().await;
    let store = db.store.as_ref();
    records::refresh_rollups(store).await.unwrap();
    // H003, monitored since 2015, 2 members: the line of 2017 is 2,952.00 yuan, × 150 % =
    // 4,428.00 yuan a person, 8,856.00 for two.
    let case = records::open_case(
        store,
        &helper(),
        &declared("H003", 8855, "2017-01-10"),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(case.category, Category::Unstable);
    // The case marks its county, as every write does: what is kept of the county is old now.
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        [county()],
        "opening a case marks 天长市"
    );
    assert_eq!(case.reasons, vec![EntryReason::LowIncome]);
    assert_eq!(case.case_no, "JC341181201700001");
    assert_eq!(case.head_name, "刘芳");
    let again = records::open_case(
        store,
        &admin(),
        &declared("H003", 5000, "2017-01-11"),
        today(),
    )
    .await;
    refused_with(again, "已是监测对象");
    // A poor household is helped as one; a household out of the helper's reach is not found.
    refused_with(
        records::open_case(
            store,
            &admin(),
            &declared("H001", 100, "2017-01-10"),
            today(),
        )
        .await,
        "无需纳入监测",
    );
    refused_with(
        records::open_case(
            store,
            &helper(),
            &declared("H002", 100, "2017-01-10"),
            today(),
        )
        .await,
        "不在您的范围内",
    );
    refused_with(
        records::open_case(
            store,
            &admin(),
            &declared("H002", 100, "2017-02-02"),
            today(),
        )
        .await,
        "晚于今天",
    );

    // Outside the registry: 3 members, 13,284.00 yuan is the line.
    let zhao = id(341181, "1975-05-05", 71);
    let edge = records::open_case(store, &admin(), &outside(&zhao, 13_283, 0), today())
        .await
        .unwrap();
    assert_eq!(edge.category, Category::Edge);
    assert_eq!(edge.household_id, None);
    let sun = id(341181, "1966-06-06", 81);
    refused_with(
        records::open_case(store, &admin(), &outside(&sun, 13_284, 0), today()).await,
        "不符合纳入监测条件",
    );
    let sudden = records::open_case(store, &admin(), &outside(&sun, 40_000, 26_717), today())
        .await
        .unwrap();
    assert_eq!(sudden.category, Category::Sudden);
    assert_eq!(sudden.reasons, vec![EntryReason::SuddenExpense]);
    // A registered member declared as outside; a bad check digit; a helper outside a village.
    let fang = id(341181, "1980-11-30", 52);
    refused_with(
        records::open_case(store, &admin(), &outside(&fang, 100, 0), today()).await,
        "已建档户 H003",
    );
    let mut bad = zhao.clone();
    bad.replace_range(17.., if zhao.ends_with('0') { "1" } else { "0" });
    refused_with(
        records::open_case(store, &admin(), &outside(&bad, 100, 0), today()).await,
        "身份证号",
    );
    let other = id(341181, "1990-01-01", 91);
    refused_with(
        records::open_case(store, &helper(), &outside(&other, 100, 0), today()).await,
        "不在您的范围内",
    );
    assert_eq!(open_count(&db).await, 3, "every refusal wrote nothing");
    let counts = records::case_counts(store, &admin(), today())
        .await
        .unwrap();
    assert_eq!(
        counts,
        vec![
            (Category::Unstable, 1),
            (Category::Edge, 1),
            (Category::Sudden, 1)
        ]
    );
    let mine = records::case_counts(store, &helper(), today())
        .await
        .unwrap();
    assert_eq!(
        mine[0],
        (Category::Unstable, 1),
        "a helper sees their households' cases"
    );
    assert_eq!((mine[1].1, mine[2].1), (0, 0));
    db.cleanup().await;
}

#[tokio::test]
async fn the_risk_is_removed_after_help_and_at_the_line_and_the_year_keeps_its_figure() {
    let db = ready().await;
    let store = db.store.as_ref();
    let case = records::open_case(
        store,
        &helper(),
        &declared("H003", 8000, "2016-06-01"),
        today(),
    )
    .await
    .unwrap();
    let close = |net_yuan: i64, on: &str| CloseTold {
        on: d(on),
        net_income: Fen::from_yuan(net_yuan),
        members: 2,
        reason: "务工收入恢复".into(),
    };
    refused_with(
        records::close_case(
            store,
            &helper(),
            &case.case_no,
            &close(20_000, "2017-01-10"),
            today(),
        )
        .await,
        "帮扶措施",
    );
    let measure = MeasureTold {
        kind: MeasureKind::Employment,
        detail: "介绍到县工业园务工".into(),
        responsible: "周强".into(),
        on: d("2016-07-01"),
    };
    let m = records::add_measure(store, &helper(), &case.case_no, &measure, today())
        .await
        .unwrap();
    assert_eq!(m.seq, 1);
    let early = MeasureTold {
        on: d("2016-05-31"),
        ..measure.clone()
    };
    refused_with(
        records::add_measure(store, &helper(), &case.case_no, &early, today()).await,
        "早于纳入监测日期",
    );
    // 2017's line for two is 8,856.00 yuan: a fen below is refused.
    let mut below = close(8_856, "2017-01-10");
    below.net_income = Fen(885_599);
    refused_with(
        records::close_case(store, &helper(), &case.case_no, &below, today()).await,
        "低于监测标准 4428.00 元",
    );
    let judged_2016 = judged(&db, "H003").await;
    assert_eq!(
        judged_2016,
        Judgement::Monitoring(MonitorOutcome::Monitored(vec![MonitorReason::OpenCase]))
    );
    records::refresh_rollups(store).await.unwrap();
    let closed = records::close_case(
        store,
        &helper(),
        &case.case_no,
        &close(8_856, "2017-01-10"),
        today(),
    )
    .await
    .unwrap();
    assert_eq!(
        records::dirty_counties(store).await.unwrap(),
        [county()],
        "closing a case marks 天长市"
    );
    assert_eq!(closed.closed_on, Some(d("2017-01-10")));
    assert_eq!(
        judged(&db, "H003").await,
        judged_2016,
        "closed in 2017: 2016's end still had it open"
    );
    refused_with(
        records::add_measure(store, &helper(), &case.case_no, &measure, today()).await,
        "已风险消除",
    );
    refused_with(
        records::close_case(
            store,
            &helper(),
            &case.case_no,
            &close(9_000, "2017-01-11"),
            today(),
        )
        .await,
        "已于 2017-01-10",
    );
    // Closed, the household may be declared again.
    records::open_case(
        store,
        &helper(),
        &declared("H003", 8000, "2017-01-20"),
        today(),
    )
    .await
    .unwrap();
    let (detail, measures) = records::case_detail(store, &helper(), &case.case_no, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (detail.close_reason.as_str(), measures.len()),
        ("务工收入恢复", 1)
    );
    let auditor = Access::of_account("au", Role::Auditor, None, None);
    refused_with(
        records::add_measure(store, &auditor, &case.case_no, &measure, today()).await,
        "只读",
    );
    db.cleanup().await;
}

#[tokio::test]
async fn a_case_follows_its_household_and_says_nothing_beyond_reach() {
    let db = ready().await;
    let store = db.store.as_ref();
    let case = records::open_case(
        store,
        &admin(),
        &declared("H003", 8000, "2017-01-10"),
        today(),
    )
    .await
    .unwrap();
    // The secretary of the other village: a registered person outside their village is not
    // named to them.
    let jia = xplus_core::registry::RegionCode::from_u64(341181100201).unwrap();
    let other = Access::of_account("jiacun", Role::Secretary, Some(jia), None);
    let fang = id(341181, "1980-11-30", 52);
    let mut told = outside(&fang, 100, 0);
    if let Some(o) = told.outside.as_mut() {
        o.village = jia;
    }
    match records::open_case(store, &other, &told, today()).await {
        Err(StoreError::Refused(e)) => {
            let e = e.to_string();
            assert!(e.contains("已建档户的成员") && !e.contains("H003"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // The members are the registry's (two), not a number typed in the form.
    let help = MeasureTold {
        kind: MeasureKind::Employment,
        detail: "公益性岗位".into(),
        responsible: "周强".into(),
        on: d("2017-01-11"),
    };
    records::add_measure(store, &admin(), &case.case_no, &help, today())
        .await
        .unwrap();
    let one = CloseTold {
        on: d("2017-01-12"),
        net_income: Fen::from_yuan(5_000),
        members: 1,
        reason: "收入恢复".into(),
    };
    refused_with(
        records::close_case(store, &admin(), &case.case_no, &one, today()).await,
        "低于监测标准",
    );
    // The household moves to the other village: its open case follows it.
    tamper(
        &db,
        &["UPDATE households SET village_code = 341181100201 WHERE household_id = 'H003'"],
    )
    .await;
    let (moved, _) = records::case_detail(store, &admin(), &case.case_no, today())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.village.as_u64(), 341181100201);
    db.cleanup().await;
}
