//! `xplus assess --apply`: the year's assessment recorded, county by county, in one transaction
//! with one summary audit entry (and an entry per household or village changed): exits of §3,
//! village exits of §4, returns, monitoring and risk removal of §5, each with the standing before
//! it in `assessment_outcomes`. Applying a year again records nothing new; a year cannot be
//! applied after a later one.

use super::queries::apply::{households_with_ids, villages_with_codes, year_applied};
use super::queries::column_of;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::assessment::exit_batches::BatchState;
use crate::records::assessment::judge::{
    counties, county_run, tally, AssessmentSink, AssessmentSummary, CountyRun, Facts,
    HouseholdAssessment, Judgement, Standing,
};
use crate::records::rules::rule_book;
use crate::session::rows::Named;
use crate::store::{ImportTx, Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use xplus_core::assessment::monitoring::MonitorOutcome;
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::interchange::schema::ASSESSMENT_OUTCOMES;
use xplus_core::interchange::schema::{HOUSEHOLDS, VILLAGES};
use xplus_core::interchange::Value;
use xplus_core::registry::{HouseholdStatus, RegionCode};

/// What recording a year did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AppliedAssessment {
    pub exits: u64,
    pub returned: u64,
    pub monitored: u64,
    pub risk_removed: u64,
    pub villages_exited: u64,
    /// Recorded as exiting in the year (by an import or an edit) but not eligible now: left
    /// as they are, for checking.
    pub exited_not_eligible: u64,
    pub villages_exited_not_eligible: u64,
    /// Eligible, but in a village's exit batch that is not approved yet: left to the procedure.
    pub awaiting_procedure: u64,
    /// Eligible, but the village's review did not agree or an objection was upheld: left poor.
    pub withdrawn_by_procedure: u64,
    /// Nothing new to record: the year was applied before with the same result.
    pub already_recorded: bool,
}

/// One household's change: its outcome row, and the standing it moves to.
struct Change {
    household: String,
    outcome: &'static str,
    reasons: String,
    before: Standing,
    after: Standing,
    /// False when only the outcome row is new (monitored again, with this year's reasons).
    moves: bool,
}

/// §3/§5's result for a household as a stored outcome: (outcome, reasons, standing after).
fn planned(h: &HouseholdAssessment, year: i32) -> Option<(&'static str, String, Standing)> {
    let start = h.at_start;
    match &h.judgement {
        // Only a household still poor or returned is moved; one an import already records as
        // exiting in the year (or later) is left as recorded.
        Judgement::Exit(d)
            if d.eligible()
                && matches!(
                    start.status,
                    HouseholdStatus::Poor | HouseholdStatus::Returned
                ) =>
        {
            Some((
                "exited",
                String::new(),
                Standing {
                    status: HouseholdStatus::Exited,
                    exit_year: Some(year),
                },
            ))
        }
        Judgement::Exit(_) => None,
        Judgement::Monitoring(MonitorOutcome::Returned) => Some((
            "returned",
            String::new(),
            Standing {
                status: HouseholdStatus::Returned,
                exit_year: start.exit_year,
            },
        )),
        Judgement::Monitoring(MonitorOutcome::Monitored(reasons)) => Some((
            "monitored",
            reasons
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(";"),
            Standing {
                status: HouseholdStatus::Monitored,
                exit_year: start.exit_year,
            },
        )),
        Judgement::Monitoring(MonitorOutcome::Stable)
            if start.status == HouseholdStatus::Monitored =>
        {
            Some((
                "risk_removed",
                String::new(),
                Standing {
                    status: HouseholdStatus::Exited,
                    exit_year: start.exit_year,
                },
            ))
        }
        Judgement::Monitoring(MonitorOutcome::Stable) => None,
    }
}

/// Computes and records `year` (the write lock held throughout, so what is computed is what is
/// recorded), handing every result to `sink` as [`crate::records::assess_year`] does.
pub async fn apply_assessment(
    store: &dyn Store,
    actor: &str,
    year: i32,
    today: NaiveDate,
    sink: &mut dyn AssessmentSink,
) -> Result<(AssessmentSummary, AppliedAssessment), StoreError> {
    let mut tx = store.begin_bulk_write(actor).await?;
    let decided = Decided {
        by: actor,
        on: today,
    };
    let result = apply_in(store, tx.as_mut(), year, &decided, sink).await;
    match result {
        Ok((summary, applied)) if !applied.already_recorded => {
            // The summary entry marks the year as applied, even when nothing changed.
            tx.audit(NewAudit {
                actor: actor.to_string(),
                action: "assessment".into(),
                entity: "assessment".into(),
                record_key: year.to_string(),
                old_values: None,
                new_values: Some(
                    serde_json::json!({ "summary": &summary, "recorded": &applied }).to_string(),
                ),
            })
            .await?;
            tx.commit().await?;
            Ok((summary, applied))
        }
        other => {
            let _ = tx.rollback().await;
            other
        }
    }
}

/// Who decided an applied year and on which day: what each outcome records.
struct Decided<'a> {
    by: &'a str,
    on: NaiveDate,
}

async fn apply_in(
    store: &dyn Store,
    tx: &mut dyn ImportTx,
    year: i32,
    decided: &Decided<'_>,
    sink: &mut dyn AssessmentSink,
) -> Result<(AssessmentSummary, AppliedAssessment), StoreError> {
    let mut s = store.read_session().await?;
    if crate::records::assessment::exit_batches::later_years_applied(s.as_mut(), year).await? {
        return Err(StoreError::Refused(Refusal::Conflict(format!(
            "已记录 {year} 年以后年度的评估，不能再记录 {year} 年（会改写以后的结果） / a later year than \
             {year} has been applied; {year} cannot be applied after it"
        ))));
    }
    let book = rule_book(store).await?;
    let mut summary = AssessmentSummary {
        year,
        ..AssessmentSummary::default()
    };
    let applied_before = !s.audit_entries(&year_applied(year), 1).await?.is_empty();
    let mut applied = AppliedAssessment::default();
    let mut conflicts: Vec<String> = Vec::new();
    let mut wrote = false;
    for county in counties(s.as_mut()).await? {
        let run = county_run(s.as_mut(), &book, county, year).await?;
        tally(&mut summary, &run.households, &run.villages);
        for h in &run.households {
            sink.household(h)?;
        }
        for v in &run.villages {
            sink.village(v)?;
        }
        sink.county_done(county);
        let changes = changes_of(&run, year, applied_before, &mut applied, &mut conflicts);
        let villages: Vec<RegionCode> = run
            .villages
            .iter()
            .filter(|v| v.decision.eligible() && v.exit_year.is_none())
            .map(|v| v.village)
            .collect();
        applied.villages_exited_not_eligible += run
            .villages
            .iter()
            .filter(|v| !v.decision.eligible() && v.exit_year == Some(year))
            .count() as u64;
        applied.villages_exited += villages.len() as u64;
        if applied_before {
            // A village eligible now and not exited: the records changed since. (One exited
            // then and not eligible now is counted to check, like one an import exited.)
            conflicts.extend(
                run.villages
                    .iter()
                    .filter(|v| v.decision.eligible() && v.exit_year.is_none())
                    .map(|v| v.village.to_string()),
            );
        }
        if conflicts.is_empty() && (!changes.is_empty() || !villages.is_empty()) {
            write_county(s.as_mut(), tx, county, year, decided, &changes, &villages).await?;
            wrote = true;
        }
    }
    if !conflicts.is_empty() {
        let n = conflicts.len();
        conflicts.truncate(5);
        return Err(StoreError::Refused(Refusal::Conflict(format!(
            "{year} 年的评估此前已记录，现在的计算有 {n} 户（村）不同（收入、成员或规则已改变），未写入：{list} / \
             the assessment of {year} was applied before and {n} households (villages) now come out differently \
             (incomes, members or rules changed since); nothing was written: {list}",
            list = conflicts.join("、")
        ))));
    }
    // Nothing new, and recorded before (a first run with nothing to change records its summary).
    applied.already_recorded = !wrote && applied_before;
    Ok((summary, applied))
}

fn changes_of(
    run: &CountyRun,
    year: i32,
    applied_before: bool,
    applied: &mut AppliedAssessment,
    conflicts: &mut Vec<String>,
) -> Vec<Change> {
    let facts: std::collections::HashMap<&str, &Facts> =
        run.facts.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut changes = Vec::new();
    for h in &run.households {
        let Some(f) = facts.get(h.household_id.as_str()) else {
            continue;
        };
        if let Some(d) = h.exit() {
            if !d.eligible()
                && f.current.status == HouseholdStatus::Exited
                && f.current.exit_year == Some(year)
            {
                applied.exited_not_eligible += 1;
            }
        }
        let mut plan = planned(h, year);
        // The web procedure decides the exits of the households it holds (rules.md §3).
        if let (Some(("exited", ..)), Some((stage, state))) =
            (&plan, run.batched.get(&h.household_id))
        {
            match state {
                BatchState::Disagreed | BatchState::Withdrawn | BatchState::NotProposed => {
                    applied.withdrawn_by_procedure += 1;
                    plan = None;
                }
                BatchState::Proposed | BatchState::Agreed if *stage != ExitStage::Approved => {
                    applied.awaiting_procedure += 1;
                    plan = None;
                }
                _ => {}
            }
        }
        match (f.outcome_of(year), plan) {
            (Some(stored), Some((outcome, reasons, after)))
                if stored.outcome == outcome
                    && stored.reasons == reasons
                    && stored.after == after => {}
            (Some(_), _) => conflicts.push(h.household_id.clone()),
            // Applied before, and now something new to record: the records changed since.
            (None, Some(_)) if applied_before => conflicts.push(h.household_id.clone()),
            (None, None) => {}
            (None, Some((outcome, reasons, after))) => {
                match outcome {
                    "exited" => applied.exits += 1,
                    "returned" => applied.returned += 1,
                    "monitored" => applied.monitored += 1,
                    _ => applied.risk_removed += 1,
                }
                changes.push(Change {
                    household: h.household_id.clone(),
                    outcome,
                    reasons,
                    before: h.at_start,
                    moves: after != f.current,
                    after,
                });
            }
        }
    }
    changes
}

fn status_value(s: Standing) -> [Value; 2] {
    [
        Value::Code(s.status.code()),
        s.exit_year
            .map_or(Value::Null, |y| Value::Int(i64::from(y))),
    ]
}

async fn write_county(
    s: &mut dyn crate::records::ReadSession,
    tx: &mut dyn ImportTx,
    county: RegionCode,
    year: i32,
    decided: &Decided<'_>,
    changes: &[Change],
    villages: &[RegionCode],
) -> Result<(), StoreError> {
    let moved: std::collections::HashMap<&str, Standing> = changes
        .iter()
        .filter(|c| c.moves)
        .map(|c| (c.household.as_str(), c.after))
        .collect();
    let ids: Vec<&str> = moved.keys().copied().collect();
    let (status_at, exit_year_at) = (
        column_of(&HOUSEHOLDS, "status"),
        column_of(&HOUSEHOLDS, "exit_year"),
    );
    for chunk in ids.chunks(500) {
        let filter = households_with_ids(chunk);
        let mut rows = Vec::with_capacity(chunk.len());
        for mut values in s.select(&HOUSEHOLDS, &filter, "", None).await? {
            let Some(after) = Named::new(&HOUSEHOLDS, &values)
                .text("household_id")
                .and_then(|id| moved.get(id))
            else {
                continue;
            };
            let [status, exit_year] = status_value(*after);
            values[status_at] = status;
            values[exit_year_at] = exit_year;
            rows.push(Row {
                values,
                county: Some(county),
            });
        }
        tx.upsert(&HOUSEHOLDS, rows).await?;
    }
    let outcomes: Vec<Row> = changes
        .iter()
        .map(|c| {
            let [before_status, before_exit] = status_value(c.before);
            let [after_status, after_exit] = status_value(c.after);
            Row {
                values: vec![
                    Value::Text(c.household.clone()),
                    Value::Int(i64::from(year)),
                    Value::Text(c.outcome.into()),
                    if c.reasons.is_empty() {
                        Value::Null
                    } else {
                        Value::Text(c.reasons.clone())
                    },
                    before_status,
                    before_exit,
                    after_status,
                    after_exit,
                    Value::Date(decided.on),
                    Value::Text(decided.by.to_string()),
                ],
                county: Some(county),
            }
        })
        .collect();
    for chunk in outcomes.chunks(10_000) {
        tx.upsert(&ASSESSMENT_OUTCOMES, chunk.to_vec()).await?;
    }
    let village_exit_year_at = column_of(&VILLAGES, "exit_year");
    for chunk in villages.chunks(500) {
        let filter = villages_with_codes(chunk);
        let mut rows = Vec::new();
        for mut values in s.select(&VILLAGES, &filter, "", None).await? {
            values[village_exit_year_at] = Value::Int(i64::from(year));
            rows.push(Row {
                values,
                county: Some(county),
            });
        }
        tx.upsert(&VILLAGES, rows).await?;
    }
    Ok(())
}
