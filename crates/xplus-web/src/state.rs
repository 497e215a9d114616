//! What every request shares: the store, the cookie key, sign-in throttling (kept in the
//! database), cached list counts and sessions, and bundles waiting for confirmation.

use axum::extract::FromRef;
use axum_extra::extract::cookie::Key;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, Dashboard};
use xplus_store::Store;

/// What a page computed for a reach (None: everywhere), a year and the day it was computed on,
/// by the page's name (the dashboard's: year 0), with the roll-ups' generation it was read at.
type KeptKey = (&'static str, Option<RegionCode>, i32, chrono::NaiveDate);
type Computed = (i64, Arc<dyn Any + Send + Sync>);

/// What a dashboard request did about marked counties.
#[derive(Debug, Clone, Copy, Default)]
pub struct Freshness {
    /// Counties this request refreshed first.
    pub refreshed: usize,
    /// Another refresh is running: some figures may not include the latest changes yet.
    pub updating: bool,
}

/// Villages shown in a dashboard's incidence chart (the highest first).
pub const TOP_VILLAGES: usize = 20;

/// Values kept in memory under a generation (a dashboard per region asked for, a page's figures
/// per reach and year); all are dropped when there are more.
const KEPT_VALUES: usize = 2_000;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    key: Key,
    pub throttle: crate::throttle::Throttle,
    pub counts: Arc<CountCache>,
    pub sessions: Arc<SessionCache>,
    pub uploads: Arc<Mutex<HashMap<String, Arc<Upload>>>>,
    /// The yearly assessments users started from the web, one per user.
    pub assessments: crate::pages::assessment_run::AssessmentJobs,
    /// The cross-department checks officials ran from the web, waiting to be recorded.
    pub crosschecks: crate::pages::crosscheck::CrosscheckRuns,
    /// One refresh of the roll-ups at a time; the others wait for it and find nothing to do.
    pub(crate) refreshing: Arc<tokio::sync::Mutex<()>>,
    /// Dashboards and figures of a reach and year that the roll-ups do not keep, with the
    /// generation they were read at (see `kept`).
    computed: Arc<Mutex<HashMap<KeptKey, Computed>>>,
    /// Each county's overdue visits of a day, kept while the county is unchanged.
    pub kept_due: Arc<xplus_store::records::KeptDue>,
    /// Each county's households as the assessment reads them, kept between what-ifs while
    /// the county is unchanged.
    pub kept_facts: Arc<xplus_store::records::KeptFacts>,
}

impl FromRef<AppState> for Key {
    fn from_ref(state: &AppState) -> Key {
        state.key.clone()
    }
}

impl AppState {
    /// The cookie key is made once and kept in the database, so sessions outlive a restart
    /// and several servers on one database agree.
    pub async fn new(store: Arc<dyn Store>) -> Result<AppState, xplus_store::StoreError> {
        let fresh = xplus_store::accounts::random_secret(64);
        let secret = store.server_secret("cookie_key", &fresh).await?;
        // 64 random bytes as hex: 128 bytes of key material, more than the 64 `Key` needs.
        let key = Key::from(secret.as_bytes());
        // The hash unknown names are checked against is made now, not during a sign-in.
        tokio::task::spawn_blocking(xplus_store::accounts::prepare_sign_in)
            .await
            .map_err(|e| xplus_store::StoreError::Interrupted(e.to_string()))?;
        Ok(AppState {
            throttle: crate::throttle::Throttle::new(store.clone()),
            store,
            key,
            counts: Arc::default(),
            sessions: Arc::default(),
            uploads: Arc::default(),
            assessments: Arc::default(),
            crosschecks: Arc::default(),
            refreshing: Arc::default(),
            computed: Arc::default(),
            kept_due: Arc::default(),
            kept_facts: Arc::default(),
        })
    }

    /// The dashboard of `region` (None: the whole registry) and the counties refreshed first.
    /// Records changed since the last refresh are folded into the roll-ups first (one request at
    /// a time does it); a dashboard read at the roll-ups' current generation is reused, so a
    /// busy dashboard costs two small queries and the page.
    pub async fn dashboard(
        &self,
        region: Option<RegionCode>,
        today: chrono::NaiveDate,
    ) -> Result<(Arc<Dashboard>, Freshness), xplus_store::StoreError> {
        use xplus_store::records;
        let store = self.store.as_ref();
        let mut fresh = Freshness::default();
        let (mut generation, mut dirty) = records::rollup_state(store).await?;
        if dirty {
            // A long refresh (after an import, a new database) is not waited for: the stored
            // figures are shown, marked as being brought up to date.
            match self.refresh_marked().await? {
                Some(counties) => {
                    fresh.refreshed = counties;
                    (generation, dirty) = records::rollup_state(store).await?;
                }
                None => fresh.updating = true,
            }
        }
        let compute = records::dashboard(store, region, TOP_VILLAGES);
        let key = ("dashboard", region, 0, today);
        let d = self.kept(key, (generation, dirty), compute).await?;
        Ok((d, fresh))
    }

    /// What `compute` reads from the records for `what` (a page's figures) of `access`'s reach
    /// and `year` on `today`, kept while the roll-ups' generation it was read at is current. Every write
    /// marks its county and a refresh moves the generation on, so a kept value is what the
    /// records still say. Counts that cannot be summed from villages (distinct persons placed,
    /// households brought along by organisations of a kind) or whole village tables are
    /// computed once per change instead of once per request; a helper's reach is small and
    /// computed each time.
    pub async fn computed<T, F>(
        &self,
        what: &'static str,
        access: &xplus_core::accounts::Access,
        year: i32,
        today: chrono::NaiveDate,
        compute: F,
    ) -> Result<Arc<T>, xplus_store::StoreError>
    where
        T: Any + Send + Sync,
        F: Future<Output = Result<T, xplus_store::StoreError>>,
    {
        use xplus_core::accounts::Scope;
        let region = match access.scope() {
            Scope::Everywhere => None,
            Scope::Region(r) => Some(*r),
            Scope::PairedWith(_) => return Ok(Arc::new(compute.await?)),
        };
        let state = xplus_store::records::rollup_state(self.store.as_ref()).await?;
        self.kept((what, region, year, today), state, compute).await
    }

    /// `compute`'s value for `key`, kept while the roll-ups' generation read before it is
    /// current: `state` is that (generation, anything marked). While anything is marked the
    /// value is computed and not kept.
    async fn kept<T, F>(
        &self,
        key: KeptKey,
        (generation, dirty): (i64, bool),
        compute: F,
    ) -> Result<Arc<T>, xplus_store::StoreError>
    where
        T: Any + Send + Sync,
        F: Future<Output = Result<T, xplus_store::StoreError>>,
    {
        let kept = (!dirty)
            .then(|| {
                let cache = self.computed.lock().expect("computed");
                let (at, value) = cache.get(&key)?;
                (*at == generation).then(|| value.clone())
            })
            .flatten()
            .and_then(|v| v.downcast::<T>().ok());
        if let Some(v) = kept {
            return Ok(v);
        }
        let v = Arc::new(compute.await?);
        // Kept only when nothing was marked before or during the read (the rows read belong to
        // one generation).
        let now = xplus_store::records::rollup_state(self.store.as_ref()).await?;
        if !dirty && now == (generation, false) {
            let mut cache = self.computed.lock().expect("computed");
            if cache.len() >= KEPT_VALUES {
                cache.clear();
            }
            cache.insert(key, (generation, v.clone()));
        }
        Ok(v)
    }

    /// Folds the records changed since the last refresh into the roll-ups, unless another
    /// request is doing it (not waited for): the counties refreshed, None while another refresh
    /// runs. Pages that read kept figures call it first and read the records themselves while a
    /// county within reach is still marked.
    pub async fn refresh_marked(&self) -> Result<Option<usize>, xplus_store::StoreError> {
        // The refresh itself looks for marked counties first and stops at once without any.
        match self.refreshing.try_lock() {
            // The refresh reads the primary itself, also from a page that may read a replica.
            Ok(_one) => Ok(Some(
                xplus_store::records::refresh_rollups(self.store.as_ref())
                    .await?
                    .counties,
            )),
            Err(_) => Ok(None),
        }
    }

    /// Starts folding the marked counties into the roll-ups in the background, unless a refresh
    /// is running: for a page that counts marked counties from the records rather than wait.
    pub fn refresh_soon(&self) {
        let Ok(one) = self.refreshing.clone().try_lock_owned() else {
            return;
        };
        let store = self.store.clone();
        tokio::spawn(async move {
            let _one = one;
            if let Err(e) = xplus_store::records::refresh_rollups(store.as_ref()).await {
                tracing::warn!("roll-up refresh failed: {e}");
            }
        });
    }

    /// Brings the roll-ups up to date in the background (a server starting on a database with
    /// counties marked, e.g. after the migration that added them); dashboards meanwhile show the
    /// stored figures with a note. Then counts every county's overdue visits of the latest year
    /// with figures, so that the first workbench of a city or a province finds them kept (a
    /// province's take seconds); then, when every county fits, reads the what-if's facts of that
    /// year, so that the first what-if after a start judges kept facts (a province's reading
    /// takes about as long as its what-if from nothing).
    pub fn prepare_in_background(&self, today: chrono::NaiveDate) {
        let state = self.clone();
        tokio::spawn(async move {
            {
                let _one = state.refreshing.lock().await;
                match xplus_store::records::refresh_rollups(state.store.as_ref()).await {
                    Ok(done) => tracing::info!(counties = done.counties, "roll-ups refreshed"),
                    Err(e) => tracing::warn!("roll-up refresh failed: {e}"),
                }
            }
            let year = match state.latest_figures_year().await {
                Ok(Some(year)) => year,
                Ok(None) => return,
                Err(e) => return tracing::warn!("reading the latest year failed: {e}"),
            };
            let (store, everywhere) = (state.store.as_ref(), Self::everywhere());
            let kept_due = &state.kept_due;
            if let Err(e) = records::visits_due(store, &everywhere, year, today, kept_due).await {
                tracing::warn!("counting overdue visits failed: {e}");
            }
            match records::read_ahead_all(store, &state.kept_facts, year).await {
                Ok(Some(counties)) => tracing::info!(counties, year, "what-if facts read ahead"),
                Ok(None) => tracing::info!("what-if facts not read ahead: too many households"),
                Err(e) => tracing::warn!("reading the what-if's facts ahead failed: {e}"),
            }
        });
    }

    fn everywhere() -> xplus_core::accounts::Access {
        xplus_core::accounts::Access::system_reader("workbench", None)
    }

    /// The latest year with figures: the year officials work on (the default assessment year
    /// can be a later one with a national line and no records yet).
    async fn latest_figures_year(&self) -> Result<Option<i32>, xplus_store::StoreError> {
        let chain = xplus_core::rollup::Measure::ChainPoor;
        records::latest_year_of(self.store.as_ref(), &Self::everywhere(), chain).await
    }
}

/// A bundle uploaded through `/imports`: checked, and once its uploader confirms it, imported —
/// each in the background while the page polls the progress, found again by its token.
pub struct Upload {
    /// Only this account sees or confirms it.
    pub user: String,
    /// The names of the uploaded files, as shown to the user.
    pub name: String,
    /// The uploaded files (and an unpacked archive); removed with the upload.
    pub dir: tempfile::TempDir,
    pub progress: Arc<UploadProgress>,
    pub state: Mutex<UploadState>,
    /// Last change of state: a finished upload is dropped `KEEP_UPLOAD` after it.
    pub at: Mutex<Instant>,
}

/// A finished upload (checked or imported) is forgotten after this; a running one never.
pub const KEEP_UPLOAD: Duration = Duration::from_secs(3600);

pub enum UploadState {
    /// Being unpacked and checked.
    Checking,
    /// Checked: the report, and what to import when the report has no errors. `notice` says
    /// why a confirmed import did not happen (the database was busy, say).
    Checked {
        path: std::path::PathBuf,
        report: Arc<xplus_store::ImportReport>,
        notice: Option<String>,
    },
    Importing,
    Imported(Arc<xplus_store::ImportReport>),
    /// Not readable as a bundle (a hostile archive, not a workbook): the reason ("中文 / English").
    Failed(String),
}

impl Upload {
    pub fn running(&self) -> bool {
        matches!(
            *self.state.lock().expect("upload"),
            UploadState::Checking | UploadState::Importing
        )
    }

    /// Moves to `next`, resetting the progress when a background step starts.
    pub fn set(&self, next: UploadState) {
        self.set_in(&mut self.state.lock().expect("upload"), next);
    }

    /// [`Upload::set`] for a caller already holding the state's lock (`now`), which decided
    /// the move under it.
    pub fn set_in(&self, now: &mut UploadState, next: UploadState) {
        if matches!(next, UploadState::Checking | UploadState::Importing) {
            self.progress.reset();
        }
        *now = next;
        *self.at.lock().expect("upload") = Instant::now();
    }

    pub fn expired(&self) -> bool {
        !self.running() && self.at.lock().expect("upload").elapsed() > KEEP_UPLOAD
    }
}

/// Where a background check or import is: written by the importer every 10,000 rows and at
/// each file, read by the page once a second.
#[derive(Default)]
pub struct UploadProgress {
    stage: AtomicU8,
    files_total: AtomicUsize,
    files_started: AtomicUsize,
    rows: AtomicU64,
    file: Mutex<String>,
}

/// What the page shows of an upload's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadStage {
    /// Receiving the upload and unpacking an archive.
    Unpacking,
    /// Reading the stored records the bundle is checked against.
    Stored,
    Checking,
    Finishing,
}

/// A snapshot of the progress.
pub struct ProgressNow {
    pub stage: UploadStage,
    pub file: String,
    pub files_started: usize,
    pub files_total: usize,
    pub rows: u64,
}

impl UploadProgress {
    fn reset(&self) {
        self.stage.store(0, Ordering::Relaxed);
        self.files_total.store(0, Ordering::Relaxed);
        self.files_started.store(0, Ordering::Relaxed);
        self.rows.store(0, Ordering::Relaxed);
        self.file.lock().expect("progress").clear();
    }

    pub fn now(&self) -> ProgressNow {
        let stage = match self.stage.load(Ordering::Relaxed) {
            1 => UploadStage::Stored,
            2 => UploadStage::Checking,
            3 => UploadStage::Finishing,
            _ => UploadStage::Unpacking,
        };
        ProgressNow {
            stage,
            file: self.file.lock().expect("progress").clone(),
            files_started: self.files_started.load(Ordering::Relaxed),
            files_total: self.files_total.load(Ordering::Relaxed),
            rows: self.rows.load(Ordering::Relaxed),
        }
    }
}

impl xplus_store::ImportProgress for UploadProgress {
    fn file(&self, name: &str) {
        *self.file.lock().expect("progress") = name.to_string();
        self.files_started.fetch_add(1, Ordering::Relaxed);
        self.rows.store(0, Ordering::Relaxed);
    }

    fn rows(&self, rows_in_file: u64) {
        self.rows.store(rows_in_file, Ordering::Relaxed);
    }

    fn stage(&self, stage: xplus_store::ImportStage, files: usize) {
        use xplus_store::ImportStage;
        let n = match stage {
            ImportStage::Stored => 1,
            ImportStage::Checking => 2,
            ImportStage::Finishing => 3,
        };
        self.stage.store(n, Ordering::Relaxed);
        if files > 0 {
            self.files_total.store(files, Ordering::Relaxed);
        }
    }
}

/// Totals of household lists, valid while the audit log has not grown (every change to the
/// records appends to it), so paging through a city's list does not count it again each time.
/// The log's head is itself read at most once per `HEAD_TTL`; a change made through this
/// server forgets it at once, one made elsewhere (an import on the command line) shows within
/// `HEAD_TTL`.
/// With a read replica (`serve --read-db`) a request may read either database, so the head and
/// the counts are kept apart by where they were read (a lagging replica's count is not the
/// primary's).
#[derive(Default)]
pub struct CountCache {
    map: Mutex<HashMap<(bool, String), (i64, u64)>>,
    head: Mutex<[Option<(i64, Instant)>; 2]>,
}

fn route() -> bool {
    xplus_store::reads_replica()
}

const HEAD_TTL: Duration = Duration::from_secs(1);

impl CountCache {
    pub fn head(&self) -> Option<i64> {
        let head = self.head.lock().expect("count cache")[usize::from(route())];
        head.filter(|(_, at)| at.elapsed() < HEAD_TTL)
            .map(|(h, _)| h)
    }

    pub fn set_head(&self, head: i64) {
        self.head.lock().expect("count cache")[usize::from(route())] = Some((head, Instant::now()));
    }

    /// Something was written: the next list reads the head again.
    pub fn changed(&self) {
        *self.head.lock().expect("count cache") = [None, None];
    }

    pub fn get(&self, key: &str, head: i64) -> Option<u64> {
        let map = self.map.lock().expect("count cache");
        (map.get(&(route(), key.to_string())))
            .filter(|(h, _)| *h == head)
            .map(|(_, n)| *n)
    }

    pub fn put(&self, key: String, head: i64, count: u64) {
        let mut map = self.map.lock().expect("count cache");
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert((route(), key), (head, count));
    }
}

/// Sessions read from the database in the last few seconds, so that a busy page does not look
/// its session up on every request. Signing out, and an account changed on this server's pages
/// (disabled, password reset or changed), remove the entries at once; a change made elsewhere
/// (the command line, another server) and an expired session are refused at most `SESSION_TTL`
/// later.
#[derive(Default)]
pub struct SessionCache {
    map: Mutex<HashMap<String, (xplus_store::sessions::Account, String, Instant)>>,
}

const SESSION_TTL: Duration = Duration::from_secs(10);

impl SessionCache {
    pub fn get(&self, id_hash: &str) -> Option<(xplus_store::sessions::Account, String)> {
        let map = self.map.lock().expect("session cache");
        map.get(id_hash)
            .filter(|(_, _, at)| at.elapsed() < SESSION_TTL)
            .map(|(a, c, _)| (a.clone(), c.clone()))
    }

    pub fn put(&self, id_hash: String, account: xplus_store::sessions::Account, csrf: String) {
        let mut map = self.map.lock().expect("session cache");
        if map.len() > 10_000 {
            map.retain(|_, (_, _, at)| at.elapsed() < SESSION_TTL);
        }
        map.insert(id_hash, (account, csrf, Instant::now()));
    }

    pub fn remove(&self, id_hash: &str) {
        self.map.lock().expect("session cache").remove(id_hash);
    }

    /// Forgets every session of the account `name` (read again from the database next time).
    pub fn forget_user(&self, name: &str) {
        self.map
            .lock()
            .expect("session cache")
            .retain(|_, (account, _, _)| account.name != name);
    }
}
