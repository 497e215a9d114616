//! The stored tables of the exit procedure (rules.md §3) — a village's batch of a year, the
//! households in it and the objections raised during the notice — the rows read of them by
//! column name, and the list of a year's batches.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec};
use xplus_core::registry::RegionCode;

// The batch is the bundle's exit_batches.csv: one description of its columns, in core.
pub(in crate::records) use xplus_core::interchange::schema::EXIT_BATCHES as BATCHES;

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

/// Conditions naming a village's batch of a year, in any of the three tables: the arguments are
/// the village, then the year.
pub(in crate::records) fn batch_key(village: RegionCode, year: i32) -> Filter {
    Filter::new()
        .and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)])
        .and("year = ?", vec![Arg::Int(i64::from(year))])
}

/// Conditions over `households h` naming the households of a village, the argument.
pub(in crate::records) fn households_of_village(village: RegionCode) -> Filter {
    Filter::new().and(
        "h.village_code = ?",
        vec![Arg::Int(village.as_u64() as i64)],
    )
}

/// A batch as stored (the village and year are those asked for): its stage, and who took each
/// step on which day.
pub(in crate::records) struct BatchRow {
    pub stage: Option<ExitStage>,
    pub proposed_by: Option<String>,
    pub proposed_on: Option<NaiveDate>,
    pub review_date: Option<NaiveDate>,
    pub review_attendees: Option<i64>,
    pub reviewed_by: Option<String>,
    pub notice_start: Option<NaiveDate>,
    pub notice_last_day: Option<NaiveDate>,
    pub noticed_by: Option<String>,
    pub town_approved_by: Option<String>,
    pub town_approved_on: Option<NaiveDate>,
    pub county_approved_by: Option<String>,
    pub county_approved_on: Option<NaiveDate>,
    pub town_opinion: Option<String>,
    pub county_opinion: Option<String>,
}

impl FromRow for BatchRow {
    const SHAPE: &'static FileSpec = &BATCHES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let text = |name| r.text(name).map(str::to_string);
        Some(BatchRow {
            stage: r.code("stage").and_then(ExitStage::parse),
            proposed_by: text("proposed_by"),
            proposed_on: r.date("proposed_on"),
            review_date: r.date("review_date"),
            review_attendees: r.int("review_attendees"),
            reviewed_by: text("reviewed_by"),
            notice_start: r.date("notice_start"),
            notice_last_day: r.date("notice_last_day"),
            noticed_by: text("noticed_by"),
            town_approved_by: text("town_approved_by"),
            town_approved_on: r.date("town_approved_on"),
            county_approved_by: text("county_approved_by"),
            county_approved_on: r.date("county_approved_on"),
            town_opinion: text("town_opinion"),
            county_opinion: text("county_opinion"),
        })
    }
}

/// A household of a batch and its state (the code of a `BatchState`, parsed by the operation).
pub(in crate::records) struct BatchHouseholdRow {
    pub household_id: String,
    pub state: String,
}

impl FromRow for BatchHouseholdRow {
    const SHAPE: &'static FileSpec = &BATCH_HOUSEHOLDS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(BatchHouseholdRow {
            household_id: r.text("household_id")?.to_string(),
            state: r.text("state")?.to_string(),
        })
    }
}

/// An objection as stored; one without its number, household, date, author, content or
/// recorder is skipped.
pub(in crate::records) struct ObjectionRow {
    pub no: i64,
    pub household_id: String,
    pub raised_on: NaiveDate,
    pub raised_by: String,
    pub content: String,
    pub recorded_by: String,
    pub resolution: Option<String>,
    pub upheld: Option<bool>,
    pub resolved_by: Option<String>,
    pub resolved_on: Option<NaiveDate>,
}

impl FromRow for ObjectionRow {
    const SHAPE: &'static FileSpec = &OBJECTIONS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(ObjectionRow {
            no: r.int("objection_no")?,
            household_id: r.text("household_id")?.to_string(),
            raised_on: r.date("raised_on")?,
            raised_by: r.text("raised_by")?.to_string(),
            content: r.text("content")?.to_string(),
            recorded_by: r.text("recorded_by")?.to_string(),
            resolution: r.text("resolution").map(str::to_string),
            upheld: r.boolean("upheld"),
            resolved_by: r.text("resolved_by").map(str::to_string),
            resolved_on: r.date("resolved_on"),
        })
    }
}

/// A batch of the list of a year's batches: its village, stage and the households proposed,
/// agreed or exited in it.
pub(in crate::records) struct BatchCount {
    pub village: RegionCode,
    pub stage: Option<ExitStage>,
    pub households: u64,
}

impl FromRow for BatchCount {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "exit_batch_summary",
        "退出批次",
        &[
            column("village_code", ColumnType::Region),
            column("stage", ColumnType::Enum(&ExitStage::SPEC)),
            column("households", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(BatchCount {
            village: r.region("village_code")?,
            stage: r.code("stage").and_then(ExitStage::parse),
            households: r.count("households"),
        })
    }
}

/// The batches of a year (first argument) in the villages between two codes (`village_bounds`),
/// by village.
pub(in crate::records) const BATCH_COUNTS: Query<BatchCount> = Query::new(
    "SELECT b.village_code, b.stage, \
     (SELECT count(*) FROM exit_batch_households x WHERE x.village_code = b.village_code \
      AND x.year = b.year AND x.state IN ('proposed', 'agreed', 'exited')) \
     FROM exit_batches b WHERE b.year = ? AND b.village_code BETWEEN ? AND ? \
     ORDER BY b.village_code",
);

/// Exits an applied assessment recorded outside the web procedure, per village, person and day.
pub(in crate::records) struct DirectExitCount {
    pub village: RegionCode,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub households: u64,
}

impl FromRow for DirectExitCount {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "direct_exits",
        "县级评估直接认定的脱贫",
        &[
            column("village_code", ColumnType::Region),
            column("decided_by", ColumnType::Text),
            column("decided_on", ColumnType::Date),
            column("households", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(DirectExitCount {
            village: r.region("village_code")?,
            decided_by: r.text("decided_by").map(str::to_string),
            decided_on: r.date("decided_on"),
            households: r.count("households"),
        })
    }
}

/// The exits of a year (first argument) recorded for households of the villages between two
/// codes that no batch of the procedure exited: `assess --apply` decided them.
pub(in crate::records) const DIRECT_EXITS: Query<DirectExitCount> = Query::new(
    "SELECT h.village_code, o.decided_by, o.decided_on, COUNT(*) \
     FROM assessment_outcomes o JOIN households h ON h.household_id = o.household_id \
     WHERE o.year = ? AND o.outcome = 'exited' AND h.village_code BETWEEN ? AND ? \
     AND NOT EXISTS (SELECT 1 FROM exit_batch_households x \
     WHERE x.household_id = o.household_id AND x.year = o.year AND x.state = 'exited') \
     GROUP BY h.village_code, o.decided_by, o.decided_on \
     ORDER BY h.village_code, o.decided_on",
);

/// A household's head (the name the exit lists show).
pub(in crate::records) struct HeadName {
    pub household_id: String,
    pub name: String,
}

impl FromRow for HeadName {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Members,
        "exit_heads",
        "户主",
        &[
            column("household_id", ColumnType::Text),
            column("name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HeadName {
            household_id: r.text("household_id")?.to_string(),
            name: r.string("name"),
        })
    }
}

/// The heads of the households of a village (its code).
pub(in crate::records) const HEADS_OF_VILLAGE: Query<HeadName> = Query::new(
    "SELECT h.household_id, m.name FROM households h \
     JOIN members m ON m.household_id = h.household_id AND m.relation = 'head' \
     WHERE h.village_code = ?",
);

/// A village's secretary (the contact the 公示 names for objections).
pub(in crate::records) struct Contact {
    pub name: String,
    pub phone: Option<String>,
}

impl FromRow for Contact {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Secretaries,
        "exit_contact",
        "村书记",
        &[
            column("name", ColumnType::Text),
            column("phone", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Contact {
            name: r.string("name"),
            phone: r.text("phone").map(str::to_string),
        })
    }
}

/// The secretary of a village (first argument) in office on a day (the next two), the latest
/// term first.
pub(in crate::records) const SECRETARY_ON: Query<Contact> = Query::new(
    "SELECT name, phone FROM secretaries WHERE village_code = ? AND start_date <= ? \
     AND (end_date IS NULL OR end_date >= ?) ORDER BY start_date DESC",
);
