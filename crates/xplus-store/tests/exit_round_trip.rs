//! The round trip after an exit procedure run as the offices run it (issue 18), on SQLite and
//! PostgreSQL (XPLUS_TEST_DATABASE_URL): a village's batch proposed, reviewed, published, objected
//! to and resolved, approved by the town and the county on the days they happened; the export
//! carries every step, and an import of it into an empty database exports the same and reports
//! the year the same.

mod common;

use chrono::NaiveDate;
use common::*;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, ExitAct};

fn all_access() -> Access {
    Access::of_account("t", Role::Auditor, None, None)
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_copy_after_an_exit_procedure_imports_whole() {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &small_bundle());
    assert!(import(&db, &path).await.errors.is_empty());
    let store = db.store.as_ref();
    let today = day("2017-01-10");
    let county = RegionCode::parse("341181000000").unwrap();
    let official = Access::of_account("county1", Role::Official, Some(county), None);
    let town = RegionCode::parse("341181100000").unwrap();
    let town_official = Access::of_account("town1", Role::Official, Some(town), None);
    let village = RegionCode::parse("341181100201").unwrap();
    let acts = [
        ExitAct::Propose {
            date: day("2016-10-08"),
            households: None,
        },
        ExitAct::Review {
            date: day("2016-10-12"),
            attendees: 35,
            agreed: vec!["H001".into()],
        },
        ExitAct::Notice {
            start: day("2016-10-13"),
        },
        ExitAct::Object {
            household_id: "H001".into(),
            raised_on: day("2016-10-15"),
            raised_by: "村民甲".into(),
            content: "收入是否属实".into(),
        },
        ExitAct::Resolve {
            no: 1,
            resolution: "经入户核实，收入属实".into(),
            upheld: false,
            date: day("2016-10-18"),
        },
        ExitAct::TownApproval {
            date: day("2016-10-25"),
            opinion: "同意退出".into(),
        },
        ExitAct::CountyApproval {
            date: day("2016-11-02"),
            opinion: "审定同意".into(),
        },
    ];
    for act in acts {
        let step = act.step();
        let who = match act {
            ExitAct::TownApproval { .. } => &town_official,
            _ => &official,
        };
        records::take_exit_step(store, who, village, 2016, act, today)
            .await
            .unwrap_or_else(|e| panic!("{step:?}: {e}"));
    }

    // The scanned minutes of the review, kept with the batch.
    let minutes = b"%PDF-1.4\n%minutes of the review\n".to_vec();
    records::attach_to_exit_step(
        store,
        &official,
        "county1",
        village,
        2016,
        xplus_core::assessment::procedure::ExitStep::Review,
        "评议会议记录.pdf",
        &minutes,
        today,
    )
    .await
    .unwrap();

    let first = db.dir().join("export1");
    export(&db, &first, false).await;
    let exported = read_folder(&first);
    let batch = &exported["exit_batches.csv"];
    assert!(batch.contains("2016-10-25"), "{batch}");
    assert!(batch.contains("审定同意"), "{batch}");
    assert!(exported["exit_objections.csv"].contains("经入户核实"));
    assert!(exported["assessment_outcomes.csv"].contains("H001,2016,exited"));
    assert!(exported["exit_attachments.csv"].contains("评议会议记录.pdf"));

    let copy = TestDb::fresh().await;
    let imported = import(&copy, &first).await;
    assert!(imported.errors.is_empty(), "{:?}", imported.errors);
    let second = copy.dir().join("export2");
    export(&copy, &second, false).await;
    assert_eq!(read_folder(&second), exported);
    // A bundle carries what is known of an attachment, not its content (a backup does).
    let (meta, content) =
        records::exit_attachment(copy.store.as_ref(), &all_access(), village, 2016, 1)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(meta.size, minutes.len() as i64);
    assert_eq!(content, None);
    let all = Access::of_account("t", Role::Auditor, None, None);
    let here = records::year_report(store, &all, None, 2016, today)
        .await
        .unwrap();
    let there = records::year_report(copy.store.as_ref(), &all, None, 2016, today)
        .await
        .unwrap();
    assert_eq!(here, there);
    assert_eq!(here.households.exited_in_year, 1);
    copy.cleanup().await;
    db.cleanup().await;
}
