//! Bad input tried as an attacker or a careless user would: each case gets a clear error naming
//! where it is, nothing is written, and no workbook or CSV can make the reader allocate without
//! bound. Runs on SQLite, and on PostgreSQL with XPLUS_TEST_DATABASE_URL.

mod common;
mod workbooks;

use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use xplus_core::interchange::schema::HOUSEHOLDS;
use xplus_store::bundle::source::{BundleSource, Encoding, ReadLimits, SourceError};
use xplus_store::records::{Arg, Filter};
use xplus_store::Refusal;
use xplus_store::{Issue, StoreError};

fn find<'a>(errors: &'a [Issue], file: &str, row: u32) -> Option<&'a Issue> {
    errors.iter().find(|e| e.file == file && e.row == row)
}

/// Imports `bundle` into a fresh database, expects it refused, and checks nothing was written.
async fn refused(bundle: &BTreeMap<&'static str, String>) -> (TestDb, Vec<Issue>) {
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), bundle);
    let report = import(&db, &path).await;
    assert!(!report.committed, "imported: {:#?}", report.warnings);
    assert!(db.store.is_empty().await.unwrap());
    (db, report.errors)
}

#[tokio::test]
async fn a_utf8_file_with_one_bad_byte_is_an_error_naming_its_row_not_gb18030() {
    let dir = tempfile::tempdir().unwrap();
    let mut members = small_bundle()["members"].clone().into_bytes();
    // The fourth row's name (张建国) loses a byte of its last character.
    let at = members
        .windows("张建国".len())
        .position(|w| w == "张建国".as_bytes())
        .unwrap();
    members[at + 7] = 0xFF;
    let bundle_dir = dir.path().join("b");
    let mut bundle = small_bundle();
    bundle.remove("members");
    write_bundle(&bundle_dir, &bundle);
    std::fs::write(bundle_dir.join("members.csv"), &members).unwrap();

    let source = BundleSource::open(&bundle_dir, Encoding::Auto).unwrap();
    let file = source
        .files()
        .iter()
        .find(|f| f.file_name() == "members.csv")
        .unwrap();
    let table = source.open_table(file).unwrap();
    assert_eq!(table.encoding_used(), "UTF-8");

    let db = TestDb::fresh().await;
    let report = import(&db, &bundle_dir).await;
    assert!(!report.committed);
    let e = find(&report.errors, "members.csv", 5).expect("row 5 named");
    assert_eq!(e.column, "C");
    assert!(e.reason.contains("UTF-8"), "{}", e.reason);
    // The other rows are read as they are, not as GB18030: no other error in the file.
    assert_eq!(
        report
            .errors
            .iter()
            .filter(|e| e.file == "members.csv")
            .count(),
        1,
        "{:#?}",
        report.errors
    );
    assert!(db.store.is_empty().await.unwrap());
    db.cleanup().await;
}

#[tokio::test]
async fn a_file_valid_in_neither_encoding_names_its_first_bad_row() {
    let mut bundle = small_bundle();
    // GB18030 text with a byte no encoding allows (0xFF) on row 3.
    let text = "unit_id,name,kind\nU1,滁州市财政局,organ\nU2,天长市\u{1}农商行,enterprise\n";
    let (mut gb, _, _) = encoding_rs::GB18030.encode(text);
    let bytes = gb.to_mut();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xFF;
    bundle.remove("units");
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("b"), &bundle);
    std::fs::write(dir.join("units.csv"), &*gb).unwrap();
    let report = import(&db, &dir).await;
    assert!(!report.committed);
    let e = find(&report.errors, "units.csv", 3).expect("row 3 named");
    assert!(e.reason.contains("GB18030"), "{}", e.reason);
    db.cleanup().await;
}

/// Imports the bundle at `path` into `db`, expects it taken, and reads back what `db` then exports
/// (CSV, English headers) into the folder `out` beside it.
async fn imported_then_exported(db: &TestDb, path: &Path, out: &str) -> BTreeMap<String, String> {
    let report = import(db, path).await;
    assert!(report.committed, "{:#?}", report.errors);
    let out = db.dir().join(out);
    export(db, &out, false).await;
    read_folder(&out)
}

#[tokio::test]
async fn invisible_characters_in_keys_and_names_are_refused() {
    let mut b = small_bundle();
    let rows = [
        // A look-alike of H001 with a zero-width space, one with U+2060, full-width digits and
        // a right-to-left override.
        ("H0\u{200b}01", 5),
        ("H\u{2060}001", 6),
        ("Ｈ００４", 7),
        ("\u{202e}100H", 8),
    ];
    let mut households = b["households"].clone();
    for (id, _) in rows {
        households.push_str(&format!("{id},341181100201,2014,poor,,illness,1,1,1,1\n"));
    }
    b.insert("households", households);
    // A name of zero-width spaces looks empty but is not; a BOM in the middle of a file
    // would become part of a unit's id.
    b.insert(
        "units",
        "unit_id,name,kind\nU1,\u{200b}\u{200b},organ\n\u{feff}U2,天长市农商行,enterprise\n"
            .to_string(),
    );
    let (db, errors) = refused(&b).await;
    for (id, row) in rows {
        let e = find(&errors, "households.csv", row).unwrap_or_else(|| panic!("{id:?}"));
        assert_eq!(e.column, "household_id", "{id:?}");
    }
    assert!(find(&errors, "households.csv", 7)
        .unwrap()
        .reason
        .contains("全角"));
    let name = find(&errors, "units.csv", 2).expect("empty-looking name");
    assert_eq!(name.column, "name");
    assert!(name.reason.contains("零宽空格"), "{}", name.reason);
    let bom = find(&errors, "units.csv", 3).expect("BOM inside a file");
    assert_eq!(bom.column, "unit_id");
    db.cleanup().await;
}

#[tokio::test]
async fn names_are_stored_in_nfc() {
    let mut b = small_bundle();
    // "Zoë" typed with a combining diaeresis is stored as one precomposed character.
    let members = b["members"].replace("王小明", "Zoe\u{308}");
    b.insert("members", members);
    let db = TestDb::fresh().await;
    let report = import(&db, &write_bundle(&db.dir().join("b"), &b)).await;
    assert!(report.committed, "{:#?}", report.errors);
    export(&db, &db.dir().join("out"), false).await;
    let members = &read_folder(&db.dir().join("out"))["members.csv"];
    assert!(members.contains("Zo\u{eb}") && !members.contains("e\u{308}"));
    db.cleanup().await;
}

#[tokio::test]
async fn a_nul_is_bad_input_in_a_cell_and_in_a_query_on_both_backends() {
    let mut b = small_bundle();
    b.insert(
        "units",
        "unit_id,name,kind\nU1,滁州市\0财政局,organ\nU2,天长市农商行,enterprise\n".to_string(),
    );
    let (db, errors) = refused(&b).await;
    assert_eq!(find(&errors, "units.csv", 2).unwrap().column, "name");

    // A filter carrying NUL (a search box) is refused before PostgreSQL sees it.
    let mut session = db.store.read_session().await.unwrap();
    let filter = Filter::new().and("household_id = ?", vec![Arg::Text("H\0".into())]);
    let err = session.select(&HOUSEHOLDS, &filter, "", None).await;
    assert!(
        matches!(err, Err(StoreError::Refused(Refusal::Invalid(_)))),
        "{err:?}"
    );
    let err = session.count(&HOUSEHOLDS, &filter).await;
    assert!(
        matches!(err, Err(StoreError::Refused(Refusal::Invalid(_)))),
        "{err:?}"
    );
    drop(session);
    db.cleanup().await;
}

#[tokio::test]
async fn formulas_are_neutralised_in_csv_and_plain_strings_in_xlsx_and_round_trip() {
    let mut b = small_bundle();
    let hyperlink = "=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"详情\"\")";
    let members = b["members"]
        .replace("王小明", &format!("\"{hyperlink}\""))
        .replace("李秀英", "@SUM(A1)");
    b.insert("members", members);
    b.insert(
        "units",
        "unit_id,name,kind\nU1,-滁州市财政局,organ\nU2,''=已是文字,enterprise\n".to_string(),
    );
    let db = TestDb::fresh().await;
    let files = imported_then_exported(&db, &write_bundle(&db.dir().join("b"), &b), "out").await;
    assert!(
        files["members.csv"].contains("\"'=HYPERLINK("),
        "{}",
        files["members.csv"]
    );
    assert!(files["members.csv"].contains(",'@SUM(A1),"));
    assert!(files["units.csv"].contains("U1,'-滁州市财政局,"));
    assert!(files["units.csv"].contains("U2,''=已是文字,"));
    // Negative money is a number, not text: no apostrophe.
    assert!(!files["incomes.csv"].contains('\''));

    // Stored as typed, and a second database gets exactly the same back.
    let again = TestDb::fresh().await;
    let copied = imported_then_exported(&again, &db.dir().join("out"), "out").await;
    assert_eq!(copied, files);

    let book = db.dir().join("out.xlsx");
    export(&db, &book, false).await;
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let units = wb.worksheet_range("units").unwrap();
    assert_eq!(
        units.get((1, 1)),
        Some(&Data::String("-滁州市财政局".into()))
    );
    assert!(wb.worksheet_formula("members").unwrap().is_empty());
    again.cleanup().await;
    db.cleanup().await;
}

/// PostgreSQL loads an import with COPY's text format, where a backslash starts an escape and
/// `\N` means NULL: a cell holding them is stored and exported byte for byte, on both backends.
#[tokio::test]
async fn backslashes_and_a_literal_null_marker_round_trip() {
    let mut b = small_bundle();
    b.insert(
        "units",
        "unit_id,name,kind\nU1,\\N,organ\nU2,财政局\\t分局\\,enterprise\nU3,\\\\双,organ\n"
            .to_string(),
    );
    let db = TestDb::fresh().await;
    let files = imported_then_exported(&db, &write_bundle(&db.dir().join("b"), &b), "out").await;
    assert!(
        files["units.csv"].contains("U1,\\N,organ"),
        "{}",
        files["units.csv"]
    );
    assert!(files["units.csv"].contains("U2,财政局\\t分局\\,enterprise"));
    assert!(files["units.csv"].contains("U3,\\\\双,organ"));
    // A second import of the same rows goes through the staging table (the table has rows).
    let again = imported_then_exported(&db, &db.dir().join("out"), "out2").await;
    assert_eq!(again, files);
    db.cleanup().await;
}

#[tokio::test]
async fn what_used_to_pass_in_silence_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // An empty folder.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let err = BundleSource::open(&empty, Encoding::Auto).unwrap_err();
    assert!(matches!(err, SourceError::Empty { .. }), "{err}");

    // A misspelt file beside a bundle.
    let mut b = small_bundle();
    let members = b.remove("members").unwrap();
    let db = TestDb::fresh().await;
    let path = write_bundle(&db.dir().join("b"), &b);
    std::fs::write(path.join("members.csv.txt"), members).unwrap();
    let report = import(&db, &path).await;
    assert!(!report.committed);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.file == "members.csv.txt" && e.row == 0),
        "{:#?}",
        report.errors
    );
    assert!(db.store.is_empty().await.unwrap());
    db.cleanup().await;

    // A row with too few fields, and a 10 MB cell quoted only by its start.
    let mut b = small_bundle();
    let huge = "字".repeat(10 * 1024 * 1024 / 3);
    b.insert(
        "units",
        format!("unit_id,name,kind\nU1,滁州市财政局\nU2,{huge},enterprise\n"),
    );
    let (db, errors) = refused(&b).await;
    let short = find(&errors, "units.csv", 2).expect("short row");
    assert!(short.reason.contains("表头有3个"), "{}", short.reason);
    let long = find(&errors, "units.csv", 3).expect("long cell");
    assert!(long.value.chars().count() < 80, "{}", long.value.len());
    assert!(long.reason.len() < 300, "{}", long.reason.len());
    db.cleanup().await;
}

#[tokio::test]
async fn true_in_a_money_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("incomes.xlsx");
    workbooks::incomes_with_a_boolean(&book);
    let db = TestDb::fresh().await;
    let mut b = small_bundle();
    b.remove("incomes");
    let report = import(&db, &write_bundle(&db.dir().join("b"), &b)).await;
    assert!(report.committed, "{:#?}", report.errors);
    let report = import(&db, &book).await;
    assert!(!report.committed);
    let e = find(&report.errors, "incomes.csv", 2).expect("the TRUE cell");
    assert_eq!((e.column.as_str(), e.value.as_str()), ("wage", "TRUE"));
    db.cleanup().await;
}

#[test]
fn a_stray_far_away_cell_costs_nothing_and_a_value_there_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // An empty formatted cell at XFD1048576, as real workbooks carry: read as no data.
    let blank = dir.path().join("blank.xlsx");
    workbooks::households_with_far_cell(&blank, None);
    let source = BundleSource::open(&blank, Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    let mut record = csv::StringRecord::new();
    let mut rows = 0;
    while table.read(&mut record).unwrap().is_some() {
        rows += 1;
    }
    assert_eq!(rows, 2);

    // A value there is beyond the header: an error naming its row and column.
    let far = dir.path().join("far.xlsx");
    workbooks::households_with_far_cell(&far, Some("x"));
    let source = BundleSource::open(&far, Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    let err = loop {
        match table.read(&mut record) {
            Ok(Some(_)) => {}
            Ok(None) => panic!("no error"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(&err, SourceError::ExtraCells { row: 1048576, column, .. } if column == "XFD"),
        "{err:?}"
    );
}

#[test]
fn workbooks_past_their_limits_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("b.xlsx");
    workbooks::households_with_far_cell(&book, None);
    let small = |f: fn(&mut ReadLimits)| {
        let mut limits = ReadLimits::default();
        f(&mut limits);
        BundleSource::open_with(&book, Encoding::Auto, limits).unwrap_err()
    };
    let err = small(|l| l.part_bytes = 100);
    assert!(matches!(err, SourceError::TooLarge { .. }), "{err}");
    let err = small(|l| l.total_bytes = 1000);
    assert!(matches!(err, SourceError::TooLarge { .. }), "{err}");
    let err = small(|l| l.run_bytes = 3);
    assert!(matches!(err, SourceError::LongCell { .. }), "{err}");

    // Not a workbook, though named like one; other spreadsheet formats are named as such.
    let broken = dir.path().join("broken.xlsx");
    workbooks::without_workbook_part(&broken);
    let err = BundleSource::open(&broken, Encoding::Auto).unwrap_err();
    assert!(
        matches!(&err, SourceError::NotAWorkbook { en, .. } if en.contains("xl/workbook.xml")),
        "{err}"
    );
    let xls = dir.path().join("old.xls");
    std::fs::write(&xls, b"not read").unwrap();
    let err = BundleSource::open(&xls, Encoding::Auto).unwrap_err();
    assert!(matches!(err, SourceError::WorkbookFormat { .. }), "{err}");
}

#[test]
fn a_few_mb_that_inflate_to_gigabytes_are_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, filler) in [("spaces.xlsx", b' '), ("one_cell.xlsx", b'a')] {
        let book = dir.path().join(name);
        workbooks::inflating(&book, filler, 3 << 30);
        assert!(std::fs::metadata(&book).unwrap().len() < 8 << 20);
        let started = std::time::Instant::now();
        let err = BundleSource::open(&book, Encoding::Auto).unwrap_err();
        assert!(matches!(err, SourceError::LongCell { .. }), "{name}: {err}");
        // Refused after reading a few hundred KB, not after inflating 3 GB.
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}

#[test]
fn what_the_size_check_used_to_let_through_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |name: &str| BundleSource::open(&dir.path().join(name), Encoding::Auto);
    // A reference far beyond Excel's grid: one cell would have made a row of 321 million columns.
    workbooks::with_sheet_data(
        &dir.path().join("far.xlsx"),
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>household_id</t></is></c></row><row r="2"><c r="AAAAAAA2" t="inlineStr"><is><t>x</t></is></c></row>"#,
    );
    let source = refused("far.xlsx").unwrap();
    let mut record = csv::StringRecord::new();
    let err = match source.open_table(&source.files()[0]) {
        Ok(mut table) => table.read(&mut record).unwrap_err(),
        Err(e) => e,
    };
    assert!(matches!(err, SourceError::NotAWorkbook { .. }), "{err}");

    // A sheet stored under a name that is not .xml (calamine follows the relationships).
    workbooks::inflating_part(
        &dir.path().join("bin.xlsx"),
        "xl/worksheets/sheet1.bin",
        b" ",
        3 << 30,
    );
    let err = refused("bin.xlsx").unwrap_err();
    assert!(matches!(err, SourceError::LongCell { .. }), "{err}");
    // One huge cell with a '>' every 100 KB (legal in text): still one run to the next '<'.
    let mut unit = vec![b'a'; 100 << 10];
    unit.push(b'>');
    workbooks::inflating_part(
        &dir.path().join("gt.xlsx"),
        "xl/worksheets/sheet1.xml",
        &unit,
        2 << 30,
    );
    let err = refused("gt.xlsx").unwrap_err();
    assert!(matches!(err, SourceError::LongCell { .. }), "{err}");
    // Comments and CDATA may hold '<' without ending; Excel writes neither.
    workbooks::with_sheet_data(&dir.path().join("comment.xlsx"), "<!-- <row/> -->");
    let err = refused("comment.xlsx").unwrap_err();
    assert!(
        matches!(&err, SourceError::NotAWorkbook { en, .. } if en.contains("comment")),
        "{err}"
    );
}

#[test]
fn a_header_after_a_row_of_empty_fields_is_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("units.csv"),
        ",,,\r\n\r\nunit_id,name,kind\r\nU1,滁州市财政局,organ\r\n",
    )
    .unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    assert_eq!(table.header(), ["unit_id", "name", "kind"]);
    let mut record = csv::StringRecord::new();
    assert_eq!(table.read(&mut record).unwrap(), Some(4));
}

#[test]
fn mixed_and_ambiguous_encodings_are_never_read_into_other_characters() {
    let dir = tempfile::tempdir().unwrap();
    let read = |bytes: &[u8]| {
        std::fs::write(dir.path().join("units.csv"), bytes).unwrap();
        let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
        let mut table = source.open_table(&source.files()[0]).unwrap();
        let encoding = table.encoding_used();
        let mut record = csv::StringRecord::new();
        let mut rows = Vec::new();
        loop {
            match table.read(&mut record) {
                Ok(Some(row)) => rows.push(Ok((row, record.get(1).unwrap().to_string()))),
                Ok(None) => break,
                Err(e) => rows.push(Err(e.row_problem().map(|(r, _)| r))),
            }
        }
        (encoding, rows)
    };
    // Ten rows saved as GB18030 and ten as UTF-8, one after the other: read as UTF-8, each
    // GB18030 row is an error instead of the UTF-8 rows turning into other characters.
    let mut mixed = b"unit_id,name,kind\n".to_vec();
    for i in 0..10 {
        let line = format!("G{i},天长市农商行{i},enterprise\n");
        mixed.extend_from_slice(&encoding_rs::GB18030.encode(&line).0);
    }
    for i in 0..10 {
        mixed.extend(format!("U{i},滁州市财政局{i},organ\n").bytes());
    }
    let (encoding, rows) = read(&mixed);
    assert_eq!(encoding, "UTF-8");
    assert_eq!(rows.iter().filter(|r| r.is_err()).count(), 10, "{rows:?}");
    assert!(rows
        .iter()
        .flatten()
        .all(|(_, name)| name.starts_with("滁州市财政局")));
    // A short GBK file that happens to be valid UTF-8 ("小" is D0 A1): GB18030, not Cyrillic.
    let (gb, _, _) = encoding_rs::GB18030.encode("unit_id,name,kind\nU1,小,organ\n");
    let (encoding, rows) = read(&gb);
    assert_eq!(encoding, "GB18030");
    assert_eq!(rows, [Ok((2, "小".to_string()))]);
}
