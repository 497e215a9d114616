//! Shared by the command-line tests: running the real binary, and a county demo bundle.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn xplus_with_input(db: &str, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xplus"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("XPLUS_LANG")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the xplus binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn xplus(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xplus"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("XPLUS_LANG")
        .output()
        .expect("the xplus binary runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A county-scale demo bundle written to `dir/demo` (no database involved).
pub fn county_bundle(dir: &Path) -> std::path::PathBuf {
    let bundle = dir.join("demo");
    let o = xplus(
        "sqlite::memory:",
        &[
            "demo",
            "--scale",
            "county",
            "--out",
            bundle.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    bundle
}

/// The county demo imported into `dir/x.db`; its database URL.
pub fn imported_county_demo(dir: &Path) -> String {
    let bundle = county_bundle(dir);
    let db = sqlite(dir, "x.db");
    let o = xplus(&db, &["import", bundle.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    db
}

/// Every file of a folder, by name, as bytes.
pub fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

pub fn sqlite(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}
