//! `backup` and `restore` on both backends: a copy restores into an empty database of either
//! backend and exports the same, with accounts and an intact audit chain; a copy taken while
//! sixteen writers write holds every write acknowledged before it began; a damaged or truncated
//! file, or a database that is not empty, is refused and nothing is written.

mod common;

use common::TestDb;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use xplus_core::accounts::Role;
use xplus_store::accounts::{hash_password, NewUser};
use xplus_store::backup::{backup, restore};
use xplus_store::{NewAudit, Refusal, Store, StoreError};

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2017, 3, 1).unwrap()
}

/// A SQLite database in `dir`, migrated and empty.
async fn sqlite_in(dir: &Path, name: &str) -> Box<dyn Store> {
    let store = xplus_store::open(&format!("sqlite://{}", dir.join(name).display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
}

/// The small bundle, an account, an edit of a household (audited).
async fn populate(db: &TestDb) {
    let bundle = common::write_bundle(&db.dir().join("bundle"), &common::small_bundle());
    common::import(db, &bundle).await;
    xplus_store::users::add_user(
        db.store.as_ref(),
        NewUser {
            name: "王科长".into(),
            role: Role::Official,
            region: Some(xplus_core::registry::RegionCode::parse("341181").unwrap()),
            cadre: None,
            password_hash: hash_password("correct horse").unwrap(),
            must_change_password: false,
        },
        "test",
    )
    .await
    .unwrap();
    common::save_household(db.store.as_ref(), "H001", day(), |row| {
        row[9] = xplus_core::interchange::Value::Bool(false);
    })
    .await;
}

async fn exported(store: &dyn Store, dir: &Path) -> std::collections::BTreeMap<String, String> {
    let options = xplus_store::ExportOptions {
        chinese: false,
        region: None,
    };
    xplus_store::export_bundle(store, dir, &options, &common::NoProgress)
        .await
        .unwrap();
    common::read_folder(dir)
}

#[tokio::test]
async fn a_copy_restores_into_either_backend_and_back() {
    let db = TestDb::fresh().await;
    populate(&db).await;
    let dir = db.dir().to_path_buf();
    let first = backup(db.store.as_ref(), &dir.join("a.xbk")).await.unwrap();
    assert!(first.bytes > 0);
    let before = exported(db.store.as_ref(), &dir.join("ex0")).await;

    // Into the test backend (PostgreSQL when the suite runs there), then back into SQLite.
    let other = TestDb::fresh().await;
    let restored = restore(other.store.as_ref(), &dir.join("a.xbk"))
        .await
        .unwrap();
    assert!(restored.audit_entries >= 3, "{restored:?}");
    backup(other.store.as_ref(), &dir.join("b.xbk"))
        .await
        .unwrap();
    let back = sqlite_in(&dir, "back.db").await;
    let again = restore(back.as_ref(), &dir.join("b.xbk")).await.unwrap();
    assert_eq!(again.audit_head, restored.audit_head);

    assert_eq!(
        exported(other.store.as_ref(), &dir.join("ex1")).await,
        before
    );
    assert_eq!(exported(back.as_ref(), &dir.join("ex2")).await, before);
    // Accounts come along (the hash, never a password), and the chain holds.
    let account = back.find_account("王科长").await.unwrap().unwrap();
    assert!(xplus_store::accounts::verify_password(
        "correct horse",
        &account.password_hash
    ));
    let chain = xplus_store::verify_audit(back.as_ref())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(chain.head_hash, restored.audit_head);
    // A new account after the restore gets a number of its own.
    xplus_store::users::add_user(
        other.store.as_ref(),
        NewUser {
            name: "新账号".into(),
            role: Role::Auditor,
            region: None,
            cadre: None,
            password_hash: hash_password("another one").unwrap(),
            must_change_password: false,
        },
        "test",
    )
    .await
    .unwrap();
    other.cleanup().await;
    db.cleanup().await;
}

#[tokio::test]
async fn damaged_truncated_or_foreign_files_and_full_databases_are_refused() {
    let db = TestDb::fresh().await;
    populate(&db).await;
    let dir = db.dir().to_path_buf();
    let good = dir.join("good.xbk");
    backup(db.store.as_ref(), &good).await.unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let mut flipped = bytes.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x55;
    let cases = [
        ("truncated.xbk", bytes[..bytes.len() * 2 / 3].to_vec()),
        ("flipped.xbk", flipped),
        ("empty.xbk", Vec::new()),
        ("text.xbk", b"household_id,village_code\n".to_vec()),
    ];
    let target = sqlite_in(&dir, "target.db").await;
    for (name, content) in cases {
        std::fs::write(dir.join(name), content).unwrap();
        let refused = restore(target.as_ref(), &dir.join(name)).await;
        assert!(
            matches!(refused, Err(StoreError::Refused(Refusal::Invalid(_)))),
            "{name}: {refused:?}"
        );
        assert!(target.is_empty().await.unwrap(), "{name} wrote something");
        assert_eq!(
            target
                .count(&xplus_core::interchange::schema::HOUSEHOLDS)
                .await
                .unwrap(),
            0
        );
    }
    // A database that holds data is never overwritten.
    let full = restore(db.store.as_ref(), &good).await;
    assert!(
        matches!(full, Err(StoreError::Refused(Refusal::Conflict(_)))),
        "{full:?}"
    );
    // The good file still restores into the target the bad ones left untouched.
    restore(target.as_ref(), &good).await.unwrap();
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_copy_taken_while_sixteen_writers_write_holds_what_was_acknowledged_before_it() {
    let db = TestDb::fresh().await;
    populate(&db).await;
    let store: Arc<dyn Store> = Arc::from(xplus_store::open(&db.url).await.unwrap());
    let earlier = xplus_store::verify_audit(store.as_ref())
        .await
        .unwrap()
        .unwrap()
        .entries as u64;
    let (stop, acknowledged) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let mut writers = Vec::new();
    for w in 0..16 {
        let (store, stop, acknowledged) = (store.clone(), stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let entry = NewAudit {
                    actor: format!("writer{w}"),
                    action: "update".into(),
                    entity: "households".into(),
                    record_key: format!("H{w:03}-{n}"),
                    old_values: None,
                    new_values: Some(format!("{{\"n\":{n}}}")),
                };
                store.append_audit(vec![entry]).await.unwrap();
                acknowledged.fetch_add(1, Ordering::SeqCst);
                n += 1;
            }
        }));
    }
    while acknowledged.load(Ordering::SeqCst) < 64 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = acknowledged.load(Ordering::SeqCst);
    let path = db.dir().join("busy.xbk");
    backup(store.as_ref(), &path).await.unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    let target = sqlite_in(db.dir(), "busy.db").await;
    let restored = restore(target.as_ref(), &path).await.unwrap();
    let copied = restored.audit_entries as u64 - earlier;
    assert!(copied >= before, "{copied} < {before}");
    assert!(copied <= acknowledged.load(Ordering::SeqCst));
    db.cleanup().await;
}

/// `file` rewritten with `edit` applied to one table's lines and that table's checksum made
/// right again: a copy whose archive is sound but whose rows break a rule of the database.
fn rewritten(file: &Path, out: &Path, table: &str, edit: impl Fn(&str) -> String) {
    use sha2::Digest;
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        entries.push((entry.name().unwrap().to_string(), text));
    }
    let path = format!("tables/{table}.jsonl");
    let changed = edit(&entries.iter().find(|(n, _)| *n == path).unwrap().1);
    let digest: String = sha2::Sha256::digest(changed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for (name, text) in entries {
        let text = if name == path {
            changed.clone()
        } else if name == "manifest.json" {
            let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
            for t in manifest["tables"].as_array_mut().unwrap() {
                if t["name"] == table {
                    t["sha256"] = digest.clone().into();
                }
            }
            manifest.to_string()
        } else {
            text
        };
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
}

/// The indexes and foreign keys a restore builds once at its end (PostgreSQL) still refuse a
/// copy whose member belongs to no household: the whole restore, naming the table.
#[tokio::test]
async fn a_copy_whose_rows_break_a_reference_is_refused_whole() {
    let db = TestDb::fresh().await;
    populate(&db).await;
    let dir = db.dir().to_path_buf();
    backup(db.store.as_ref(), &dir.join("good.xbk"))
        .await
        .unwrap();
    rewritten(
        &dir.join("good.xbk"),
        &dir.join("bad.xbk"),
        "members",
        |t| t.replacen("[\"H001\"", "[\"H999\"", 1),
    );
    let target = TestDb::fresh().await;
    let refused = restore(target.store.as_ref(), &dir.join("bad.xbk")).await;
    let message = format!("{:?}", refused.as_ref().err());
    assert!(message.contains("members"), "{message}");
    assert!(target.store.is_empty().await.unwrap());
    // The same copy unedited restores into the target the bad one left untouched.
    restore(target.store.as_ref(), &dir.join("good.xbk"))
        .await
        .unwrap();
    target.cleanup().await;
    db.cleanup().await;
}
