//! Whatever the API accepts, the bundle can carry: after a random sequence of API writes
//! (households registered with their members, members added and changed, heads changed,
//! incomes, status changes — each accepted or refused by the rules), `export` then `import` into
//! an empty database succeeds and exports the same files. The save path and the importer judge
//! by the same rules, so nothing the API lets in can make the export unreadable (a household
//! without a head once did).

mod common;

use common::{id, App, Session};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use std::sync::Arc;
use xplus_store::ExportOptions;

const VILLAGES: &[&str] = &["341181100201", "341181100202", "341102001001"];
const RELATIONS: &[&str] = &[
    "head",
    "spouse",
    "child",
    "parent",
    "grandchild",
    "sibling",
    "other",
];
const STATUSES: &[&str] = &["poor", "exited", "monitored", "returned", "removed"];

struct Run {
    app: App,
    s: Session,
    rng: ChaCha8Rng,
    households: Vec<String>,
    people: u16,
    accepted: u32,
    refused: u32,
}

impl Run {
    async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Value,
        etag: Option<String>,
    ) {
        let mut r = self
            .app
            .http
            .request(method, format!("{}{path}", self.app.base))
            .header("cookie", &self.s.cookie)
            .header("x-csrf-token", &self.s.csrf)
            .json(&body);
        if let Some(e) = etag {
            r = r.header("if-match", e);
        }
        let r = r.send().await.unwrap();
        let status = r.status().as_u16();
        assert!(
            status < 500,
            "{path} {body}: {status} {}",
            r.text().await.unwrap()
        );
        if status < 300 {
            self.accepted += 1;
        } else {
            self.refused += 1;
        }
    }

    /// A household as the API shows it, with its ETag.
    async fn read(&self, household: &str) -> (Value, String) {
        let r = self
            .app
            .get(&self.s, &format!("/api/v1/households/{household}"))
            .await;
        let etag = r.headers()["etag"].to_str().unwrap().to_string();
        (r.json().await.unwrap(), etag)
    }

    fn member(&mut self, household: &str, relation: &str) -> Value {
        self.people += 1;
        let birth = format!(
            "19{:02}-0{}-1{}",
            self.rng.random_range(40..99),
            self.rng.random_range(1..9),
            self.rng.random_range(0..9)
        );
        json!({
            "household_id": household, "id_number": id(341181, &birth, self.people),
            "name": format!("成员{}", self.people), "relation": relation,
            "health": "healthy", "labour": "ordinary", "schooling": "none",
            "medical_insured": "1", "pension_insured": "1", "migrant_months": "0",
        })
    }

    async fn register(&mut self) {
        let household = format!("H5{:02}", self.households.len());
        let village = VILLAGES[self.rng.random_range(0..VILLAGES.len())];
        let mut members = vec![self.member(&household, "head")];
        for _ in 0..self.rng.random_range(0..3) {
            let relation = RELATIONS[self.rng.random_range(1..RELATIONS.len())];
            members.push(self.member(&household, relation));
        }
        let (status, exit_year) = if self.rng.random_bool(0.3) {
            ("exited", "2016")
        } else {
            ("poor", "")
        };
        let body = json!({
            "household_id": household, "village_code": village, "identified_year": "2014",
            "status": status, "exit_year": exit_year, "causes": "illness", "food_secure": "1",
            "clothing_secure": "1", "housing_safe": "1", "water_safe": "1", "members": members,
        });
        self.send(reqwest::Method::POST, "/api/v1/households", body, None)
            .await;
        self.households.push(household);
    }

    async fn change(&mut self) {
        let all: Vec<String> = ["H001", "H002", "H101"]
            .iter()
            .map(|s| s.to_string())
            .chain(self.households.clone())
            .collect();
        let household = all[self.rng.random_range(0..all.len())].clone();
        let (detail, etag) = self.read(&household).await;
        let members = detail["members"].as_array().cloned().unwrap_or_default();
        let path = format!("/api/v1/households/{household}");
        match self.rng.random_range(0..5) {
            // A member's relation changed (refused when it leaves none or two heads).
            0 if !members.is_empty() => {
                let mut m = members[self.rng.random_range(0..members.len())].clone();
                m["relation"] = json!(RELATIONS[self.rng.random_range(0..RELATIONS.len())]);
                m.as_object_mut().unwrap().remove("age");
                self.send(
                    reqwest::Method::PUT,
                    &format!("{path}/members"),
                    m,
                    Some(etag),
                )
                .await;
            }
            // A member added.
            1 => {
                let relation = RELATIONS[self.rng.random_range(0..RELATIONS.len())];
                let m = self.member(&household, relation);
                self.send(
                    reqwest::Method::PUT,
                    &format!("{path}/members"),
                    m,
                    Some(etag),
                )
                .await;
            }
            // The head changed: the new head and the former head together.
            2 if members.len() > 1 => {
                let mut changed: Vec<Value> = members.clone();
                for m in &mut changed {
                    m.as_object_mut().unwrap().remove("age");
                    if m["relation"] == "head" {
                        m["relation"] = json!("spouse");
                    }
                }
                let pick = self.rng.random_range(0..changed.len());
                changed[pick]["relation"] = json!("head");
                self.send(
                    reqwest::Method::PUT,
                    &format!("{path}/members"),
                    json!(changed),
                    Some(etag),
                )
                .await;
            }
            // An income.
            3 => {
                let year = self.rng.random_range(2014..2027).to_string();
                let body = json!({
                    "year": year, "wage": self.rng.random_range(0..20_000).to_string(),
                    "production": "100", "property": "0", "transfer": "50",
                    "production_cost": self.rng.random_range(0..5_000).to_string(), "medical_cost": null,
                });
                self.send(
                    reqwest::Method::PUT,
                    &format!("{path}/incomes"),
                    body,
                    Some(etag),
                )
                .await;
            }
            // A status change (refused against the lifecycle).
            _ => {
                let mut h = detail["household"].clone();
                h["status"] = json!(STATUSES[self.rng.random_range(0..STATUSES.len())]);
                if h["exit_year"].is_null() || h["exit_year"] == "" {
                    h["exit_year"] = json!("2016");
                }
                self.send(reqwest::Method::PUT, &path, h, Some(etag)).await;
            }
        }
    }
}

async fn export(store: &dyn xplus_store::Store, to: &std::path::Path) {
    struct Silent;
    impl xplus_store::ExportProgress for Silent {
        fn file(&self, _: &str) {}
        fn rows(&self, _: u64) {}
    }
    let options = ExportOptions {
        chinese: false,
        region: None,
    };
    xplus_store::export_bundle(store, to, &options, &Silent)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn whatever_the_api_accepts_exports_and_imports_again() {
    let seed: u64 = std::env::var("XPLUS_ROUND_TRIP_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(17);
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let mut run = Run {
        app,
        s,
        rng: ChaCha8Rng::seed_from_u64(seed),
        households: Vec::new(),
        people: 100,
        accepted: 0,
        refused: 0,
    };
    for step in 0..120 {
        if step % 4 == 0 {
            run.register().await;
        } else {
            run.change().await;
        }
    }
    eprintln!(
        "seed {seed}: {} writes accepted, {} refused",
        run.accepted, run.refused
    );
    assert!(
        run.accepted > 40 && run.refused > 5,
        "seed {seed}: {} accepted, {} refused",
        run.accepted,
        run.refused
    );
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    export(run.app.store.as_ref(), &first).await;
    let url = format!("sqlite://{}", dir.path().join("empty.db").display());
    let empty: Arc<dyn xplus_store::Store> = Arc::from(xplus_store::open(&url).await.unwrap());
    empty.migrate().await.unwrap();
    let report = common::import_folder(empty.as_ref(), &first, false).await;
    assert!(
        report.committed,
        "seed {seed}: the export does not import: {:#?}",
        report.errors
    );
    export(empty.as_ref(), &second).await;
    for entry in std::fs::read_dir(&first).unwrap() {
        let name = entry.unwrap().file_name();
        let a = std::fs::read(first.join(&name)).unwrap();
        let b = std::fs::read(second.join(&name)).unwrap();
        assert!(a == b, "seed {seed}: {name:?} differs after the round trip");
    }
    run.app.cleanup().await;
}
