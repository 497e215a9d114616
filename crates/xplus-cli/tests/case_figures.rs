//! Issue 23: the city demo reproduces the case report's headline figures. The demo's records go
//! through the real importer, the 2016 assessment is recorded by the rules, and the yearly report
//! counts every figure from the records; each must be the case report's number within its own
//! rounding (core `case_figures`), and the printable report shows them side by side.

mod common;

use common::{sqlite, text, xplus};

#[test]
fn the_city_demo_reports_the_case_reports_figures_for_2016() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("city");
    let b = bundle.to_str().unwrap();
    let o = xplus(
        "sqlite::memory:",
        &["demo", "--scale", "city", "--seed", "2016", "--out", b],
    );
    assert!(o.status.success(), "{}", text(&o));
    let db = sqlite(tmp.path(), "city.db");
    let o = xplus(&db, &["import", b]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = tmp.path().join("assess");
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--apply",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    let json = tmp.path().join("r.json");
    let o = xplus(
        &db,
        &[
            "report",
            "--year",
            "2016",
            "--format",
            "json",
            "--out",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let figures = report["case_figures"].as_object().expect("case_figures");
    assert_eq!(
        figures.len(),
        xplus_core::case_figures::CaseFigure::ALL.len()
    );
    let off: Vec<String> = figures
        .iter()
        .filter(|(_, f)| f["within_rounding"] != true)
        .map(|(k, f)| {
            format!(
                "{k}: counted {} but the case report says {}",
                f["counted"], f["quoted"]
            )
        })
        .collect();
    assert!(off.is_empty(), "{off:#?}");
    // The figures the report already held are the same numbers.
    assert_eq!(
        figures["villages_exited"]["counted"],
        report["villages"]["exited_in_year"]
    );
    assert_eq!(
        figures["persons_exited"]["counted"],
        report["persons"]["exited_in_year"]
    );
    assert_eq!(figures["loan_amount"]["counted"], 2_165_000.0);

    let html = tmp.path().join("r.html");
    let o = xplus(
        &db,
        &[
            "report",
            "--year",
            "2016",
            "--format",
            "html",
            "--out",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    let section = &page[page.find("id=\"case-figures\"").expect("the section")..];
    for quoted in [
        "56个",
        "4.5万",
        "1413个",
        "120个",
        "123个",
        "177名",
        "32笔",
        "216.5万元",
        "328个",
        "65场",
    ] {
        assert!(section.contains(quoted), "{quoted} is shown");
    }
    assert!(!section.contains("不符"), "every figure matches");
}
