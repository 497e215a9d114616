//! The yearly assessment over what is stored (rules.md §3–5): county by county, so memory stays
//! that of one county whatever the registry's size. Each county's households are read with their
//! members and the year's income, judged by xplus-core's rules with the rules configuration of
//! that county and year, and handed to a sink (the CSV files of `xplus assess`); applying it
//! records the changes county by county in one transaction (`assessment_apply`).

use super::queries::judge::{one_household, COUNTIES};
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::assessment::exit_batches::BatchState;
pub(in crate::records) use crate::records::assessment::facts::{
    read_county, read_facts, CountyFacts, Facts, FactsScope,
};
pub use crate::records::assessment::facts::{Standing, StoredOutcome};
use crate::records::assessment::kept_facts::KeptFacts;
use crate::records::rules::rule_book;
use crate::records::ReadSession;
use crate::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use xplus_core::accounts::Access;
use xplus_core::assessment::household::{assess_exit, ExitCriterion};
use xplus_core::assessment::monitoring::{assess_monitoring, MonitorFacts, MonitorOutcome};
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::assessment::village::{
    assess_village, counts_as_poor, VillageCriterion, VillageFacts,
};
use xplus_core::assessment::{section_for, Decision, Section};
use xplus_core::registry::income::per_capita;
use xplus_core::registry::RegionCode;
use xplus_core::rules::{RuleBook, Sourced, YearRules};
use xplus_core::Fen;

/// What §3 or §5 says of one household for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// Poor or returned at the start of the year: the exit test of §3.
    Exit(Decision<ExitCriterion>),
    /// Exited or monitored before the year: §5.
    Monitoring(MonitorOutcome),
}

/// One household's assessment, as written to `households.csv` and shown by the "why" view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdAssessment {
    pub household_id: String,
    pub village: RegionCode,
    pub at_start: Standing,
    pub members: i64,
    pub net_income: Option<Fen>,
    pub per_capita: Option<Fen>,
    pub medical_cost: Option<Fen>,
    pub judgement: Judgement,
}

impl HouseholdAssessment {
    /// §3's decision when the household was poor or returned at the start of the year.
    pub fn exit(&self) -> Option<&Decision<ExitCriterion>> {
        match &self.judgement {
            Judgement::Exit(d) => Some(d),
            Judgement::Monitoring(_) => None,
        }
    }
}

/// One poor village's assessment (`villages.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageAssessment {
    pub village: RegionCode,
    pub facts: VillageFacts,
    /// The exit year stored now (None: not exited).
    pub exit_year: Option<i32>,
    pub decision: Decision<VillageCriterion>,
}

/// Where a run's results go, as they are computed (county by county).
pub trait AssessmentSink: Send {
    fn household(&mut self, h: &HouseholdAssessment) -> Result<(), StoreError>;
    fn village(&mut self, v: &VillageAssessment) -> Result<(), StoreError>;
    /// A county is done (all its results handed over): what a progress display counts.
    fn county_done(&mut self, _county: RegionCode) {}
}

/// Counts of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AssessmentSummary {
    pub year: i32,
    pub counties: u64,
    /// Poor or returned at the start of the year (§3).
    pub households: u64,
    pub eligible: u64,
    pub persons: u64,
    pub eligible_persons: u64,
    /// Poor villages not exited before the year (§4).
    pub villages: u64,
    pub villages_eligible: u64,
    /// Exited or monitored before the year (§5), by outcome.
    pub watched: u64,
    pub returned: u64,
    pub monitored: u64,
    pub stable: u64,
}

impl AssessmentSummary {
    /// Adds the counts of `other` (a county's, of the same year).
    pub(in crate::records) fn add(&mut self, other: &AssessmentSummary) {
        self.counties += other.counties;
        self.households += other.households;
        self.eligible += other.eligible;
        self.persons += other.persons;
        self.eligible_persons += other.eligible_persons;
        self.villages += other.villages;
        self.villages_eligible += other.villages_eligible;
        self.watched += other.watched;
        self.returned += other.returned;
        self.monitored += other.monitored;
        self.stable += other.stable;
    }
}

/// One county's households, villages and rules, read and judged.
pub(in crate::records) struct CountyRun {
    /// Households in the year's exit batches: (batch stage, their state in it).
    pub batched: HashMap<String, (ExitStage, BatchState)>,
    pub facts: Vec<Facts>,
    pub households: Vec<HouseholdAssessment>,
    pub villages: Vec<VillageAssessment>,
}

/// Assesses `year` over the whole registry, handing every result to `sink`.
pub async fn assess_year(
    store: &dyn Store,
    year: i32,
    sink: &mut dyn AssessmentSink,
) -> Result<AssessmentSummary, StoreError> {
    let list = counties(store.read_session().await?.as_mut()).await?;
    assess_counties(store, year, list, sink).await
}

/// The counties whose households `access` reaches (all of a county whose town or village it
/// is: a county is assessed whole, and the caller keeps what is within reach).
pub async fn counties_within(
    store: &dyn Store,
    access: &xplus_core::accounts::Access,
) -> Result<Vec<RegionCode>, StoreError> {
    use xplus_core::accounts::Scope;
    let all = counties(store.read_session().await?.as_mut()).await?;
    Ok(all
        .into_iter()
        .filter(|c| match access.scope() {
            Scope::Everywhere => true,
            Scope::Region(r) => r.is_within(*c) || c.is_within(*r),
            Scope::PairedWith(_) => false,
        })
        .collect())
}

/// Assesses `year` in the counties `list`, handing every result to `sink` county by county.
pub async fn assess_counties(
    store: &dyn Store,
    year: i32,
    list: Vec<RegionCode>,
    sink: &mut dyn AssessmentSink,
) -> Result<AssessmentSummary, StoreError> {
    use futures_util::StreamExt;
    let book = rule_book(store).await?;
    let mut summary = AssessmentSummary {
        year,
        ..AssessmentSummary::default()
    };
    let mut runs = per_county(store, None, list, year, move |read| {
        let (households, villages) = judge_county(read, &book, year)?;
        let households: Vec<HouseholdAssessment> = households.into_iter().flatten().collect();
        Ok((households, villages))
    });
    while let Some(run) = runs.next().await {
        let (county, (households, villages)) = run?;
        tally(&mut summary, &households, &villages);
        for h in &households {
            sink.household(h)?;
        }
        for v in &villages {
            sink.village(v)?;
        }
        sink.county_done(county);
        // Freeing a county's many small values is work the writer need not wait for.
        tokio::task::spawn_blocking(move || drop((households, villages)));
    }
    Ok(summary)
}

/// Each county of `list` read for `year` and handed to `work` on another thread, in order: the
/// next county is read and worked on while the caller takes this one (two at a time: memory
/// stays that of two counties). With `kept` (a web server's kept facts and the stamps of the
/// counties not marked, read before any county), a county's facts are taken from it while they
/// hold and kept once read.
pub(in crate::records) fn per_county<'a, T, F>(
    store: &'a dyn Store,
    kept: Option<(&'a KeptFacts, &'a HashMap<RegionCode, i64>)>,
    list: Vec<RegionCode>,
    year: i32,
    work: F,
) -> impl futures_util::Stream<Item = Result<(RegionCode, T), StoreError>> + 'a
where
    T: Send + 'static,
    F: Fn(&CountyFacts) -> Result<T, StoreError> + Send + Sync + 'static,
{
    use futures_util::StreamExt;
    let work = Arc::new(work);
    futures_util::stream::iter(list)
        .map(move |county| {
            let work = work.clone();
            let kept = kept.and_then(|(k, stamps)| Some((k, *stamps.get(&county)?)));
            async move {
                let read = county_facts(store, kept, county, year).await?;
                AbortOnDrop(tokio::task::spawn_blocking(move || work(&read)))
                    .await
                    .map(|run| (county, run))
            }
        })
        .buffered(2)
}

/// A county's facts for `year`: kept ones while its stamp is the one they were kept under (the
/// county not marked since), read otherwise, and kept for the next what-if when `kept` is
/// given with the county's stamp (unmarked when the run began).
pub(in crate::records) async fn county_facts(
    store: &dyn Store,
    kept: Option<(&KeptFacts, i64)>,
    county: RegionCode,
    year: i32,
) -> Result<Arc<CountyFacts>, StoreError> {
    let key = (county.as_u64(), year);
    if let Some(facts) = kept.and_then(|(k, stamp)| k.get(key, stamp)) {
        return Ok(facts);
    }
    let mut s = store.read_session().await?;
    // Joined on another thread: two counties are read at once.
    let read = AbortOnDrop(tokio::spawn(async move {
        read_county(s.as_mut(), county, year).await.map(Arc::new)
    }))
    .await?;
    if let Some((k, stamp)) = kept {
        k.keep(key, stamp, read.clone());
    }
    Ok(read)
}

/// A spawned county run that stops when the assessment is dropped (an error in another county
/// or in the writer), instead of reading on with its connection; a panic in it is passed on.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = T;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<T> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|r| match r {
            Ok(v) => v,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => panic!("a county's assessment was cancelled: {e}"),
        })
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(in crate::records) async fn counties(
    s: &mut dyn ReadSession,
) -> Result<Vec<RegionCode>, StoreError> {
    Ok(COUNTIES
        .fetch(s, &[])
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

pub(in crate::records) fn tally<'a>(
    summary: &mut AssessmentSummary,
    households: impl IntoIterator<Item = &'a HouseholdAssessment>,
    villages: &[VillageAssessment],
) {
    summary.counties += 1;
    for h in households {
        match &h.judgement {
            Judgement::Exit(d) => {
                summary.households += 1;
                summary.persons += h.members as u64;
                if d.eligible() {
                    summary.eligible += 1;
                    summary.eligible_persons += h.members as u64;
                }
            }
            Judgement::Monitoring(m) => {
                summary.watched += 1;
                match m {
                    MonitorOutcome::Returned => summary.returned += 1,
                    MonitorOutcome::Monitored(_) => summary.monitored += 1,
                    MonitorOutcome::Stable => summary.stable += 1,
                }
            }
        }
    }
    summary.villages += villages.len() as u64;
    summary.villages_eligible += villages.iter().filter(|v| v.decision.eligible()).count() as u64;
}

/// The poverty line of the rules, or an error naming the county and year when there is none.
fn line_of(rules: &YearRules, county: RegionCode) -> Result<Sourced<Fen>, StoreError> {
    rules.poverty_line.clone().ok_or_else(|| {
        StoreError::Refused(Refusal::Invalid(format!(
            "{county} 没有 {year} 年的扶贫标准，请先在规则设置中设置扶贫标准 / \
             no poverty line for {year} in {county}: set one first (xplus rules set poverty_line …)",
            year = rules.year
        )))
    })
}

/// Judges a county as read under `book`: each household by §3 or §5 (in the order of
/// `read.facts`, None where neither applies), then each poor village by §4.
pub(in crate::records) fn judge_county(
    read: &CountyFacts,
    book: &RuleBook,
    year: i32,
) -> Result<(Vec<Option<HouseholdAssessment>>, Vec<VillageAssessment>), StoreError> {
    let rules = book.for_place(Some(read.county), year);
    let line = line_of(&rules, read.county)?;
    let households: Vec<Option<HouseholdAssessment>> = read
        .facts
        .iter()
        .map(|f| judge(f, year, &line, &rules))
        .collect();
    // §4 poor persons: those §3 finds not eligible, and those the village's review did not
    // agree on or an upheld objection withdrew (they stay poor whatever §3 says).
    let mut poor_persons: BTreeMap<RegionCode, i64> = BTreeMap::new();
    for h in households.iter().flatten() {
        let withdrawn = matches!(
            read.batched.get(&h.household_id),
            Some((
                _,
                BatchState::Disagreed | BatchState::Withdrawn | BatchState::NotProposed
            ))
        );
        if h.exit()
            .is_some_and(|d| counts_as_poor(d.eligible(), withdrawn))
        {
            *poor_persons.entry(h.village).or_default() += h.members;
        }
    }
    let villages = read
        .villages
        .iter()
        .filter_map(|r| {
            // §4: every poor village not exited before the year.
            if r.poor_village != Some(true) || r.exit_year.is_some_and(|e| e < year) {
                return None;
            }
            let facts = VillageFacts {
                population: r.population.unwrap_or(0),
                poor_persons: poor_persons.get(&r.village).copied().unwrap_or(0),
                collective_income: r.operating_income,
            };
            Some(VillageAssessment {
                village: r.village,
                facts,
                exit_year: r.exit_year,
                decision: assess_village(&facts, &rules.set),
            })
        })
        .collect();
    Ok((households, villages))
}

/// Reads and judges one county.
pub(in crate::records) async fn county_run(
    s: &mut dyn ReadSession,
    book: &RuleBook,
    county: RegionCode,
    year: i32,
) -> Result<CountyRun, StoreError> {
    let read = read_county(s, county, year).await?;
    let (households, villages) = judge_county(&read, book, year)?;
    Ok(CountyRun {
        batched: read.batched,
        facts: read.facts,
        households: households.into_iter().flatten().collect(),
        villages,
    })
}

/// [`judge`] with the poverty line of `rules`, or an error naming `place` when there is none.
pub(in crate::records) fn judge_with_rules(
    f: &Facts,
    year: i32,
    rules: &YearRules,
    place: RegionCode,
) -> Result<Option<HouseholdAssessment>, StoreError> {
    let line = line_of(rules, place)?;
    Ok(judge(f, year, &line, rules))
}

/// §3 for a household poor or returned at the start of the year, §5 for one exited or
/// monitored before it; None for one not in the registry yet or removed.
fn judge(
    f: &Facts,
    year: i32,
    line: &Sourced<Fen>,
    rules: &YearRules,
) -> Option<HouseholdAssessment> {
    let start = f.at_start();
    let members = f.household.members.len() as i64;
    let net = f.household.net_income;
    // Which section applies is core's decision; the store only gathers the facts.
    let section = section_for(start.status, f.identified_year, start.exit_year, year)?;
    let judgement = if section == Section::Exit {
        Judgement::Exit(assess_exit(&f.household, year, line))
    } else {
        Judgement::Monitoring(assess_monitoring(
            &MonitorFacts {
                members,
                net_income: net,
                medical_cost: f.income.and_then(|i| i.medical_cost),
                open_warning: f.open_warning,
                open_case: f.open_case,
            },
            line.value,
            rules.set.monitoring_line_percent.value,
        ))
    };
    Some(HouseholdAssessment {
        household_id: f.id.clone(),
        village: f.village,
        at_start: start,
        members,
        net_income: net,
        per_capita: net.and_then(|n| per_capita(n, members)),
        medical_cost: f.income.and_then(|i| i.medical_cost),
        judgement,
    })
}

/// The "why" of one household in a year: every criterion with the value found, the threshold
/// and its source; None when the household is out of reach or not assessed that year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhyView {
    pub year: i32,
    pub assessment: HouseholdAssessment,
    pub poverty_line: Sourced<Fen>,
    pub monitoring_line_percent: Sourced<i64>,
    /// What an applied run recorded for the household in the year.
    pub recorded: Option<StoredOutcome>,
}

pub async fn household_assessment(
    store: &dyn Store,
    access: &Access,
    household_id: &str,
    year: i32,
    today: chrono::NaiveDate,
) -> Result<Option<WhyView>, StoreError> {
    let book = rule_book(store).await?;
    let mut s = store.read_session().await?;
    let mut scope = crate::records::registry::read::household_scope(access, today);
    scope = one_household(scope, household_id);
    // The reach filter names households' columns unqualified; the reader joins under `h`.
    let scope = FactsScope::Matching(crate::records::registry::read::households_in(
        &scope,
        "h.household_id",
    ));
    let Some(facts) = read_facts(s.as_mut(), &scope, year).await?.pop() else {
        return Ok(None);
    };
    let rules = book.for_place(facts.village.county(), year);
    let line = line_of(&rules, facts.village.county().unwrap_or(facts.village))?;
    let Some(assessment) = judge(&facts, year, &line, &rules) else {
        return Ok(None);
    };
    Ok(Some(WhyView {
        year,
        assessment,
        poverty_line: line,
        monitoring_line_percent: rules.set.monitoring_line_percent.clone(),
        recorded: facts.outcome_of(year).cloned(),
    }))
}
