//! The book of record from the command line (issue 18), on the county demo: recording 2016 does
//! not move the report of 2015, and after `assess --apply`, `dividends --apply`, `adjust --apply`,
//! a correction of 2016 and a rule setting, the export imports into an empty database and exports the same, with the
//! same reports.

mod common;

use common::{files, imported_county_demo, sqlite, text, xplus};
use std::path::Path;

fn run(db: &str, args: &[&str]) -> String {
    let o = xplus(db, args);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o));
    text(&o)
}

fn report(db: &str, year: &str, out: &Path) -> Vec<u8> {
    let path = out.to_str().unwrap();
    run(
        db,
        &["report", "--year", year, "--format", "json", "--out", path],
    );
    std::fs::read(out).unwrap()
}

#[test]
fn the_county_round_trips_after_a_recorded_year() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = imported_county_demo(d);
    let before_2015 = report(&db, "2015", &d.join("r2015.json"));
    let before_2016 = report(&db, "2016", &d.join("r2016.json"));
    let out = d.join("assess");
    let out = out.to_str().unwrap();
    // A day that has not come is refused, and nothing is recorded.
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            out,
            "--apply",
            "--on",
            "2999-01-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(report(&db, "2015", &d.join("r2015x.json")), before_2015);
    let decided = ["--by", "天长县扶贫办", "--on", "2017-01-15"];
    let said = run(
        &db,
        &[
            &["assess", "--year", "2016", "--out", out, "--apply"][..],
            &decided,
        ]
        .concat(),
    );
    assert!(said.contains("cli:天长县扶贫办"), "{said}");
    assert_eq!(report(&db, "2015", &d.join("r2015b.json")), before_2015);
    let dividends = d.join("dividends.csv");
    let dividends = dividends.to_str().unwrap();
    run(
        &db,
        &["dividends", "--year", "2016", "--out", dividends, "--apply"],
    );
    let adjust = d.join("adjust.csv");
    run(
        &db,
        &[
            "adjust",
            "--year",
            "2017",
            "--out",
            adjust.to_str().unwrap(),
            "--apply",
        ],
    );
    let source = ["--source", "滁州市文件（示例）", "--region", "341181000000"];
    run(
        &db,
        &[&["rules", "set", "poverty_line", "3100"][..], &source].concat(),
    );

    // A correction of 2016: the first household it recorded as exited did not exit after all.
    let peek = d.join("export0");
    run(&db, &["export", peek.to_str().unwrap()]);
    let outcomes = std::fs::read_to_string(peek.join("assessment_outcomes.csv")).unwrap();
    let corrected = outcomes
        .lines()
        .find(|l| l.split(',').nth(2) == Some("exited"))
        .and_then(|l| l.split(',').next())
        .expect("2016 recorded exits")
        .to_string();
    let said = run(
        &db,
        &[
            "correct",
            "--household",
            &corrected,
            "--year",
            "2016",
            "--status",
            "poor",
            "--reason",
            "复核：收入重复计算",
            "--by",
            "县扶贫办复核组",
        ],
    );
    assert!(said.contains(&corrected), "{said}");
    let after: serde_json::Value =
        serde_json::from_slice(&report(&db, "2016", &d.join("r2016c.json"))).unwrap();
    assert_eq!(after["corrections"][0]["household_id"], corrected.as_str());
    assert_eq!(
        after["corrections"][0]["corrected_by"],
        "cli:县扶贫办复核组"
    );
    // The workbook says so too: a sheet of the year's corrections.
    let xlsx = d.join("r2016c.xlsx");
    let args = ["report", "--year", "2016", "--format", "xlsx", "--out"];
    run(&db, &[&args[..], &[xlsx.to_str().unwrap()]].concat());
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    use calamine::{Data, Reader};
    let sheet = book.worksheet_range("更正记录").unwrap();
    assert_eq!(
        sheet.get_value((1, 0)),
        Some(&Data::String(corrected.clone()))
    );
    assert_eq!(
        sheet.get_value((1, 5)),
        Some(&Data::String("复核：收入重复计算".into()))
    );
    // A correction without a reason is refused (exit 2) and changes nothing.
    let refused = xplus(
        &db,
        &[
            "correct",
            "--household",
            &corrected,
            "--year",
            "2016",
            "--status",
            "exited",
            "--exit-year",
            "2016",
            "--reason",
            " ",
        ],
    );
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));

    // As of the day before the year was decided, as it stood; the JSON says the day.
    let eve = d.join("eve.json");
    let args = [
        "report",
        "--as-of",
        "2017-01-14",
        "--format",
        "json",
        "--out",
    ];
    run(&db, &[&args[..], &[eve.to_str().unwrap()]].concat());
    let eve: serde_json::Value = serde_json::from_slice(&std::fs::read(&eve).unwrap()).unwrap();
    assert_eq!(eve["as_of"], "2017-01-14");
    let before: serde_json::Value = serde_json::from_slice(&before_2016).unwrap();
    assert_eq!(eve["households"]["poor"], before["households"]["poor"]);

    let first = d.join("export1");
    run(&db, &["export", first.to_str().unwrap()]);
    let outcomes = std::fs::read_to_string(first.join("assessment_outcomes.csv")).unwrap();
    assert!(outcomes.lines().count() > 1000, "the outcomes of 2016");
    // The corrected household's outcome is gone: every line left is the assessment's.
    assert!(
        outcomes
            .lines()
            .skip(1)
            .all(|l| l.ends_with(",2017-01-15,cli:天长县扶贫办")),
        "who decided and when: {}",
        outcomes.lines().nth(1).unwrap_or_default()
    );
    let corrections = std::fs::read_to_string(first.join("corrections.csv")).unwrap();
    assert_eq!(corrections.lines().count(), 2, "{corrections}");
    let settings = std::fs::read_to_string(first.join("rule_settings.csv")).unwrap();
    assert!(
        settings.contains("poverty_line,341181000000,0,310000,"),
        "{settings}"
    );

    let copy = sqlite(d, "copy.db");
    run(&copy, &["import", first.to_str().unwrap()]);
    let second = d.join("export2");
    run(&copy, &["export", second.to_str().unwrap()]);
    assert_eq!(files(&first), files(&second));
    for year in ["2015", "2016"] {
        assert_eq!(
            report(&db, year, &d.join(format!("a{year}.json"))),
            report(&copy, year, &d.join(format!("b{year}.json"))),
            "report of {year}"
        );
    }
}
