//! Recording what a cross-department check found (`xplus crosscheck --apply`, departments.md)
//! and what the people who verify it conclude. Each finding is kept once for the member it
//! names — a re-run with the same lists records nothing — as a task of its household's helper
//! (or, without one, its village's secretary) due after the rule setting `verification_days`,
//! a department warning open for §5 monitoring, or assistance shown on the household (core's
//! `assessment::tasks` says which). A confirmed death makes the member leave the household on
//! the day of death, through the registry's own rule: earlier years keep their members.

use super::case_steps::open_case_of;
use super::cases::{open_for_warnings, NewWarning};
use super::crosscheck::Crosscheck;
use super::queries::findings::{
    answerable_args, answerable_sql, of_household_sql, of_households_sql, Answerable, WarningSpan,
    ATTACHMENT, PUT_ATTACHMENT,
};
pub use super::queries::findings::{AttachmentNote, StoredFinding};
use crate::error::{Refusal, StoreError};
use crate::records::registry::household::load;
use crate::records::registry::membership::{leave_within, ChangeTold};
use crate::records::registry::read::{household_scope, households_in, within_scope};
use crate::records::rules::rule_book;
use crate::records::{ReadSession, WriteSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{fetch_sql, select_rows};
use crate::store::{Row, Store};
use base64::Engine;
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::assessment::attachment::{check, sha256_hex};
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::tasks::{
    as_of_problem, due_on, handling, open_on, outcome_problems, reason_as_kept, AssigneeRole,
    Handling, OutcomeFacts, TaskOutcome,
};
use xplus_core::interchange::schema::DEPARTMENT_FINDINGS;
use xplus_core::registry::membership::ChangeReason;
use xplus_core::registry::IdNumber;

/// What `--apply` recorded: new findings, and those already recorded by an earlier run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingsApplied {
    pub recorded: u64,
    pub already: u64,
    /// Monitoring cases the new warnings opened (exited or monitored households without one).
    pub cases_opened: u64,
}

/// How many households are read and written at a time (an IN list of this many).
const CHUNK: usize = 400;

/// Records the findings of `check` (run as of `as_of`) as `access` on `today`. Refused
/// (nothing written) for a malformed bundle and for an account that may not apply a check.
pub async fn apply_findings(
    store: &dyn Store,
    access: &Access,
    check: &Crosscheck,
    as_of: NaiveDate,
    today: NaiveDate,
) -> Result<FindingsApplied, StoreError> {
    if !access.may_apply_crosscheck() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "只有县、市级干部和管理员可以登记部门比对结果 / only county or city officials and administrators record cross-department findings".into(),
        )));
    }
    if !check.malformed.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(
            "部门数据有错误，未登记任何结果 / the department files are malformed; nothing was recorded".into(),
        )));
    }
    if let Some(problem) = as_of_problem(as_of, today) {
        return Err(StoreError::Refused(Refusal::Invalid(problem)));
    }
    let book = rule_book(store).await?;
    let mut by_household: HashMap<&str, Vec<&super::crosscheck::FindingRow>> = HashMap::new();
    for f in &check.findings {
        by_household.entry(&f.household_id).or_default().push(f);
    }
    let mut households: Vec<String> = by_household.keys().map(|h| h.to_string()).collect();
    households.sort_unstable();
    let mut s = store.write_session().await?;
    let mut applied = FindingsApplied::default();
    let actor = access.user().to_string();
    for chunk in households.chunks(CHUNK) {
        let stored = fetch_sql::<StoredFinding>(
            s.as_mut(),
            &of_households_sql(chunk.len()),
            &text_args(chunk),
        )
        .await?;
        let sql = answerable_sql(chunk.len());
        let answerable =
            fetch_sql::<Answerable>(s.as_mut(), &sql, &answerable_args(today, chunk)).await?;
        let answerable: HashMap<&str, &Answerable> = answerable
            .iter()
            .map(|a| (a.household_id.as_str(), a))
            .collect();
        let mut audit = Vec::new();
        let mut warnings = Vec::new();
        for id in chunk {
            let Some(place) = answerable.get(id.as_str()) else {
                continue;
            };
            let mine: Vec<&StoredFinding> =
                stored.iter().filter(|f| &f.household_id == id).collect();
            let mut seq = mine.iter().map(|f| f.seq).max().unwrap_or(0);
            let known: HashSet<(String, &str, &str)> = (mine.iter())
                .map(|f| (f.id_number.to_string(), f.finding.code(), f.detail.as_str()))
                .collect();
            let days = book.for_place(place.village.county(), today.year()).set;
            for f in &by_household[id.as_str()] {
                if known.contains(&(f.id_number.clone(), f.finding.code(), f.detail.as_str())) {
                    applied.already += 1;
                    continue;
                }
                let Ok(id_number) = IdNumber::parse(&f.id_number, today) else {
                    continue;
                };
                seq += 1;
                let new = StoredFinding {
                    household_id: id.clone(),
                    seq,
                    id_number,
                    finding: f.finding,
                    source_file: f.file.clone(),
                    source_row: f.row,
                    detail: f.detail.clone(),
                    fact_on: f.fact_on,
                    as_of,
                    recorded_by: actor.clone(),
                    recorded_on: today,
                    assignee: assignee_of(place),
                    due_on: due_on(f.finding, today, days.verification_days.value),
                    outcome: None,
                    outcome_on: None,
                    outcome_reason: String::new(),
                    outcome_by: String::new(),
                    attachment: None,
                };
                let row = new.to_row();
                audit.extend(crate::audit::row_change(
                    &actor,
                    &DEPARTMENT_FINDINGS,
                    None,
                    &row,
                ));
                let county = place.village.county();
                s.upsert(
                    &DEPARTMENT_FINDINGS,
                    Row {
                        values: row,
                        county,
                    },
                )
                .await?;
                if handling(f.finding) == Handling::Warning {
                    warnings.push(NewWarning {
                        household_id: id.clone(),
                        seq,
                    });
                }
                applied.recorded += 1;
            }
        }
        s.append_audit(audit).await?;
        applied.cases_opened +=
            open_for_warnings(s.as_mut(), &actor, &warnings, (as_of, today)).await?;
    }
    s.commit().await?;
    Ok(applied)
}

fn text_args(ids: &[String]) -> Vec<Arg> {
    ids.iter().cloned().map(Arg::Text).collect()
}

/// The helper in charge of the household, or its village's secretary when it has none.
fn assignee_of(a: &Answerable) -> Option<(AssigneeRole, String)> {
    match (&a.cadre_id, &a.secretary_id) {
        (Some(c), _) => Some((AssigneeRole::Helper, c.clone())),
        (None, Some(s)) => Some((AssigneeRole::Secretary, s.clone())),
        (None, None) => None,
    }
}

/// What the person who verified a finding concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeTold {
    pub outcome: TaskOutcome,
    pub on: NaiveDate,
    pub reason: String,
    /// A file name and its bytes (a certificate, a photo of the vehicle's owner's papers).
    pub attachment: Option<(String, Vec<u8>)>,
}

/// Records the outcome of household `id`'s `seq`-th finding as `access` on `today`, with what it
/// calls for: a confirmed death makes the member leave the household on the day of death (the
/// registry's rule: a head must be replaced first). Refused, nothing written, outside the
/// account's reach, for an outcome core's rule refuses, or for an attachment it refuses.
pub async fn record_outcome(
    store: &dyn Store,
    access: &Access,
    id: &str,
    seq: i64,
    told: &OutcomeTold,
    today: NaiveDate,
) -> Result<StoredFinding, StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account reads only".into(),
        )));
    }
    let attachment = match &told.attachment {
        Some((name, bytes)) => {
            let name = name.trim();
            let kind = check(name, bytes).map_err(|e| StoreError::Refused(Refusal::Invalid(e)))?;
            Some((name.to_string(), kind, bytes))
        }
        None => None,
    };
    let mut s = store.write_session().await?;
    let Some(before) = finding_within(s.as_mut(), access, id, seq, today).await? else {
        return Err(not_found(id, seq));
    };
    let facts = OutcomeFacts {
        finding: before.finding,
        recorded: before.outcome,
        outcome: told.outcome,
        on: told.on,
        reason: &told.reason,
        as_of: before.as_of,
        today,
    };
    let problems = outcome_problems(&facts);
    if !problems.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(problems.join("；"))));
    }
    let warning = handling(before.finding) == Handling::Warning;
    if let Some(case) = (open_case_of(s.as_mut(), id).await?).filter(|_| warning) {
        return Err(StoreError::Refused(Refusal::Conflict(format!(
            "该预警已纳入监测（编号 {case}），请在监测对象页办理风险消除 / the warning opened case {case}; remove its risk there"
        ))));
    }
    if before.finding == Finding::Deceased && told.outcome == TaskOutcome::Confirmed {
        member_died(s.as_mut(), access, &before, today).await?;
    }
    let mut after = before.clone();
    after.outcome = Some(told.outcome);
    after.outcome_on = Some(told.on);
    // Checked above: the reason as the bundle's text column keeps it.
    after.outcome_reason = reason_as_kept(&told.reason).unwrap_or_default();
    after.outcome_by = access.user().to_string();
    after.attachment = (attachment.as_ref()).map(|(name, kind, bytes)| AttachmentNote {
        name: name.clone(),
        content_type: kind.code().to_string(),
        sha256: sha256_hex(bytes),
    });
    let (old, new) = (before.to_row(), after.to_row());
    let audit = crate::audit::row_change(access.user(), &DEPARTMENT_FINDINGS, Some(&old), &new);
    let county = load(s.as_mut(), None, id, today)
        .await?
        .and_then(|r| r.household.village.county());
    s.upsert(
        &DEPARTMENT_FINDINGS,
        Row {
            values: new,
            county,
        },
    )
    .await?;
    if let Some((_, _, bytes)) = attachment {
        let content = base64::engine::general_purpose::STANDARD.encode(bytes);
        let args = [Arg::Text(content), Arg::Text(id.to_string()), Arg::Int(seq)];
        s.execute(PUT_ATTACHMENT, &args).await?;
    }
    s.append_audit(audit.into_iter().collect()).await?;
    s.commit().await?;
    Ok(after)
}

fn not_found(id: &str, seq: i64) -> StoreError {
    StoreError::Refused(Refusal::NotFound(format!(
        "户 {id} 没有第 {seq} 条部门比对记录，或不在您的范围内 / household {id} has no finding {seq} within your reach"
    )))
}

/// The member named by a confirmed death leaves the household on the day of death (or the day
/// checked, when the list gave none). One who has already left is left as they are.
async fn member_died(
    s: &mut dyn WriteSession,
    access: &Access,
    f: &StoredFinding,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let Some(record) = load(s, Some(access), &f.household_id, today).await? else {
        return Err(not_found(&f.household_id, f.seq));
    };
    if !record.members.iter().any(|m| m.id_number == f.id_number) {
        return Ok(());
    }
    let told = ChangeTold {
        on: f.fact_on.unwrap_or(f.as_of),
        reason: ChangeReason::Death,
        note: format!(
            "部门比对核实死亡（{} 第 {} 行）",
            f.source_file, f.source_row
        ),
    };
    leave_within(s, access, record, f.id_number, &told, today).await?;
    Ok(())
}

/// Household `id`'s `seq`-th finding, when within the account's reach.
async fn finding_within(
    s: &mut dyn ReadSession,
    access: &Access,
    id: &str,
    seq: i64,
    today: NaiveDate,
) -> Result<Option<StoredFinding>, StoreError> {
    Ok(household_findings_in(s, access, id, today)
        .await?
        .into_iter()
        .find(|f| f.seq == seq))
}

async fn household_findings_in(
    s: &mut dyn ReadSession,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<StoredFinding>, StoreError> {
    let scope = household_scope(access, today);
    let (sql, args) = within_scope(&scope, &of_household_sql(), "f", vec![Arg::Text(id.into())]);
    fetch_sql(s, &sql, &args).await
}

/// Household `id`'s recorded findings, in the order recorded (empty out of reach).
pub async fn household_findings(
    store: &dyn Store,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<StoredFinding>, StoreError> {
    let mut s = store.read_session().await?;
    household_findings_in(s.as_mut(), access, id, today).await
}

/// The attachment of household `id`'s `seq`-th finding and its content, checked against its
/// SHA-256; None out of reach, without an attachment, or in a copy imported from a bundle.
pub async fn finding_attachment(
    store: &dyn Store,
    access: &Access,
    id: &str,
    seq: i64,
    today: NaiveDate,
) -> Result<Option<(AttachmentNote, Vec<u8>)>, StoreError> {
    let mut s = store.read_session().await?;
    let found = finding_within(s.as_mut(), access, id, seq, today).await?;
    let Some(note) = found.and_then(|f| f.attachment) else {
        return Ok(None);
    };
    let args = [Arg::Text(id.to_string()), Arg::Int(seq)];
    let stored = ATTACHMENT.fetch(s.as_mut(), &args).await?;
    let Some(text) = stored.into_iter().next().and_then(|c| c.base64) else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .ok()
        .filter(|b| sha256_hex(b) == note.sha256)
        .ok_or_else(|| {
            StoreError::Refused(Refusal::Conflict(
                "附件内容与其 SHA-256 不符，未发送 / the attachment does not match its SHA-256; not sent"
                    .into(),
            ))
        })?;
    Ok(Some((note, bytes)))
}

/// The households of `spans` (a query of what opened and closed when: the department warnings
/// of `warnings_by`, the monitoring cases of `cases_by`) with one open at the end of `day`
/// (rules.md §5: such a household is monitored), as the year's assessment reads them.
pub(in crate::records) async fn open_at_end(
    s: &mut dyn ReadSession,
    (sql, args): (String, Vec<Arg>),
    day: NaiveDate,
) -> Result<HashSet<String>, StoreError> {
    let rows = fetch_sql::<WarningSpan>(s, &sql, &args).await?;
    Ok((rows.into_iter())
        .filter(|w| open_on(w.as_of, w.closed_on, day))
        .map(|w| w.household_id)
        .collect())
}

/// A finding as a household's card (明白卡) of a year shows it: one checked as of a day by the
/// year's end (the department's fact held then, whenever it was recorded), with the outcome it
/// had at the year's end (one reached later is not on that year's card).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFinding {
    pub finding: Finding,
    pub detail: String,
    pub due_on: Option<NaiveDate>,
    pub outcome: Option<TaskOutcome>,
}

/// The findings of the households of `scope` (conditions on `households`) as their cards of the
/// year ending on `end` show them, by household, in the order recorded.
pub(in crate::records) async fn findings_at_end(
    s: &mut dyn ReadSession,
    scope: &Filter,
    end: NaiveDate,
) -> Result<HashMap<String, Vec<CardFinding>>, StoreError> {
    let of_scope = households_in(scope, "household_id");
    let rows: Vec<StoredFinding> = select_rows(s, &of_scope, "household_id, seq").await?;
    let mut out: HashMap<String, Vec<CardFinding>> = HashMap::new();
    for f in rows.into_iter().filter(|f| f.as_of <= end) {
        let outcome = f.outcome.filter(|_| f.outcome_on.is_some_and(|d| d <= end));
        out.entry(f.household_id).or_default().push(CardFinding {
            finding: f.finding,
            detail: f.detail,
            due_on: f.due_on,
            outcome,
        });
    }
    Ok(out)
}
