//! The exit procedure of rules.md §3 over what is stored: a village's batch of a year from the
//! proposal of its eligible households to the county's approval, which records their exit — the
//! batches as read here, the steps taken in `exit_steps`. The order of the steps and who may take
//! them are xplus-core's (`assessment::procedure`).

use crate::error::StoreError;
pub(in crate::records) use crate::records::assessment::exit_batches::later_years_applied;
pub use crate::records::assessment::exit_batches::BatchState;
use crate::records::assessment::judge::{
    judge_with_rules, read_facts, FactsScope, HouseholdAssessment,
};
use crate::records::registry::read::names_of;
use crate::records::rules::rule_book;
use crate::records::shape::column;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::assessment::procedure::{ExitStage, ExitStep};
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode};

const COUNT: ColumnType = ColumnType::Int {
    min: 0,
    max: i64::MAX,
};

pub(in crate::records) static BATCHES: FileSpec = FileSpec {
    id: FileId::Villages,
    name: "exit_batches",
    zh: "退出批次",
    columns: &[
        column("village_code", ColumnType::Region),
        column("year", ColumnType::Year),
        column("stage", ColumnType::Enum(&ExitStage::SPEC)),
        column("proposed_by", ColumnType::Text),
        column("proposed_on", ColumnType::Date),
        column("review_date", ColumnType::Date),
        column("review_attendees", COUNT),
        column("reviewed_by", ColumnType::Text),
        column("notice_start", ColumnType::Date),
        column("notice_last_day", ColumnType::Date),
        column("noticed_by", ColumnType::Text),
        column("town_approved_by", ColumnType::Text),
        column("town_approved_on", ColumnType::Date),
        column("county_approved_by", ColumnType::Text),
        column("county_approved_on", ColumnType::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::Column(0),
};

pub(in crate::records) static BATCH_HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::Households,
    name: "exit_batch_households",
    zh: "退出批次户",
    columns: &[
        column("village_code", ColumnType::Region),
        column("year", ColumnType::Year),
        column("household_id", ColumnType::Text),
        column("state", ColumnType::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

pub(in crate::records) static OBJECTIONS: FileSpec = FileSpec {
    id: FileId::Households,
    name: "exit_objections",
    zh: "公示异议",
    columns: &[
        column("village_code", ColumnType::Region),
        column("year", ColumnType::Year),
        column("objection_no", COUNT),
        column("household_id", ColumnType::Text),
        column("raised_on", ColumnType::Date),
        column("raised_by", ColumnType::Text),
        column("content", ColumnType::Text),
        column("recorded_by", ColumnType::Text),
        column("resolution", ColumnType::Text),
        column("upheld", ColumnType::Bool),
        column("resolved_by", ColumnType::Text),
        column("resolved_on", ColumnType::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

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
}

/// One step, with what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExitAct {
    /// On `date` (not after today, not before the year): offices record a meeting held earlier.
    Propose {
        date: NaiveDate,
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
    Resolve {
        no: i64,
        resolution: String,
        upheld: bool,
    },
    TownApproval,
    CountyApproval,
}

impl ExitAct {
    pub fn step(&self) -> ExitStep {
        match self {
            ExitAct::Propose { .. } => ExitStep::Propose,
            ExitAct::Review { .. } => ExitStep::Review,
            ExitAct::Notice { .. } => ExitStep::Notice,
            ExitAct::Object { .. } => ExitStep::Object,
            ExitAct::Resolve { .. } => ExitStep::Resolve,
            ExitAct::TownApproval => ExitStep::TownApproval,
            ExitAct::CountyApproval => ExitStep::CountyApproval,
        }
    }
}

fn key_filter(village: RegionCode, year: i32) -> Filter {
    Filter::new()
        .and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)])
        .and("year = ?", vec![Arg::Int(i64::from(year))])
}

pub(in crate::records) async fn load_batch(
    s: &mut dyn ReadSession,
    village: RegionCode,
    year: i32,
) -> Result<Option<ExitBatch>, StoreError> {
    let filter = key_filter(village, year);
    let Some(b) = s.select(&BATCHES, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let text = |i: usize| b[i].as_text().map(str::to_string);
    let mut steps = Vec::new();
    let mut step = |step, by: usize, on: usize| {
        if let (Some(user), Some(day)) = (text(by), b[on].as_date()) {
            steps.push((step, user, day));
        }
    };
    step(ExitStep::Propose, 3, 4);
    step(ExitStep::Review, 7, 5);
    step(ExitStep::Notice, 10, 8);
    step(ExitStep::TownApproval, 11, 12);
    step(ExitStep::CountyApproval, 13, 14);
    let mut households: Vec<(String, BatchState)> = s
        .select(&BATCH_HOUSEHOLDS, &filter, "", None)
        .await?
        .iter()
        .filter_map(|r| {
            Some((
                r[2].as_text()?.to_string(),
                BatchState::parse(r[3].as_text()?)?,
            ))
        })
        .collect();
    households.sort_by(|a, b| a.0.cmp(&b.0));
    let mut objections: Vec<Objection> = s
        .select(&OBJECTIONS, &filter, "", None)
        .await?
        .iter()
        .filter_map(|r| {
            Some(Objection {
                no: r[2].as_int()?,
                household_id: r[3].as_text()?.to_string(),
                raised_on: r[4].as_date()?,
                raised_by: r[5].as_text()?.to_string(),
                content: r[6].as_text()?.to_string(),
                recorded_by: r[7].as_text()?.to_string(),
                resolution: r[8].as_text().map(str::to_string),
                upheld: r[9].as_bool(),
                resolved_by: r[10].as_text().map(str::to_string),
                resolved_on: r[11].as_date(),
            })
        })
        .collect();
    objections.sort_by_key(|o| o.no);
    Ok(Some(ExitBatch {
        village,
        year,
        stage: b[2]
            .as_code()
            .and_then(ExitStage::parse)
            .unwrap_or(ExitStage::Proposed),
        steps,
        review_attendees: b[6].as_int(),
        notice_start: b[8].as_date(),
        notice_last_day: b[9].as_date(),
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
    let scope = FactsScope::Matching(Filter::new().and(
        "h.village_code = ?",
        vec![Arg::Int(village.as_u64() as i64)],
    ));
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
    StoreError::NotFound("村不存在或不在您的管辖范围内 / no such village within your reach".into())
}

pub async fn exit_view(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
) -> Result<ExitView, StoreError> {
    if !access.covers_region(village) {
        return Err(out_of_reach());
    }
    let mut s = store.read_session().await?;
    let names = names_of(s.as_mut(), [village.as_u64()]).await?;
    let Some(village_name) = names.get(&village.as_u64()).cloned() else {
        return Err(out_of_reach());
    };
    let batch = load_batch(s.as_mut(), village, year).await?;
    let (assessed, eligible, notice_days) =
        assess_village_households(store, s.as_mut(), village, year).await?;
    Ok(ExitView {
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

static SUMMARY: FileSpec = crate::records::shape::shape(
    FileId::Villages,
    "exit_batch_summary",
    "退出批次",
    &[
        column("village_code", ColumnType::Region),
        column("stage", ColumnType::Enum(&ExitStage::SPEC)),
        column("households", COUNT),
    ],
);

/// The batches of a year within reach, by village.
pub async fn exit_batches(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<Vec<BatchSummary>, StoreError> {
    let [lo, hi] = crate::records::shape::village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = s
        .query(
            &SUMMARY,
            "SELECT b.village_code, b.stage, \
             (SELECT count(*) FROM exit_batch_households x WHERE x.village_code = b.village_code \
              AND x.year = b.year AND x.state IN ('proposed', 'agreed', 'exited')) \
             FROM exit_batches b WHERE b.year = ? AND b.village_code BETWEEN ? AND ? \
             ORDER BY b.village_code",
            &[Arg::Int(i64::from(year)), lo, hi],
        )
        .await?;
    let names = names_of(
        s.as_mut(),
        rows.iter()
            .filter_map(|r| r[0].as_region())
            .map(|r| r.as_u64()),
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let village = r[0].as_region()?;
            Some(BatchSummary {
                village,
                name: names.get(&village.as_u64()).cloned().unwrap_or_default(),
                stage: r[1].as_code().and_then(ExitStage::parse)?,
                households: crate::records::shape::count_of(&r[2]),
            })
        })
        .collect())
}
