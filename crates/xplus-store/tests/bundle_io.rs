//! Bundle reading and writing with real files: encodings, CSV details, file matching, and the
//! sink → source round trip through both a folder and a workbook.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use csv::StringRecord;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use xplus_core::interchange::cell::{self, Value};
use xplus_core::interchange::schema::{FileId, FileSpec, HOUSEHOLDS, INCOMES, MEMBERS, VILLAGES};
use xplus_core::values::{parse_date, Date};
use xplus_store::bundle::sink::{BundleSink, SinkError};
use xplus_store::bundle::source::{number_text, BundleSource, Encoding, SourceError, TableReader};

fn today() -> Date {
    parse_date("2026-01-01").unwrap()
}

/// Every data row with its row number.
fn read_all(table: &mut TableReader) -> Vec<(u32, Vec<String>)> {
    let mut record = StringRecord::new();
    let mut rows = Vec::new();
    while let Some(row) = table.read(&mut record).unwrap() {
        rows.push((row, record.iter().map(str::to_string).collect()));
    }
    rows
}

const HOUSEHOLDS_ZH: &str = "户编号,村代码,识别年度,状态,致贫原因\r\n\
    张庄001,341181100201,2014,贫困,\"因病,因残\"\r\n\
    \r\n\
    张庄002,341181100201,2015,已脱贫,\"因学\r\n因灾\"\r\n\
    ,,,,\r\n\
    张庄003,341181100201,2016,监测,缺水\r\n\
    \r\n\
    ,,,\r\n\
    \r\n";

fn expected_households() -> Vec<(u32, Vec<String>)> {
    let row = |n: u32, cells: [&str; 5]| (n, cells.iter().map(|c| c.to_string()).collect());
    vec![
        row(2, ["张庄001", "341181100201", "2014", "贫困", "因病,因残"]),
        row(
            4,
            ["张庄002", "341181100201", "2015", "已脱贫", "因学\r\n因灾"],
        ),
        row(6, ["张庄003", "341181100201", "2016", "监测", "缺水"]),
    ]
}

#[test]
fn csv_in_utf8_utf8_bom_and_gb18030_reads_back_identically() {
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(HOUSEHOLDS_ZH);
    assert!(!unmappable);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(HOUSEHOLDS_ZH.as_bytes());
    let cases: [(&[u8], &str); 3] = [
        (HOUSEHOLDS_ZH.as_bytes(), "UTF-8"),
        (&bom, "UTF-8 (BOM)"),
        (&gb, "GB18030"),
    ];
    for (bytes, encoding) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("households.csv"), bytes).unwrap();
        let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
        assert_eq!(source.files().len(), 1);
        assert_eq!(source.files()[0].spec.id, FileId::Households);
        let mut table = source.open_table(&source.files()[0]).unwrap();
        assert_eq!(table.encoding_used(), encoding);
        assert_eq!(table.file_name(), "households.csv");
        assert_eq!(
            table.header(),
            ["户编号", "村代码", "识别年度", "状态", "致贫原因"],
            "{encoding}"
        );
        assert_eq!(read_all(&mut table), expected_households(), "{encoding}");
    }
}

#[test]
fn lf_line_endings_leading_blank_lines_and_short_rows_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\nhousehold_id,village_code,identified_year,,\nH1,341181100201\n\n\"H\n2\",341181100201,2015,,\nH3";
    std::fs::write(dir.path().join("Households.CSV"), text).unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    assert_eq!(table.file_name(), "Households.CSV");
    assert_eq!(
        table.header(),
        ["household_id", "village_code", "identified_year"]
    );
    // A row with fewer fields than the header lost one somewhere: an error naming it, and the
    // rows after it are still read.
    let mut record = StringRecord::new();
    let mut seen = Vec::new();
    loop {
        match table.read(&mut record) {
            Ok(Some(row)) => seen.push(Ok((
                row,
                record.iter().map(str::to_string).collect::<Vec<_>>(),
            ))),
            Ok(None) => break,
            Err(SourceError::ShortRow {
                row,
                fields,
                expected,
                ..
            }) => seen.push(Err((row, fields, expected))),
            Err(e) => panic!("{e}"),
        }
    }
    let cells = |r: &[&str]| r.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        seen,
        vec![
            Err((3, 2, 3)),
            Ok((5, cells(&["H\n2", "341181100201", "2015"]))),
            Err((6, 1, 3)),
        ]
    );
}

#[test]
fn cells_beyond_the_header_are_an_error_naming_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "household_id,village_code\nH1,341181100201,,\nH2,341181100201,,x\n";
    std::fs::write(dir.path().join("households.csv"), text).unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    let mut record = StringRecord::new();
    assert_eq!(table.read(&mut record).unwrap(), Some(2));
    assert_eq!(record.len(), 2);
    let err = table.read(&mut record).unwrap_err();
    assert!(
        matches!(&err, SourceError::ExtraCells { file, row: 3, column } if file == "households.csv" && column == "D"),
        "{err:?}"
    );
    assert!(err.to_string().contains("第3行"), "{err}");
}

#[test]
fn chinese_file_names_match_and_unknown_files_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("贫困户.csv"), "户编号\nH1\n").unwrap();
    std::fs::write(dir.path().join("villages.csv"), "村代码\n341181100201\n").unwrap();
    std::fs::write(dir.path().join("foo.csv"), "a\n1\n").unwrap();
    std::fs::write(dir.path().join("readme.txt"), "not a bundle file").unwrap();
    std::fs::write(dir.path().join("说明"), "no extension").unwrap();
    std::fs::create_dir(dir.path().join("old.csv")).unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let ids: Vec<_> = source.files().iter().map(|f| f.spec.id).collect();
    assert_eq!(ids, [FileId::Villages, FileId::Households]);
    assert_eq!(source.files()[1].file_name(), "贫困户.csv");
    // Every file the format does not know is named (a misspelt "members.csv.txt" too);
    // folders are not files.
    assert_eq!(source.unknown(), ["foo.csv", "readme.txt", "说明"]);
    let table = source.open_table(&source.files()[1]).unwrap();
    assert_eq!(table.file_name(), "贫困户.csv");
    assert_eq!(source.display_name(), dir.path().display().to_string());

    std::fs::write(dir.path().join("households.csv"), "household_id\nH1\n").unwrap();
    let err = BundleSource::open(dir.path(), Encoding::Auto).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, SourceError::Duplicate { .. }), "{msg}");
    assert!(
        msg.contains("households.csv") && msg.contains("贫困户.csv"),
        "{msg}"
    );
}

#[test]
fn neither_folder_nor_workbook_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("households.csv");
    std::fs::write(&file, "household_id\n").unwrap();
    let err = BundleSource::open(&file, Encoding::Auto).unwrap_err();
    assert!(matches!(err, SourceError::NotABundle { .. }), "{err}");
    let err = BundleSource::open(&dir.path().join("missing"), Encoding::Auto).unwrap_err();
    assert!(err.to_string().contains("无法读取文件"), "{err}");
}

#[test]
fn gb18030_detected_after_a_megabyte_of_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("household_id,village_code,status\n");
    let mut rows = 0;
    while text.len() < 1_100_000 {
        rows += 1;
        text.push_str(&format!("H{rows:07},341181100201,poor\n"));
    }
    text.push_str("张庄,341181100201,已脱贫\n");
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    std::fs::write(dir.path().join("households.csv"), &gb).unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    assert_eq!(table.encoding_used(), "GB18030");
    let all = read_all(&mut table);
    let (row, last) = all.last().unwrap();
    assert_eq!(*row, rows + 2);
    assert_eq!(last, &["张庄", "341181100201", "已脱贫"]);

    // Forcing UTF-8 on it reports the row where the text stops being UTF-8.
    let source = BundleSource::open(dir.path(), Encoding::Utf8).unwrap();
    let mut table = source.open_table(&source.files()[0]).unwrap();
    let mut record = StringRecord::new();
    let err = loop {
        match table.read(&mut record) {
            Ok(Some(_)) => {}
            Ok(None) => panic!("read invalid UTF-8 without error"),
            Err(e) => break e,
        }
    };
    assert!(
        matches!(err, SourceError::Encoding { row, .. } if row == rows + 2),
        "{err}"
    );
}

#[test]
fn utf8_split_across_detection_chunks_stays_utf8() {
    let dir = tempfile::tempdir().unwrap();
    // Shifting the Chinese text byte by byte puts a character across every chunk boundary.
    let mut text = String::from("household_id,status\n");
    let mut i = 0;
    while text.len() < 600_000 {
        i += 1;
        text.push_str(&format!("H{i}{},已脱贫\n", "x".repeat(i % 3)));
    }
    std::fs::write(dir.path().join("households.csv"), &text).unwrap();
    let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
    let table = source.open_table(&source.files()[0]).unwrap();
    assert_eq!(table.encoding_used(), "UTF-8");
}

/// Rows of several files as an English export would write them.
fn sample() -> Vec<(&'static FileSpec, Vec<Vec<&'static str>>)> {
    vec![
        (
            &VILLAGES,
            vec![
                vec!["341181100201", "1", "1200", "", "2019"],
                vec!["341181100202", "0", "800", "2018", ""],
            ],
        ),
        (
            &HOUSEHOLDS,
            vec![vec![
                "H001",
                "341181100201",
                "2014",
                "poor",
                "",
                "illness;disability;water",
                "1",
                "0",
                "",
                "1",
            ]],
        ),
        (
            &MEMBERS,
            vec![vec![
                "H001",
                "11010519491231002X",
                "张三",
                "head",
                "chronic",
                "ordinary",
                "none",
                "1",
                "",
                "6",
            ]],
        ),
        (
            &INCOMES,
            vec![
                vec!["H001", "2016", "1234.50", "0.07", "0", "12.3", "0.00", ""],
                vec!["H001", "2017", "99999999.99", "1", "2", "3", "4", "5.5"],
            ],
        ),
    ]
}

fn parse_row(spec: &FileSpec, cells: &[&str]) -> Vec<Value> {
    spec.columns
        .iter()
        .zip(cells)
        .map(|(c, raw)| cell::parse(c, raw, today()).unwrap())
        .collect()
}

fn write_sample(path: &Path, chinese: bool) -> Vec<(FileId, Vec<Vec<Value>>)> {
    let mut sink = BundleSink::create(path).unwrap();
    let mut written = Vec::new();
    for (spec, rows) in sample() {
        sink.begin(spec, chinese).unwrap();
        let values: Vec<_> = rows.iter().map(|r| parse_row(spec, r)).collect();
        for v in &values {
            sink.write(v).unwrap();
        }
        sink.end().unwrap();
        written.push((spec.id, values));
    }
    sink.finish().unwrap();
    written.sort_by_key(|(id, _)| *id);
    written
}

/// Reads every file back and types its cells the way the importer will.
fn read_back(path: &Path) -> Vec<(FileId, Vec<Vec<Value>>)> {
    let source = BundleSource::open(path, Encoding::Auto).unwrap();
    assert!(source.unknown().is_empty(), "{:?}", source.unknown());
    let mut out = Vec::new();
    for file in source.files() {
        let spec = file.spec;
        let mut table = source.open_table(file).unwrap();
        let columns: Vec<usize> = table
            .header()
            .iter()
            .map(|h| spec.find_header(h).unwrap())
            .collect();
        assert_eq!(columns, (0..spec.columns.len()).collect::<Vec<_>>());
        let rows = read_all(&mut table)
            .into_iter()
            .enumerate()
            .map(|(i, (row, cells))| {
                assert_eq!(row as usize, i + 2);
                spec.columns
                    .iter()
                    .zip(&cells)
                    .map(|(c, raw)| {
                        cell::parse(c, raw, today())
                            .unwrap_or_else(|e| panic!("{}.{} {raw:?}: {e}", spec.name, c.en))
                    })
                    .collect()
            })
            .collect();
        out.push((spec.id, rows));
    }
    out
}

#[test]
fn csv_folder_round_trip_in_english_and_chinese() {
    for chinese in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("out");
        // A stale alias of a file being written would make the folder ambiguous.
        std::fs::create_dir(&bundle).unwrap();
        std::fs::write(bundle.join("贫困户.csv"), "户编号\nOLD\n").unwrap();
        let written = write_sample(&bundle, chinese);
        assert_eq!(read_back(&bundle), written, "chinese={chinese}");
        let text = std::fs::read_to_string(bundle.join("incomes.csv")).unwrap();
        // LF line endings, and a byte-order mark so that Chinese Excel reads UTF-8.
        assert!(!text.contains('\r') && text.starts_with('\u{feff}'));
        let households = std::fs::read_to_string(bundle.join("households.csv")).unwrap();
        let causes = if chinese {
            "因病、因残、缺水"
        } else {
            "illness;disability;water"
        };
        assert!(households.contains(causes), "{households}");
    }
}

#[test]
fn xlsx_round_trip_keeps_ids_as_text_and_money_as_numbers() {
    for chinese in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("bundle.xlsx");
        let written = write_sample(&book, chinese);
        assert_eq!(read_back(&book), written, "chinese={chinese}");

        let mut workbook = open_workbook_auto(&book).unwrap();
        let members = workbook.worksheet_range("members").unwrap();
        assert_eq!(
            members.get((1, 1)),
            Some(&Data::String("11010519491231002X".into()))
        );
        let villages = workbook.worksheet_range("villages").unwrap();
        assert_eq!(
            villages.get((1, 0)),
            Some(&Data::String("341181100201".into()))
        );
        let incomes = workbook.worksheet_range("incomes").unwrap();
        assert_eq!(incomes.get((1, 1)), Some(&Data::Float(2016.0)));
        assert_eq!(incomes.get((1, 2)), Some(&Data::Float(1234.5)));
        assert_eq!(incomes.get((1, 3)), Some(&Data::Float(0.07)));

        let source = BundleSource::open(&book, Encoding::Auto).unwrap();
        let file = source
            .files()
            .iter()
            .find(|f| f.spec.id == FileId::Incomes)
            .unwrap();
        let mut table = source.open_table(file).unwrap();
        assert_eq!(table.file_name(), "incomes.csv");
        assert_eq!(table.encoding_used(), "xlsx");
        let rows = read_all(&mut table);
        assert_eq!(rows[0].1[..4], ["H001", "2016", "1234.5", "0.07"]);
        assert_eq!(rows[0].1[7], "");
    }
}

#[test]
fn excel_typed_cells_read_as_a_user_typed_them() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("typed.xlsx");
    let mut workbook = Workbook::new();
    workbook.add_worksheet().set_name("Sheet1").unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("training_sessions").unwrap();
    // Starts at B3: the header is the first row with data, row numbers stay Excel's.
    for (c, h) in ["session_id", "date", "title"].iter().enumerate() {
        sheet.write_string(2, 1 + c as u16, *h).unwrap();
    }
    let date = ExcelDateTime::from_ymd(2016, 3, 5).unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(3, 1, "  S1  ").unwrap();
    sheet
        .write_datetime_with_format(3, 2, &date, &date_format)
        .unwrap();
    sheet.write_boolean(3, 3, true).unwrap();
    sheet.write_string(5, 1, "S2").unwrap();
    sheet.write_number(5, 3, 0.1 + 0.2).unwrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("villages").unwrap();
    for (c, h) in ["village_code", "population", "exit_year"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 341181100201.0).unwrap();
    sheet.write_number(1, 1, 1234.0).unwrap();
    sheet.write_number(1, 2, 2016.0).unwrap();
    let notes = workbook.add_worksheet();
    notes.set_name("备注").unwrap();
    notes.write_string(0, 0, "说明").unwrap();
    workbook.save(&book).unwrap();

    let source = BundleSource::open(&book, Encoding::Auto).unwrap();
    assert_eq!(source.unknown(), ["备注"]);
    let ids: Vec<_> = source.files().iter().map(|f| f.spec.id).collect();
    assert_eq!(ids, [FileId::Villages, FileId::TrainingSessions]);

    let mut villages = source.open_table(&source.files()[0]).unwrap();
    assert_eq!(villages.file_name(), "villages.csv");
    assert_eq!(
        read_all(&mut villages),
        [(2, vec!["341181100201".into(), "1234".into(), "2016".into()])]
    );

    let mut sessions = source.open_table(&source.files()[1]).unwrap();
    assert_eq!(sessions.header(), ["session_id", "date", "title"]);
    assert_eq!(
        read_all(&mut sessions),
        [
            // A boolean cell reads as Excel shows it, not as 1 (which a money column would take).
            (4, vec!["S1".into(), "2016-03-05".into(), "TRUE".into()]),
            (6, vec!["S2".into(), "".into(), "0.3".into()]),
        ]
    );
}

#[test]
fn numbers_print_as_typed() {
    assert_eq!(number_text(2016.0), "2016");
    assert_eq!(number_text(341181100201.0), "341181100201");
    assert_eq!(number_text(999_999_999_999_999.0), "999999999999999");
    assert_eq!(number_text(1e16), "10000000000000000");
    assert_eq!(number_text(-0.0), "0");
    assert_eq!(number_text(1234.5), "1234.5");
    assert_eq!(number_text(7.0 / 100.0), "0.07");
    assert_eq!(number_text(1.1 + 2.2), "3.3");
    assert_eq!(number_text(-12.34), "-12.34");
    assert_eq!(number_text(1.23456), "1.23456");
    assert_eq!(number_text(0.125), "0.125");
}

#[test]
fn sink_refuses_rows_of_the_wrong_width_and_writes_before_begin() {
    let dir = tempfile::tempdir().unwrap();
    let mut sink = BundleSink::create(dir.path()).unwrap();
    assert!(matches!(
        sink.write(&[Value::Null]),
        Err(SinkError::NotBegun)
    ));
    sink.begin(&VILLAGES, false).unwrap();
    let err = sink.write(&[Value::Null]).unwrap_err();
    assert!(
        matches!(
            err,
            SinkError::Width {
                expected: 5,
                got: 1,
                ..
            }
        ),
        "{err}"
    );
}

#[derive(Debug, Clone)]
enum Line {
    Value,
    Blank,
    Commas,
    Quoted,
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Row numbers match what Excel shows for any mix of blank lines, rows of empty cells and
    /// fields with line breaks, with either line ending and with or without a final one.
    #[test]
    fn csv_row_numbers_are_excel_rows(
        lines in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just(Line::Value),
                proptest::strategy::Just(Line::Blank),
                proptest::strategy::Just(Line::Commas),
                proptest::strategy::Just(Line::Quoted),
            ],
            0..12,
        ),
        crlf: bool,
        final_break: bool,
    ) {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from("household_id,status");
        let mut expected = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            text.push_str(nl);
            let row = i as u32 + 2;
            match line {
                Line::Value => {
                    text.push_str(&format!("H{row},poor"));
                    expected.push((row, vec![format!("H{row}"), "poor".to_string()]));
                }
                Line::Blank => {}
                Line::Commas => text.push_str(",,"),
                Line::Quoted => {
                    text.push_str(&format!("\"H{row}{nl}b\",poor"));
                    expected.push((row, vec![format!("H{row}{nl}b"), "poor".to_string()]));
                }
            }
        }
        if final_break {
            text.push_str(nl);
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("households.csv"), &text).unwrap();
        let source = BundleSource::open(dir.path(), Encoding::Auto).unwrap();
        let mut table = source.open_table(&source.files()[0]).unwrap();
        proptest::prop_assert_eq!(read_all(&mut table), expected, "{:?}", text);
    }
}

#[test]
fn sources_and_readers_can_move_between_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<BundleSource>();
    send::<TableReader>();
    send::<BundleSink>();
}
