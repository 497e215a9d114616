//! Shared by the storage test suite: a fresh database per test (SQLite in a temporary folder,
//! or a new PostgreSQL database when XPLUS_TEST_DATABASE_URL is set), and a small valid bundle.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use xplus_core::registry::IdNumber;
use xplus_core::rules::RuleSet;
use xplus_store::bundle::source::Encoding;
use xplus_store::{ImportOptions, ImportReport, Store};

// Shared by one group of test files each: the module tests' database, the bad bundles.
pub mod modules;
pub mod planted;

pub struct TestDb {
    pub url: String,
    pub store: Box<dyn Store>,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A new, migrated, empty database for one test.
    pub async fn fresh() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match std::env::var("XPLUS_TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let name = format!(
                    "xplus_t_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let url = create_database(&admin, &name).await;
                (url, Some((admin, name)))
            }
            _ => (
                format!("sqlite://{}", dir.path().join("test.db").display()),
                None,
            ),
        };
        let store = xplus_store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        partition_if_asked(store.as_ref()).await;
        TestDb {
            url,
            store,
            _dir: dir,
            pg,
        }
    }

    pub fn dir(&self) -> &Path {
        self._dir.path()
    }

    /// Drops the PostgreSQL database (SQLite's folder goes with the TempDir).
    pub async fn cleanup(self) {
        let TestDb { store, pg, .. } = self;
        drop(store);
        if let Some((admin, name)) = pg {
            drop_database(&admin, &name).await;
        }
    }
}

/// A new, empty PostgreSQL database `name` on the server of the administrative URL `admin`
/// (any left from an earlier run is dropped first); its URL.
pub async fn create_database(admin: &str, name: &str) -> String {
    let pool = sqlx::PgPool::connect(admin)
        .await
        .expect("PostgreSQL for tests");
    for statement in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(&statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
    replace_database(admin, name)
}

/// Drops database `name` on the server of `admin`, closing its connections.
pub async fn drop_database(admin: &str, name: &str) {
    let pool = sqlx::PgPool::connect(admin).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

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

pub fn options() -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        actor: "test".into(),
        rules: RuleSet::default(),
        dry_run: false,
        uploaded_as: None,
    }
}

pub async fn import(db: &TestDb, path: &Path) -> ImportReport {
    xplus_store::import_bundle(
        db.store.as_ref(),
        path,
        &options(),
        Arc::new(xplus_store::bundle::import::Quiet),
    )
    .await
    .expect("import runs")
}

/// The error an import reported on `file`'s `row` (as Excel numbers it); panics listing every
/// error when there is none, so a refusal test names what was refused instead.
pub fn error_on<'a>(
    report: &'a ImportReport,
    file: &str,
    row: u32,
) -> &'a xplus_store::bundle::import::Issue {
    report
        .errors
        .iter()
        .find(|i| i.file == file && i.row == row)
        .unwrap_or_else(|| panic!("{file} row {row}: {:#?}", report.errors))
}

pub struct NoProgress;

impl xplus_store::ExportProgress for NoProgress {
    fn file(&self, _: &str) {}
    fn rows(&self, _: u64) {}
}

pub async fn export(db: &TestDb, path: &Path, chinese: bool) {
    let options = xplus_store::ExportOptions {
        chinese,
        region: None,
    };
    xplus_store::export_bundle(db.store.as_ref(), path, &options, &NoProgress)
        .await
        .expect("export runs");
}

/// Every file of a folder, by name, as text.
/// The round trip of a register: `db` exported (CSV, English headers), that bundle imported into
/// a fresh database without an error, exported again and equal to the first file by file. The
/// first export's files, for the caller's own checks of its rows.
pub async fn round_trip(db: &TestDb) -> BTreeMap<String, String> {
    let first = db.dir().join("first");
    export(db, &first, false).await;
    let files = read_folder(&first);
    let again = TestDb::fresh().await;
    let report = import(&again, &first).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    let second = again.dir().join("second");
    export(&again, &second, false).await;
    assert_eq!(files, read_folder(&second));
    again.cleanup().await;
    files
}

pub fn read_folder(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        out.insert(name, std::fs::read_to_string(&path).unwrap());
    }
    out
}

/// An official account of the region `code` (天长市 341181000000, 来安县 341182000000 …).
pub fn official_of(name: &str, code: &str) -> xplus_core::accounts::Access {
    xplus_core::accounts::Access::of_account(
        name,
        xplus_core::accounts::Role::Official,
        xplus_core::registry::RegionCode::parse(code).ok(),
        None,
    )
}

pub fn id(area: u32, birth: &str, seq: u16) -> String {
    let d = xplus_core::values::parse_date(birth).unwrap();
    IdNumber::from_parts(area, d, seq).to_string()
}

/// A small bundle that satisfies every rule: one county, two villages, three households.
/// A row of `spec` parsed from its cells as a bundle, a form or the API would have them (a
/// missing cell is empty).
#[allow(dead_code)]
pub fn row(
    spec: &'static xplus_core::interchange::FileSpec,
    cells: &[&str],
) -> Vec<xplus_core::interchange::Value> {
    let today = chrono::Utc::now().date_naive();
    spec.columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            xplus_core::interchange::cell::parse(c, cells.get(i).copied().unwrap_or(""), today)
                .unwrap()
        })
        .collect()
}

/// `bundle` with a county of Jiangsu (32…), 南京市玄武区, and its village 丁村 (320102001001,
/// not poor, 700 people): another province, to move a household to.
pub fn with_jiangsu(mut bundle: BTreeMap<&'static str, String>) -> BTreeMap<&'static str, String> {
    bundle.get_mut("regions").unwrap().push_str(
        "320000000000,江苏省,province,\n\
         320100000000,南京市,city,320000000000\n\
         320102000000,玄武区,county,320100000000\n\
         320102001000,梅园新村街道,town,320102000000\n\
         320102001001,丁村,village,320102001000\n",
    );
    bundle
        .get_mut("villages")
        .unwrap()
        .push_str("320102001001,0,700,,\n");
    bundle
}

/// H003 (天长市) moved to 玄武区 ([`with_jiangsu`]) in households.csv, with its members listed
/// again in the same bundle: merged onto the rows the move carries over.
pub fn h003_moves_to_jiangsu() -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        (
            "households",
            "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n\
             H003,320102001001,2015,monitored,2015,因学,是,是,否,是\n"
                .to_string(),
        ),
        (
            "members",
            format!(
                "household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\n\
                 H003,{},刘芳,head,healthy,skilled,none,1,,12\n\
                 H003,{},刘洋,child,healthy,none,junior,0,,0\n",
                id(341181, "1980-11-30", 52),
                id(341181, "2005-02-28", 61)
            ),
        ),
    ])
}

/// `small_bundle` with a second county of the city, 明光市, and its village 丙村 (341182100201,
/// not poor, 800 people): where a household moves.
pub fn two_county_bundle() -> BTreeMap<&'static str, String> {
    let mut bundle = small_bundle();
    bundle.get_mut("regions").unwrap().push_str(
        "341182000000,明光市,county,341100000000\n\
         341182100000,明光街道,town,341182000000\n\
         341182100201,丙村,village,341182100000\n",
    );
    bundle
        .get_mut("villages")
        .unwrap()
        .push_str("341182100201,0,800,,\n");
    bundle
}

pub fn small_bundle() -> BTreeMap<&'static str, String> {
    let mut b = BTreeMap::new();
    b.insert(
        "regions",
        "code,name,level,parent_code\n\
         340000000000,安徽省,province,\n\
         341100000000,滁州市,city,340000000000\n\
         341181000000,天长市,county,341100000000\n\
         341181100000,天长街道,town,341181000000\n\
         341181100201,甲村,village,341181100000\n\
         341181100202,乙村,village,341181100000\n"
            .to_string(),
    );
    b.insert(
        "villages",
        "village_code,poor_village,population,exit_year,planned_exit_year\n\
         341181100201,1,1200,,2017\n\
         341181100202,0,900,,\n"
            .to_string(),
    );
    b.insert(
        "households",
        "household_id,village_code,identified_year,status,exit_year,causes,food_secure,clothing_secure,housing_safe,water_safe\n\
         H001,341181100201,2014,poor,,illness;skills,1,1,1,1\n\
         H002,341181100201,2014,exited,2015,disability,1,1,1,0\n\
         H003,341181100202,2015,monitored,2015,因学,是,是,否,是\n"
            .to_string(),
    );
    b.insert(
        "members",
        format!(
            "household_id,id_number,name,relation,health,labour,schooling,medical_insured,pension_insured,migrant_months\n\
             H001,{},王大明,head,healthy,ordinary,none,1,1,6\n\
             H001,{},李秀英,spouse,chronic,weak,none,1,1,0\n\
             H001,{},王小明,child,healthy,none,primary,1,0,0\n\
             H002,{},张建国,head,disabled,lost,none,1,1,0\n\
             H003,{},刘芳,head,healthy,skilled,none,1,,12\n\
             H003,{},刘洋,child,healthy,none,junior,0,,0\n",
            id(341181, "1970-03-05", 11),
            id(341181, "1972-08-19", 22),
            id(341181, "2009-06-01", 31),
            id(342301, "1950-01-15", 41),
            id(341181, "1980-11-30", 52),
            id(341181, "2005-02-28", 61),
        ),
    );
    b.insert(
        "incomes",
        "household_id,year,wage,production,property,transfer,production_cost,medical_cost\n\
         H001,2015,\"6,000.50\",2000,0,1200,800,300\n\
         H001,2016,9000,2500,100,1500,1000,\n\
         H002,2016,0,1000,0,5000,200,8000\n\
         H003,2016,20000,0,0,500,0,0\n"
            .to_string(),
    );
    b.insert(
        "stations",
        "station_id,village_code,kind,name,upgraded_year\nS1,341181100201,station,甲村远教站点,2016\n".to_string(),
    );
    b.insert(
        "station_coverage",
        "station_id,village_code\nS1,341181100201\nS1,341181100202\n".to_string(),
    );
    b.insert(
        "training_sessions",
        "session_id,station_id,date,mode,lecturer_kind,topic,title\nT1,S1,2016-03-05,party_school,cadre,policy,扶贫政策解读\n".to_string(),
    );
    b.insert(
        "attendance",
        "session_id,household_id\nT1,H001\nT1,H003\n".to_string(),
    );
    b.insert(
        "units",
        "unit_id,name,kind\nU1,滁州市财政局,organ\nU2,天长市农商行,enterprise\n".to_string(),
    );
    b.insert(
        "cadres",
        "cadre_id,name,unit_id,role,phone\nC1,赵军,U1,helper,13800000001\nC2,孙丽,U1,first_secretary,13800000002\nC3,周强,U2,helper,\n".to_string(),
    );
    b.insert(
        "unit_village_pairings",
        "unit_id,village_code,start_date,end_date,joint_party_org\nU1,341181100201,2015-01-01,,1\nU2,341181100201,2015-06-01,,0\n".to_string(),
    );
    b.insert(
        "cadre_household_pairings",
        "cadre_id,household_id,start_date,end_date\n\
         C1,H001,2015-01-01,2016-06-30\n\
         C3,H001,2016-07-01,\n\
         C1,H002,2015-01-01,2016-01-31\n\
         C3,H003,2015-01-01,\n"
            .to_string(),
    );
    b.insert(
        "collective_income",
        "village_code,year,operating_income\n341181100201,2016,52000\n341181100202,2016,120000.5\n"
            .to_string(),
    );
    b.insert(
        "projects",
        "project_id,village_code,name,model,share_value,shares_per_household,total_shares,bot_enterprise,concession_start,concession_end\n\
         P1,341181100201,甲村光伏电站,pv,1000,5,20,,,\n\
         P2,341181100201,甲村污水处理,operation,500,2,10,某环保公司,2015-01-01,2030-12-31\n"
            .to_string(),
    );
    b.insert(
        "share_events",
        "project_id,household_id,date,kind,shares\n\
         P1,H001,2015-03-01,grant,5\n\
         P1,H002,2015-03-01,grant,5\n\
         P1,H002,2016-01-01,reclaim,5\n"
            .to_string(),
    );
    b.insert(
        "distributions",
        "project_id,year,distributable\nP1,2015,1000.01\nP1,2016,999.99\n".to_string(),
    );
    b.insert(
        "loans",
        "loan_id,household_id,project_id,pledged_shares,amount,start_date,term_months,repaid_date\nL1,H001,P1,5,40000,2016-01-10,60,\n".to_string(),
    );
    b.insert(
        "statistics",
        "region_code,year,rural_income_per_capita\n341100000000,2015,10070\n341100000000,2016,10956\n".to_string(),
    );
    b
}

pub fn write_bundle(dir: &Path, bundle: &BTreeMap<&'static str, String>) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in bundle {
        std::fs::write(dir.join(format!("{name}.csv")), text).unwrap();
    }
    dir.to_path_buf()
}

/// Saves household `id` as the web form does (the administrator, the stored fingerprint), with
/// its stored row changed by `change` (columns in households.csv order).
pub async fn save_household(
    store: &dyn Store,
    id: &str,
    today: chrono::NaiveDate,
    change: impl FnOnce(&mut [xplus_core::interchange::Value]),
) {
    let admin = xplus_core::accounts::Access::of_account(
        "admin",
        xplus_core::accounts::Role::Admin,
        None,
        None,
    );
    let stored = xplus_store::records::household(store, &admin, id, today)
        .await
        .unwrap()
        .unwrap();
    let mut row = stored.household.to_row();
    change(&mut row);
    xplus_store::records::save_record(
        store,
        &admin,
        &xplus_core::interchange::schema::HOUSEHOLDS,
        row,
        Some(stored.fingerprint.as_str()),
        today,
    )
    .await
    .unwrap();
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

/// Runs SQL on the test database directly, as someone with access to the file or server would
/// (a `DROP TRIGGER` of the audit log's is PostgreSQL's disabling of its one trigger).
#[allow(dead_code)]
pub async fn tamper(db: &TestDb, statements: &[&str]) {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        for s in statements {
            sqlx::query(s).execute(&pool).await.unwrap();
        }
    } else {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        for s in statements {
            // PostgreSQL has one trigger for both; a superuser disables it.
            let s = if s.starts_with("DROP TRIGGER") {
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change".to_string()
            } else {
                s.to_string()
            };
            sqlx::query(&s)
                .execute(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("{s}: {e}"));
        }
    }
}

/// The first column of a query's rows, as integers, read from the test database directly (a
/// stored column no record type shows, such as a row's county).
#[allow(dead_code)]
pub async fn integers(db: &TestDb, sql: &str) -> Vec<i64> {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
    } else {
        use sqlx::Connection as _;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
    }
}

/// Collects what an assessment judged, households and villages.
#[derive(Default)]
pub struct Collect {
    pub households: Vec<xplus_store::records::HouseholdAssessment>,
    pub villages: Vec<xplus_store::records::VillageAssessment>,
}

impl xplus_store::records::AssessmentSink for Collect {
    fn household(
        &mut self,
        h: &xplus_store::records::HouseholdAssessment,
    ) -> Result<(), xplus_store::StoreError> {
        self.households.push(h.clone());
        Ok(())
    }
    fn village(
        &mut self,
        v: &xplus_store::records::VillageAssessment,
    ) -> Result<(), xplus_store::StoreError> {
        self.villages.push(v.clone());
        Ok(())
    }
}

impl Collect {
    pub fn of(&self, id: &str) -> &xplus_store::records::HouseholdAssessment {
        self.households
            .iter()
            .find(|h| h.household_id == id)
            .unwrap()
    }
}

/// What the assessment of 2016 judges household `id`.
pub async fn judged(db: &TestDb, id: &str) -> xplus_store::records::Judgement {
    let mut seen = Collect::default();
    xplus_store::records::assess_year(db.store.as_ref(), 2016, &mut seen)
        .await
        .unwrap();
    seen.of(id).judgement.clone()
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
