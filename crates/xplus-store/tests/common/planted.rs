//! Bad bundles for the import tests (import_errors.rs, import_rules.rs): a valid bundle with a
//! line replaced or added, imported into a fresh database, and the issues found by file, row and
//! column.

use super::{export, import, read_folder, write_bundle, TestDb};
use std::collections::BTreeMap;
use xplus_core::interchange::ALL_FILES;
use xplus_store::Issue;

/// Replaces the line of `file` that contains `find` with `line`; returns its Excel row number.
pub fn plant(
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
pub fn append(b: &mut BTreeMap<&'static str, String>, file: &'static str, line: &str) -> u32 {
    let mut text = b[file].clone();
    text.push_str(line);
    text.push('\n');
    let row = text.lines().count() as u32;
    b.insert(file, text);
    row
}

pub fn has(errors: &[Issue], file: &str, row: u32, column: &str) -> bool {
    errors
        .iter()
        .any(|e| e.file == file && e.row == row && e.column == column)
}

pub async fn total_rows(db: &TestDb) -> u64 {
    let mut n = 0;
    for f in ALL_FILES {
        n += db.store.count(f).await.unwrap();
    }
    n
}

pub async fn errors_of(b: &BTreeMap<&'static str, String>) -> Vec<Issue> {
    let db = TestDb::fresh().await;
    let dir = write_bundle(&db.dir().join("b"), b);
    let report = import(&db, &dir).await;
    assert!(!report.committed || report.errors.is_empty());
    assert!(report.errors.is_empty() || total_rows(&db).await == 0);
    db.cleanup().await;
    report.errors
}

/// Imports `first`, then checks that `second` is refused with an error on `file` at `row`, and
/// that the database still holds exactly the first import.
pub async fn refused_after(
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

pub fn only(
    b: &BTreeMap<&'static str, String>,
    files: &[&'static str],
) -> BTreeMap<&'static str, String> {
    b.iter()
        .filter(|(k, _)| files.contains(k))
        .map(|(k, v)| (*k, v.clone()))
        .collect()
}
