//! `xplus import` given what real files and attackers send, under a hard memory limit: every
//! case ends with exit 2 and a message naming the problem, quickly, and nothing is written.

mod common;
#[path = "../../xplus-store/tests/workbooks/mod.rs"]
mod workbooks;

use common::*;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Address space the import may use: twice what the county demo's import needs, and far below
/// the half-terabyte grid a stray cell at XFD1048576 used to allocate.
const MEMORY: &str = "--as=2147483648";

fn import_limited(db: &str, bundle: &Path) -> (Output, Duration) {
    let started = Instant::now();
    let o = Command::new("prlimit")
        .arg(MEMORY)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_xplus"))
        .args(["--db", db, "import"])
        .arg(bundle)
        .env_remove("XPLUS_LANG")
        .output()
        .expect("prlimit (util-linux) runs");
    (o, started.elapsed())
}

/// Refused with exit 2 within 10 s, the output containing each of `expected`, and the database
/// left without a row.
fn refused(bundle: &Path, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "x.db");
    let (o, took) = import_limited(&db, bundle);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(took < Duration::from_secs(10), "{took:?}: {out}");
    for e in expected {
        assert!(out.contains(e), "{e:?} not in: {out}");
    }
    let o = xplus(&db, &["export", dir.path().join("out").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let households = std::fs::read_to_string(dir.path().join("out/households.csv")).unwrap();
    assert_eq!(households.lines().count(), 1, "{households}");
}

#[test]
fn a_value_at_xfd1048576_is_named_not_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("far.xlsx");
    workbooks::households_with_far_cell(&book, Some("x"));
    refused(&book, &["第1048576行", "XFD"]);
}

#[test]
fn sheets_that_inflate_to_gigabytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, filler) in [("spaces.xlsx", b' '), ("cell.xlsx", b'x')] {
        let book = dir.path().join(name);
        workbooks::inflating(&book, filler, 3 << 30);
        refused(&book, &["256 KB", "不予读取"]);
    }
}

#[test]
fn files_that_are_not_what_they_claim_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xlsx");
    workbooks::without_workbook_part(&broken);
    refused(&broken, &["xl/workbook.xml"]);

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    refused(&empty, &["没有数据包文件"]);

    // One bad byte in a UTF-8 file: that row is named, the file is not read as GB18030.
    let bundle = dir.path().join("bad_byte");
    std::fs::create_dir(&bundle).unwrap();
    let mut bytes = "unit_id,name,kind\nU1,滁州市财政局,organ\nU2,天长市农商行,enterprise\n"
        .as_bytes()
        .to_vec();
    let at = bytes.iter().rposition(|&b| b == b',').unwrap() - 2;
    bytes[at] = 0xFF;
    std::fs::write(bundle.join("units.csv"), bytes).unwrap();
    refused(&bundle, &["units.csv", "第3行", "UTF-8"]);
}

#[test]
fn a_rule_setting_s_source_with_a_control_character_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = sqlite(dir.path(), "x.db");
    assert_eq!(xplus(&db, &["init"]).status.code(), Some(0));
    let o = xplus(
        &db,
        &[
            "rules",
            "set",
            "poverty_line",
            "3500",
            "--source",
            "皖政\u{1b}[2m〔2016〕1号",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("控制字符"), "{}", text(&o));
    let o = xplus(&db, &["rules", "list"]);
    assert!(!text(&o).contains("皖政"), "{}", text(&o));
}
