//! The web test harness: a fresh database (SQLite, or a new PostgreSQL database when
//! XPLUS_TEST_DATABASE_URL is set), a small bundle of two counties, one account per role, and
//! the application started on port 0 — the same router `xplus serve` runs.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use xplus_core::accounts::Role;
use xplus_core::registry::{IdNumber, RegionCode};
use xplus_core::rules::RuleSet;
use xplus_store::accounts::{hash_password, NewUser};
use xplus_store::bundle::source::Encoding;
use xplus_store::{ImportOptions, Store};

pub const PASSWORD: &str = "correct-horse-battery";

pub struct App {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    pub url: String,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let after_scheme = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[after_scheme..]
        .find('/')
        .map(|i| i + after_scheme)
        .unwrap_or(base.len());
    format!("{}/{name}{query}", &base[..host_end])
}

pub fn id(area: u32, birth: &str, seq: u16) -> String {
    let d = xplus_core::values::parse_date(birth).unwrap();
    IdNumber::from_parts(area, d, seq).to_string()
}

/// Two counties of Chuzhou: 天长市 with two villages (甲村, 乙村), 琅琊区 with one (丙村).
pub fn bundle() -> BTreeMap<&'static str, String> {
    let mut b = BTreeMap::new();
    b.insert(
        "regions",
        "code,name,level,parent_code\n\
         340000000000,安徽省,province,\n\
         341100000000,滁州市,city,340000000000\n\
         341181000000,天长市,county,341100000000\n\
         341181100000,天长街道,town,341181000000\n\
         341181100201,甲村,village,341181100000\n\
         341181100202,乙村,village,341181100000\n\
         341102000000,琅琊区,county,341100000000\n\
         341102001000,西涧街道,town,341102000000\n\
         341102001001,丙村,village,341102001000\n"
            .to_string(),
    );
    b.insert(
        "villages",
        "village_code,poor_village,population,exit_year,planned_exit_year\n\
         341181100201,1,1200,,2017\n\
         341181100202,0,900,,\n\
         341102001001,1,800,,2018\n"
            .to_string(),
    );
    b.insert(
        "households",
        "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n\
         H001,341181100201,2014,poor,,illness;skills,1,1,1,1\n\
         H002,341181100202,2014,exited,2015,disability,1,1,1,0\n\
         H101,341102001001,2015,poor,,labour,1,1,0,1\n"
            .to_string(),
    );
    b.insert(
        "members",
        format!(
            "household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\n\
             H001,{},王大明,head,healthy,ordinary,none,1,1,6\n\
             H001,{},李秀英,spouse,chronic,weak,none,1,1,0\n\
             H002,{},张建国,head,disabled,lost,none,1,1,0\n\
             H101,{},刘芳,head,healthy,skilled,none,1,,12\n",
            id(341181, "1970-03-05", 11),
            id(341181, "1972-08-19", 22),
            id(342301, "1950-01-15", 41),
            id(341102, "1980-11-30", 52),
        ),
    );
    b.insert(
        "incomes",
        "household_id,year,wage,production,property,transfer,production_cost,medical_cost\n\
         H001,2016,9000,2500,100,1500,1000,\n\
         H101,2016,20000,0,0,500,0,0\n"
            .to_string(),
    );
    b.insert(
        "units",
        "unit_id,name,kind\nU1,滁州市财政局,organ\n".to_string(),
    );
    b.insert(
        "cadres",
        "cadre_id,name,unit_id,role,phone\nC1,赵军,U1,helper,13800000001\n".to_string(),
    );
    b.insert(
        "cadre_household_pairings",
        // C1's pairing with H002 has not started: the helper does not reach it yet.
        "cadre_id,household_id,start_date,end_date\nC1,H001,2015-01-01,\nC1,H002,2099-01-01,\n"
            .to_string(),
    );
    b
}

/// Imports (or with `dry_run` only checks) the bundle in `folder` as the tests' importer.
pub async fn import_folder(
    store: &dyn Store,
    folder: &std::path::Path,
    dry_run: bool,
) -> xplus_store::bundle::import::ImportReport {
    let options = ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today: chrono::Local::now().date_naive(),
        actor: "test".into(),
        rules: RuleSet::default(),
        dry_run,
        uploaded_as: None,
    };
    xplus_store::import_bundle(
        store,
        folder,
        &options,
        Arc::new(xplus_store::bundle::import::Quiet),
    )
    .await
    .unwrap()
}

/// The accounts of the tests: (name, role, region, cadre).
pub const ACCOUNTS: &[(&str, Role, Option<&str>, Option<&str>)] = &[
    ("admin", Role::Admin, None, None),
    ("tianchang", Role::Official, Some("341181000000"), None),
    ("tianchangjd", Role::Official, Some("341181100000"), None),
    ("xijian", Role::Official, Some("341102001000"), None),
    ("jiacun", Role::Secretary, Some("341181100201"), None),
    ("zhaojun", Role::Helper, None, Some("C1")),
    ("auditor", Role::Auditor, None, None),
];

/// A database at `url` with the test bundle imported and the test accounts.
async fn seeded(url: &str, dir: &std::path::Path) -> Arc<dyn Store> {
    let store: Arc<dyn Store> = Arc::from(xplus_store::open(url).await.unwrap());
    store.migrate().await.unwrap();
    let folder = dir.join(format!("bundle-{}", COUNTER.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir(&folder).unwrap();
    for (name, text) in bundle() {
        std::fs::write(folder.join(format!("{name}.csv")), text).unwrap();
    }
    let report = import_folder(store.as_ref(), &folder, false).await;
    assert!(report.committed, "{:?}", report.errors);
    // After the import, so that its province has a partition of its own (on an empty database
    // every row would land in the default partition).
    partition_if_asked(store.as_ref()).await;
    // As `xplus import` does before it returns: the server then starts with its figures kept,
    // and a test's first page never meets the start-up refresh half-way through the counties
    // (the dashboard shows the stored figures while it runs, by design).
    xplus_store::records::refresh_rollups(store.as_ref())
        .await
        .unwrap();
    let hash = hash_password(PASSWORD).unwrap();
    for (name, role, region, cadre) in ACCOUNTS {
        xplus_store::users::add_user(
            store.as_ref(),
            NewUser {
                name: name.to_string(),
                role: *role,
                region: region.map(|r| RegionCode::parse(r).unwrap()),
                cadre: cadre.map(str::to_string),
                password_hash: hash.clone(),
                must_change_password: false,
            },
            "test",
        )
        .await
        .unwrap();
    }
    store
}

/// Serves `store` on a free port; its address and a client that does not follow redirects.
async fn served(store: Arc<dyn Store>) -> (String, reqwest::Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { xplus_web::serve(listener, store).await });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (base, http)
}

impl App {
    /// Two SQLite databases seeded alike, served as a primary and its read replica
    /// (`xplus serve --read-db`); the app's store is the primary, the replica is returned.
    pub async fn start_routed() -> (App, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("web.db").display());
        let primary = seeded(&url, dir.path()).await;
        let replica_url = format!("sqlite://{}", dir.path().join("replica.db").display());
        let replica = seeded(&replica_url, dir.path()).await;
        let routed = xplus_store::Routed::new(primary.clone(), replica.clone()).unwrap();
        let (base, http) = served(Arc::new(routed)).await;
        let app = App {
            base,
            store: primary,
            http,
            url,
            _dir: dir,
            pg: None,
        };
        (app, replica)
    }

    pub async fn start() -> App {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match std::env::var("XPLUS_TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!(
                    "xplus_w_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let pool = sqlx::PgPool::connect(&admin).await.expect("PostgreSQL");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                (replace_database(&admin, &name), Some((admin, name)))
            }
            _ => (
                format!("sqlite://{}", dir.path().join("web.db").display()),
                None,
            ),
        };
        let store = seeded(&url, dir.path()).await;
        let (base, http) = served(store.clone()).await;
        App {
            base,
            store,
            http,
            url,
            _dir: dir,
            pg,
        }
    }

    /// Starts another server on the same database, as after a restart (nothing kept in memory),
    /// and sends the requests that follow to it.
    pub async fn restart(&mut self) {
        let store: Arc<dyn Store> = Arc::from(xplus_store::open(&self.url).await.unwrap());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        self.base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { xplus_web::serve(listener, store).await });
    }

    pub async fn cleanup(self) {
        let App { store, pg, .. } = self;
        drop(store);
        if let Some((admin, name)) = pg {
            let pool = sqlx::PgPool::connect(&admin).await.unwrap();
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&pool)
                .await;
        }
    }

    /// Signs in; returns the session's cookie header and CSRF token.
    pub async fn sign_in(&self, name: &str) -> Session {
        self.try_sign_in(name, PASSWORD)
            .await
            .unwrap_or_else(|status| panic!("{name} could not sign in: {status}"))
    }

    pub async fn try_sign_in(&self, name: &str, password: &str) -> Result<Session, u16> {
        let page = self
            .http
            .get(format!("{}/login", self.base))
            .send()
            .await
            .unwrap();
        let login_cookie = cookie_of(&page, "xplus_login").expect("login cookie");
        let csrf = hidden(&page.text().await.unwrap(), "_csrf");
        let response = self
            .http
            .post(format!("{}/login", self.base))
            .header("cookie", format!("xplus_login={login_cookie}"))
            .form(&[
                ("name", name),
                ("password", password),
                ("_csrf", &csrf),
                ("next", "/households"),
            ])
            .send()
            .await
            .unwrap();
        if response.status().as_u16() != 303 {
            return Err(response.status().as_u16());
        }
        let raw = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|v| v.starts_with("xplus_session="))
            .expect("session cookie");
        let cookie = raw.split(';').next().unwrap().to_string();
        // The change-password page opens for everyone, also for an account that must change it.
        let page = self
            .http
            .get(format!("{}/password", self.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = hidden(&page, "_csrf");
        Ok(Session {
            cookie,
            csrf,
            set_cookie: raw,
        })
    }

    /// A JSON write to the API with the session's cookie and CSRF header.
    pub async fn post_json(
        &self,
        s: &Session,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// The JSON body of a GET.
    pub async fn get_json(&self, s: &Session, path: &str) -> serde_json::Value {
        self.get(s, path).await.json().await.unwrap()
    }

    pub async fn get(&self, s: &Session, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .send()
            .await
            .unwrap()
    }

    /// The body htmx gets for `path` as `s` (the list alone, without the page around it).
    #[allow(dead_code)]
    pub async fn htmx_text(&self, s: &Session, path: &str) -> String {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .header("hx-request", "true")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The body of a page read as `s`.
    pub async fn page_text(&self, s: &Session, path: &str) -> String {
        self.get(s, path).await.text().await.unwrap()
    }

    pub async fn post_form(
        &self,
        s: &Session,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header("cookie", &s.cookie)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// The household's current fingerprint, read as the administrator would (empty if missing).
    pub async fn fingerprint(&self, id: &str) -> String {
        let admin = xplus_core::accounts::Access::of_account("admin", Role::Admin, None, None);
        xplus_store::records::household(
            self.store.as_ref(),
            &admin,
            id,
            chrono::Local::now().date_naive(),
        )
        .await
        .unwrap()
        .map(|h| h.fingerprint)
        .unwrap_or_default()
    }
}

pub struct Session {
    pub cookie: String,
    pub csrf: String,
    /// The Set-Cookie header as sent (to check its attributes).
    pub set_cookie: String,
}

fn cookie_of(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap()[name.len() + 1..].to_string())
}

/// The value of the first hidden input called `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} in page"))
        + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// The household form as a browser would send it, with the stored values changed by `changes`.
pub fn household_form<'a>(
    csrf: &'a str,
    fingerprint: &'a str,
    village: &'a str,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("_csrf", csrf),
        ("_fingerprint", fingerprint),
        ("village_code", village),
        ("identified_year", "2014"),
        ("status", "poor"),
        ("causes", "illness"),
        ("food_secure", "1"),
        ("clothing_secure", "1"),
        ("housing_safe", "1"),
        ("water_safe", "1"),
    ];
    for (k, v) in changes {
        form.retain(|(name, _)| name != k);
        form.push((k, v));
    }
    form
}

/// An assessment sink that keeps nothing: for tests that only need a year applied.
pub struct Discard;

impl xplus_store::records::AssessmentSink for Discard {
    fn household(
        &mut self,
        _: &xplus_store::records::HouseholdAssessment,
    ) -> Result<(), xplus_store::StoreError> {
        Ok(())
    }
    fn village(
        &mut self,
        _: &xplus_store::records::VillageAssessment,
    ) -> Result<(), xplus_store::StoreError> {
        Ok(())
    }
}

impl App {
    /// The page an upload (`POST /imports`) or a confirmation leads to, once the background
    /// check or import has finished: the redirect is followed and the page polled. A response
    /// that is not a redirect (the form with a message) is returned as it is.
    pub async fn finished_upload(&self, s: &Session, response: reqwest::Response) -> String {
        if response.status().as_u16() != 303 {
            return response.text().await.unwrap();
        }
        let location = response.headers()["location"].to_str().unwrap().to_string();
        for _ in 0..1200 {
            let page = self.page_text(s, &location).await;
            if !page.contains("data-import-running") {
                return page;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the upload at {location} did not finish in two minutes");
    }
}

/// With XPLUS_TEST_PARTITION=province (and PostgreSQL) a test's database has its large tables
/// split by province, as `xplus init --partition province` does: the same tests then check the
/// partitioned schema (CI runs the PostgreSQL suites both ways).
pub async fn partition_if_asked(store: &dyn Store) {
    let asked = std::env::var("XPLUS_TEST_PARTITION").unwrap_or_default();
    if asked == "province" && store.backend() == xplus_store::Backend::Postgres {
        store.partition_by_province().await.unwrap();
    }
}
