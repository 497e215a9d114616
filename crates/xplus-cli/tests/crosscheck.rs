//! `xplus crosscheck` against the real binary (departments.md): exit 0 with the findings file
//! (CSV, or a workbook for .xlsx) when the check ran; exit 2 and no file when the department
//! files are malformed.

mod common;

use common::*;

/// The first member of the demo bundle still in a household of the registry: (household, number).
fn a_member(bundle: &std::path::Path) -> (String, String) {
    let text = std::fs::read_to_string(bundle.join("members.csv")).unwrap();
    let line = text.lines().nth(1).unwrap();
    let cells: Vec<&str> = line.split(',').collect();
    (cells[0].to_string(), cells[1].to_string())
}

#[test]
fn findings_are_written_and_a_malformed_list_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported_county_demo(tmp.path());
    let (household, number) = a_member(&tmp.path().join("demo"));
    let lists = tmp.path().join("lists");
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::write(
        lists.join("死亡人员.csv"),
        format!(
            "身份证号,姓名,死亡日期\n{},某人,2016-06-01\n123,某人,2016-06-01\n",
            number.to_lowercase()
        ),
    )
    .unwrap();
    let out = tmp.path().join("findings.csv");
    let problems = tmp.path().join("problems.xlsx");
    let o = xplus(
        &db,
        &[
            "crosscheck",
            lists.to_str().unwrap(),
            "--as-of",
            "2016-12-31",
            "--out",
            out.to_str().unwrap(),
            "--problems",
            problems.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let findings = std::fs::read_to_string(&out).unwrap();
    assert!(
        findings.starts_with("household_id,id_number,finding,file,row,detail\n"),
        "{findings}"
    );
    assert!(
        findings.contains(&format!("{household},{number},deceased,deaths.csv,2,")),
        "{findings}"
    );
    assert!(std::fs::read(&problems).unwrap().starts_with(b"PK"));
    assert!(text(&o).contains("发现 1 条"), "{}", text(&o));

    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("deaths.csv"),
        format!("id_number,name,died_on\n{number},某人,昨天\n"),
    )
    .unwrap();
    let none = tmp.path().join("none.csv");
    let o = xplus(
        &db,
        &[
            "crosscheck",
            bad.to_str().unwrap(),
            "--out",
            none.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("deaths.csv 第2行 died_on 列"),
        "{}",
        text(&o)
    );
    assert!(!none.exists());
}
