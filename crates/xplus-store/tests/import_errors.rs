//! Bad input gets a clear error and changes nothing: every planted error is reported with its
//! file, row (as Excel counts) and column, and the database is left as it was. The rules that
//! span rows are import_rules.rs's.

mod common;

use common::planted::*;
use common::*;

/// A wrong ID number with its check digit off by one.
fn bad_check_digit(good: &str) -> String {
    let last = good.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    format!("{}{wrong}", &good[..17])
}

#[tokio::test]
async fn every_planted_error_is_named_and_nothing_is_written() {
    let db = TestDb::fresh().await;
    let mut b = small_bundle();
    let good_id = id(341181, "1970-03-05", 11);
    let check_row = plant(
        &mut b,
        "members",
        "王大明",
        &format!(
            "H001,{},王大明,head,healthy,ordinary,none,1,1,6",
            bad_check_digit(&good_id)
        ),
    );
    // 1999-02-30 does not exist; the check digit is right so only the date is wrong.
    let d17 = "34118119990230001";
    let feb30 = format!(
        "{d17}{}",
        xplus_core::registry::id_number::check_char(d17.as_bytes())
    );
    let feb30_row = append(
        &mut b,
        "members",
        &format!("H002,{feb30},张三,child,healthy,none,none,1,1,0"),
    );
    let twice_id = id(341181, "1980-11-30", 52);
    let twice_row = append(
        &mut b,
        "members",
        &format!("H002,{twice_id},刘芳,spouse,healthy,ordinary,none,1,1,0"),
    );
    let unknown_village_row = append(
        &mut b,
        "households",
        "H004,341181100299,2015,poor,,illness,1,1,1,1",
    );
    let unknown_status_row = append(
        &mut b,
        "households",
        "H005,341181100201,2015,gone,,illness,1,1,1,1",
    );
    let negative_wage_row = plant(
        &mut b,
        "incomes",
        "H003,2016",
        "H003,2016,-20000,0,0,500,0,0",
    );
    let month13_row = plant(
        &mut b,
        "members",
        "刘洋",
        &format!(
            "H003,{},刘洋,child,healthy,none,junior,0,,13",
            id(341181, "2005-02-28", 61)
        ),
    );
    let unknown_cadre_row = append(&mut b, "cadre_household_pairings", "C9,H003,2016-01-01,");
    let reclaim_row = plant(
        &mut b,
        "share_events",
        "P1,H002,2016-01-01,reclaim",
        "P1,H002,2016-01-01,reclaim,6",
    );
    let loan_row = plant(
        &mut b,
        "loans",
        "L1",
        "L1,H001,P1,5,40000.01,2016-01-10,60,",
    );
    let dir = write_bundle(&db.dir().join("bad"), &b);

    let report = import(&db, &dir).await;
    assert!(!report.committed);
    let e = &report.errors;
    assert!(has(e, "members.csv", check_row, "id_number"), "{e:#?}");
    assert!(e
        .iter()
        .any(|i| i.row == check_row && i.reason.contains("校验位")));
    assert!(has(e, "members.csv", feb30_row, "id_number"), "{e:#?}");
    assert!(e
        .iter()
        .any(|i| i.row == feb30_row && i.reason.contains("1999-02-30")));
    assert!(has(e, "members.csv", twice_row, "id_number"), "{e:#?}");
    assert!(
        has(e, "households.csv", unknown_village_row, "village_code"),
        "{e:#?}"
    );
    assert!(
        has(e, "households.csv", unknown_status_row, "status"),
        "{e:#?}"
    );
    assert!(has(e, "incomes.csv", negative_wage_row, "wage"), "{e:#?}");
    assert!(
        has(e, "members.csv", month13_row, "migrant_months"),
        "{e:#?}"
    );
    assert!(
        has(
            e,
            "cadre_household_pairings.csv",
            unknown_cadre_row,
            "cadre_id"
        ),
        "{e:#?}"
    );
    assert!(has(e, "share_events.csv", reclaim_row, "shares"), "{e:#?}");
    assert!(has(e, "loans.csv", loan_row, "amount"), "{e:#?}");
    assert_eq!(total_rows(&db).await, 0, "nothing may be written");

    // The --errors file lists them with the documented header.
    let errors_csv = db.dir().join("errors.csv");
    xplus_store::write_issues(&errors_csv, e).unwrap();
    let text = std::fs::read_to_string(&errors_csv).unwrap();
    assert!(text.starts_with("file,row,column,value,reason\n"));
    assert!(text.contains(&format!("loans.csv,{loan_row},amount,40000.01,")));
    db.cleanup().await;
}

#[tokio::test]
async fn a_bad_bundle_leaves_an_existing_database_unchanged() {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("good"), &small_bundle());
    assert!(import(&db, &dir).await.committed);
    let before = db.dir().join("before");
    export(&db, &before, false).await;
    let mut b = small_bundle();
    // A valid change and an invalid row: neither may land.
    plant(
        &mut b,
        "households",
        "H002,",
        "H002,341181100201,2014,exited,2015,disability,1,1,1,1",
    );
    plant(
        &mut b,
        "incomes",
        "H002,2016",
        "H002,2016,0,1000,0,5000,200,abc",
    );
    let bad = write_bundle(&db.dir().join("bad"), &b);
    let report = import(&db, &bad).await;
    assert!(!report.committed);
    assert_eq!(report.errors.len(), 1, "{:#?}", report.errors);
    let after = db.dir().join("after");
    export(&db, &after, false).await;
    assert_eq!(read_folder(&after), read_folder(&before));
    db.cleanup().await;
}

#[tokio::test]
async fn a_household_needs_exactly_one_head() {
    let mut b = small_bundle();
    let spouse = id(341181, "1972-08-19", 22);
    plant(
        &mut b,
        "members",
        "李秀英",
        &format!("H001,{spouse},李秀英,head,chronic,weak,none,1,1,0"),
    );
    let e = errors_of(&b).await;
    assert!(has(&e, "households.csv", 2, "household_id"), "{e:#?}");
    assert!(e[0].reason.contains("2名户主"), "{e:#?}");

    let mut b = small_bundle();
    plant(
        &mut b,
        "members",
        "张建国",
        &format!(
            "H002,{},张建国,other,disabled,lost,none,1,1,0",
            id(342301, "1950-01-15", 41)
        ),
    );
    let e = errors_of(&b).await;
    assert!(has(&e, "households.csv", 3, "household_id"), "{e:#?}");
}

#[tokio::test]
async fn headers_references_and_warnings() {
    // An unknown column, a missing required column.
    let mut b = small_bundle();
    let text = b["stations"].replace("upgraded_year", "upgrade_yr");
    b.insert("stations", text);
    let text = b["units"]
        .replace("unit_id,name,kind", "unit_id,name")
        .replace(",organ", "")
        .replace(",enterprise", "");
    b.insert("units", text);
    let e = errors_of(&b).await;
    assert!(has(&e, "stations.csv", 1, "upgrade_yr"), "{e:#?}");
    assert!(has(&e, "units.csv", 1, "kind"), "{e:#?}");
    // References to a file whose header is broken are not reported again row by row.
    assert!(!e.iter().any(|i| i.file == "cadres.csv"), "{e:#?}");

    // Warnings do not stop the import: a child with labour, head and spouse of the same sex.
    let mut b = small_bundle();
    plant(
        &mut b,
        "members",
        "王小明",
        &format!(
            "H001,{},王小明,child,healthy,ordinary,primary,1,0,0",
            id(341181, "2016-06-01", 31)
        ),
    );
    plant(
        &mut b,
        "members",
        "李秀英",
        &format!(
            "H001,{},李秀英,spouse,chronic,weak,none,1,1,0",
            id(341181, "1972-08-19", 23)
        ),
    );
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("w"), &b);
    let report = import(&db, &dir).await;
    assert!(report.committed, "{:#?}", report.errors);
    assert!(
        has(&report.warnings, "members.csv", 4, "labour"),
        "{:#?}",
        report.warnings
    );
    assert!(
        has(&report.warnings, "members.csv", 3, "relation"),
        "{:#?}",
        report.warnings
    );
    db.cleanup().await;
}

#[tokio::test]
async fn an_unknown_file_in_the_folder_is_an_error() {
    let mut b = small_bundle();
    b.insert("household", "household_id\nH9\n".to_string());
    let e = errors_of(&b).await;
    assert!(
        e.iter()
            .any(|i| i.file.contains("household.csv") && i.row == 0),
        "{e:#?}"
    );
}

#[tokio::test]
async fn one_wrong_reference_is_reported_once() {
    // A cadre with an unknown unit: the cadre's row is the error, not every pairing naming it.
    let mut b = small_bundle();
    let row = plant(&mut b, "cadres", "C3,", "C3,周强,U9,helper,");
    let e = errors_of(&b).await;
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(has(&e, "cadres.csv", row, "unit_id"), "{e:#?}");

    // A header cell left empty in the middle would lose that column: refused.
    let mut b = small_bundle();
    let text = b["units"]
        .replace("unit_id,name,kind", "unit_id,,kind")
        .replace("滁州市财政局,", "x,")
        .replace("天长市农商行,", "y,");
    b.insert("units", text);
    let e = errors_of(&b).await;
    assert!(has(&e, "units.csv", 1, "B"), "{e:#?}");
}

#[tokio::test]
async fn a_row_with_cells_beyond_the_header_does_not_hide_later_errors() {
    let mut b = small_bundle();
    let extra = plant(&mut b, "units", "U1,", "U1,滁州市财政局,organ,多余的值");
    let bad_kind = plant(&mut b, "units", "U2,", "U2,天长市农商行,bank");
    let e = errors_of(&b).await;
    assert!(has(&e, "units.csv", extra, "D"), "{e:#?}");
    assert!(has(&e, "units.csv", bad_kind, "kind"), "{e:#?}");
}
