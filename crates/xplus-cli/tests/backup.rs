//! `xplus backup` and `xplus restore` as interchange.md's command table gives them: the county
//! demo after a recorded year restores into an empty database with the same export, report and
//! audit chain; a truncated file exits 2, a database with data exits 1, and neither writes.

mod common;

use common::{files, imported_county_demo, sqlite, text, xplus};

#[test]
fn the_county_after_a_recorded_year_comes_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = imported_county_demo(d);
    let out = d.join("assess");
    let o = xplus(
        &db,
        &[
            "assess",
            "--year",
            "2016",
            "--out",
            out.to_str().unwrap(),
            "--apply",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let copy = d.join("county.xbk");
    let o = xplus(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("已备份"), "{}", text(&o));

    let restored = sqlite(d, "restored.db");
    let o = xplus(&restored, &["restore", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for (i, url) in [&db, &restored].iter().enumerate() {
        let folder = d.join(format!("export{i}"));
        let o = xplus(url, &["export", folder.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let report = d.join(format!("report{i}.json"));
        let args = ["report", "--year", "2016", "--format", "json", "--out"];
        let o = xplus(url, &[&args[..], &[report.to_str().unwrap()]].concat());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    assert_eq!(files(&d.join("export0")), files(&d.join("export1")));
    assert_eq!(
        std::fs::read(d.join("report0.json")).unwrap(),
        std::fs::read(d.join("report1.json")).unwrap()
    );
    let verified = |url: &str| {
        let o = xplus(url, &["audit", "verify"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        text(&o)
    };
    assert_eq!(verified(&db), verified(&restored));

    // A truncated copy: exit 2, nothing written.
    let bytes = std::fs::read(&copy).unwrap();
    let cut = d.join("cut.xbk");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let empty = sqlite(d, "empty.db");
    let o = xplus(&empty, &["restore", cut.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("已损坏"), "{}", text(&o));
    let o = xplus(&empty, &["export", d.join("nothing").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let households = std::fs::read_to_string(d.join("nothing/households.csv")).unwrap();
    assert_eq!(households.lines().count(), 1, "only the header");
    // Into a database with data: exit 1, not overwritten.
    let o = xplus(&db, &["restore", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("不是空的"), "{}", text(&o));
}
