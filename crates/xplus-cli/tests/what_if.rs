//! `xplus assess --set` (interchange.md): a what-if records nothing, lists exactly the households
//! and villages whose exit eligibility it turns around, and equals the assessment under the same
//! settings once they are recorded.

mod common;

use common::{files, imported_county_demo, text, xplus};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|row| row.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// `id → exit_eligible` of an assessment's households.csv or villages.csv.
fn eligible(path: &Path, flag_column: usize) -> BTreeMap<String, String> {
    rows(path)
        .into_iter()
        .map(|r| (r[0].clone(), r[flag_column].clone()))
        .collect()
}

#[test]
fn a_what_if_records_nothing_and_lists_what_it_turns_around() {
    let tmp = tempfile::tempdir().unwrap();
    let db = imported_county_demo(tmp.path());
    let dir = |name: &str| tmp.path().join(name);
    let path = |name: &str| dir(name).to_str().unwrap().to_string();
    let export = |name: &str| {
        let o = xplus(&db, &["export", &path(name)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        files(&dir(name))
    };
    let before = export("before");
    let audit = || text(&xplus(&db, &["audit", "verify"]));
    let audit_before = audit();

    let o = xplus(&db, &["assess", "--year", "2016", "--out", &path("base")]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let sets = ["poverty_line=3,500", "village_incidence_bp=300"];
    let mut args = vec!["assess", "--year", "2016", "--out", "", "--set"];
    let what_if = path("what_if");
    args[4] = &what_if;
    args.extend(sets);
    let o = xplus(&db, &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("假设计算"), "{}", text(&o));

    // changes.csv is every household and village whose flag differs, and nothing else.
    let mut want = BTreeSet::new();
    for (file, kind, flag) in [
        ("households.csv", "household", 5),
        ("villages.csv", "village", 4),
    ] {
        let base = eligible(&dir("base").join(file), flag);
        let changed = eligible(&dir("what_if").join(file), flag);
        assert_eq!(
            base.len(),
            changed.len(),
            "{file}: the same ones are assessed"
        );
        for (id, was) in &base {
            let is = &changed[id];
            if was != is {
                want.insert(vec![kind.to_string(), id.clone(), was.clone(), is.clone()]);
            }
        }
    }
    let got: BTreeSet<Vec<String>> = rows(&dir("what_if").join("changes.csv"))
        .into_iter()
        .collect();
    assert!(
        got.iter().any(|r| r[0] == "household") && got.iter().any(|r| r[0] == "village"),
        "a higher line turns households and villages around: {got:?}"
    );
    assert_eq!(got, want);

    // Nothing was recorded: the whole registry (rule settings included) exports as before, and
    // the audit log ends in the same entry.
    assert_eq!(export("after"), before, "a what-if changed the database");
    assert_eq!(audit(), audit_before);

    // Recorded, the same settings give the same assessment.
    for (name, value) in [("poverty_line", "3500"), ("village_incidence_bp", "300")] {
        let o = xplus(
            &db,
            &[
                "rules", "set", name, value, "--year", "2016", "--source", "测试",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let o = xplus(
        &db,
        &["assess", "--year", "2016", "--out", &path("recorded")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let mut what_if_files = files(&dir("what_if"));
    what_if_files.remove("changes.csv");
    assert_eq!(files(&dir("recorded")), what_if_files);

    // Now that they are stored, the same what-if changes nothing.
    let again = path("again");
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            &again,
            "--set",
            "poverty_line=3500",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(rows(&dir("again").join("changes.csv")).len(), 0);
}

#[test]
fn a_what_if_refuses_apply_and_bad_settings_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = common::sqlite(tmp.path(), "x.db");
    assert_eq!(xplus(&db, &["init"]).status.code(), Some(0));
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            out,
            "--apply",
            "--set",
            "poverty_line=3500",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("--apply 不能与 --set 同用"),
        "{}",
        text(&o)
    );
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            out,
            "--set",
            "poverty_line=0",
            "foo=1",
            "monitoring_line_percent=x",
            "village_incidence_bp",
            "monitoring_line_percent=150",
            "monitoring_line_percent=160",
            "notice_days=5",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let said = text(&o);
    for part in [
        "--set poverty_line=0：扶贫标准",
        "没有参数“foo”",
        "“x”不是整数",
        "--set village_incidence_bp：应写成 参数=值",
        "--set monitoring_line_percent=160：监测线（扶贫标准的百分比） 已经设置过一次",
        "--set notice_days=5：退出公示天数（notice_days）不影响年度评估",
    ] {
        assert!(said.contains(part), "{part} not in {said}");
    }
    assert!(
        !said.contains(" / "),
        "the Chinese message has no English half: {said}"
    );
    assert!(
        !Path::new(out).exists(),
        "nothing is written for refused input"
    );
}
