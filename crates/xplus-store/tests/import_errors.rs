//! Bad input gets a clear error and changes nothing: every planted error is reported with its
//! file, row (as Excel counts) and column, and the database is left as it was.

mod common;

use common::*;
use std::collections::BTreeMap;
use xplus_core::interchange::ALL_FILES;
use xplus_store::Issue;

/// Replaces the line of `file` that contains `find` with `line`; returns its Excel row number.
fn plant(
    b: &mut BTreeMap<&'static str, String>,
    file: &'static str,
    find: &str,
    line: &str,
) -> u32 {
    let text = b[file].clone();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.contains(find))
        .unwrap_or_else(|| panic!("{find} not in {file}"));
    lines[i] = line.to_string();
    b.insert(file, lines.join("\n") + "\n");
    i as u32 + 1
}

/// Appends a line to `file`; returns its Excel row number.
fn append(b: &mut BTreeMap<&'static str, String>, file: &'static str, line: &str) -> u32 {
    let mut text = b[file].clone();
    text.push_str(line);
    text.push('\n');
    let row = text.lines().count() as u32;
    b.insert(file, text);
    row
}

fn has(errors: &[Issue], file: &str, row: u32, column: &str) -> bool {
    errors
        .iter()
        .any(|e| e.file == file && e.row == row && e.column == column)
}

async fn total_rows(db: &TestDb) -> u64 {
    let mut n = 0;
    for f in ALL_FILES {
        n += db.store.count(f).await.unwrap();
    }
    n
}

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

async fn errors_of(b: &BTreeMap<&'static str, String>) -> Vec<Issue> {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("b"), b);
    let report = import(&db, &dir).await;
    assert!(!report.committed || report.errors.is_empty());
    assert!(report.errors.is_empty() || total_rows(&db).await == 0);
    db.cleanup().await;
    report.errors
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
async fn rule_7_no_poor_household_left_without_a_helper() {
    // The successor starts two days after the end: one day uncovered.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "cadre_household_pairings",
        "C3,H001",
        "C3,H001,2016-07-02,",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "cadre_household_pairings.csv", row - 1, "end_date"),
        "{e:#?}"
    );
    assert!(e.iter().any(|i| i.reason.contains("§7")));

    // The same end for an exited household is fine (H002 exited in 2015).
    let b = small_bundle();
    assert!(errors_of(&b).await.is_empty());

    // A unit may not leave a poor village that has not exited.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "unit_village_pairings",
        "U2,",
        "U2,341181100201,2015-06-01,2016-12-31,0",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "unit_village_pairings.csv", row, "end_date"),
        "{e:#?}"
    );

    // Capacity: C3 already helps H003 and (from 2016-07-01) H001; four more make six at once.
    let mut b = small_bundle();
    let mut last = 0;
    for n in 0..4 {
        let hid = format!("H1{n}");
        append(
            &mut b,
            "households",
            &format!("{hid},341181100202,2015,poor,,illness,1,1,1,1"),
        );
        append(
            &mut b,
            "members",
            &format!(
                "{hid},{},某甲{n},head,healthy,ordinary,none,1,1,0",
                id(341181, "1960-01-01", 101 + 2 * n)
            ),
        );
        last = append(
            &mut b,
            "cadre_household_pairings",
            &format!("C3,{hid},2016-08-01,"),
        );
    }
    let e = errors_of(&b).await;
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        has(&e, "cadre_household_pairings.csv", last, "cadre_id"),
        "{e:#?}"
    );
}

#[tokio::test]
async fn rule_8_ledger_loans_and_pledged_shares() {
    // A grant beyond the pool (20 total; 5 held after H002's reclaim; 16 more).
    let mut b = small_bundle();
    let row = append(&mut b, "share_events", "P1,H003,2016-02-01,grant,16");
    let e = errors_of(&b).await;
    assert!(has(&e, "share_events.csv", row, "shares"), "{e:#?}");

    // Exactly the pool is fine.
    let mut b = small_bundle();
    append(&mut b, "share_events", "P1,H003,2016-02-01,grant,15");
    assert!(errors_of(&b).await.is_empty());

    // Term over 60 months, and pledging more than held.
    let mut b = small_bundle();
    let row = plant(&mut b, "loans", "L1", "L1,H001,P1,6,100,2016-01-10,61,");
    let e = errors_of(&b).await;
    assert!(has(&e, "loans.csv", row, "term_months"), "{e:#?}");
    assert!(has(&e, "loans.csv", row, "pledged_shares"), "{e:#?}");

    // Reclaiming pledged shares before the loan is repaid.
    let mut b = small_bundle();
    let row = append(&mut b, "share_events", "P1,H001,2016-06-01,reclaim,1");
    let e = errors_of(&b).await;
    assert!(has(&e, "share_events.csv", row, "shares"), "{e:#?}");
    assert!(e.iter().any(|i| i.reason.contains("L1")));
    // After repayment it is allowed.
    let mut b = small_bundle();
    plant(
        &mut b,
        "loans",
        "L1",
        "L1,H001,P1,5,40000,2016-01-10,60,2016-05-31",
    );
    append(&mut b, "share_events", "P1,H001,2016-06-01,reclaim,1");
    assert!(errors_of(&b).await.is_empty());
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

/// Imports `first`, then checks that `second` is refused with an error on `file` at `row`, and
/// that the database still holds exactly the first import.
async fn refused_after(
    first: &BTreeMap<&'static str, String>,
    second: &BTreeMap<&'static str, String>,
    file: &str,
    row: u32,
    column: &str,
) {
    let db = TestDb::fresh().await;
    let one = write_bundle(&db.dir().join("one"), first);
    let report = import(&db, &one).await;
    assert!(report.committed, "{:#?}", report.errors);
    let before = db.dir().join("before");
    export(&db, &before, false).await;
    let two = write_bundle(&db.dir().join("two"), second);
    let report = import(&db, &two).await;
    assert!(!report.committed);
    assert!(
        has(&report.errors, file, row, column),
        "{:#?}",
        report.errors
    );
    let after = db.dir().join("after");
    export(&db, &after, false).await;
    assert_eq!(read_folder(&after), read_folder(&before));
    db.cleanup().await;
}

fn only(
    b: &BTreeMap<&'static str, String>,
    files: &[&'static str],
) -> BTreeMap<&'static str, String> {
    b.iter()
        .filter(|(k, _)| files.contains(k))
        .map(|(k, v)| (*k, v.clone()))
        .collect()
}

#[tokio::test]
async fn a_bundle_row_dated_before_stored_rows_is_still_checked() {
    // Stored: P1 has 20 shares, 5 held by H001 after H002's reclaim. A later bundle grants 16
    // to H003 on a day *before* the stored grants: the pool overflows when the stored grants
    // are replayed, and the bundle's row is the one named.
    let mut first = small_bundle();
    append(&mut first, "share_events", "P1,H003,2016-06-01,grant,10");
    let mut second = only(&first, &[]);
    second.insert(
        "share_events",
        "project_id,household_id,date,kind,shares\nP1,H001,2014-01-01,grant,11\n".to_string(),
    );
    refused_after(&first, &second, "share_events.csv", 2, "shares").await;

    // Stored: C3 helps H003, H001 (from 2016-07-01) and three more from 2016-08-01: five at
    // once, the limit. A bundle pairing C3 with a sixth household from an earlier day is refused.
    let mut first = small_bundle();
    for n in 0..3 {
        let hid = format!("H1{n}");
        append(
            &mut first,
            "households",
            &format!("{hid},341181100202,2015,poor,,illness,1,1,1,1"),
        );
        append(
            &mut first,
            "members",
            &format!(
                "{hid},{},某甲{n},head,healthy,ordinary,none,1,1,0",
                id(341181, "1960-01-01", 101 + 2 * n)
            ),
        );
        append(
            &mut first,
            "cadre_household_pairings",
            &format!("C3,{hid},2016-08-01,"),
        );
    }
    let mut second = only(&first, &[]);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH20,341181100202,2015,poor,,illness,1,1,1,1\n".to_string());
    second.insert("members", format!("household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\nH20,{},某乙,head,healthy,ordinary,none,1,1,0\n", id(341181, "1961-01-01", 201)));
    second.insert(
        "cadre_household_pairings",
        "cadre_id,household_id,start_date,end_date\nC3,H20,2015-06-01,\n".to_string(),
    );
    refused_after(
        &first,
        &second,
        "cadre_household_pairings.csv",
        2,
        "cadre_id",
    )
    .await;
}

#[tokio::test]
async fn pledges_add_up_and_stay_until_repaid() {
    // Two unpaid loans may not pledge the same five shares twice.
    let mut b = small_bundle();
    let row = append(&mut b, "loans", "L2,H001,P1,5,100,2016-02-01,12,");
    let e = errors_of(&b).await;
    assert!(has(&e, "loans.csv", row, "pledged_shares"), "{e:#?}");

    // A new loan against shares the stored ledger reclaims while it is unpaid.
    let mut first = small_bundle();
    plant(
        &mut first,
        "loans",
        "L1",
        "L1,H001,P1,5,40000,2016-01-10,60,2016-05-31",
    );
    append(&mut first, "share_events", "P1,H001,2018-01-01,reclaim,5");
    let mut second = only(&first, &[]);
    second.insert("loans", "loan_id,household_id,project_id,pledged_shares,amount,start_date,term_months,repaid_date\nL3,H001,P1,5,100,2017-03-01,24,\n".to_string());
    refused_after(&first, &second, "loans.csv", 2, "pledged_shares").await;
}

#[tokio::test]
async fn a_helper_may_leave_after_the_household_exited() {
    // Exited in 2015, helper left in 2016, now monitored again: the old end was lawful.
    let mut b = small_bundle();
    plant(
        &mut b,
        "households",
        "H002,",
        "H002,341181100201,2014,monitored,2015,disability,1,1,1,0",
    );
    append(&mut b, "cadre_household_pairings", "C3,H002,2017-01-01,");
    assert!(errors_of(&b).await.is_empty());
    // Still poor (never exited): the same gap is refused.
    let mut b = small_bundle();
    let row = plant(
        &mut b,
        "cadre_household_pairings",
        "C3,H001",
        "C3,H001,2016-07-05,",
    );
    let e = errors_of(&b).await;
    assert!(
        has(&e, "cadre_household_pairings.csv", row - 1, "end_date"),
        "{e:#?}"
    );
}

#[tokio::test]
async fn a_village_that_is_not_exited_keeps_its_unit() {
    // Stored: U2's pairing ended in 2016 after the village exited in 2016. A bundle that undoes
    // the exit is refused on the village row.
    let mut first = small_bundle();
    plant(
        &mut first,
        "villages",
        "341181100201",
        "341181100201,1,1200,2016,",
    );
    plant(
        &mut first,
        "unit_village_pairings",
        "U2,",
        "U2,341181100201,2015-06-01,2016-12-31,0",
    );
    let mut second = only(&first, &["regions"]);
    second.insert("villages", "village_code,poor_village,population,exit_year,planned_exit_year\n341181100201,1,1200,,2017\n".to_string());
    refused_after(&first, &second, "villages.csv", 2, "exit_year").await;
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
async fn a_stored_household_moves_only_along_its_lifecycle() {
    // H002 exited in 2015: it may become monitored or returned, not poor again.
    let first = small_bundle();
    let mut second = only(&first, &[]);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH002,341181100201,2014,poor,2015,disability,1,1,1,0\n".to_string());
    refused_after(&first, &second, "households.csv", 2, "status").await;

    let db = TestDb::fresh().await;
    let one = write_bundle(&db.dir().join("one"), &first);
    assert!(import(&db, &one).await.committed);
    second.insert("households", "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\nH002,341181100201,2014,returned,2015,disability,1,1,1,0\n".to_string());
    let two = write_bundle(&db.dir().join("two"), &second);
    let report = import(&db, &two).await;
    assert!(report.committed, "{:#?}", report.errors);
    db.cleanup().await;
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
