//! What the monitoring cases (cases.rs) ask of the database: the cases and their measures as
//! typed records, the lists and counts of a reach, the open case of a household or person, and
//! the cases open at a year's end for the assessment.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::assessment::cases::{CaseSource, Category, EntryReason, MeasureKind};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::money::Fen;
use xplus_core::registry::{IdNumber, RegionCode};

const TEXT: ColumnType = ColumnType::Text;
const DATE: ColumnType = ColumnType::Date;
const MONEY: ColumnType = ColumnType::Money { negative: true };

/// One monitoring case, as monitoring_cases keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    /// 监测编号: JC, the county's first six digits, the year opened, a number in the year.
    pub case_no: String,
    pub village: RegionCode,
    /// None for a household outside the registry.
    pub household_id: Option<String>,
    pub head_name: String,
    pub id_number: IdNumber,
    pub members: i64,
    pub category: Category,
    pub source: CaseSource,
    pub reasons: Vec<EntryReason>,
    pub net_income: Option<Fen>,
    pub rigid_expense: Fen,
    pub situation: String,
    /// The department warning (the household's finding of this number) that opened it.
    pub finding_seq: Option<i64>,
    pub opened_on: NaiveDate,
    pub opened_by: String,
    pub recorded_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: String,
    pub close_income: Option<Fen>,
    pub closed_by: String,
}

impl FromRow for StoredCase {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "monitoring_cases",
        "监测对象",
        &[
            column("case_no", TEXT),
            column("village_code", ColumnType::Region),
            column("household_id", TEXT),
            column("head_name", TEXT),
            column("id_number", ColumnType::IdNumber),
            column("members", COUNT),
            column("category", ColumnType::Enum(&Category::SPEC)),
            column("source", ColumnType::Enum(&CaseSource::SPEC)),
            column("reasons", TEXT),
            column("net_income", MONEY),
            column("rigid_expense", MONEY),
            column("situation", TEXT),
            column("finding_seq", COUNT),
            column("opened_on", DATE),
            column("opened_by", TEXT),
            column("recorded_on", DATE),
            column("closed_on", DATE),
            column("close_reason", TEXT),
            column("close_income", MONEY),
            column("closed_by", TEXT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let reasons = (r.string("reasons").split(','))
            .filter_map(EntryReason::parse)
            .collect();
        Some(StoredCase {
            case_no: r.string("case_no"),
            village: r.region("village_code")?,
            household_id: r.text("household_id").map(str::to_string),
            head_name: r.string("head_name"),
            id_number: r.id_number("id_number")?,
            members: r.int("members")?,
            category: r.code("category").and_then(Category::parse)?,
            source: r.code("source").and_then(CaseSource::parse)?,
            reasons,
            net_income: r.money("net_income"),
            rigid_expense: r.money("rigid_expense").unwrap_or(Fen(0)),
            situation: r.string("situation"),
            finding_seq: r.int("finding_seq"),
            opened_on: r.date("opened_on")?,
            opened_by: r.string("opened_by"),
            recorded_on: r.date("recorded_on")?,
            closed_on: r.date("closed_on"),
            close_reason: r.string("close_reason"),
            close_income: r.money("close_income"),
            closed_by: r.string("closed_by"),
        })
    }
}

/// The columns of `StoredCase`, in its order.
const CASE_COLUMNS: &str = "case_no, village_code, household_id, head_name, id_number, members, \
     category, source, reasons, net_income, rigid_expense, situation, finding_seq, opened_on, \
     opened_by, recorded_on, closed_on, close_reason, close_income, closed_by";

impl StoredCase {
    /// The insert of a new case: its columns, then the county.
    pub(in crate::records) fn insert(&self, county: RegionCode) -> (String, Vec<Arg>) {
        let reasons: Vec<&str> = self.reasons.iter().map(|r| r.code()).collect();
        let args = vec![
            Arg::Text(self.case_no.clone()),
            Arg::Int(self.village.as_u64() as i64),
            Arg::MaybeText(self.household_id.clone()),
            Arg::Text(self.head_name.clone()),
            Arg::Text(self.id_number.to_string()),
            Arg::Int(self.members),
            Arg::Text(self.category.code().into()),
            Arg::Text(self.source.code().into()),
            Arg::Text(reasons.join(",")),
            Arg::MaybeInt(self.net_income.map(|f| f.0)),
            Arg::Int(self.rigid_expense.0),
            Arg::Text(self.situation.clone()),
            Arg::MaybeInt(self.finding_seq),
            Arg::Date(self.opened_on),
            Arg::Text(self.opened_by.clone()),
            Arg::Date(self.recorded_on),
            Arg::Int(county.as_u64() as i64),
        ];
        let sql = "INSERT INTO monitoring_cases (case_no, village_code, household_id, head_name, \
             id_number, members, category, source, reasons, net_income, rigid_expense, \
             situation, finding_seq, opened_on, opened_by, recorded_on, county_code) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        (sql.to_string(), args)
    }

    /// What the audit log keeps of it.
    pub(in crate::records) fn audit_values(&self) -> String {
        serde_json::json!({
            "case_no": self.case_no,
            "village_code": self.village.to_string(),
            "household_id": self.household_id,
            "head_name": self.head_name,
            "id_number": self.id_number.to_string(),
            "members": self.members,
            "category": self.category.code(),
            "source": self.source.code(),
            "reasons": self.reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
            "net_income": self.net_income.map(|f| f.0),
            "rigid_expense": self.rigid_expense.0,
            "situation": self.situation,
            "finding_seq": self.finding_seq,
            "opened_on": self.opened_on.to_string(),
            "closed_on": self.closed_on.map(|d| d.to_string()),
            "close_reason": self.close_reason,
            "close_income": self.close_income.map(|f| f.0),
        })
        .to_string()
    }
}

/// The cases of a list: `filter` (conditions on monitoring_cases, unqualified) narrows it;
/// open cases first, the newest first.
pub(in crate::records) fn list_sql(filter: &Filter) -> String {
    format!(
        "SELECT {CASE_COLUMNS} FROM monitoring_cases{} \
         ORDER BY CASE WHEN closed_on IS NULL THEN 0 ELSE 1 END, opened_on DESC, case_no \
         LIMIT ? OFFSET ?",
        filter.render_where(&mut || "?".into())
    )
}

pub(in crate::records) fn count_sql(filter: &Filter) -> String {
    format!(
        "SELECT COUNT(*) FROM monitoring_cases{}",
        filter.render_where(&mut || "?".into())
    )
}

/// The open cases of a reach by category.
pub(in crate::records) fn open_by_category_sql(filter: &Filter) -> String {
    format!(
        "SELECT category, COUNT(*) AS n FROM monitoring_cases{} GROUP BY category",
        filter.render_where(&mut || "?".into())
    )
}

pub(in crate::records) struct CategoryCount {
    pub category: Category,
    pub n: u64,
}

impl FromRow for CategoryCount {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "case_counts",
        "监测对象数",
        &[
            column("category", ColumnType::Enum(&Category::SPEC)),
            column("n", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CategoryCount {
            category: r.code("category").and_then(Category::parse)?,
            n: r.count("n"),
        })
    }
}

/// One case by number (`?`: the number; `filter` the reach).
pub(in crate::records) fn one_sql(filter: &Filter) -> String {
    format!(
        "SELECT {CASE_COLUMNS} FROM monitoring_cases{}",
        filter.render_where(&mut || "?".into())
    )
}

/// The open cases of a household or a person (an empty one matches nothing).
pub(in crate::records) fn open_for(household: &str, id_number: &str) -> (String, Vec<Arg>) {
    let open = Filter::new().and(
        "closed_on IS NULL AND (household_id = ? OR id_number = ?)",
        vec![Arg::Text(household.into()), Arg::Text(id_number.into())],
    );
    (one_sql(&open), open.args().cloned().collect())
}

/// The last case number with a prefix (`?`: the prefix and `%`): the longest first, so that
/// number 100000 comes after 99999.
pub(in crate::records) const LAST_NUMBER: Query<CaseNumber> = Query::new(
    "SELECT case_no FROM monitoring_cases WHERE case_no LIKE ? \
     ORDER BY length(case_no) DESC, case_no DESC LIMIT 1",
);

pub(in crate::records) struct CaseNumber {
    pub case_no: String,
}

impl FromRow for CaseNumber {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "case_number",
        "监测编号",
        &[column("case_no", TEXT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CaseNumber {
            case_no: r.string("case_no"),
        })
    }
}

/// The household a person belongs to (`?`: ID number).
pub(in crate::records) const HOUSEHOLD_OF_PERSON: Query<CaseNumber> =
    Query::new("SELECT household_id AS case_no FROM members WHERE id_number = ?");

/// Closes an open case (`?`: day, reason, income, by, number).
pub(in crate::records) const CLOSE: &str = "UPDATE monitoring_cases SET closed_on = ?, \
     close_reason = ?, close_income = ?, closed_by = ? WHERE case_no = ? AND closed_on IS NULL";

/// One measure taken for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMeasure {
    pub case_no: String,
    /// The case's n-th measure, from 1.
    pub seq: i64,
    pub kind: MeasureKind,
    pub detail: String,
    pub responsible: String,
    pub on: NaiveDate,
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
}

impl FromRow for StoredMeasure {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "monitoring_measures",
        "帮扶措施",
        &[
            column("case_no", TEXT),
            column("seq", COUNT),
            column("kind", ColumnType::Enum(&MeasureKind::SPEC)),
            column("detail", TEXT),
            column("responsible", TEXT),
            column("on_date", DATE),
            column("recorded_by", TEXT),
            column("recorded_on", DATE),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StoredMeasure {
            case_no: r.string("case_no"),
            seq: r.int("seq")?,
            kind: r.code("kind").and_then(MeasureKind::parse)?,
            detail: r.string("detail"),
            responsible: r.string("responsible"),
            on: r.date("on_date")?,
            recorded_by: r.string("recorded_by"),
            recorded_on: r.date("recorded_on")?,
        })
    }
}

/// A case's measures in the order recorded (`?`: number).
pub(in crate::records) const MEASURES: Query<StoredMeasure> = Query::new(
    "SELECT case_no, seq, kind, detail, responsible, on_date, recorded_by, recorded_on \
     FROM monitoring_measures WHERE case_no = ? ORDER BY seq",
);

pub(in crate::records) const INSERT_MEASURE: &str = "INSERT INTO monitoring_measures \
     (case_no, seq, kind, detail, responsible, on_date, recorded_by, recorded_on) \
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/// The households of `related` (conditions over `monitoring_cases c`) with a case opened by a
/// day; which are open then is core's `tasks::open_on`.
pub(in crate::records) fn cases_by(related: Filter, day: NaiveDate) -> (String, Vec<Arg>) {
    let filter = related.and(
        "c.household_id IS NOT NULL AND c.opened_on <= ?",
        vec![Arg::Date(day)],
    );
    let sql = format!(
        "SELECT c.household_id, c.opened_on AS as_of, c.closed_on AS outcome_on \
         FROM monitoring_cases c{}",
        filter.render_where(&mut || "?".into())
    );
    (sql, filter.args().cloned().collect())
}
