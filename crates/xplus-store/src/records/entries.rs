//! The module files kept as plain records — stations, the villages they serve and their 抓规范
//! checks, training sessions and attendance, station services, units and cadres, the three
//! bindings, visits, recalls, postings, start-ups and the households they bring along,
//! secretaries and their history, village cadres and the pool of future leaders — listed
//! within an account's reach, and written from pages and
//! the API with the importer's own row checks (`bundle::import::check_rows`), so a form and a
//! spreadsheet accept and refuse the same rows.
//! Pairings have their own writes (`backbone.rs`): rules.md §7 needs more than one row.

use super::entries_context::arg_of;
use super::entries_queries as queries;
use super::{Page, ReadSession};
use crate::bundle::import::check_rows;
use crate::error::FieldProblem;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::Named;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Role, Scope};
use xplus_core::interchange::schema;
use xplus_core::interchange::{cell, FileId, FileSpec, Value};
use xplus_core::rules::RuleSet;

/// The files listed here, in the order of the bundle, by module (the files added late to the
/// bundle — the empty-shell plan, the postings, the funds, the projects' investors, the industry
/// targets, the households start-ups bring along — with the other files of their module, at the
/// end of its part; the 骨干 files added after them — the weak organisations, the
/// standardisation checks, the village cadres and the pool of future leaders — last).
pub const ENTRY_FILES: [FileId; 47] = [
    FileId::Stations,
    FileId::StationCoverage,
    FileId::StationChecks,
    FileId::TrainingSessions,
    FileId::Attendance,
    FileId::AttendanceMembers,
    FileId::StationServices,
    FileId::Units,
    FileId::Cadres,
    FileId::UnitVillagePairings,
    FileId::PairingBindings,
    FileId::Visits,
    FileId::Recalls,
    FileId::Postings,
    FileId::Startups,
    FileId::Secretaries,
    FileId::SecretaryDevelopment,
    FileId::SecretaryChecks,
    FileId::StartupHouseholds,
    FileId::CollectiveIncome,
    FileId::Projects,
    FileId::ShareEvents,
    FileId::Distributions,
    FileId::Loans,
    FileId::DividendPayments,
    FileId::VillageEnterprises,
    FileId::EmptyShellPlan,
    FileId::Funds,
    FileId::ProjectInvestors,
    FileId::PartyOrgs,
    FileId::OrgHouseholds,
    FileId::OvopProjects,
    FileId::OvopHouseholds,
    FileId::Guidance,
    FileId::HouseholdIndustries,
    FileId::LabourCourses,
    FileId::CourseAttendance,
    FileId::Commissioners,
    FileId::CommissionerTrainings,
    FileId::JobFairs,
    FileId::Placements,
    FileId::IndustryTargets,
    FileId::WeakOrganisations,
    FileId::StandardisationChecks,
    FileId::VillageCadres,
    FileId::VillageCadreDevelopment,
    FileId::LeaderPool,
];

/// Listed but written elsewhere: pairings under rules.md §7 (`save_unit_pairing`); the share
/// ledger, projects, income and payments under §8, whose checks need a project's whole ledger
/// (a bundle import, `xplus dividends --apply`, the yearly adjustment). Pledge loans are written
/// here: their caps need only the household's own ledger.
const READ_ONLY: [FileId; 5] = [
    FileId::UnitVillagePairings,
    FileId::Projects,
    FileId::ShareEvents,
    FileId::Distributions,
    FileId::DividendPayments,
];

/// The entry file called `name` (as in the bundle: `visits`, `visits.csv`, 走访记录).
pub fn entry_file(name: &str) -> Option<&'static FileSpec> {
    schema::find_file(name).filter(|f| ENTRY_FILES.contains(&f.id))
}

/// Whether rows of `file` are written here (see `READ_ONLY`).
pub fn is_writable(file: FileId) -> bool {
    ENTRY_FILES.contains(&file) && !READ_ONLY.contains(&file)
}

/// How a row of a file is placed in the region tree, for reach.
enum Place {
    /// A region code (a village's, or a county's) in this column.
    Village(&'static str),
    /// A household (in the column `household_id`).
    Household,
    /// A station (`station_id`), placed by its village.
    Station,
    /// A project (`project_id`), placed by its village.
    Project,
    /// A secretary (`secretary_id`), placed by the village they serve.
    Secretary,
    /// A village cadre (`village_cadre_id`), placed by their village.
    VillageCadre,
    /// A cadre (`cadre_id`), placed by the villages their unit is paired with.
    Cadre,
    /// Not in the tree (units, cadres): read by the region staff, written by an administrator.
    Nowhere,
}

fn place(file: FileId) -> Place {
    use FileId::*;
    match file {
        Stations
        | StationCoverage
        | UnitVillagePairings
        | PairingBindings
        | Startups
        | Secretaries
        | CollectiveIncome
        | VillageEnterprises
        | EmptyShellPlan
        | Postings
        | VillageCadres
        | LeaderPool
        | Projects
        | PartyOrgs
        | OvopProjects
        | Guidance
        | CommissionerTrainings
        | WeakOrganisations
        | StandardisationChecks => Place::Village("village_code"),
        // Courses, commissioners and fairs are the county's (or the city's), funds a county's,
        // a town's or a village's: seen by those whose region holds that code.
        LabourCourses | Commissioners | JobFairs | Funds => Place::Village("region_code"),
        Attendance | AttendanceMembers | StationServices | Visits | ShareEvents | Loans
        | DividendPayments | OrgHouseholds | OvopHouseholds | HouseholdIndustries
        | CourseAttendance | Placements | IndustryTargets | StartupHouseholds => Place::Household,
        Distributions | ProjectInvestors => Place::Project,
        StationChecks | TrainingSessions => Place::Station,
        SecretaryDevelopment | SecretaryChecks => Place::Secretary,
        VillageCadreDevelopment => Place::VillageCadre,
        Recalls => Place::Cadre,
        _ => Place::Nowhere,
    }
}

/// The rows of `file` an account reaches, as a condition on its table.
pub(super) fn reach(file: FileId, access: &Access, today: NaiveDate) -> Filter {
    let range = match access.scope() {
        Scope::Everywhere => return Filter::new(),
        Scope::Region(r) => {
            let (lo, hi) = crate::sql::range_of(r.as_u64(), r.level());
            vec![Arg::Int(lo as i64), Arg::Int(hi as i64)]
        }
        Scope::PairedWith(cadre) => {
            // A helper sees what concerns their own households and themselves.
            return match place(file) {
                // The registry's own reach of a helper: the households paired with them today.
                Place::Household => crate::records::registry::read::household_scope(access, today),
                Place::Cadre => queries::cadre_is(cadre),
                // A helper sees their own cadre record, no other (phone numbers are personal).
                Place::Nowhere if file == FileId::Cadres => queries::cadre_is(cadre),
                _ => queries::nothing(),
            };
        }
    };
    let sql = match place(file) {
        Place::Village(column) => queries::column_between(column),
        Place::Household => queries::HOUSEHOLD_BETWEEN.into(),
        Place::Station => queries::STATION_BETWEEN.into(),
        Place::Project => queries::PROJECT_BETWEEN.into(),
        Place::Secretary => queries::SECRETARY_BETWEEN.into(),
        Place::VillageCadre => queries::VILLAGE_CADRE_BETWEEN.into(),
        Place::Cadre => queries::CADRE_BETWEEN.into(),
        Place::Nowhere => return Filter::new(),
    };
    Filter::new().and(sql, range)
}

/// `filter` and "column equals value": IS NULL for an empty cell, a TRUE/FALSE literal for a
/// yes/no (PostgreSQL compares a boolean column with a boolean, not a number), else bound.
fn equal_to(filter: Filter, column: &xplus_core::interchange::Column, value: &Value) -> Filter {
    let name = column.en;
    match value {
        Value::Null => queries::is_null(filter, name),
        Value::Bool(b) => queries::is_bool(filter, name, *b),
        v => queries::equals(filter, name, arg_of(column, v)),
    }
}

/// The condition "this row's key", for `values` of `file`.
fn key_filter(file: &'static FileSpec, values: &[Value], filter: Filter) -> Filter {
    file.key
        .iter()
        .fold(filter, |f, &k| equal_to(f, &file.columns[k], &values[k]))
}

/// One page of a file's rows within reach.
#[derive(Debug, Clone)]
pub struct EntryPage {
    pub file: &'static FileSpec,
    pub rows: Vec<Vec<Value>>,
    pub total: u64,
}

/// Rows of `file` within `access`'s reach whose columns equal `equal` (column name, the value as
/// typed in a bundle cell), ordered by key. A column that does not exist or a value that does
/// not parse is an `Invalid` error naming it.
pub async fn list_entries(
    store: &dyn Store,
    access: &Access,
    file: &'static FileSpec,
    equal: &[(String, String)],
    page: Page,
    today: NaiveDate,
) -> Result<EntryPage, StoreError> {
    if !ENTRY_FILES.contains(&file.id) {
        return Err(StoreError::Refused(Refusal::Invalid(format!(
            "{} 不在此列出 / {} is not listed here",
            file.zh, file.name
        ))));
    }
    let mut filter = reach(file.id, access, today);
    for (name, text) in equal {
        let Some(i) = file.column_index(name) else {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "{} 没有列 {name} / {} has no column {name}",
                file.zh, file.name
            ))));
        };
        let column = &file.columns[i];
        let value = cell::parse(column, text, today).map_err(|reason| {
            StoreError::Refused(Refusal::Invalid(format!("{name} = {text}: {reason}")))
        })?;
        filter = equal_to(filter, column, &value);
    }
    let mut s = store.read_session().await?;
    let total = s.count(file, &filter).await?;
    let rows = s
        .select(file, &filter, &queries::key_order(file), Some(page))
        .await?;
    Ok(EntryPage { file, rows, total })
}

/// What a write of entries did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedEntries {
    /// Rows new or changed (a row equal to the stored one is not written again).
    pub changed: usize,
    /// The importer's warnings (doubtful values), as "column: reason".
    pub warnings: Vec<String>,
}

fn may_write(access: &Access, file: FileId, rows: &[Vec<Value>]) -> Result<(), StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account is read-only".into(),
        )));
    }
    if !is_writable(file) {
        let spec = schema::spec(file);
        return Err(StoreError::Refused(Refusal::Invalid(format!(
            "{} 不能在此修改 / {} cannot be written here",
            spec.zh, spec.name
        ))));
    }
    match (access.scope(), place(file)) {
        // A helper logs their own visits to their own households, and nothing else.
        (Scope::PairedWith(cadre), Place::Household) if file == FileId::Visits => {
            let by_other =
                |r: &Vec<Value>| Named::new(&schema::VISITS, r).text("cadre_id") != Some(cadre);
            if rows.iter().any(by_other) {
                return Err(StoreError::Refused(Refusal::Forbidden(
                    "帮扶干部只能记录本人的走访 / a helper logs only their own visits".into(),
                )));
            }
            Ok(())
        }
        (Scope::PairedWith(_), _) => Err(StoreError::Refused(Refusal::Forbidden(
            "帮扶干部只能记录走访 / a helper can only log visits".into(),
        ))),
        (_, Place::Nowhere) if access.role() != Role::Admin => {
            Err(StoreError::Refused(Refusal::Forbidden(
                "单位和干部名册由管理员维护 / units and cadres are kept by an administrator".into(),
            )))
        }
        _ => Ok(()),
    }
}

/// Writes rows of entry files (per file, in bundle order) in one transaction, with their audit
/// entries: all of them, or none when any is refused.
///
/// Errors: `Forbidden` (role, or a row — as stored or as written — outside the account's
/// reach), `Rejected` (the importer's checks: a missing reference, a duplicate key, an attendee
/// who is not a member, a recall of a cadre who was not selected …; by field, prefixed with the
/// row's place when there are several), `Invalid` (not an entry file).
pub async fn save_entries(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    new: Vec<(&'static FileSpec, Vec<Vec<Value>>)>,
    today: NaiveDate,
) -> Result<SavedEntries, StoreError> {
    let mut s = store.write_session().await?;
    let saved = save_entries_within(s.as_mut(), access, rules, new, today).await?;
    if saved.changed > 0 {
        s.commit().await?;
    }
    Ok(saved)
}

/// Like [`save_entries`], within a transaction the caller commits (a visit recorded with its
/// photos and the household's income is kept whole or not at all).
pub(crate) async fn save_entries_within(
    s: &mut dyn crate::session::WriteSession,
    access: &Access,
    rules: &RuleSet,
    new: Vec<(&'static FileSpec, Vec<Vec<Value>>)>,
    today: NaiveDate,
) -> Result<SavedEntries, StoreError> {
    for (spec, rows) in &new {
        if rows.iter().any(|r| r.len() != spec.columns.len()) {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "{} 需要 {} 个值 / {} needs {} values",
                spec.zh,
                spec.columns.len(),
                spec.name,
                spec.columns.len()
            ))));
        }
        may_write(access, spec.id, rows)?;
    }
    let several = new.iter().map(|(_, r)| r.len()).sum::<usize>() > 1;
    for (spec, rows) in &new {
        for row in rows {
            if let Some(column) = outside_column(s, access, spec, row, today).await? {
                return Err(not_within(spec, row, column));
            }
        }
    }
    let stored = super::entries_context::stored_context(s, &new).await?;
    let checked = check_rows(rules, today, stored, new);
    if !checked.errors.is_empty() {
        let problems = checked
            .errors
            .into_iter()
            .map(|issue| FieldProblem {
                field: issue.column,
                message: if several && issue.row >= 2 {
                    let (zh, en) = issue
                        .reason
                        .split_once("/ ")
                        .map(|(zh, en)| (zh.trim_end(), en))
                        .unwrap_or((issue.reason.as_str(), issue.reason.as_str()));
                    let n = issue.row - 1;
                    let row = issue.row;
                    format!(
                        "{} 第{n}条（如同文件第{row}行）：{zh} / {} entry {n} (row {row} as in a file): {en}",
                        issue.file, issue.file
                    )
                } else {
                    issue.reason
                },
            })
            .collect();
        return Err(StoreError::Refused(Refusal::Rejected(problems)));
    }
    let mut changed = 0;
    let mut audit = Vec::new();
    // A key stored outside reach is refused only after every row has been judged as if the key
    // were free (the rows are written to be judged, in a transaction that is then not
    // committed): an earlier answer would tell which keys exist in other regions.
    let mut held_outside = None;
    for (spec, row) in checked.rows {
        let in_reach = reach(spec.id, access, today);
        let old = s
            .select(
                spec,
                &key_filter(spec, &row.values, Filter::new()),
                "",
                None,
            )
            .await?
            .pop();
        if old.is_some()
            && held_outside.is_none()
            && s.count(spec, &key_filter(spec, &row.values, in_reach.clone()))
                .await?
                == 0
        {
            held_outside = Some(spec);
        }
        let Some(entry) = crate::audit::row_change(access.user(), spec, old.as_ref(), &row.values)
        else {
            continue;
        };
        let key = key_filter(spec, &row.values, in_reach);
        s.upsert(spec, row).await?;
        // Placed after writing, so that the new values (a village, a household) are what is
        // judged; an account cannot move a record out of its reach or into it from outside.
        if s.count(spec, &key).await? == 0 {
            return Err(outside(spec));
        }
        audit.push(entry);
        changed += 1;
    }
    if let Some(spec) = held_outside {
        return Err(outside(spec));
    }
    if !audit.is_empty() {
        s.append_audit(audit).await?;
    }
    Ok(SavedEntries {
        changed,
        warnings: checked
            .warnings
            .into_iter()
            .map(|w| format!("{}: {}", w.column, w.reason))
            .collect(),
    })
}

/// Whether a row as written is placed within `access`'s reach: None when it is, else the column
/// that places it. Judged before anything stored is read for the row's checks, so that a
/// refusal cannot tell an account about records outside its reach (a member list, share
/// holdings); a reference outside reach is answered like one that does not exist.
async fn outside_column(
    s: &mut dyn ReadSession,
    access: &Access,
    spec: &'static FileSpec,
    row: &[Value],
    today: NaiveDate,
) -> Result<Option<&'static str>, StoreError> {
    let filter = reach(spec.id, access, today);
    if filter.is_empty() {
        return Ok(None);
    }
    let (table, column): (&'static FileSpec, &'static str) = match place(spec.id) {
        Place::Village(column) => {
            let code = spec
                .column_index(column)
                .and_then(|i| row[i].as_region())
                .map(|c| c.as_u64());
            let within = match (access.scope(), code) {
                (Scope::Region(r), Some(code)) => {
                    let (lo, hi) = crate::sql::range_of(r.as_u64(), r.level());
                    (lo..=hi).contains(&code)
                }
                _ => false,
            };
            return Ok((!within).then_some(column));
        }
        Place::Household => (&schema::HOUSEHOLDS, "household_id"),
        Place::Station => (&schema::STATIONS, "station_id"),
        Place::Project => (&schema::PROJECTS, "project_id"),
        Place::Secretary => (&schema::SECRETARIES, "secretary_id"),
        Place::VillageCadre => (&schema::VILLAGE_CADRES, "village_cadre_id"),
        Place::Cadre => (&schema::CADRES, "cadre_id"),
        // Units and cadres: an administrator's (see `may_write`).
        Place::Nowhere => return Ok(None),
    };
    let Some(i) = spec.column_index(column) else {
        return Ok(Some(column));
    };
    let found = s
        .count(table, &equal_to(filter, &spec.columns[i], &row[i]))
        .await?;
    Ok((found == 0).then_some(column))
}

/// The refusal of a row whose `column` places it outside reach (or names nothing).
fn not_within(spec: &FileSpec, row: &[Value], column: &'static str) -> StoreError {
    let value = spec
        .column_index(column)
        .map(|i| cell::format(&spec.columns[i], &row[i], false))
        .unwrap_or_default();
    StoreError::Refused(Refusal::Rejected(vec![FieldProblem {
        field: column.to_string(),
        message: format!(
            "“{value}” 不存在或不在您的管辖范围内 / “{value}” does not exist or is outside your reach"
        ),
    }]))
}

fn outside(spec: &FileSpec) -> StoreError {
    StoreError::Refused(Refusal::Forbidden(format!(
        "这条{}不在您的管辖范围内 / this {} row is outside your reach",
        spec.zh, spec.name
    )))
}
