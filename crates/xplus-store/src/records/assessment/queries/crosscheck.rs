//! What the cross-department check asks of the database (crosscheck.rs): the members of each
//! county with their household, and the membership changes after the day checked, to undo them.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::membership::MembershipChange;

/// The members of one county as members.csv holds them today (`?`: the county's code): their
/// household, number and name, read through the index made for the assessment.
pub(in crate::records) const MEMBERS_OF_COUNTY: &str =
    "SELECT household_id, id_number, name FROM members WHERE county_code = ?";

/// A person who joined or left a household after the day checked.
pub(in crate::records) struct MovedMember {
    pub household_id: String,
    pub seq: i64,
    pub change: MembershipChange,
    pub changed_on: NaiveDate,
    pub id_number: String,
    pub name: String,
}

impl FromRow for MovedMember {
    const SHAPE: &'static FileSpec = &shape(
        FileId::MemberChanges,
        "crosscheck_moved",
        "成员变动",
        &[
            column("household_id", ColumnType::Text),
            column("seq", COUNT),
            column("change", ColumnType::Text),
            column("changed_on", ColumnType::Date),
            column("id_number", ColumnType::Text),
            column("name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(MovedMember {
            household_id: r.string("household_id"),
            seq: r.int("seq")?,
            change: r.text("change").and_then(MembershipChange::parse)?,
            changed_on: r.date("changed_on")?,
            id_number: r.string("id_number"),
            name: r.string("name"),
        })
    }
}

/// The membership changes dated after a day (`?`).
pub(in crate::records) const MOVED_AFTER: Query<MovedMember> = Query::new(
    "SELECT household_id, seq, change, changed_on, id_number, name FROM member_changes \
     WHERE changed_on > ?",
);
