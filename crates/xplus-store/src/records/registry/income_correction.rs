//! Corrections of a past year's stored income (book of record, core
//! `registry::income::corrects_past_year`): a save that changes the amounts of an income of an
//! earlier year needs the editor's reason; the change is written as any save is, and an
//! income_corrections row keeps the net income before and after, who, when and why, so that
//! the year's report says its figures were corrected.

use super::household::HouseholdRecord;
use super::queries::household_is;
use crate::audit::NewAudit;
use crate::error::{FieldProblem, Refusal, StoreError};
use crate::records::registry::read::{household_scope, households_in};
use crate::records::WriteSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{select_rows, FromRow, Named};
use crate::store::{Row, Store};
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::Access;
use xplus_core::assessment::correction::reason_problem;
use xplus_core::interchange::schema::INCOME_CORRECTIONS;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::income::corrects_past_year;
use xplus_core::registry::Income;
use xplus_core::Fen;

/// One correction of a past year's income as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeCorrectionNote {
    pub household_id: String,
    pub year: i32,
    /// The household's n-th correction of that year's income, from 1.
    pub seq: i64,
    pub recorded_net: Fen,
    pub net: Fen,
    pub reason: String,
    pub corrected_by: String,
    pub corrected_on: NaiveDate,
}

impl FromRow for IncomeCorrectionNote {
    const SHAPE: &'static FileSpec = &INCOME_CORRECTIONS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(IncomeCorrectionNote {
            household_id: r.string("household_id"),
            year: r.int("year")? as i32,
            seq: r.int("seq")?,
            recorded_net: r.money("recorded_net")?,
            net: r.money("net")?,
            reason: r.string("reason"),
            corrected_by: r.string("corrected_by"),
            corrected_on: r.date("corrected_on")?,
        })
    }
}

impl IncomeCorrectionNote {
    fn to_row(&self) -> Vec<Value> {
        vec![
            Value::Text(self.household_id.clone()),
            Value::Int(i64::from(self.year)),
            Value::Int(self.seq),
            Value::Money(self.recorded_net),
            Value::Money(self.net),
            Value::Text(self.reason.clone()),
            Value::Text(self.corrected_by.clone()),
            Value::Date(self.corrected_on),
        ]
    }
}

/// Records, within the save's transaction `s`, a correction for each income of `incomes` that
/// changes a past year's stored income of `stored`; refused (by field `reason`) when the save
/// gives no reason. Audit entries go to `audit`.
pub(super) async fn record_income_corrections(
    s: &mut dyn WriteSession,
    stored: &HouseholdRecord,
    incomes: &[Income],
    reason: Option<&str>,
    actor: &str,
    today: NaiveDate,
    audit: &mut Vec<NewAudit>,
) -> Result<(), StoreError> {
    let id = stored.household.id.as_str();
    for new in incomes {
        let old = (stored.incomes.iter()).find(|i| i.year == new.year);
        let old_amounts = old.map(|i| &i.amounts);
        if !corrects_past_year(new.year, today.year(), old_amounts, &new.amounts) {
            continue;
        }
        let reason = reason.unwrap_or_default();
        if let Some(problem) = reason_problem(reason) {
            let message = format!("{} 年的收入已记录，修改即更正该年：{problem}", new.year);
            return Err(StoreError::Refused(Refusal::Rejected(vec![
                FieldProblem::new("reason", message),
            ])));
        }
        let of_year =
            household_is(Filter::new(), id).and("year = ?", vec![Arg::Int(i64::from(new.year))]);
        let earlier: Vec<IncomeCorrectionNote> = select_rows(s, &of_year, "seq").await?;
        let note = IncomeCorrectionNote {
            household_id: id.to_string(),
            year: new.year,
            seq: earlier.iter().map(|n| n.seq).max().unwrap_or(0) + 1,
            recorded_net: old_amounts.map(|a| a.net()).unwrap_or_default(),
            net: new.amounts.net(),
            reason: reason.trim().to_string(),
            corrected_by: actor.to_string(),
            corrected_on: today,
        };
        let row = note.to_row();
        audit.extend(crate::audit::row_change(
            actor,
            &INCOME_CORRECTIONS,
            None,
            &row,
        ));
        let county = stored.household.village.county();
        s.upsert(
            &INCOME_CORRECTIONS,
            Row {
                values: row,
                county,
            },
        )
        .await?;
    }
    Ok(())
}

/// The corrections of `year`'s incomes within `access`'s reach, by household.
pub async fn income_corrections_of_year(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<IncomeCorrectionNote>, StoreError> {
    let f = Filter::new()
        .and("year = ?", vec![Arg::Int(i64::from(year))])
        .merge(households_in(
            &household_scope(access, today),
            "household_id",
        ));
    let mut s = store.read_session().await?;
    select_rows(s.as_mut(), &f, "household_id, seq").await
}
