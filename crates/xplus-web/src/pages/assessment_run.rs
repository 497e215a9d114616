//! 年度评估 started from the web (issue 19): an official of a county (or above) runs the year's
//! assessment of the counties within reach as a background job, watches its progress, and then
//! sees, village by village, how many households meet the exit criteria — each village a link
//! to its exit procedure, where the village proposes them. Nothing is recorded by the run: the
//! exits are recorded by the procedure's county approval (and the year's other outcomes by an
//! administrator's `assess --apply`).

use super::{html, is_htmx, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::form_value;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use xplus_core::accounts::Access;
use xplus_core::assessment::procedure::{may_apply_year, may_run_assessment, ExitStage};
use xplus_core::registry::RegionCode;
use xplus_store::records::{
    self, AssessmentSink, AssessmentSummary, HouseholdAssessment, VillageAssessment,
};
use xplus_store::StoreError;

/// A village's line of the result.
#[derive(Debug, Clone, Default)]
pub struct VillageLine {
    pub village: String,
    pub name: String,
    pub assessed: u64,
    pub eligible: u64,
    /// The stage of the village's exit batch of the year, if it has one.
    pub stage: Option<ExitStage>,
}

/// One user's run: its progress, then its result or why it failed.
#[derive(Debug, Clone)]
pub struct AssessmentJob {
    pub year: i32,
    /// Recording the year (an administrator's `assess --apply`), not only assessing it.
    pub apply: bool,
    pub counties: usize,
    pub counties_done: usize,
    pub households: u64,
    pub started: std::time::Instant,
    pub outcome: Option<Result<Finished, String>>,
}

#[derive(Debug, Clone)]
pub struct Finished {
    pub summary: AssessmentSummary,
    /// When the year was recorded: what it recorded (None: only assessed).
    pub applied: Option<records::AppliedAssessment>,
    /// Households within reach that §3 looked at, and those eligible.
    pub assessed: u64,
    pub eligible: u64,
    pub villages: Vec<VillageLine>,
    pub seconds: f64,
}

/// What a run found: the summary, what it recorded, the villages with eligible households and
/// the (assessed, eligible) households within reach.
type Done = (
    AssessmentSummary,
    Option<records::AppliedAssessment>,
    Vec<VillageLine>,
    (u64, u64),
);

/// The runs, one per user (a second start while one runs is refused).
pub type AssessmentJobs = Arc<Mutex<BTreeMap<String, Arc<Mutex<AssessmentJob>>>>>;

/// Counts the results within reach, village by village, and tells the job as counties finish.
struct Counting {
    access: Access,
    job: Arc<Mutex<AssessmentJob>>,
    villages: BTreeMap<RegionCode, (u64, u64)>,
    households: u64,
}

impl AssessmentSink for Counting {
    fn household(&mut self, h: &HouseholdAssessment) -> Result<(), StoreError> {
        self.households += 1;
        if !self.access.covers_region(h.village) {
            return Ok(());
        }
        if let Some(d) = h.exit() {
            let v = self.villages.entry(h.village).or_default();
            v.0 += 1;
            if d.eligible() {
                v.1 += 1;
            }
        }
        Ok(())
    }

    fn village(&mut self, _: &VillageAssessment) -> Result<(), StoreError> {
        Ok(())
    }

    fn county_done(&mut self, _: RegionCode) {
        if let Ok(mut job) = self.job.lock() {
            job.counties_done += 1;
            job.households = self.households;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain counters behind: still fine to read.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn may_run(user: &Signed) -> Result<(), WebError> {
    if may_run_assessment(&user.access) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "只有县级及以上区划干部和管理员可以运行年度评估 / only officials of a county or above and administrators run the assessment",
        ))
    }
}

#[derive(Template)]
#[template(path = "assessment_run.html")]
struct RunPage {
    c: Chrome,
    year: i32,
    job: Option<AssessmentJob>,
    may_apply: bool,
}

#[derive(Template)]
#[template(path = "assessment_run_status.html")]
struct StatusPart {
    c: Chrome,
    job: Option<AssessmentJob>,
}

fn job_of(state: &AppState, user: &Signed) -> Option<AssessmentJob> {
    let jobs = lock(&state.assessments);
    jobs.get(&user.account.name).map(|j| lock(j).clone())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<super::YearParam>,
) -> Result<Response, WebError> {
    may_run(&user)?;
    let job = job_of(&state, &user);
    if is_htmx(&headers) {
        return html(&StatusPart {
            c: Chrome::new(l, &user, "exits"),
            job,
        });
    }
    let year = match &job {
        Some(j) if p.year.as_deref().is_none_or(|y| y.trim().is_empty()) => j.year,
        _ => super::assessment::assessment_year(&state, p.year.as_deref()).await?,
    };
    html(&RunPage {
        c: Chrome::new(l, &user, "exits"),
        year,
        job,
        may_apply: may_apply_year(&user.access),
    })
}

/// Starts a run for the year given, unless this user's previous run is still going.
pub async fn start(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    may_run(&user)?;
    let year = super::year_of(form_value(&pairs, "year"))?;
    let apply = form_value(&pairs, "apply") == Some("1");
    if apply && !may_apply_year(&user.access) {
        return Err(WebError::forbidden(
            "只有管理员可以记录全年评估结果 / only administrators record the year's outcomes",
        ));
    }
    let counties = records::counties_within(state.store.as_ref(), &user.access).await?;
    let job = Arc::new(Mutex::new(AssessmentJob {
        year,
        apply,
        counties: counties.len(),
        counties_done: 0,
        households: 0,
        started: std::time::Instant::now(),
        outcome: None,
    }));
    {
        let mut jobs = lock(&state.assessments);
        if let Some(running) = jobs.get(&user.account.name) {
            if lock(running).outcome.is_none() {
                return Err(WebError::new(
                    axum::http::StatusCode::CONFLICT,
                    "您的上一次年度评估还在进行，请等它完成 / your previous assessment is still running",
                ));
            }
        }
        jobs.insert(user.account.name.clone(), job.clone());
    }
    tokio::spawn(run(state.clone(), user.access.clone(), year, counties, job));
    Ok(Redirect::to(&format!("/assessment/run?year={year}")).into_response())
}

async fn run(
    state: AppState,
    access: Access,
    year: i32,
    counties: Vec<RegionCode>,
    job: Arc<Mutex<AssessmentJob>>,
) {
    let started = lock(&job).started;
    let outcome = finish(&state, access, year, counties, job.clone())
        .await
        .map(
            |(summary, applied, villages, (assessed, eligible))| Finished {
                summary,
                applied,
                assessed,
                eligible,
                villages,
                seconds: started.elapsed().as_secs_f64(),
            },
        )
        .map_err(|e| {
            tracing::warn!(error = %e, "the web assessment failed");
            WebError::from(e).message
        });
    lock(&job).outcome = Some(outcome);
}

async fn finish(
    state: &AppState,
    access: Access,
    year: i32,
    counties: Vec<RegionCode>,
    job: Arc<Mutex<AssessmentJob>>,
) -> Result<Done, StoreError> {
    let store = state.store.as_ref();
    let apply = lock(&job).apply;
    let mut sink = Counting {
        access: access.clone(),
        job,
        villages: BTreeMap::new(),
        households: 0,
    };
    let (summary, applied) = if apply {
        let today = super::today();
        let done = records::apply_year(store, access.user(), year, today, &mut sink).await?;
        if let Err(e) = &done.refreshed {
            tracing::warn!(error = %e, "recorded the year; the roll-ups refresh on the next visit");
        }
        (done.summary, Some(done.applied))
    } else {
        (
            records::assess_counties(store, year, counties, &mut sink).await?,
            None,
        )
    };
    let names = records::region_names_of(store, sink.villages.keys().copied()).await?;
    let stages: BTreeMap<RegionCode, ExitStage> = records::exit_batches(store, &access, year)
        .await?
        .into_iter()
        .map(|b| (b.village, b.stage))
        .collect();
    let villages = sink
        .villages
        .iter()
        .filter(|(_, (_, eligible))| *eligible > 0)
        .map(|(code, (assessed, eligible))| VillageLine {
            village: code.to_string(),
            name: names.get(code).cloned().unwrap_or_default(),
            assessed: *assessed,
            eligible: *eligible,
            stage: stages.get(code).copied(),
        })
        .collect();
    let totals = sink
        .villages
        .values()
        .fold((0, 0), |(a, e), (va, ve)| (a + va, e + ve));
    Ok((summary, applied, villages, totals))
}
