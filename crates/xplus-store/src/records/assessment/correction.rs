//! Correcting a past year's applied outcome (book of record, issue 18): the office that answers
//! for the figures finds that the assessment of year Y recorded a household wrongly — an exit
//! that did not happen, a return that was only a risk. The outcome of Y is corrected in place,
//! the next year's outcome (or, when none, the household today) starts from the corrected
//! standing, and a correction row keeps what was recorded, what it is now, who, when and why.
//! The year's figures then change, and its report lists the corrections (core's
//! `assessment::correction` holds the rule).

pub use super::queries::correction::CorrectionNote;
use super::queries::correction::{
    of_household, of_year, within_region, AppliedOutcome, BY_HOUSEHOLD, BY_YEAR, DELETE_OUTCOME,
};
use crate::audit::NewAudit;
use crate::error::{Refusal, StoreError};
use crate::records::registry::read::{household_scope, households_in};
use crate::records::WriteSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{column_of, read_row, select_rows, Named};
use crate::store::{Row, Store};
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::assessment::correction::{correction_problems, outcome_between};
use xplus_core::assessment::Outcome;
use xplus_core::interchange::schema::{ASSESSMENT_OUTCOMES, CORRECTIONS, HOUSEHOLDS};
use xplus_core::interchange::Value;
use xplus_core::registry::{standing_at_start, HouseholdStatus, RegionCode, Standing};

/// What the office says the assessment of `year` should have recorded for a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCorrection {
    pub household_id: String,
    pub year: i32,
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
    pub reason: String,
}

fn year_value(y: Option<i32>) -> Value {
    y.map_or(Value::Null, |y| Value::Int(i64::from(y)))
}

/// Records `c` as `actor` (a user, or `cli:NAME`) on `today`; the correction as stored. Refused
/// (nothing written) outside the account's reach, for a year without an applied outcome of the
/// household, or when core's rule finds the corrected result wrong.
pub async fn correct_outcome(
    store: &dyn Store,
    access: &Access,
    actor: &str,
    c: &OutcomeCorrection,
    today: NaiveDate,
) -> Result<CorrectionNote, StoreError> {
    if !access.may_correct_past_years() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "只有县、市级干部和管理员可以更正往年的评估结果 / only county or city officials and administrators correct past years' outcomes".into(),
        )));
    }
    let mut s = store.write_session().await?;
    let history = History::read(s.as_mut(), access, c, today).await?;
    let recorded = history.recorded(c)?;
    let corrected = Standing {
        status: c.status,
        exit_year: c.exit_year,
    };
    let problems = correction_problems(
        c.year,
        history.identified,
        recorded.before,
        recorded.after,
        corrected,
        &c.reason,
    );
    if !problems.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(problems.join("；"))));
    }
    let mut audit = Vec::new();
    let w = Writing {
        actor,
        c,
        corrected,
        today,
        county: history.village.county(),
    };
    w.year_itself(s.as_mut(), &history, &recorded, &mut audit)
        .await?;
    w.what_came_after(s.as_mut(), history, &mut audit).await?;
    let earlier = select_rows::<CorrectionNote>(
        s.as_mut(),
        &of_year(of_household(Filter::new(), &c.household_id), c.year),
        BY_HOUSEHOLD,
    )
    .await?;
    let note = CorrectionNote {
        household_id: c.household_id.clone(),
        year: c.year,
        seq: earlier.iter().map(|n| n.seq).max().unwrap_or(0) + 1,
        recorded: recorded.after,
        corrected,
        reason: c.reason.trim().to_string(),
        corrected_by: actor.to_string(),
        corrected_on: today,
    };
    let row = correction_row(&note);
    audit.extend(crate::audit::row_change(actor, &CORRECTIONS, None, &row));
    s.upsert(
        &CORRECTIONS,
        Row {
            values: row,
            county: w.county,
        },
    )
    .await?;
    s.append_audit(audit).await?;
    s.commit().await?;
    Ok(note)
}

/// A household as the correction reads it: its row, village, identification year, today's
/// standing and its applied outcomes (as stored and typed), in year order.
struct History {
    household: Vec<Value>,
    village: RegionCode,
    identified: i32,
    today: Standing,
    raw: Vec<Vec<Value>>,
    outcomes: Vec<AppliedOutcome>,
}

impl History {
    async fn read(
        s: &mut dyn WriteSession,
        access: &Access,
        c: &OutcomeCorrection,
        today: NaiveDate,
    ) -> Result<History, StoreError> {
        let mine = household_scope(access, today)
            .and("household_id = ?", vec![Arg::Text(c.household_id.clone())]);
        let not_found = || {
            StoreError::Refused(Refusal::NotFound(format!(
                "户 {} 不存在或不在您的范围内 / household {} not found within your reach",
                c.household_id, c.household_id
            )))
        };
        let household = s
            .select(&HOUSEHOLDS, &mine, "", None)
            .await?
            .pop()
            .ok_or_else(not_found)?;
        let stored = Named::new(&HOUSEHOLDS, &household);
        let village = stored.region("village_code").ok_or_else(not_found)?;
        let identified = stored.int("identified_year").unwrap_or(0) as i32;
        let today_standing = Standing {
            status: stored
                .code("status")
                .and_then(HouseholdStatus::parse)
                .ok_or_else(not_found)?,
            exit_year: stored.int("exit_year").map(|y| y as i32),
        };
        let raw = s
            .select(
                &ASSESSMENT_OUTCOMES,
                &of_household(Filter::new(), &c.household_id),
                BY_YEAR,
                None,
            )
            .await?;
        let outcomes = raw.iter().filter_map(|r| read_row(r)).collect();
        Ok(History {
            household,
            village,
            identified,
            today: today_standing,
            raw,
            outcomes,
        })
    }

    /// What the year recorded: its outcome, or — when it left the household as it was — the
    /// standing at the start of the year, twice (an exit the assessment missed is corrected
    /// too).
    fn recorded(&self, c: &OutcomeCorrection) -> Result<AppliedOutcome, StoreError> {
        match self.outcomes.iter().find(|o| o.year == c.year) {
            Some(o) => Ok(*o),
            None if self.identified <= c.year => {
                let replaced = self.outcomes.iter().map(|o| (o.year, o.before));
                let start = standing_at_start(self.today, replaced, c.year);
                Ok(AppliedOutcome {
                    year: c.year,
                    before: start,
                    after: start,
                })
            }
            None => Err(StoreError::Refused(Refusal::Invalid(format!(
                "户 {} 在 {} 年尚未识别，无可更正 / household {} was not identified by {}",
                c.household_id, c.year, c.household_id, c.year
            )))),
        }
    }

    /// The stored outcome row of `year`.
    fn row_of(&self, year: i32) -> Option<Vec<Value>> {
        self.raw
            .iter()
            .find(|r| Named::new(&ASSESSMENT_OUTCOMES, r).int("year") == Some(i64::from(year)))
            .cloned()
    }
}

/// One correction being written.
struct Writing<'a> {
    actor: &'a str,
    c: &'a OutcomeCorrection,
    corrected: Standing,
    today: NaiveDate,
    county: Option<RegionCode>,
}

fn at(name: &str) -> usize {
    column_of(&ASSESSMENT_OUTCOMES, name)
}

impl Writing<'_> {
    /// The year's own outcome: corrected in place, recorded when the assessment missed it, or
    /// removed when nothing should have happened.
    async fn year_itself(
        &self,
        s: &mut dyn WriteSession,
        h: &History,
        recorded: &AppliedOutcome,
        audit: &mut Vec<NewAudit>,
    ) -> Result<(), StoreError> {
        let c = self.c;
        let old = h.row_of(c.year);
        match (outcome_between(recorded.before, self.corrected), old) {
            (None, None) => {}
            (None, Some(old)) => {
                let args = [
                    Arg::Text(c.household_id.clone()),
                    Arg::Int(i64::from(c.year)),
                ];
                s.execute(DELETE_OUTCOME, &args).await?;
                s.touch(self.county).await?;
                audit.push(crate::audit::row_removed(
                    self.actor,
                    &ASSESSMENT_OUTCOMES,
                    &old,
                ));
            }
            (Some(outcome), old) => {
                // A missed outcome is recorded as decided by the correction.
                let mut row = old.clone().unwrap_or_else(|| {
                    vec![
                        Value::Text(c.household_id.clone()),
                        Value::Int(i64::from(c.year)),
                        Value::Null,
                        Value::Null,
                        Value::Code(recorded.before.status.code()),
                        year_value(recorded.before.exit_year),
                        Value::Null,
                        Value::Null,
                        Value::Date(self.today),
                        Value::Text(self.actor.to_string()),
                    ]
                });
                row[at("outcome")] = Value::Code(outcome.code());
                if outcome != Outcome::Monitored {
                    row[at("reasons")] = Value::Null;
                }
                row[at("status")] = Value::Code(self.corrected.status.code());
                row[at("exit_year")] = year_value(self.corrected.exit_year);
                audit.extend(crate::audit::row_change(
                    self.actor,
                    &ASSESSMENT_OUTCOMES,
                    old.as_ref(),
                    &row,
                ));
                s.upsert(
                    &ASSESSMENT_OUTCOMES,
                    Row {
                        values: row,
                        county: self.county,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// What came after starts from the corrected standing: the next year's outcome, else the
    /// household today.
    async fn what_came_after(
        &self,
        s: &mut dyn WriteSession,
        h: History,
        audit: &mut Vec<NewAudit>,
    ) -> Result<(), StoreError> {
        let c = self.c;
        match h.outcomes.iter().find(|o| o.year > c.year) {
            Some(next) => {
                let old = h.row_of(next.year).expect("read above");
                let mut row = old.clone();
                row[at("previous_status")] = Value::Code(self.corrected.status.code());
                row[at("previous_exit_year")] = year_value(self.corrected.exit_year);
                audit.extend(crate::audit::row_change(
                    self.actor,
                    &ASSESSMENT_OUTCOMES,
                    Some(&old),
                    &row,
                ));
                s.upsert(
                    &ASSESSMENT_OUTCOMES,
                    Row {
                        values: row,
                        county: self.county,
                    },
                )
                .await?;
            }
            None => {
                let old = h.household.clone();
                let mut row = h.household;
                row[column_of(&HOUSEHOLDS, "status")] = Value::Code(self.corrected.status.code());
                row[column_of(&HOUSEHOLDS, "exit_year")] = year_value(self.corrected.exit_year);
                audit.extend(crate::audit::row_change(
                    self.actor,
                    &HOUSEHOLDS,
                    Some(&old),
                    &row,
                ));
                s.upsert(
                    &HOUSEHOLDS,
                    Row {
                        values: row,
                        county: self.county,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}

fn correction_row(n: &CorrectionNote) -> Vec<Value> {
    vec![
        Value::Text(n.household_id.clone()),
        Value::Int(i64::from(n.year)),
        Value::Int(n.seq),
        Value::Code(n.recorded.status.code()),
        year_value(n.recorded.exit_year),
        Value::Code(n.corrected.status.code()),
        year_value(n.corrected.exit_year),
        Value::Text(n.reason.clone()),
        Value::Text(n.corrected_by.clone()),
        Value::Date(n.corrected_on),
    ]
}

/// The corrections of `year` of the households within the account's reach (and `region`, when
/// given), in household order: what a report of that year lists.
pub async fn corrections_of_year(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<CorrectionNote>, StoreError> {
    let scope = household_scope(access, today);
    let mut f = of_year(Filter::new(), year);
    f = f.merge(households_in(&scope, "household_id"));
    if let Some(r) = region {
        f = within_region(f, r);
    }
    let mut s = store.read_session().await?;
    select_rows(s.as_mut(), &f, BY_HOUSEHOLD).await
}
