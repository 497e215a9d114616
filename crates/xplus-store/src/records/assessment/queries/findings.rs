//! What the recorded department findings ask of the database (findings.rs): the rows as typed
//! records, the lists of a reach, the households' helpers and secretaries who answer for them,
//! the overdue counts and the warnings open on a day.

use crate::session::filter::{marks, Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::tasks::{handling, AssigneeRole, Handling, TaskOutcome};
use xplus_core::interchange::schema::DEPARTMENT_FINDINGS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::{IdNumber, RegionCode};

/// What is known of an outcome's attachment (its content is read on its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentNote {
    pub name: String,
    pub content_type: String,
    pub sha256: String,
}

/// One recorded finding, as department_findings keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub household_id: String,
    /// The household's n-th recorded finding, from 1.
    pub seq: i64,
    pub id_number: IdNumber,
    pub finding: Finding,
    pub source_file: String,
    pub source_row: u32,
    pub detail: String,
    /// The department's own day: the death, the registration, the start of assistance.
    pub fact_on: Option<NaiveDate>,
    pub as_of: NaiveDate,
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
    pub assignee: Option<(AssigneeRole, String)>,
    pub due_on: Option<NaiveDate>,
    pub outcome: Option<TaskOutcome>,
    pub outcome_on: Option<NaiveDate>,
    pub outcome_reason: String,
    pub outcome_by: String,
    pub attachment: Option<AttachmentNote>,
}

impl FromRow for StoredFinding {
    const SHAPE: &'static FileSpec = &DEPARTMENT_FINDINGS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let assignee = (r.code("assignee_role").and_then(AssigneeRole::parse))
            .map(|role| (role, r.string("assignee")));
        let attachment = r.text("attachment_name").map(|name| AttachmentNote {
            name: name.to_string(),
            content_type: r.string("attachment_type"),
            sha256: r.string("attachment_sha256"),
        });
        Some(StoredFinding {
            household_id: r.string("household_id"),
            seq: r.int("seq")?,
            id_number: r.id_number("id_number")?,
            finding: r.code("finding").and_then(Finding::parse)?,
            source_file: r.string("source_file"),
            source_row: r.int("source_row")? as u32,
            detail: r.string("detail"),
            fact_on: r.date("fact_on"),
            as_of: r.date("as_of")?,
            recorded_by: r.string("recorded_by"),
            recorded_on: r.date("recorded_on")?,
            assignee,
            due_on: r.date("due_on"),
            outcome: r.code("outcome").and_then(TaskOutcome::parse),
            outcome_on: r.date("outcome_on"),
            outcome_reason: r.string("outcome_reason"),
            outcome_by: r.string("outcome_by"),
            attachment,
        })
    }
}

impl StoredFinding {
    /// The row in department_findings.csv's column order.
    pub(in crate::records) fn to_row(&self) -> Vec<Value> {
        let text = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::Text(s.to_string())
            }
        };
        let date = |d: Option<NaiveDate>| d.map_or(Value::Null, Value::Date);
        let a = self.attachment.as_ref();
        vec![
            Value::Text(self.household_id.clone()),
            Value::Int(self.seq),
            Value::Id(self.id_number),
            Value::Code(self.finding.code()),
            Value::Text(self.source_file.clone()),
            Value::Int(i64::from(self.source_row)),
            Value::Text(self.detail.clone()),
            date(self.fact_on),
            Value::Date(self.as_of),
            Value::Text(self.recorded_by.clone()),
            Value::Date(self.recorded_on),
            (self.assignee.as_ref()).map_or(Value::Null, |(r, _)| Value::Code(r.code())),
            (self.assignee.as_ref()).map_or(Value::Null, |(_, who)| text(who)),
            date(self.due_on),
            self.outcome.map_or(Value::Null, |o| Value::Code(o.code())),
            date(self.outcome_on),
            text(&self.outcome_reason),
            text(&self.outcome_by),
            a.map_or(Value::Null, |a| text(&a.name)),
            a.map_or(Value::Null, |a| text(&a.content_type)),
            a.map_or(Value::Null, |a| text(&a.sha256)),
        ]
    }
}

/// The codes of the findings core handles as `h`, as an SQL list (`'a', 'b'`). They come from
/// core's enumeration, never from a request.
pub(in crate::records) fn codes_of(h: Handling) -> String {
    (Finding::ALL.iter())
        .filter(|f| handling(**f) == h)
        .map(|f| format!("'{}'", f.code()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns of department_findings.csv, in its order, for a statement of its own.
pub(in crate::records) const COLUMNS: &str = "f.household_id, f.seq, f.id_number, f.finding, \
     f.source_file, f.source_row, f.detail, f.fact_on, f.as_of, f.recorded_by, f.recorded_on, \
     f.assignee_role, f.assignee, f.due_on, f.outcome, f.outcome_on, f.outcome_reason, \
     f.outcome_by, f.attachment_name, f.attachment_type, f.attachment_sha256";

/// The findings of a list: `{within}` narrows to a reach (registry's `within_scope`, alias
/// `f`), `{where}` adds the list's filters; open tasks first, the earliest due first.
pub(in crate::records) fn list_sql(conditions: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM department_findings f \
         JOIN households h ON h.household_id = f.household_id \
         WHERE 1 = 1 {conditions} {{within}} \
         ORDER BY CASE WHEN f.outcome IS NULL THEN 0 ELSE 1 END, \
         CASE WHEN f.due_on IS NULL THEN 1 ELSE 0 END, f.due_on, \
         h.village_code, f.household_id, f.seq LIMIT ? OFFSET ?"
    )
}

/// How many findings a list's conditions match (its pages).
pub(in crate::records) fn count_sql(conditions: &str) -> String {
    format!(
        "SELECT COUNT(*) FROM department_findings f \
         JOIN households h ON h.household_id = f.household_id \
         WHERE 1 = 1 {conditions} {{within}}"
    )
}

/// One household's findings, in the order recorded.
pub(in crate::records) fn of_household_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM department_findings f WHERE f.household_id = ? {{within}} \
         ORDER BY f.seq"
    )
}

/// A household with who answers for its findings on a day: its helper (the latest pairing in
/// force) and its village's secretary in office.
pub(in crate::records) struct Answerable {
    pub household_id: String,
    pub village: RegionCode,
    pub cadre_id: Option<String>,
    pub secretary_id: Option<String>,
}

impl FromRow for Answerable {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "finding_answerable",
        "核查责任人",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("cadre_id", ColumnType::Text),
            column("secretary_id", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Answerable {
            household_id: r.string("household_id"),
            village: r.region("village_code")?,
            cadre_id: r.text("cadre_id").map(str::to_string),
            secretary_id: r.text("secretary_id").map(str::to_string),
        })
    }
}

/// Who answers for the findings of `n` households on a day (the day given four times, then the
/// households).
pub(in crate::records) fn answerable_sql(n: usize) -> String {
    format!(
        "SELECT h.household_id, h.village_code, \
         (SELECT p.cadre_id FROM cadre_household_pairings p WHERE p.household_id = h.household_id \
          AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) \
          ORDER BY p.start_date DESC, p.cadre_id LIMIT 1), \
         (SELECT s.secretary_id FROM secretaries s WHERE s.village_code = h.village_code \
          AND s.start_date <= ? AND (s.end_date IS NULL OR s.end_date >= ?) \
          ORDER BY s.start_date DESC, s.secretary_id LIMIT 1) \
         FROM households h WHERE h.household_id IN ({})",
        marks(n)
    )
}

/// The arguments of `answerable_sql`.
pub(in crate::records) fn answerable_args(day: NaiveDate, households: &[String]) -> Vec<Arg> {
    let mut args = vec![Arg::Date(day); 4];
    args.extend(households.iter().cloned().map(Arg::Text));
    args
}

/// Every recorded finding of `n` households (what a re-run compares with).
pub(in crate::records) fn of_households_sql(n: usize) -> String {
    format!(
        "SELECT {COLUMNS} FROM department_findings f WHERE f.household_id IN ({})",
        marks(n)
    )
}

/// The open tasks of a town: its code (the village's first nine digits, then zeros), how many
/// are open and how many of them overdue.
pub(in crate::records) struct TownTasks {
    pub town: RegionCode,
    pub open: u64,
    pub overdue: u64,
}

impl FromRow for TownTasks {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "finding_towns",
        "各乡镇核查任务",
        &[
            column("town", ColumnType::Region),
            column("open", COUNT),
            column("overdue", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(TownTasks {
            town: r.region("town")?,
            open: r.count("open"),
            overdue: r.count("overdue"),
        })
    }
}

/// Open tasks per town within a reach (`{within}`, alias `f`); the day is the first argument:
/// a task due before it is overdue. Only tasks have a due day.
pub(in crate::records) const TOWN_TASKS: &str = "SELECT (h.village_code / 1000) * 1000, \
     COUNT(*), SUM(CASE WHEN f.due_on < ? THEN 1 ELSE 0 END) \
     FROM department_findings f JOIN households h ON h.household_id = f.household_id \
     WHERE f.outcome IS NULL AND f.due_on IS NOT NULL {within} \
     GROUP BY (h.village_code / 1000) * 1000";

/// A department warning as the year's assessment reads it: the household, the day it holds
/// from and the day its risk was removed, if it was.
pub(in crate::records) struct WarningSpan {
    pub household_id: String,
    pub as_of: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

impl FromRow for WarningSpan {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "warning_spans",
        "部门预警",
        &[
            column("household_id", ColumnType::Text),
            column("as_of", ColumnType::Date),
            column("outcome_on", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(WarningSpan {
            household_id: r.string("household_id"),
            as_of: r.date("as_of")?,
            closed_on: r.date("outcome_on"),
        })
    }
}

/// The warnings of the rows `related` (conditions over `department_findings f`) recorded by a
/// day; which are open then is core's `tasks::open_on`.
pub(in crate::records) fn warnings_by(related: Filter, day: NaiveDate) -> (String, Vec<Arg>) {
    let warnings = codes_of(Handling::Warning);
    let filter = related.and(
        format!("f.finding IN ({warnings}) AND f.as_of <= ?"),
        vec![Arg::Date(day)],
    );
    let sql = format!(
        "SELECT f.household_id, f.as_of, f.outcome_on FROM department_findings f{}",
        filter.render_where(&mut || "?".into())
    );
    (sql, filter.args().cloned().collect())
}

/// The stored content of one finding's attachment.
pub(in crate::records) struct FindingContent {
    pub base64: Option<String>,
}

impl FromRow for FindingContent {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DepartmentFindings,
        "finding_content",
        "附件内容",
        &[column("content", ColumnType::Text)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(FindingContent {
            base64: r.text("content").map(str::to_string),
        })
    }
}

/// The content of one finding's attachment (`?`: household, number).
pub(in crate::records) const ATTACHMENT: Query<FindingContent> =
    Query::new("SELECT content FROM department_findings WHERE household_id = ? AND seq = ?");

/// Keeps an attachment's content with its finding.
pub(in crate::records) const PUT_ATTACHMENT: &str =
    "UPDATE department_findings SET content = ? WHERE household_id = ? AND seq = ?";
