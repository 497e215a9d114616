//! The gap lists' pages from the kept figures (issue 19) against the same lists computed from
//! every record within reach: the same figures for a region and its children, and every page,
//! of every size, holding the same households in the same order — across village boundaries.
//! SQLite, and PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::assessment::chain::{Link, NotApplicable};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, Missing, Page};

fn code(c: &str) -> RegionCode {
    RegionCode::parse(c).unwrap()
}

/// The small bundle with eight more poor households over both villages, some trained.
fn bundle() -> std::collections::BTreeMap<&'static str, String> {
    let mut b = small_bundle();
    let mut households = b["households"].clone();
    let mut members = b["members"].clone();
    let mut attendance = b["attendance"].clone();
    for i in 1..=8u16 {
        // Alternating, so that the households' ids do not run in their villages' order.
        let village = if i % 2 == 1 {
            "341181100201"
        } else {
            "341181100202"
        };
        households.push_str(&format!("H1{i:02},{village},2015,poor,,illness,1,1,1,1\n"));
        let birth = format!("1960-01-{:02}", i);
        members.push_str(&format!(
            "H1{i:02},{},户主{i},head,healthy,ordinary,none,1,1,0\n",
            id(341181, &birth, 100 + i)
        ));
        if i % 3 == 0 {
            attendance.push_str(&format!("T1,H1{i:02}\n"));
        }
    }
    // Industry of several ways in both villages, and one kind outside 2016, so the 产业 gap list
    // runs across the villages with households in and out of it.
    b.insert(
        "ovop_projects",
        "ovop_id,village_code,product,investment,year\nYP1,341181100201,葡萄,120000,2016\n"
            .to_string(),
    );
    b.insert(
        "ovop_households",
        "ovop_id,household_id,join_date\nYP1,H101,2016-04-01\nYP1,H103,2016-05-01\n".to_string(),
    );
    b.insert(
        "household_industries",
        "household_id,year,kind,product,scale,unit\nH106,2016,crop,水稻,10,亩\n\
         H105,2015,livestock,生猪,5,头\nH101,2016,crop,葡萄,2,亩\n"
            .to_string(),
    );
    b.insert(
        "placements",
        format!(
            "household_id,id_number,employer,place,start_date,months\n\
             H107,{},南京建筑工地,南京,2016-03-01,8\n\
             H104,{},滁州工业园,滁州,2016-10-01,6\n\
             H105,{},滁州工业园,滁州,2016-12-31,1\n",
            id(341181, "1960-01-07", 107),
            id(341181, "1960-01-04", 104),
            id(341181, "1960-01-05", 105)
        ),
    );
    // H106 in 乙村 (not a poor village, no project): trained, in an industry, and paired with a
    // cadre here — every link that applies to it.
    b.get_mut("cadre_household_pairings")
        .unwrap()
        .push_str("C3,H106,2016-01-01,\n");
    b.insert("households", households);
    b.insert("members", members);
    b.insert("attendance", attendance);
    // Visits over two years and both villages, so the kept tallies have several cadres, months
    // and years to keep apart.
    b.insert(
        "visits",
        "cadre_id,household_id,date,activity\n\
         C1,H001,2016-01-05,走访\nC1,H001,2016-03-07,走访\nC1,H002,2016-03-08,走访\n\
         C3,H001,2016-12-31,走访\nC3,H003,2016-07-01,走访\nC3,H003,2015-11-02,走访\n\
         C1,H001,2015-02-03,走访\n"
            .to_string(),
    );
    b
}

/// A fresh database with [`bundle`] imported (its counties marked, nothing refreshed yet).
async fn loaded() -> TestDb {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &bundle());
    let report = import(&db, &path).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    db
}

#[tokio::test]
async fn kept_visit_tallies_count_what_the_visits_say() {
    let db = loaded().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let tianchang = code("341181000000");
    let all = Access::of_account("t", Role::Auditor, None, None);
    let county = Access::of_account("c", Role::Official, Some(tianchang), None);
    let city = Access::of_account("s", Role::Official, Some(code("341100000000")), None);
    let page = Page {
        limit: 50,
        offset: 0,
    };

    // Read from the visits (the county is marked), then from the kept tallies and totals after
    // a refresh: everything (region 0), a city and a county, every page of one cadre.
    let read = |refreshed: bool| {
        let (all, city, county) = (&all, &city, &county);
        async move {
            let mut seen = Vec::new();
            for access in [all, city, county] {
                for year in [2015, 2016] {
                    let totals = records::visit_totals(store, access, year).await.unwrap();
                    let mut rows = vec![records::visits_page(store, access, year, page)
                        .await
                        .unwrap()];
                    for offset in 0..3 {
                        let one = Page { limit: 1, offset };
                        rows.push(
                            records::visits_page(store, access, year, one)
                                .await
                                .unwrap(),
                        );
                    }
                    let latest = records::latest_visit_year(store, access).await.unwrap();
                    seen.push(format!("{refreshed} {totals:?} {rows:?} {latest:?}"));
                }
            }
            seen.join("\n").replace("true ", "").replace("false ", "")
        }
    };
    let before = read(false).await;
    records::refresh_rollups(store).await.unwrap();
    assert_eq!(before, read(true).await);
    let totals = records::visit_totals(store, &all, 2016).await.unwrap();
    assert_eq!((totals.cadres, totals.total), (2, 5));
    assert_eq!(totals.months[0..3], [1, 0, 2]);
    assert_eq!(totals.months[11], 1);
    let rows = records::visits_page(store, &all, 2016, page).await.unwrap();
    assert_eq!(rows[0].cadre_id, "C1");
    assert_eq!(rows[0].total, 3);

    // A change to the visits after the refresh: the county's old tallies leave the kept totals
    // and its new ones join them (C3 overtakes C1 in 2016).
    let official = Access::of_account("o", Role::Official, Some(tianchang), None);
    let rules = xplus_core::rules::RuleSet::default();
    let visits = &xplus_core::interchange::schema::VISITS;
    let added = ["2016-08-01", "2016-08-02", "2016-08-03"]
        .map(|day| row(visits, &["C3", "H003", day, "走访"]))
        .to_vec();
    records::save_entries(store, &official, &rules, vec![(visits, added)], today)
        .await
        .unwrap();
    let edited = read(false).await;
    assert_ne!(edited, before);
    records::refresh_rollups(store).await.unwrap();
    assert_eq!(edited, read(true).await);
    let rows = records::visits_page(store, &city, 2016, page)
        .await
        .unwrap();
    assert_eq!((rows[0].cadre_id.as_str(), rows[0].total), ("C3", 5));
    assert_eq!(rows[0].months[7], 3);
    // The bundle imported again over them: the kept totals follow.
    let path = write_bundle(&db.dir().join("again"), &bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let again = read(false).await;
    records::refresh_rollups(store).await.unwrap();
    assert_eq!(again, read(true).await);
}

#[tokio::test]
async fn kept_pages_hold_what_the_records_say() {
    let db = loaded().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let year = 2016;
    let all = Access::of_account("t", Role::Auditor, None, None);

    // Marked counties: the kept figures do not answer until a refresh.
    assert!(records::kept_chain(store, &all, year)
        .await
        .unwrap()
        .is_none());
    records::refresh_rollups(store).await.unwrap();

    for access in [
        all.clone(),
        Access::of_account("c", Role::Official, Some(code("341181000000")), None),
        Access::of_account("t", Role::Official, Some(code("341181100000")), None),
        Access::of_account("v", Role::Official, Some(code("341181100202")), None),
    ] {
        let kept = records::kept_chain(store, &access, year)
            .await
            .unwrap()
            .unwrap();
        let chain = records::full_chain(store, &access, year, today)
            .await
            .unwrap();
        assert_eq!(kept.total.poor, chain.households.len() as u64);
        assert_eq!(kept.total.full, chain.full());
        assert_eq!(kept.total.full_applicable, chain.full_applicable());
        for (i, link) in Link::ALL.iter().enumerate() {
            assert_eq!(kept.total.links[i], chain.count(*link), "{link:?}");
        }
        assert!(kept.total.poor >= 1);
        for (region, f) in &kept.regions {
            let (poor, links, full, applicable) = chain.by_region()[region];
            assert_eq!(
                (f.poor, f.links, f.full, f.full_applicable),
                (poor, links, full, applicable),
                "{region}"
            );
        }

        let gaps: Vec<String> = chain
            .gaps()
            .iter()
            .map(|h| h.household_id.clone())
            .collect();
        let coverage = records::coverage(store, &access, year, today, today)
            .await
            .unwrap();
        let untrained: Vec<String> = coverage
            .gaps
            .iter()
            .map(|g| g.household_id.clone())
            .collect();
        assert_eq!(kept.total.missing(Missing::AnyLink), gaps.len() as u64);
        assert_eq!(
            kept.total.missing(Missing::Link(Link::Trained)),
            untrained.len() as u64
        );
        assert_eq!(kept.total.person_times, coverage.report.total.person_times);
        let industry = records::industry_overview(store, &access, year, today)
            .await
            .unwrap();
        let idle: Vec<String> = industry.gaps().map(|h| h.household_id.clone()).collect();
        assert_eq!(kept.total.ways, industry.by_link());
        for limit in 1..=3u64 {
            for offset in 0..=gaps.len() as u64 + 1 {
                let page = Page { limit, offset };
                let (total, view) = records::chain_gap_page(store, &access, year, page, today)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(total, gaps.len() as u64);
                let got: Vec<&str> = view
                    .households
                    .iter()
                    .map(|h| h.household_id.as_str())
                    .collect();
                let want: Vec<&str> = gaps
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(String::as_str)
                    .collect();
                assert_eq!(got, want, "chain {limit} at {offset}");
                for h in &view.households {
                    assert_eq!(view.next.get(&h.village), chain.next.get(&h.village));
                }

                let t = records::training_gap_page(store, &access, year, today, page)
                    .await
                    .unwrap()
                    .unwrap();
                assert_eq!(t.total, untrained.len() as u64);
                let got: Vec<&str> = t.gaps.iter().map(|g| g.household_id.as_str()).collect();
                let want: Vec<&str> = untrained
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(String::as_str)
                    .collect();
                assert_eq!(got, want, "training {limit} at {offset}");

                let p = records::industry_page(store, &access, year, page, today)
                    .await
                    .unwrap();
                assert_eq!(
                    (p.poor, p.in_industry, p.ways, p.gaps.total),
                    (
                        industry.households.len() as u64,
                        industry.in_industry(),
                        industry.by_link(),
                        idle.len() as u64
                    )
                );
                if (limit, offset) == (1, 0) {
                    let activity = records::industry_activity(store, &access, year, today)
                        .await
                        .unwrap();
                    assert_eq!(activity, industry.activity);
                }
                let got: Vec<&str> = p
                    .gaps
                    .gaps
                    .iter()
                    .map(|g| g.household_id.as_str())
                    .collect();
                let want: Vec<&str> = idle
                    .iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(String::as_str)
                    .collect();
                assert_eq!(got, want, "industry {limit} at {offset}");
            }
        }
    }

    // An edit not yet folded in: the pages read the records again.
    records::mark_for_refresh(store, &[code("341181000000")])
        .await
        .unwrap();
    assert!(records::kept_chain(store, &all, year)
        .await
        .unwrap()
        .is_none());
    let page = Page {
        limit: 50,
        offset: 0,
    };
    assert!(records::chain_gap_page(store, &all, year, page, today)
        .await
        .unwrap()
        .is_none());
    // The 产业 page reads the records then, and says the same.
    let from_records = records::industry_page(store, &all, year, page, today)
        .await
        .unwrap();
    records::refresh_rollups(store).await.unwrap();
    let from_kept = records::industry_page(store, &all, year, page, today)
        .await
        .unwrap();
    assert_eq!(from_records, from_kept);
    assert!(from_kept.in_industry >= 4 && from_kept.gaps.total >= 1);
    records::mark_for_refresh(store, &[code("341181000000")])
        .await
        .unwrap();
    // A town's and a village's reach too: their county is the unit marked, and no county code
    // lies within a town's own range of codes.
    for below in ["341181100000", "341181100202"] {
        let access = Access::of_account("o", Role::Official, Some(code(below)), None);
        assert!(
            records::kept_chain(store, &access, year)
                .await
                .unwrap()
                .is_none(),
            "{below}"
        );
    }

    // A year outside the kept window, and a helper, are read from the records.
    assert!(records::kept_chain(store, &all, 2000)
        .await
        .unwrap()
        .is_none());
    let helper = Access::of_account("h", Role::Helper, None, Some("C1"));
    assert!(records::kept_chain(store, &helper, year)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn a_link_the_village_cannot_offer_is_not_a_gap() {
    let db = loaded().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let all = Access::of_account("t", Role::Auditor, None, None);
    let chain = records::full_chain(store, &all, 2016, today).await.unwrap();
    let of = |id: &str| {
        chain
            .households
            .iter()
            .find(|h| h.household_id == id)
            .unwrap()
    };
    // 乙村 is not a poor village and has no project: neither link applies there.
    let h106 = of("H106");
    assert_eq!(h106.village, code("341181100202"));
    assert_eq!(
        h106.links.not_applicable_links(),
        [
            (Link::PairedUnit, NotApplicable::NotPoorVillage),
            (Link::HoldingShares, NotApplicable::NoProject)
        ]
    );
    assert!(!h106.links.full() && h106.links.full_applicable());
    assert!(!chain.gaps().iter().any(|h| h.household_id == "H106"));
    // 甲村 is poor and its project granted shares in 2015: both apply, and are gaps if missing.
    let h101 = of("H101");
    assert!(h101.links.not_applicable_links().is_empty());
    assert!(chain.gaps().iter().any(|h| h.household_id == "H101"));
    // The applicable figure counts H106; the strict one does not.
    assert_eq!(chain.full_applicable(), chain.full() + 1, "{chain:?}");

    // Kept figures agree, and the kept gap list's count leaves H106 out.
    records::refresh_rollups(store).await.unwrap();
    let kept = records::kept_chain(store, &all, 2016)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.total.full_applicable, chain.full_applicable());
    assert_eq!(
        kept.total.missing(Missing::AnyLink),
        chain.gaps().len() as u64
    );
    let report = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(
        report.coverage.full_chain_applicable,
        chain.full_applicable()
    );
}

/// 一户一工人 (issue 23): read from the records while the county is marked, then with its figures
/// and the villages of each page taken from the roll-ups — the same figures for every region
/// and every page of every size, across village boundaries; H107's placement ended before
/// Dec 31, H104's and H105's run on it.
#[tokio::test]
async fn one_worker_from_kept_figures_is_what_the_records_say() {
    let db = loaded().await;
    let store = db.store.as_ref();
    let today = NaiveDate::from_ymd_opt(2017, 1, 10).unwrap();
    let year = 2016;
    let reaches = [
        Access::of_account("t", Role::Auditor, None, None),
        Access::of_account("c", Role::Official, Some(code("341181000000")), None),
        Access::of_account("t", Role::Official, Some(code("341181100000")), None),
        Access::of_account("v", Role::Official, Some(code("341181100202")), None),
    ];
    let pages =
        || (1..=3u64).flat_map(|limit| (0..=12u64).map(move |offset| Page { limit, offset }));
    let mut from_records = Vec::new();
    for access in &reaches {
        for page in pages() {
            from_records.push(
                records::one_worker(store, access, year, page, today)
                    .await
                    .unwrap(),
            );
        }
    }
    records::refresh_rollups(store).await.unwrap();
    assert!(records::kept_chain(store, &reaches[0], year)
        .await
        .unwrap()
        .is_some());
    let mut from_kept = Vec::new();
    for access in &reaches {
        for page in pages() {
            from_kept.push(
                records::one_worker(store, access, year, page, today)
                    .await
                    .unwrap(),
            );
        }
    }
    assert_eq!(from_records, from_kept);
    let all = &from_kept[0];
    assert_eq!(all.total.with_worker, 2, "{:?}", all.total);
    assert!(all.total.poor > 2 && all.gaps.total == all.total.without());
}
