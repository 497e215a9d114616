//! Changing a household's records — the household itself, its members, a year's income — as an
//! editor in the web application or the API asks: checked against the account's reach and the
//! registry rules of core (`registry::checks`, the same the importer asks), refused if the
//! household changed since the editor loaded it (optimistic locking), written with its audit
//! entries in one transaction. Several rows go together when a rule spans them: a new household
//! is registered with its head, and the head is changed by saving the new and the former head
//! at once (a household never has other than one head in between).

use super::queries::{held_by_others, household_is, village_is};
use crate::error::Refusal;
use crate::error::{FieldProblem, StoreError};
use crate::records::registry::household::{
    fingerprint, id_number_text, load, typed, village_name, HouseholdRecord,
};
pub use crate::records::registry::household::{stale, Saved};
use crate::records::registry::income_correction::record_income_corrections;
use crate::records::registry::membership::{record_joined, ChangeTold};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::Named;
use crate::store::{Row, Store};
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::{Access, Scope};
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS, VILLAGES};
use xplus_core::interchange::{FileId, FileSpec, Value};
use xplus_core::registry::checks::{self, HouseholdFacts};
use xplus_core::registry::{Household, HouseholdStatus, Income, Member, Relation};

/// Text typed into a form field outside the bundle's files (an objection, a source): trimmed
/// and checked by core's text rules, or refused naming the field.
pub(crate) fn text_field(
    field: &str,
    kind: xplus_core::text::TextKind,
    raw: &str,
) -> Result<String, StoreError> {
    xplus_core::text::field(kind, raw).map_err(|message| {
        StoreError::Refused(Refusal::Rejected(vec![FieldProblem::new(field, message)]))
    })
}

/// The column that tells a household's members apart (the identity number), or its incomes
/// (the year).
fn key_column(file: &FileSpec) -> &'static str {
    match file.id {
        FileId::Members => "id_number",
        _ => "year",
    }
}

/// The value of a members or incomes row in its `key_column`.
fn key_of<'a>(file: &'static FileSpec, row: &'a [Value]) -> &'a Value {
    Named::new(file, row).get(key_column(file))
}

fn out_of_reach(id: &str) -> StoreError {
    StoreError::Refused(Refusal::Forbidden(format!(
        "户 {id} 不存在或不在您的管辖范围内 / household {id} does not exist or is outside your reach"
    )))
}

/// One change of a household's records, saved as one: the household row (when it changes or is
/// registered), and any members and incomes (keyed by identity number and year).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Change {
    pub household: Option<Vec<Value>>,
    pub members: Vec<Vec<Value>>,
    pub incomes: Vec<Vec<Value>>,
    /// When and why the members new to a registered household joined it (today, reason
    /// "other", when not said); a new household's members are its members from the start.
    pub joined: Option<ChangeTold>,
    /// Why a past year's stored income is changed (registry/income_correction.rs): needed then,
    /// ignored otherwise.
    pub reason: Option<String>,
}

impl Change {
    /// A change of one row of households, members or incomes.
    pub fn one(file: &'static FileSpec, values: Vec<Value>) -> Result<Change, StoreError> {
        let mut change = Change::default();
        match file.id {
            FileId::Households => change.household = Some(values),
            FileId::Members => change.members.push(values),
            FileId::Incomes => change.incomes.push(values),
            _ => {
                return Err(StoreError::Refused(Refusal::Invalid(format!(
                    "{} 不能在此修改 / {} cannot be edited here",
                    file.name, file.name
                ))))
            }
        }
        Ok(change)
    }

    fn rows(&self) -> impl Iterator<Item = (&'static FileSpec, &Vec<Value>)> {
        let household = self.household.iter().map(|r| (&HOUSEHOLDS, r));
        let members = self.members.iter().map(|r| (&MEMBERS, r));
        household
            .chain(members)
            .chain(self.incomes.iter().map(|r| (&INCOMES, r)))
    }
}

/// A change to a stored household's records: the household must exist within reach (missing and
/// out of reach get the same answer, so that nobody learns which numbers exist in other regions;
/// only an account that reaches everything is told it is missing) and be as the editor saw it.
fn check_existing(
    access: &Access,
    id: &str,
    found: Option<&HouseholdRecord>,
    expected: Option<&str>,
) -> Result<(), StoreError> {
    let Some(current) = found else {
        return Err(if *access.scope() == Scope::Everywhere {
            StoreError::Refused(Refusal::NotFound(format!(
                "户 {id} 不存在 / no household {id}"
            )))
        } else {
            out_of_reach(id)
        });
    };
    if expected != Some(current.fingerprint.as_str()) {
        return Err(stale(id));
    }
    Ok(())
}

/// Whether household `id` is held anywhere (a count: a new number is judged without reading
/// another region's household).
async fn held(s: &mut dyn crate::records::ReadSession, id: &str) -> Result<bool, StoreError> {
    let filter = household_is(Filter::new(), id);
    Ok(s.count(&HOUSEHOLDS, &filter).await? > 0)
}

/// Writes one row of households, members or incomes for `access` (see `save_change`).
pub async fn save_record(
    store: &dyn Store,
    access: &Access,
    file: &'static FileSpec,
    values: Vec<Value>,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    let id = values
        .first()
        .and_then(Value::as_text)
        .unwrap_or_default()
        .to_string();
    save_change(
        store,
        access,
        &id,
        Change::one(file, values)?,
        expected,
        today,
    )
    .await
}

/// The shape of a change: rows of the right length, all of household `id`, each person and
/// year once, and something to save.
fn check_shape(id: &str, change: &Change) -> Result<(), StoreError> {
    let mut seen = std::collections::HashSet::new();
    for (file, row) in change.rows() {
        if row.len() != file.columns.len() {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "{} 需要 {} 个值 / {} needs {} values",
                file.name,
                file.columns.len(),
                file.name,
                file.columns.len()
            ))));
        }
        if Named::new(file, row).text("household_id") != Some(id) {
            return Err(StoreError::Refused(Refusal::Invalid(format!(
                "一次修改只能改户 {id} 的记录 / one change is of household {id} only"
            ))));
        }
        if file.id != FileId::Households && !seen.insert((file.id, key_of(file, row).clone())) {
            return Err(StoreError::Refused(Refusal::Rejected(vec![FieldProblem::new(
                key_column(file),
                "同一人或同一年度在一次修改中出现两次 / the same person or year appears twice in one change",
            )])));
        }
    }
    if change.household.is_none() && change.members.is_empty() && change.incomes.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(
            "没有要保存的内容 / nothing to save".into(),
        )));
    }
    Ok(())
}

/// Writes `change` to household `id` for `access`. `expected` is the fingerprint the editor saw;
/// `None` only when registering a new household (the change then holds the households row and
/// its members, one of them the head).
///
/// Errors: `NotFound` (the household does not exist), `Forbidden` (outside the account's reach
/// or role), `Conflict` (changed since it was loaded), `Rejected` (a rule; by field).
pub async fn save_change(
    store: &dyn Store,
    access: &Access,
    id: &str,
    change: Change,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    check_shape(id, &change)?;
    save_in(store, access, id, Source::Given(change), expected, today).await
}

/// Builds a change from the household as stored (within the write transaction), or refuses.
pub type Derive = Box<dyn FnOnce(&HouseholdRecord) -> Result<Change, StoreError> + Send>;

/// Like [`save_change`], for a change that can only be built from the stored household: a form
/// that names members by their place in the list it showed (their identity numbers masked)
/// picks them from the record read in the same transaction, so the household is read once.
/// `derive` runs only when the household is found and its fingerprint is `expected`.
pub async fn save_derived(
    store: &dyn Store,
    access: &Access,
    id: &str,
    expected: &str,
    today: NaiveDate,
    derive: Derive,
) -> Result<Saved, StoreError> {
    save_in(
        store,
        access,
        id,
        Source::Derived(derive),
        Some(expected),
        today,
    )
    .await
}

/// Where a save's change comes from.
enum Source {
    Given(Change),
    Derived(Derive),
}

async fn save_in(
    store: &dyn Store,
    access: &Access,
    id: &str,
    source: Source,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    let mut s = store.write_session().await?;
    let saved = save_within(s.as_mut(), access, id, source, expected, today).await?;
    if saved.changed {
        s.commit().await?;
    }
    Ok(saved)
}

/// Like [`save_change`], within a transaction the caller commits: a visit recorded with the
/// household's income (`record_visit`) is kept whole or not at all.
pub(crate) async fn save_change_within(
    s: &mut dyn crate::session::WriteSession,
    access: &Access,
    id: &str,
    change: Change,
    expected: &str,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    check_shape(id, &change)?;
    save_within(s, access, id, Source::Given(change), Some(expected), today).await
}

async fn save_within(
    s: &mut dyn crate::session::WriteSession,
    access: &Access,
    id: &str,
    source: Source,
    expected: Option<&str>,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account is read-only".into(),
        )));
    }
    let creating =
        matches!(&source, Source::Given(c) if c.household.is_some()) && expected.is_none();
    if creating && !access.may_create_households() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "帮扶干部不能登记新户 / a helper cannot register households".into(),
        )));
    }
    // A new household's number is unique across the registry, so one taken anywhere is refused
    // — but only after everything else (the village, its reach, the rules) has been judged as
    // for a free number, and in the same words wherever the holder is: otherwise the answer
    // would tell which numbers exist in other regions. The household is read once, within the
    // account's reach; what is saved is merged into it in memory.
    let (stored, taken) = if creating {
        (None, held(s, id).await?)
    } else {
        let found = load(s, Some(access), id, today).await?;
        check_existing(access, id, found.as_ref(), expected)?;
        (found, false)
    };
    let change = match source {
        Source::Given(change) => change,
        Source::Derived(derive) => {
            let change = derive(stored.as_ref().expect("found by check_existing"))?;
            check_shape(id, &change)?;
            change
        }
    };
    let judged = judge(s, access, id, &change, stored.as_ref(), today).await?;
    if !judged.problems.is_empty() {
        return Err(StoreError::Refused(Refusal::Rejected(judged.problems)));
    }
    let mut used_elsewhere = judged.used_elsewhere;
    if taken {
        used_elsewhere.insert(
            0,
            FieldProblem::new(
                "household_id",
                format!("户编号 {id} 已被使用 / the household id {id} is taken"),
            ),
        );
    }
    if !used_elsewhere.is_empty() {
        return Err(StoreError::Refused(Refusal::Rejected(used_elsewhere)));
    }
    let mut entries = Vec::new();
    if let Some(stored) = &stored {
        let added = (change.members.iter())
            .filter(|row| stored_row(stored, &MEMBERS, row).is_none())
            .map(|row| typed(&MEMBERS, row, Member::from_row))
            .collect::<Result<Vec<_>, _>>()?;
        let told = change.joined.as_ref();
        record_joined(s, stored, added, told, access.user(), today, &mut entries).await?;
        let incomes = (change.incomes.iter())
            .map(|row| typed(&INCOMES, row, Income::from_row))
            .collect::<Result<Vec<_>, _>>()?;
        let reason = change.reason.as_deref();
        let actor = access.user();
        record_income_corrections(s, stored, &incomes, reason, actor, today, &mut entries).await?;
    }
    for (file, values) in change.rows() {
        let old = stored.as_ref().and_then(|h| stored_row(h, file, values));
        let Some(entry) = crate::audit::row_change(access.user(), file, old.as_ref(), values)
        else {
            continue;
        };
        // A household moved to another county takes its members' and incomes' county along (a
        // trigger of migration 0010).
        let row = Row {
            values: values.clone(),
            county: judged.county,
        };
        s.upsert(file, row).await?;
        entries.push(entry);
    }
    let changed = !entries.is_empty();
    let record = merged(s, stored, change).await?;
    if changed {
        s.append_audit(entries).await?;
    }
    Ok(Saved {
        household_id: id.to_string(),
        fingerprint: record.fingerprint.clone(),
        changed,
        record,
    })
}

/// The household as it stands after `change`: the stored record (None when registering) with
/// the changed rows put in, members in identity-number order and incomes by year as a read
/// gives them, and its fingerprint — without reading it again.
async fn merged(
    s: &mut dyn crate::records::ReadSession,
    stored: Option<HouseholdRecord>,
    change: Change,
) -> Result<HouseholdRecord, StoreError> {
    let new_household = (change.household.as_deref())
        .map(|row| typed(&HOUSEHOLDS, row, Household::from_row))
        .transpose()?;
    let (household, mut members, mut incomes, village_name) = match (stored, new_household) {
        (Some(h), None) => (h.household, h.members, h.incomes, h.village_name),
        (Some(h), Some(new)) if new.village == h.household.village => {
            (new, h.members, h.incomes, h.village_name)
        }
        (Some(h), Some(new)) => {
            let name = village_name(s, new.village).await?;
            (new, h.members, h.incomes, name)
        }
        (None, Some(new)) => {
            let name = village_name(s, new.village).await?;
            (new, Vec::new(), Vec::new(), name)
        }
        (None, None) => unreachable!("a change without a stored household registers one"),
    };
    for row in &change.members {
        let new = typed(&MEMBERS, row, Member::from_row)?;
        members.retain(|m| m.id_number != new.id_number);
        members.push(new);
    }
    for row in &change.incomes {
        let new = typed(&INCOMES, row, Income::from_row)?;
        incomes.retain(|i| i.year != new.year);
        incomes.push(new);
    }
    members.sort_by_cached_key(|m| m.id_number.to_string());
    incomes.sort_by_key(|i| i.year);
    Ok(HouseholdRecord {
        fingerprint: fingerprint(&household, &members, &incomes),
        household,
        members,
        incomes,
        village_name,
    })
}

/// What the rules said of a change: problems by field, the refusals that may be said only when
/// nothing else is wrong (a person in another household), and the county the rows belong to.
struct Judged {
    problems: Vec<FieldProblem>,
    used_elsewhere: Vec<FieldProblem>,
    county: Option<xplus_core::registry::RegionCode>,
}

/// Asks core's registry rules about `change`, gathering the facts they need from the store.
async fn judge(
    s: &mut dyn crate::records::ReadSession,
    access: &Access,
    id: &str,
    change: &Change,
    stored: Option<&HouseholdRecord>,
    today: NaiveDate,
) -> Result<Judged, StoreError> {
    let this_year = i64::from(today.year());
    let mut problems = Vec::new();
    if let Some(values) = &change.household {
        problems.extend(check_household_row(s, access, values, stored, this_year).await?);
    }
    // The rows belong to the county of the household's village as it will be.
    let village = match &change.household {
        Some(values) => Named::new(&HOUSEHOLDS, values).region("village_code"),
        None => stored.map(|h| h.household.village),
    };
    // One person, one household: the people of the change held by another household, found in
    // one query (a change may carry a household's every member). Which household is not said:
    // it may be outside the editor's reach.
    let mut used_elsewhere = Vec::new();
    if !change.members.is_empty() {
        let people: Vec<Arg> = (change.members.iter())
            .map(|m| Arg::Text(id_number_text(m)))
            .collect();
        let held = s
            .select(&MEMBERS, &held_by_others(people, id), "", None)
            .await?;
        used_elsewhere = held
            .iter()
            .map(|_| FieldProblem::new("id_number", checks::one_household_problem(None)))
            .collect();
    }
    // Exactly one head among the members as they would be stored, whichever rows change.
    if !change.members.is_empty() || stored.is_none() {
        let kept = stored.map_or(&[][..], |h| &h.members[..]);
        let kept = (kept.iter())
            .filter(|m| {
                let key = Value::Id(m.id_number);
                !(change.members.iter()).any(|c| *key_of(&MEMBERS, c) == key)
            })
            .map(|m| m.relation);
        let changed = change.members.iter().filter_map(|m| {
            Named::new(&MEMBERS, m)
                .code("relation")
                .and_then(Relation::parse)
        });
        let relations = kept.chain(changed);
        if let Some(p) = checks::check_heads(id, relations) {
            problems.push(FieldProblem::new("relation", p));
        }
    }
    for values in &change.incomes {
        if let Some(p) = Named::new(&INCOMES, values)
            .int("year")
            .and_then(|y| checks::income_year_problem(y, this_year))
        {
            problems.push(FieldProblem::new("year", p));
        }
    }
    Ok(Judged {
        problems,
        used_elsewhere,
        county: village.and_then(|v| v.county()),
    })
}

/// The household row's rules: its village exists and is within reach (a helper may not move
/// a household), its status moves along the lifecycle, its years fit.
async fn check_household_row(
    s: &mut dyn crate::records::ReadSession,
    access: &Access,
    values: &[Value],
    stored: Option<&HouseholdRecord>,
    this_year: i64,
) -> Result<Vec<FieldProblem>, StoreError> {
    let mut problems = Vec::new();
    let row = Named::new(&HOUSEHOLDS, values);
    let village = row.region("village_code");
    let village_row = match village {
        Some(v) => {
            let filter = village_is(Filter::new(), v);
            s.select(&VILLAGES, &filter, "", None).await?
        }
        None => Vec::new(),
    };
    match village {
        Some(v) if !village_row.is_empty() => {
            let stored_village = stored.map(|h| h.household.village);
            if !access.may_place_household(stored_village, v) {
                return Err(StoreError::Refused(Refusal::Forbidden(format!(
                    "村 {v} 不在您的管辖范围内 / village {v} is outside your reach"
                ))));
            }
        }
        _ => problems.push(FieldProblem::new(
            "village_code",
            "村代码不存在（须是已登记的村）/ no such village",
        )),
    }
    let status = row.code("status").and_then(HouseholdStatus::parse);
    if let (Some(status), Some(identified_year)) = (status, row.int("identified_year")) {
        let old = stored.map(|h| h.household.status);
        let facts = HouseholdFacts {
            status,
            identified_year,
            exit_year: row.int("exit_year"),
        };
        for (field, message) in checks::check_household(old, &facts, this_year) {
            problems.push(FieldProblem::new(field.column(), message));
        }
    }
    Ok(problems)
}

/// The stored row that `values` would replace: the household, the member with the same
/// identity number, the income of the same year.
fn stored_row(h: &HouseholdRecord, file: &FileSpec, values: &[Value]) -> Option<Vec<Value>> {
    match file.id {
        FileId::Households => Some(h.household.to_row()),
        FileId::Members => (h.members.iter())
            .map(Member::to_row)
            .find(|m| key_of(&MEMBERS, m) == key_of(&MEMBERS, values)),
        _ => (h.incomes.iter())
            .map(Income::to_row)
            .find(|i| key_of(&INCOMES, i) == key_of(&INCOMES, values)),
    }
}
