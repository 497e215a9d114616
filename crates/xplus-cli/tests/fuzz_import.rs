//! A mutation fuzzer for the importer: the corpus bundle (fuzz/corpus/bundle) is changed one to
//! four ways at a time — bytes flipped, inserted or cut, cells replaced by values of
//! fuzz/dictionary.txt, lines repeated, files dropped or misnamed, re-encoded as GB18030,
//! written as a workbook — and imported over the corpus already stored. Each case must end as
//! good input (committed, and an export of it imports back to the same export) or bad input
//! (refused, the database exactly as before: every table and the audit log); anything else — a
//! panic, a database error, a refused import that changed something — fails with the case kept
//! under target/tmp/fuzz-failures. Every 20th case also runs `xplus import` under a 2 GiB
//! address-space limit, which must exit 0 or 2.
//!
//! Not part of the everyday `cargo test` (it runs for a set time); CI runs it:
//! `XPLUS_FUZZ_SECONDS=120 cargo test -p xplus-cli --test fuzz_import -- --ignored --nocapture`

mod common;
#[path = "../../../fuzz/support.rs"]
mod support;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xplus_store::bundle::import::Quiet;
use xplus_store::bundle::source::Encoding;
use xplus_store::{ImportOptions, Store, StoreError};

type Bundle = BTreeMap<String, Vec<u8>>;

fn corpus() -> Bundle {
    common::files(&support::folder().join("corpus/bundle"))
}

fn options() -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        actor: "fuzz".into(),
        rules: xplus_core::rules::RuleSet::default(),
        dry_run: false,
        uploaded_as: None,
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn some_file(rng: &mut ChaCha8Rng, b: &Bundle) -> Option<String> {
    let names: Vec<&String> = b.keys().collect();
    (!names.is_empty()).then(|| pick(rng, &names).to_string())
}

/// A CSV field holding `value`, quoted when it must be.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// One change to the bundle.
fn mutate(rng: &mut ChaCha8Rng, b: &mut Bundle, dict: &[String]) -> String {
    let Some(name) = some_file(rng, b) else {
        return "nothing to change".into();
    };
    let bytes = b.get_mut(&name).unwrap();
    let at = |rng: &mut ChaCha8Rng, len: usize| rng.random_range(0..=len);
    match rng.random_range(0..11) {
        0 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            bytes[i] ^= 1 << rng.random_range(0..8);
            format!("{name}: bit flipped at {i}")
        }
        1 => {
            let value = pick(rng, dict).clone();
            let i = at(rng, bytes.len());
            bytes.splice(i..i, value.bytes());
            format!("{name}: {value:?} inserted at {i}")
        }
        2 if !bytes.is_empty() => {
            let i = rng.random_range(0..bytes.len());
            let j = (i + rng.random_range(1..16)).min(bytes.len());
            bytes.drain(i..j);
            format!("{name}: bytes {i}..{j} cut")
        }
        3..=5 => {
            // A cell replaced, which is where most rules are tried.
            let text = String::from_utf8_lossy(bytes).to_string();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if lines.len() < 2 {
                return format!("{name}: too short for a cell");
            }
            let row = rng.random_range(1..lines.len());
            let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
            let col = rng.random_range(0..cells.len());
            let value = pick(rng, dict).clone();
            cells[col] = field(&value);
            lines[row] = cells.join(",");
            *bytes = (lines.join("\n") + "\n").into_bytes();
            format!("{name}: row {} cell {col} = {value:?}", row + 1)
        }
        6 => {
            let text = bytes.clone();
            let line: Vec<u8> = text
                .split(|&c| c == b'\n')
                .nth(rng.random_range(1..4))
                .unwrap_or_default()
                .to_vec();
            bytes.extend_from_slice(&line);
            bytes.push(b'\n');
            format!("{name}: a line repeated")
        }
        7 => {
            let bytes = b.remove(&name).unwrap();
            let renamed = match rng.random_range(0..3) {
                0 => return format!("{name}: removed"),
                1 => format!("{name}.txt"),
                _ => name.replacen(".csv", "s.csv", 1),
            };
            b.insert(renamed.clone(), bytes);
            format!("{name}: renamed {renamed}")
        }
        8 => match std::str::from_utf8(bytes) {
            Ok(text) => {
                let (gb, _, _) = encoding_rs::GB18030.encode(text);
                *bytes = gb.into_owned();
                format!("{name}: GB18030")
            }
            Err(_) => {
                bytes.splice(0..0, *b"\xEF\xBB\xBF");
                format!("{name}: BOM added")
            }
        },
        9 => {
            let n = at(rng, bytes.len());
            bytes.truncate(n);
            format!("{name}: cut to {n} bytes")
        }
        _ => {
            // Two header columns swapped (the data stays): values land under other names.
            let text = String::from_utf8_lossy(bytes).to_string();
            let (head, rest) = text.split_once('\n').unwrap_or((&text, ""));
            let mut cols: Vec<&str> = head.split(',').collect();
            if cols.len() > 1 {
                let i = rng.random_range(0..cols.len());
                let j = rng.random_range(0..cols.len());
                cols.swap(i, j);
            }
            *bytes = format!("{}\n{rest}", cols.join(",")).into_bytes();
            format!("{name}: header columns swapped")
        }
    }
}

/// Writes the bundle as a folder, or (sometimes) as a workbook of string cells.
fn write_case(rng: &mut ChaCha8Rng, b: &Bundle, dir: &Path) -> PathBuf {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    if rng.random_bool(0.8) {
        for (name, bytes) in b {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        return dir.to_path_buf();
    }
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, bytes) in b {
        let sheet = book.add_worksheet();
        let title: String = name.trim_end_matches(".csv").chars().take(31).collect();
        if sheet.set_name(&title).is_err() {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes.as_slice());
        for (r, record) in reader.byte_records().enumerate() {
            let Ok(record) = record else { break };
            for (c, cell) in record.iter().enumerate() {
                let text = String::from_utf8_lossy(cell);
                let _ = sheet.write_string(r as u32, c as u16, text.as_ref());
            }
        }
        if rng.random_bool(0.1) {
            let _ = sheet.write_blank(1_048_575, 16_383, &rust_xlsxwriter::Format::new());
        }
    }
    let path = dir.join("bundle.xlsx");
    book.save(&path).unwrap();
    if rng.random_bool(0.1) {
        let mut bytes = std::fs::read(&path).unwrap();
        let i = rng.random_range(0..bytes.len());
        bytes[i] ^= 0x55;
        std::fs::write(&path, bytes).unwrap();
    }
    path
}

struct Db {
    dir: PathBuf,
    store: Box<dyn Store>,
}

impl Db {
    /// A new migrated database in `dir`, holding `bundle` if given. (SQLite files are not
    /// copied: a closed pool may still have pages in its write-ahead log.)
    async fn fresh(dir: &Path, bundle: Option<&Path>) -> Db {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let url = format!("sqlite://{}", dir.join(format!("db{n}.db")).display());
        let store = xplus_store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        if let Some(path) = bundle {
            let report = import(store.as_ref(), path).await.unwrap();
            assert!(report.committed, "the corpus imports: {:#?}", report.errors);
        }
        Db {
            dir: dir.to_path_buf(),
            store,
        }
    }

    /// Everything the database holds, as an export and the audit log's head.
    async fn state(&self, into: &str) -> (BTreeMap<String, Vec<u8>>, i64, String) {
        let out = self.dir.join(into);
        let _ = std::fs::remove_dir_all(&out);
        export(self.store.as_ref(), &out).await;
        let files = common::files(&out);
        let (seq, hash) = self.store.read_audit(&mut |_| Ok(())).await.unwrap();
        (files, seq, hash)
    }
}

struct NoProgress;

impl xplus_store::ExportProgress for NoProgress {
    fn file(&self, _: &str) {}
    fn rows(&self, _: u64) {}
}

async fn export(store: &dyn Store, out: &Path) {
    let options = xplus_store::ExportOptions {
        chinese: false,
        region: None,
    };
    xplus_store::export_bundle(store, out, &options, &NoProgress)
        .await
        .expect("export");
}

async fn import(store: &dyn Store, path: &Path) -> Result<xplus_store::ImportReport, StoreError> {
    xplus_store::import_bundle(store, path, &options(), Arc::new(Quiet)).await
}

fn fail(case: u64, seed: u64, dir: &Path, steps: &[String], why: String) -> ! {
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-failures/case-{case}"));
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(keep.parent().unwrap()).unwrap();
    let _ = std::process::Command::new("cp")
        .arg("-r")
        .arg(dir)
        .arg(&keep)
        .status();
    panic!(
        "case {case} (XPLUS_FUZZ_SEED={seed}) failed: {why}\nsteps: {steps:#?}\nkept in {}",
        keep.display()
    );
}

#[derive(Default, Debug)]
struct Tally {
    cases: u64,
    committed: u64,
    refused: u64,
    unreadable: u64,
    cli_runs: u64,
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "runs for a set time; CI runs it with --ignored"]
async fn mutated_bundles_are_committed_whole_or_refused_without_a_trace() {
    let (deadline, mut rng, seed) = support::budget("fuzz_import", 30);
    let dict = support::dictionary();
    let base = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let corpus_dir = dir.join("corpus");
    for (name, bytes) in &base {
        std::fs::create_dir_all(&corpus_dir).unwrap();
        std::fs::write(corpus_dir.join(name), bytes).unwrap();
    }
    let case_dir = dir.join("case");
    // Each case is imported over the corpus already stored.
    let mut db = Db::fresh(dir, Some(&corpus_dir)).await;
    let mut before = db.state("before").await;
    let mut tally = Tally::default();
    while std::time::Instant::now() < deadline {
        tally.cases += 1;
        let case = tally.cases;
        let mut bundle = base.clone();
        let steps: Vec<String> = (0..rng.random_range(1..=4))
            .map(|_| mutate(&mut rng, &mut bundle, &dict))
            .collect();
        let path = write_case(&mut rng, &bundle, &case_dir);
        let outcome = import(db.store.as_ref(), &path).await;
        match &outcome {
            Ok(report) if report.committed => {
                tally.committed += 1;
                // Good input: its export imports back into an empty database unchanged.
                let exported = db.state("exported").await;
                let again = Db::fresh(dir, None).await;
                let back = import(again.store.as_ref(), &dir.join("exported")).await;
                match back {
                    Ok(r) if r.committed => {}
                    other => fail(
                        case,
                        seed,
                        &case_dir,
                        &steps,
                        format!("round trip: {other:?}"),
                    ),
                }
                if again.state("again").await.0 != exported.0 {
                    fail(
                        case,
                        seed,
                        &case_dir,
                        &steps,
                        "the round trip changed the data".into(),
                    );
                }
                drop(again);
                db = Db::fresh(dir, Some(&corpus_dir)).await;
                before = db.state("before").await;
            }
            Ok(_) | Err(StoreError::Source(_)) => {
                match &outcome {
                    Ok(report) if report.errors.is_empty() => fail(
                        case,
                        seed,
                        &case_dir,
                        &steps,
                        "refused without an error".into(),
                    ),
                    Ok(_) => tally.refused += 1,
                    Err(_) => tally.unreadable += 1,
                }
                if db.state("after").await != before {
                    fail(
                        case,
                        seed,
                        &case_dir,
                        &steps,
                        "a refused import changed the database".into(),
                    );
                }
            }
            Err(e) => fail(
                case,
                seed,
                &case_dir,
                &steps,
                format!("not bad input but {e:?}"),
            ),
        }
        if case % 20 == 0 {
            tally.cli_runs += 1;
            let url = format!("sqlite://{}", dir.join(format!("cli{case}.db")).display());
            let o = std::process::Command::new("prlimit")
                .arg("--as=2147483648")
                .arg("--")
                .arg(env!("CARGO_BIN_EXE_xplus"))
                .args(["--db", &url, "import"])
                .arg(&path)
                .output()
                .unwrap();
            if !matches!(o.status.code(), Some(0 | 2)) {
                fail(
                    case,
                    seed,
                    &case_dir,
                    &steps,
                    format!(
                        "xplus import exited {:?}: {}",
                        o.status,
                        String::from_utf8_lossy(&o.stderr)
                    ),
                );
            }
        }
    }
    println!("fuzz_import: {tally:?}, crashes 0");
    assert!(tally.cases > 0);
}
