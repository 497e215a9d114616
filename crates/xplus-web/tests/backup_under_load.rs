//! `backup` while sixteen writers register households through the API (issue 18): the copy
//! restores into an empty SQLite database whose audit chain verifies, and it holds every
//! household whose registration was acknowledged before the copy began (the snapshot is one
//! read transaction, so what it holds is also whole: no household without its members).

mod common;

use common::{id, App};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use xplus_store::backup::{backup, restore};
use xplus_store::ExportOptions;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_copy_taken_while_sixteen_writers_write_through_the_api_holds_what_was_acknowledged() {
    let app = Arc::new(App::start().await);
    let admin = Arc::new(app.sign_in("admin").await);
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..16u16 {
        let (app, admin, stop, acknowledged) = (
            app.clone(),
            admin.clone(),
            stop.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            let birth = format!("1970-01-{:02}", w + 1);
            let mut n = 0u16;
            while !stop.load(Ordering::SeqCst) && n < 900 {
                let household = format!("HW{w:02}-{n:03}");
                let body = json!({
                    "household_id": household, "village_code": "341181100201",
                    "identified_year": "2014", "status": "poor", "exit_year": "",
                    "causes": "illness", "food_secure": "1", "clothing_secure": "1",
                    "housing_safe": "1", "water_safe": "1",
                    "members": [{
                        "household_id": household, "id_number": id(341181, &birth, n + 1),
                        "name": format!("户主{w}-{n}"), "relation": "head", "health": "healthy",
                        "labour": "ordinary", "schooling": "none", "medical_insured": "1",
                        "pension_insured": "1", "migrant_months": "0",
                    }],
                });
                let r = app
                    .http
                    .post(format!("{}/api/v1/households", app.base))
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &admin.csrf)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = r.status().as_u16();
                if status == 503 {
                    // Busy (another writer held the lock too long): nothing was written; a
                    // client tries again.
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
                assert_eq!(status, 201, "{}", r.text().await.unwrap_or_default());
                acknowledged.lock().unwrap().push(household);
                n += 1;
            }
        }));
    }
    // (A writer that failed ends its task; the join below reports it rather than waiting here.)
    while acknowledged.lock().unwrap().len() < 48 && !writers.iter().all(|w| w.is_finished()) {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: Vec<String> = acknowledged.lock().unwrap().clone();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("busy.xbk");
    backup(app.store.as_ref(), &copy).await.unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    let all = acknowledged.lock().unwrap().len();
    assert!(
        all > before.len(),
        "the writers went on writing during the copy"
    );

    let url = format!("sqlite://{}", dir.path().join("restored.db").display());
    let target = xplus_store::open(&url).await.unwrap();
    target.migrate().await.unwrap();
    restore(target.as_ref(), &copy).await.unwrap();
    let verified = xplus_store::verify_audit(target.as_ref()).await.unwrap();
    assert!(verified.is_ok(), "{verified:?}");
    let out = dir.path().join("export");
    let quiet = QuietExport;
    xplus_store::export_bundle(target.as_ref(), &out, &ExportOptions::default(), &quiet)
        .await
        .unwrap();
    let households = std::fs::read_to_string(out.join("households.csv")).unwrap();
    let members = std::fs::read_to_string(out.join("members.csv")).unwrap();
    let held: Vec<&str> = households
        .lines()
        .filter(|l| l.starts_with("HW"))
        .map(|l| l.split(',').next().unwrap())
        .collect();
    for h in &before {
        assert!(
            held.contains(&h.as_str()),
            "{h} was acknowledged before the copy"
        );
    }
    assert!(held.len() <= all);
    // Whole: each household copied has its head.
    for h in &held {
        assert!(
            members.contains(&format!("{h},")),
            "{h} without its members"
        );
    }
    match Arc::try_unwrap(app) {
        Ok(app) => app.cleanup().await,
        Err(_) => panic!("the writers still hold the app"),
    }
}

struct QuietExport;

impl xplus_store::ExportProgress for QuietExport {
    fn file(&self, _: &str) {}
    fn rows(&self, _: u64) {}
}
