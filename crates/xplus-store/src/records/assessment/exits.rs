//! The exit procedure of rules.md §3 over what is stored: a village's batch of a year from the
//! proposal of its eligible households to the county's approval, which records their exit — the
//! batches as read here, the steps taken in `exit_steps`. The order of the steps and who may take
//! them are xplus-core's (`assessment::procedure`).

use super::queries::exits::{
    batch_key, households_of_village, BatchHouseholdRow, BatchRow, ObjectionRow, BATCH_COUNTS,
    DIRECT_EXITS, HEADS_OF_VILLAGE, SECRETARY_ON,
};
use crate::error::Refusal;
use crate::error::StoreError;
pub(in crate::records) use crate::records::assessment::exit_batches::later_years_applied;
pub use crate::records::assessment::exit_batches::BatchState;
use crate::records::assessment::judge::{
    judge_with_rules, read_facts, FactsScope, HouseholdAssessment,
};
use crate::records::registry::read::names_of;
use crate::records::rules::rule_book;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::session::rows::select_rows;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::assessment::procedure::{ExitStage, ExitStep};
use xplus_core::registry::{HouseholdStatus, RegionCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub no: i64,
    pub household_id: String,
    pub raised_on: NaiveDate,
    pub raised_by: String,
    pub content: String,
    pub recorded_by: String,
    /// None while open.
    pub resolution: Option<String>,
    pub upheld: Option<bool>,
    pub resolved_by: Option<String>,
    pub resolved_on: Option<NaiveDate>,
}

impl From<ObjectionRow> for Objection {
    fn from(o: ObjectionRow) -> Objection {
        Objection {
            no: o.no,
            household_id: o.household_id,
            raised_on: o.raised_on,
            raised_by: o.raised_by,
            content: o.content,
            recorded_by: o.recorded_by,
            resolution: o.resolution,
            upheld: o.upheld,
            resolved_by: o.resolved_by,
            resolved_on: o.resolved_on,
        }
    }
}

/// A village's batch of a year as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitBatch {
    pub village: RegionCode,
    pub year: i32,
    pub stage: ExitStage,
    /// (step, user, day) of each step taken, in order.
    pub steps: Vec<(ExitStep, String, NaiveDate)>,
    pub review_attendees: Option<i64>,
    pub notice_start: Option<NaiveDate>,
    pub notice_last_day: Option<NaiveDate>,
    /// What the town and the county wrote with their approval.
    pub town_opinion: Option<String>,
    pub county_opinion: Option<String>,
    pub households: Vec<(String, BatchState)>,
    pub objections: Vec<Objection>,
}

/// What the exit page shows of a village and year: the batch if there is one, and the
/// households the assessment finds eligible now (what a proposal would name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitView {
    pub village: RegionCode,
    pub village_name: String,
    pub year: i32,
    pub batch: Option<ExitBatch>,
    /// Households still poor or returned that §3 finds eligible now.
    pub eligible: Vec<HouseholdAssessment>,
    /// Every household of the village §3 looks at in the year (what the batch page shows of
    /// the batch's households, exited or not).
    pub assessed: Vec<HouseholdAssessment>,
    pub notice_days: i64,
    /// The head's name of each household of the village (what the lists and the 公示 show).
    pub heads: std::collections::HashMap<String, String>,
    /// The town the village belongs to, and the village's secretary in office on the day asked
    /// (name, phone): whom the 公示 names for objections.
    pub town_name: String,
    pub secretary: Option<(String, Option<String>)>,
}

/// One step, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitAct {
    /// On `date` (not after today, not before the year): offices record a meeting held earlier.
    /// `households`: the eligible households the village proposes (None: every one of them).
    Propose {
        date: NaiveDate,
        households: Option<Vec<String>>,
    },
    Review {
        date: NaiveDate,
        attendees: i64,
        agreed: Vec<String>,
    },
    Notice {
        start: NaiveDate,
    },
    Object {
        household_id: String,
        raised_on: NaiveDate,
        raised_by: String,
        content: String,
    },
    /// On `date` (not before the objection was raised, not after today).
    Resolve {
        no: i64,
        resolution: String,
        upheld: bool,
        date: NaiveDate,
    },
    /// On `date` (after the notice's last day, not after today), with the town's opinion.
    TownApproval {
        date: NaiveDate,
        opinion: String,
    },
    /// On `date` (not before the town's approval, not after today), with the county's opinion.
    CountyApproval {
        date: NaiveDate,
        opinion: String,
    },
}

impl ExitAct {
    pub fn step(&self) -> ExitStep {
        match self {
            ExitAct::Propose { .. } => ExitStep::Propose,
            ExitAct::Review { .. } => ExitStep::Review,
            ExitAct::Notice { .. } => ExitStep::Notice,
            ExitAct::Object { .. } => ExitStep::Object,
            ExitAct::Resolve { .. } => ExitStep::Resolve,
            ExitAct::TownApproval { .. } => ExitStep::TownApproval,
            ExitAct::CountyApproval { .. } => ExitStep::CountyApproval,
        }
    }
}

pub(in crate::records) async fn load_batch(
    s: &mut dyn ReadSession,
    village: RegionCode,
    year: i32,
) -> Result<Option<ExitBatch>, StoreError> {
    let filter = batch_key(village, year);
    let Some(b) = select_rows::<BatchRow>(s, &filter, "").await?.pop() else {
        return Ok(None);
    };
    let mut steps = Vec::new();
    let mut step = |step, by: &Option<String>, on: Option<NaiveDate>| {
        if let (Some(user), Some(day)) = (by, on) {
            steps.push((step, user.clone(), day));
        }
    };
    step(ExitStep::Propose, &b.proposed_by, b.proposed_on);
    step(ExitStep::Review, &b.reviewed_by, b.review_date);
    step(ExitStep::Notice, &b.noticed_by, b.notice_start);
    step(
        ExitStep::TownApproval,
        &b.town_approved_by,
        b.town_approved_on,
    );
    step(
        ExitStep::CountyApproval,
        &b.county_approved_by,
        b.county_approved_on,
    );
    let mut households: Vec<(String, BatchState)> =
        select_rows::<BatchHouseholdRow>(s, &filter, "")
            .await?
            .into_iter()
            .filter_map(|r| Some((r.household_id, BatchState::parse(&r.state)?)))
            .collect();
    households.sort_by(|a, b| a.0.cmp(&b.0));
    let mut objections: Vec<Objection> = select_rows::<ObjectionRow>(s, &filter, "")
        .await?
        .into_iter()
        .map(Objection::from)
        .collect();
    objections.sort_by_key(|o| o.no);
    Ok(Some(ExitBatch {
        village,
        year,
        stage: b.stage.unwrap_or(ExitStage::Proposed),
        steps,
        review_attendees: b.review_attendees,
        notice_start: b.notice_start,
        notice_last_day: b.notice_last_day,
        town_opinion: b.town_opinion,
        county_opinion: b.county_opinion,
        households,
        objections,
    }))
}

/// The households of `village` that §3 looks at in `year`, and of them those still poor or
/// returned that it finds eligible (what a proposal names); and the days of the notice.
pub(in crate::records) async fn assess_village_households(
    store: &dyn Store,
    s: &mut dyn ReadSession,
    village: RegionCode,
    year: i32,
) -> Result<(Vec<HouseholdAssessment>, Vec<HouseholdAssessment>, i64), StoreError> {
    let book = rule_book(store).await?;
    let rules = book.for_place(village.county(), year);
    let scope = FactsScope::Matching(households_of_village(village));
    let facts = read_facts(s, &scope, year).await?;
    let mut assessed = Vec::new();
    let mut eligible = Vec::new();
    for f in &facts {
        let Some(h) = judge_with_rules(f, year, &rules, village)? else {
            continue;
        };
        if h.exit().is_none() {
            continue;
        }
        let poor_now = matches!(
            f.current.status,
            HouseholdStatus::Poor | HouseholdStatus::Returned
        );
        if poor_now && h.exit().is_some_and(|d| d.eligible()) {
            eligible.push(h.clone());
        }
        assessed.push(h);
    }
    Ok((assessed, eligible, rules.set.notice_days.value))
}

pub(in crate::records) fn out_of_reach() -> StoreError {
    StoreError::Refused(Refusal::NotFound(
        "村不存在或不在您的管辖范围内 / no such village within your reach".into(),
    ))
}

pub async fn exit_view(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
    today: NaiveDate,
) -> Result<ExitView, StoreError> {
    if !access.covers_region(village) {
        return Err(out_of_reach());
    }
    let mut s = store.read_session().await?;
    let town = village.parent();
    let names = names_of(
        s.as_mut(),
        std::iter::once(village.as_u64()).chain(town.map(|t| t.as_u64())),
    )
    .await?;
    let town_name = town
        .and_then(|t| names.get(&t.as_u64()).cloned())
        .unwrap_or_default();
    let secretary = SECRETARY_ON
        .fetch(
            s.as_mut(),
            &[
                Arg::Int(village.as_u64() as i64),
                Arg::Date(today),
                Arg::Date(today),
            ],
        )
        .await?
        .into_iter()
        .next()
        .map(|c| (c.name, c.phone));
    let Some(village_name) = names.get(&village.as_u64()).cloned() else {
        return Err(out_of_reach());
    };
    let batch = load_batch(s.as_mut(), village, year).await?;
    let (assessed, eligible, notice_days) =
        assess_village_households(store, s.as_mut(), village, year).await?;
    let heads = HEADS_OF_VILLAGE
        .fetch(s.as_mut(), &[Arg::Int(village.as_u64() as i64)])
        .await?
        .into_iter()
        .map(|h| (h.household_id, h.name))
        .collect();
    Ok(ExitView {
        heads,
        town_name,
        secretary,
        village,
        village_name,
        year,
        batch,
        eligible,
        assessed,
        notice_days,
    })
}

/// A batch of the list of batches: village, name, stage, households agreed or exited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchSummary {
    pub village: RegionCode,
    pub name: String,
    pub stage: ExitStage,
    pub households: u64,
}

/// The batches of a year within reach, by village.
pub async fn exit_batches(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<Vec<BatchSummary>, StoreError> {
    let [lo, hi] = crate::records::shape::village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = BATCH_COUNTS
        .fetch(s.as_mut(), &[Arg::Int(i64::from(year)), lo, hi])
        .await?;
    let names = names_of(s.as_mut(), rows.iter().map(|r| r.village.as_u64())).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(BatchSummary {
                village: r.village,
                name: names.get(&r.village.as_u64()).cloned().unwrap_or_default(),
                stage: r.stage?,
                households: r.households,
            })
        })
        .collect())
}

/// Exits of a year that `xplus assess --apply` recorded for a village outside the procedure:
/// who decided and on which day (None for exits recorded before that was kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectExits {
    pub village: RegionCode,
    pub name: String,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub households: u64,
}

/// The exits of `year` within reach that no batch of the procedure recorded, by village.
pub async fn direct_exits(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<Vec<DirectExits>, StoreError> {
    let [lo, hi] = crate::records::shape::village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = DIRECT_EXITS
        .fetch(s.as_mut(), &[Arg::Int(i64::from(year)), lo, hi])
        .await?;
    let names = names_of(s.as_mut(), rows.iter().map(|r| r.village.as_u64())).await?;
    Ok(rows
        .into_iter()
        .map(|r| DirectExits {
            village: r.village,
            name: names.get(&r.village.as_u64()).cloned().unwrap_or_default(),
            decided_by: r.decided_by,
            decided_on: r.decided_on,
            households: r.households,
        })
        .collect())
}
