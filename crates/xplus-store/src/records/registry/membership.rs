//! Valid time for members (book of record, core `registry::membership`): a person leaves a
//! household (a death, a marriage out, a split) on the day it happened — they leave today's
//! members and a member_changes row keeps them as they were —, and a person added to a
//! registered household is recorded as joined on the day the editor gives. Every earlier day's
//! members are today's with the later changes undone, so a change recorded now leaves the
//! figures of earlier years as they were; a change dated in an earlier year corrects that year
//! and says why.

use super::household::{load, stale, HouseholdRecord, Saved};
use super::queries::{household_is, DELETE_MEMBER};
use super::read::{household_scope, households_in, year_bounds};
use crate::audit::NewAudit;
use crate::error::{FieldProblem, Refusal, StoreError};
use crate::records::{ReadSession, WriteSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{select_rows, FromRow, Named};
use crate::store::{Row, Store};
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::{MEMBERS, MEMBER_CHANGES};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::membership::{
    change_problems, ChangeFacts, ChangeReason, MembershipChange,
};
use xplus_core::registry::{IdNumber, Member};

/// One recorded change of a household's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChangeNote {
    pub household_id: String,
    pub seq: i64,
    pub change: MembershipChange,
    pub changed_on: NaiveDate,
    pub reason: ChangeReason,
    /// The member as they were at the change.
    pub member: Member,
    pub note: String,
    pub recorded_by: String,
    pub recorded_on: NaiveDate,
}

/// The columns of member_changes that repeat members.csv, in its order after `household_id`.
const MEMBER_COLUMNS: std::ops::RangeInclusive<usize> = 5..=13;

impl FromRow for MemberChangeNote {
    const SHAPE: &'static FileSpec = &MEMBER_CHANGES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let values = r.values();
        let mut member_row = vec![values[0].clone()];
        member_row.extend_from_slice(&values[MEMBER_COLUMNS]);
        Some(MemberChangeNote {
            household_id: r.string("household_id"),
            seq: r.int("seq")?,
            change: r.code("change").and_then(MembershipChange::parse)?,
            changed_on: r.date("changed_on")?,
            reason: r.code("reason").and_then(ChangeReason::parse)?,
            member: Member::from_row(&member_row).ok()?,
            note: r.string("note"),
            recorded_by: r.string("recorded_by"),
            recorded_on: r.date("recorded_on")?,
        })
    }
}

impl MemberChangeNote {
    fn to_row(&self) -> Vec<Value> {
        let member = self.member.to_row();
        let mut row = vec![
            Value::Text(self.household_id.clone()),
            Value::Int(self.seq),
            Value::Code(self.change.code()),
            Value::Date(self.changed_on),
            Value::Code(self.reason.code()),
        ];
        row.extend_from_slice(&member[1..]);
        row.extend([
            if self.note.is_empty() {
                Value::Null
            } else {
                Value::Text(self.note.clone())
            },
            Value::Text(self.recorded_by.clone()),
            Value::Date(self.recorded_on),
        ]);
        row
    }
}

/// What an editor says of a membership change: the day it happened, why, and a note (needed
/// when the day lies in an earlier year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTold {
    pub on: NaiveDate,
    pub reason: ChangeReason,
    pub note: String,
}

/// The recorded changes of household `id`, in the order they were recorded.
pub(crate) async fn changes_of(
    s: &mut dyn ReadSession,
    id: &str,
) -> Result<Vec<MemberChangeNote>, StoreError> {
    select_rows(s, &household_is(Filter::new(), id), "seq").await
}

/// Household `id`'s member `id_number` leaves it as `told`, as `access` (within reach; the
/// household as the editor saw it, `expected`). The member's row is removed from today's
/// members and kept in member_changes; both are audited. Refused (nothing written) for a head,
/// a day after today or before the person's last change, a late entry without a note.
pub async fn member_leaves(
    store: &dyn Store,
    access: &Access,
    id: &str,
    id_number: IdNumber,
    told: &ChangeTold,
    expected: &str,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读".into(),
        )));
    }
    let mut s = store.write_session().await?;
    let stored = load(s.as_mut(), Some(access), id, today).await?;
    let Some(record) = stored.filter(|r| r.fingerprint == expected) else {
        return Err(gone_or_stale(s.as_mut(), access, id, today).await?);
    };
    let saved = leave_within(s.as_mut(), access, record, id_number, told, today).await?;
    s.commit().await?;
    Ok(saved)
}

/// `member_leaves` inside the caller's transaction, on the household as it reads there: what a
/// confirmed death (a department finding verified) records with its outcome, or neither.
pub(crate) async fn leave_within(
    s: &mut dyn WriteSession,
    access: &Access,
    mut record: HouseholdRecord,
    id_number: IdNumber,
    told: &ChangeTold,
    today: NaiveDate,
) -> Result<Saved, StoreError> {
    let id = record.household.id.clone();
    let id = id.as_str();
    let Some(place) = record.members.iter().position(|m| m.id_number == id_number) else {
        return Err(StoreError::Refused(Refusal::NotFound(format!(
            "户 {id} 没有这名成员"
        ))));
    };
    let earlier = changes_of(s, id).await?;
    let member = record.members.remove(place);
    let facts = ChangeFacts {
        change: MembershipChange::Left,
        on: told.on,
        today,
        identified_year: record.household.identified_year,
        last_change: last_change_of(&earlier, id_number),
        is_head: member.is_head(),
        note: &told.note,
    };
    refuse_problems(change_problems(&facts))?;
    let actor = access.user().to_string();
    let note = note_of(
        id,
        &earlier,
        MembershipChange::Left,
        told,
        member,
        &actor,
        today,
    );
    let args = [Arg::Text(id.to_string()), Arg::Text(id_number.to_string())];
    s.execute(DELETE_MEMBER, &args).await?;
    s.touch(record.household.village.county()).await?;
    let removed = note.member.to_row();
    let mut audit = vec![crate::audit::row_removed(&actor, &MEMBERS, &removed)];
    append_note(s, &note, record.household.village.county(), &mut audit).await?;
    s.append_audit(audit).await?;
    record.fingerprint =
        super::household::fingerprint(&record.household, &record.members, &record.incomes);
    Ok(Saved {
        household_id: id.to_string(),
        fingerprint: record.fingerprint.clone(),
        changed: true,
        record,
    })
}

/// The refusal of a change to a household that is not there (or not within reach) or changed
/// since the editor loaded it.
async fn gone_or_stale(
    s: &mut dyn WriteSession,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<StoreError, StoreError> {
    Ok(match load(s, Some(access), id, today).await? {
        Some(_) => stale(id),
        None => StoreError::Refused(Refusal::NotFound(format!(
            "户 {id} 不存在或不在您的管辖范围内"
        ))),
    })
}

fn last_change_of(earlier: &[MemberChangeNote], id_number: IdNumber) -> Option<NaiveDate> {
    (earlier.iter())
        .filter(|c| c.member.id_number == id_number)
        .map(|c| c.changed_on)
        .max()
}

fn refuse_problems(problems: Vec<(&'static str, String)>) -> Result<(), StoreError> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(StoreError::Refused(Refusal::Rejected(
        (problems.into_iter())
            .map(|(field, why)| FieldProblem::new(field, why))
            .collect(),
    )))
}

fn note_of(
    id: &str,
    earlier: &[MemberChangeNote],
    change: MembershipChange,
    told: &ChangeTold,
    member: Member,
    actor: &str,
    today: NaiveDate,
) -> MemberChangeNote {
    MemberChangeNote {
        household_id: id.to_string(),
        seq: earlier.iter().map(|c| c.seq).max().unwrap_or(0) + 1,
        change,
        changed_on: told.on,
        reason: told.reason,
        member,
        note: told.note.trim().to_string(),
        recorded_by: actor.to_string(),
        recorded_on: today,
    }
}

async fn append_note(
    s: &mut dyn WriteSession,
    note: &MemberChangeNote,
    county: Option<xplus_core::registry::RegionCode>,
    audit: &mut Vec<NewAudit>,
) -> Result<(), StoreError> {
    let row = note.to_row();
    audit.extend(crate::audit::row_change(
        &note.recorded_by,
        &MEMBER_CHANGES,
        None,
        &row,
    ));
    s.upsert(
        &MEMBER_CHANGES,
        Row {
            values: row,
            county,
        },
    )
    .await
}

/// Records the members of `added` (rows of members.csv new to the stored household `stored`)
/// as joined on the day `told` gives (today when it says nothing), within the save's
/// transaction `s`; their audit entries go to `audit`. Refused by core's rule like a leave.
pub(super) async fn record_joined(
    s: &mut dyn WriteSession,
    stored: &HouseholdRecord,
    added: Vec<Member>,
    told: Option<&ChangeTold>,
    actor: &str,
    today: NaiveDate,
    audit: &mut Vec<NewAudit>,
) -> Result<(), StoreError> {
    if added.is_empty() {
        return Ok(());
    }
    let id = stored.household.id.as_str();
    let mut earlier = changes_of(s, id).await?;
    let default = ChangeTold {
        on: today,
        reason: ChangeReason::Other,
        note: String::new(),
    };
    let told = told.unwrap_or(&default);
    for member in added {
        let facts = ChangeFacts {
            change: MembershipChange::Joined,
            on: told.on,
            today,
            identified_year: stored.household.identified_year,
            last_change: last_change_of(&earlier, member.id_number),
            is_head: member.is_head(),
            note: &told.note,
        };
        refuse_problems(change_problems(&facts))?;
        let note = note_of(
            id,
            &earlier,
            MembershipChange::Joined,
            told,
            member,
            actor,
            today,
        );
        append_note(s, &note, stored.household.village.county(), audit).await?;
        earlier.push(note);
    }
    Ok(())
}

/// The membership changes of `year` recorded after it ended (late entries, 补录) within
/// `access`'s reach: each corrects the year's persons, so the year's report lists them.
pub async fn late_member_changes(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<MemberChangeNote>, StoreError> {
    let (jan1, dec31) = year_bounds(year);
    let f = Filter::new()
        .and(
            "changed_on BETWEEN ? AND ? AND recorded_on > ?",
            vec![Arg::Date(jan1), Arg::Date(dec31), Arg::Date(dec31)],
        )
        .merge(households_in(
            &household_scope(access, today),
            "household_id",
        ));
    let mut s = store.read_session().await?;
    select_rows(s.as_mut(), &f, "household_id, seq").await
}
