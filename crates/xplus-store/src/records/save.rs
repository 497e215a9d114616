//! Changing one record of a household — the household itself, a member, a year's income — as an
//! editor in the web application or the API asks: checked against the account's reach and the
//! registry rules, refused if the household changed since the editor loaded it (optimistic
//! locking), written with its audit entry in one transaction.

use super::filter::{Arg, Filter};
use super::read::{household_scope, load};
use crate::error::StoreError;
use crate::store::{Row, Store};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};
use xplus_core::accounts::{Access, Scope};
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS, VILLAGES};
use xplus_core::interchange::{cell, FileId, FileSpec, Value};
use xplus_core::registry::household::{check_years, status_change_problem, YearField};
use xplus_core::registry::HouseholdStatus;

/// A field the rules refused, by its column name in the bundle format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    fn new(field: &str, message: impl Into<String>) -> FieldProblem {
        FieldProblem {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// Text typed into a form field outside the bundle's files (an objection, a source): trimmed
/// and checked by core's text rules, or refused naming the field.
pub(crate) fn text_field(
    field: &str,
    kind: xplus_core::text::TextKind,
    raw: &str,
) -> Result<String, StoreError> {
    xplus_core::text::field(kind, raw)
        .map_err(|message| StoreError::Rejected(vec![FieldProblem::new(field, message)]))
}

/// The outcome of a save: the household's new fingerprint (for the next edit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub household_id: String,
    pub fingerprint: String,
    /// False when the values were those already stored (nothing written, nothing audited).
    pub changed: bool,
}

/// A digest of everything stored for a household. Any change to the household, a member or an
/// income — from a page, the API, an import — changes it.
pub fn fingerprint(household: &[Value], members: &[Vec<Value>], incomes: &[Vec<Value>]) -> String {
    let mut h = Sha256::new();
    let mut add = |file: &FileSpec, row: &[Value]| {
        for (column, value) in file.columns.iter().zip(row) {
            h.update(cell::format(column, value, false).as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    };
    add(&HOUSEHOLDS, household);
    for m in members {
        add(&MEMBERS, m);
    }
    for i in incomes {
        add(&INCOMES, i);
    }
    let digest = h.finalize();
    crate::accounts::hex(&digest[..16])
}

/// The refusal of a save whose household changed after the editor loaded it.
pub fn stale(id: &str) -> StoreError {
    StoreError::Conflict(format!(
        "户 {id} 在您打开后已被他人修改，您的修改未保存；请重新打开查看最新内容后再改 \
         / household {id} was changed by someone else after you opened it; your change was not \
         saved — reopen it to see the current values"
    ))
}

fn out_of_reach(id: &str) -> StoreError {
    StoreError::Forbidden(format!(
        "户 {id} 不存在或不在您的管辖范围内 / household {id} does not exist or is outside your reach"
    ))
}

/// A change to a stored household's records: the household must exist within reach (missing and
/// out of reach get the same answer, so that nobody learns which numbers exist in other regions;
/// only an account that reaches everything is told it is missing) and be as the editor saw it.
async fn check_existing(
    s: &mut dyn super::RecordSession,
    access: &Access,
    id: &str,
    found: Option<&super::read::HouseholdRecord>,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let Some(current) = found else {
        return Err(if access.scope == Scope::Everywhere {
            StoreError::NotFound(format!("户 {id} 不存在 / no household {id}"))
        } else {
            out_of_reach(id)
        });
    };
    let filter = household_scope(access, today).and("household_id = ?", vec![Arg::Text(id.into())]);
    if s.count(&HOUSEHOLDS, &filter).await? == 0 {
        return Err(out_of_reach(id));
    }
    if expected != Some(current.fingerprint.as_str()) {
        return Err(stale(id));
    }
    Ok(())
}

/// Writes `values`, a row of households, members or incomes, for `access`. `expected` is the
/// fingerprint the editor saw; `None` only when registering a new household.
///
/// Errors: `NotFound` (the household does not exist), `Forbidden` (outside the account's reach
/// or role), `Conflict` (changed since it was loaded), `Rejected` (a rule; by field).
pub async fn save_record(
    store: &dyn Store,
    access: &Access,
    file: &'static FileSpec,
    values: Vec<Value>,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    if !matches!(
        file.id,
        FileId::Households | FileId::Members | FileId::Incomes
    ) {
        return Err(StoreError::Invalid(format!(
            "{} 不能在此修改 / {} cannot be edited here",
            file.name, file.name
        )));
    }
    if values.len() != file.columns.len() {
        return Err(StoreError::Invalid(format!(
            "{} 需要 {} 个值 / {} needs {} values",
            file.name,
            file.columns.len(),
            file.name,
            file.columns.len()
        )));
    }
    if !access.may_write() {
        return Err(StoreError::Forbidden(
            "审计员账号只读 / an auditor's account is read-only".into(),
        ));
    }
    let id = values[0].as_text().unwrap_or_default().to_string();
    let creating = file.id == FileId::Households && expected.is_none();
    if creating && !access.may_create_households() {
        return Err(StoreError::Forbidden(
            "帮扶干部不能登记新户 / a helper cannot register households".into(),
        ));
    }
    let mut s = store.write_session().await?;
    let found = load(s.as_mut(), None, &id, today).await?;
    // A new household's number is unique across the registry, so one taken anywhere is refused
    // — but only after everything else (the village, its reach, the rules) has been judged as
    // for a free number, and in the same words wherever the holder is: otherwise the answer
    // would tell which numbers exist in other regions.
    let (stored, taken) = if creating {
        (None, found.is_some())
    } else {
        check_existing(s.as_mut(), access, &id, found.as_ref(), expected, today).await?;
        (found, false)
    };
    let this_year = i64::from(today.year());
    let mut problems = Vec::new();
    let mut used_elsewhere = taken.then(|| {
        FieldProblem::new(
            "household_id",
            format!("户编号 {id} 已被使用 / the household id {id} is taken"),
        )
    });
    let old: Option<Vec<Value>>;
    let county;
    match file.id {
        FileId::Households => {
            let village = values[1].as_region();
            let village_row = match village {
                Some(v) => {
                    s.select(
                        &VILLAGES,
                        &Filter::new().and("village_code = ?", vec![Arg::Int(v.as_u64() as i64)]),
                        "",
                        None,
                    )
                    .await?
                }
                None => Vec::new(),
            };
            if village_row.is_empty() {
                problems.push(FieldProblem::new(
                    "village_code",
                    "村代码不存在（须是已登记的村）/ no such village",
                ));
            } else if let Some(v) = village {
                // A helper edits the households paired with them wherever they are, but cannot
                // move one into a village; everyone else works within their region.
                let unchanged = stored.as_ref().and_then(|h| h.household[1].as_region()) == Some(v);
                let helper_keeps_village =
                    matches!(access.scope, Scope::PairedWith(_)) && unchanged;
                if !access.covers_region(v) && !helper_keeps_village {
                    return Err(StoreError::Forbidden(format!(
                        "村 {v} 不在您的管辖范围内 / village {v} is outside your reach"
                    )));
                }
            }
            let status = values[3].as_code().and_then(HouseholdStatus::parse);
            if let (Some(new), Some(h)) = (status, &stored) {
                let old_status = h.household[3].as_code().and_then(HouseholdStatus::parse);
                if let Some(p) = old_status.and_then(|o| status_change_problem(o, new)) {
                    problems.push(FieldProblem::new("status", p));
                }
            }
            if let (Some(status), Some(identified)) = (status, values[2].as_int()) {
                for (field, message) in
                    check_years(status, identified, values[4].as_int(), this_year)
                {
                    let name = match field {
                        YearField::IdentifiedYear => "identified_year",
                        YearField::ExitYear => "exit_year",
                    };
                    problems.push(FieldProblem::new(name, message));
                }
            }
            old = stored.as_ref().map(|h| h.household.clone());
            county = village.and_then(|v| v.county());
        }
        FileId::Members => {
            let current = stored.as_ref().expect("checked above");
            let person = values[1].clone();
            let elsewhere = s
                .select(
                    &MEMBERS,
                    &Filter::new().and(
                        "id_number = ?",
                        vec![Arg::Text(cell::format(&MEMBERS.columns[1], &person, false))],
                    ),
                    "",
                    None,
                )
                .await?;
            if elsewhere.iter().any(|m| m[0] != values[0]) {
                // Which household is not said: it may be outside the editor's reach. Like a
                // taken household number, it is said only when nothing else is wrong.
                used_elsewhere = Some(FieldProblem::new(
                    "id_number",
                    "此人已是另一户的成员（一人只能属于一户）/ this person is already a member of another household",
                ));
            }
            if values[3].as_code() == Some("head") {
                if let Some(head) = current
                    .members
                    .iter()
                    .find(|m| m[3].as_code() == Some("head") && m[1] != person)
                {
                    let name = head[2].as_text().unwrap_or_default();
                    problems.push(FieldProblem::new(
                        "relation",
                        format!(
                            "本户已有户主 {name}；请先把 {name} 改为其他关系 / the household already has a head, {name}; change {name}'s relation first"
                        ),
                    ));
                }
            }
            old = current.members.iter().find(|m| m[1] == person).cloned();
            county = current.household[1].as_region().and_then(|v| v.county());
        }
        _ => {
            let current = stored.as_ref().expect("checked above");
            if values[1].as_int().is_some_and(|y| y > this_year) {
                problems.push(FieldProblem::new(
                    "year",
                    "年度晚于今年 / the year is in the future",
                ));
            }
            old = current.incomes.iter().find(|i| i[1] == values[1]).cloned();
            county = current.household[1].as_region().and_then(|v| v.county());
        }
    }
    if !problems.is_empty() {
        return Err(StoreError::Rejected(problems));
    }
    if let Some(problem) = used_elsewhere {
        return Err(StoreError::Rejected(vec![problem]));
    }
    let Some(entry) = crate::audit::row_change(&access.user, file, old.as_ref(), &values) else {
        return Ok(Saved {
            household_id: id,
            fingerprint: stored.map(|h| h.fingerprint).unwrap_or_default(),
            changed: false,
        });
    };
    // A household moved to another county takes its members' and incomes' county along (a
    // trigger of migration 0010).
    s.upsert(file, Row { values, county }).await?;
    s.append_audit(vec![entry]).await?;
    let after = load(s.as_mut(), None, &id, today)
        .await?
        .expect("the household was just written");
    s.commit().await?;
    Ok(Saved {
        household_id: id,
        fingerprint: after.fingerprint,
        changed: true,
    })
}
