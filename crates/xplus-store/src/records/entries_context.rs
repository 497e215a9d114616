//! The stored rows the importer's checks of a form's rows read (`entries.rs` `save_entries`):
//! what the rows refer to, and for the rules of more than one row (rules.md §8) the share ledger
//! and other loans of a pledge loan's household, the ledger and other investors of an investor's
//! project, a cadre's postings and start-ups, a weak village's other listings, and the members
//! of the households whose attendees are named.

use super::entries_queries as queries;
use super::ReadSession;
use crate::error::StoreError;
use crate::session::filter::Arg;
use crate::session::rows::Named;
use std::collections::{BTreeMap, BTreeSet};
use xplus_core::interchange::schema::{
    ALL_FILES, CADRES, LOANS, MEMBERS, POSTINGS, PROJECT_INVESTORS, SHARE_EVENTS, STARTUPS,
    WEAK_ORGANISATIONS,
};
use xplus_core::interchange::{cell, FileId, FileSpec, Value};

/// A stored value as a query argument (references and keys are text, codes, numbers or dates;
/// booleans never reach here, see `equal_to`).
pub(super) fn arg_of(column: &xplus_core::interchange::Column, value: &Value) -> Arg {
    match value {
        Value::Int(i) => Arg::Int(*i),
        Value::Region(r) => Arg::Int(r.as_u64() as i64),
        Value::Money(f) => Arg::Int(f.0),
        Value::Date(d) => Arg::Date(*d),
        other => Arg::Text(cell::format(column, other, false)),
    }
}

/// Notes the records `row` refers to.
fn want_refs(wanted: &mut BTreeMap<FileId, BTreeSet<Arg>>, spec: &FileSpec, row: &[Value]) {
    for (column, value) in spec.columns.iter().zip(row) {
        if let (Some(target), false) = (column.refers, value.is_null()) {
            wanted
                .entry(target)
                .or_default()
                .insert(arg_of(column, value));
        }
    }
}

/// The stored rows the checks of `new` read: what they refer to (and what that refers to), and
/// the members of the households whose attendees are named. In bundle order.
pub(super) async fn stored_context(
    s: &mut dyn ReadSession,
    new: &[(&'static FileSpec, Vec<Vec<Value>>)],
) -> Result<Vec<(&'static FileSpec, Vec<Vec<Value>>)>, StoreError> {
    let mut wanted: BTreeMap<FileId, BTreeSet<Arg>> = BTreeMap::new();
    let mut members_of: BTreeSet<String> = BTreeSet::new();
    for (spec, rows) in new {
        for row in rows {
            want_refs(&mut wanted, spec, row);
            if matches!(
                spec.id,
                FileId::AttendanceMembers | FileId::CourseAttendance | FileId::Placements
            ) {
                let household = spec.column_index("household_id").unwrap_or(1);
                members_of.insert(row[household].as_text().unwrap_or_default().to_string());
            }
        }
    }
    let mut loaded: BTreeMap<FileId, Vec<Vec<Value>>> = BTreeMap::new();
    // A pledge loan's caps read the household's share ledger and its other loans (rules.md §8);
    // the loans written now replace their stored versions.
    let loans: Vec<&Vec<Value>> = new
        .iter()
        .filter(|(spec, _)| spec.id == FileId::Loans)
        .flat_map(|(_, rows)| rows)
        .collect();
    if !loans.is_empty() {
        let loan = |r: &Vec<Value>| Named::new(&LOANS, r).text("loan_id").map(str::to_string);
        let ids: BTreeSet<String> = loans.iter().filter_map(|r| loan(r)).collect();
        let households = distinct(new, FileId::Loans, |r| text_arg(&LOANS, r, "household_id"));
        let events = select_in(s, &SHARE_EVENTS, "household_id", households.clone()).await?;
        let others: Vec<Vec<Value>> = select_in(s, &LOANS, "household_id", households)
            .await?
            .into_iter()
            .filter(|r| {
                let id = Named::new(&LOANS, r).text("loan_id");
                id.is_none_or(|id| !ids.contains(id))
            })
            .collect();
        for row in &events {
            want_refs(&mut wanted, &SHARE_EVENTS, row);
        }
        for row in &others {
            want_refs(&mut wanted, &LOANS, row);
        }
        loaded.insert(FileId::ShareEvents, events);
        loaded.insert(FileId::Loans, others);
    }
    // An investor's shares are checked with the project's whole ledger and its other investors
    // (rules.md §8); the investors written now replace their stored versions.
    let projects = distinct(new, FileId::ProjectInvestors, |r| {
        text_arg(&PROJECT_INVESTORS, r, "project_id")
    });
    if !projects.is_empty() {
        let events = select_in(s, &SHARE_EVENTS, "project_id", projects.clone()).await?;
        let others = select_in(s, &PROJECT_INVESTORS, "project_id", projects).await?;
        for row in &events {
            want_refs(&mut wanted, &SHARE_EVENTS, row);
        }
        loaded
            .entry(FileId::ShareEvents)
            .or_default()
            .extend(events);
        loaded.insert(FileId::ProjectInvestors, others);
    }
    // A cadre's changed role is checked against the cadre's stored postings and start-ups
    // (core `posting::role_change_problem`, `startup_role_problem`).
    let cadres = distinct(new, FileId::Cadres, |r| text_arg(&CADRES, r, "cadre_id"));
    if !cadres.is_empty() {
        for spec in [&POSTINGS, &STARTUPS] {
            let rows = select_in(s, spec, "cadre_id", cadres.clone()).await?;
            for row in &rows {
                want_refs(&mut wanted, spec, row);
            }
            loaded.entry(spec.id).or_default().extend(rows);
        }
    }
    // A village is listed as weak again only once its earlier listing was rectified (core
    // `party_building::relisting_problem`): the check reads the village's other listings.
    let weak = &WEAK_ORGANISATIONS;
    let villages = distinct(new, FileId::WeakOrganisations, |r| {
        Some(arg_of(&weak.columns[0], &r[0]))
    });
    if !villages.is_empty() {
        let rows = select_in(s, weak, "village_code", villages).await?;
        loaded.insert(FileId::WeakOrganisations, rows);
    }
    if !members_of.is_empty() {
        let ids: Vec<Arg> = members_of.into_iter().map(Arg::Text).collect();
        let rows = select_in(s, &MEMBERS, "household_id", ids).await?;
        loaded.insert(FileId::Members, rows);
    }
    // References point to earlier files, so walking the bundle backwards meets every file after
    // all the rows that name it.
    for spec in ALL_FILES.iter().rev() {
        let Some(keys) = wanted.remove(&spec.id) else {
            continue;
        };
        let key = spec.columns[spec.key[0]].en;
        let rows = select_in(s, spec, key, keys.into_iter().collect()).await?;
        for row in &rows {
            want_refs(&mut wanted, spec, row);
        }
        loaded.entry(spec.id).or_default().extend(rows);
    }
    Ok(ALL_FILES
        .iter()
        .filter_map(|spec| loaded.remove(&spec.id).map(|rows| (*spec, rows)))
        .collect())
}

/// The distinct values `of` gives for the rows of `file` in `new`, as query arguments.
fn distinct(
    new: &[(&'static FileSpec, Vec<Vec<Value>>)],
    file: FileId,
    of: impl Fn(&[Value]) -> Option<Arg>,
) -> Vec<Arg> {
    (new.iter())
        .filter(|(spec, _)| spec.id == file)
        .flat_map(|(_, rows)| rows)
        .filter_map(|r| of(r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A text column of a row, as a query argument.
fn text_arg(spec: &'static FileSpec, row: &[Value], column: &str) -> Option<Arg> {
    Named::new(spec, row)
        .text(column)
        .map(|t| Arg::Text(t.to_string()))
}

async fn select_in(
    s: &mut dyn ReadSession,
    spec: &'static FileSpec,
    column: &str,
    args: Vec<Arg>,
) -> Result<Vec<Vec<Value>>, StoreError> {
    let mut rows = Vec::new();
    for chunk in args.chunks(500) {
        let filter = queries::column_in(column, chunk.to_vec());
        rows.extend(s.select(spec, &filter, "", None).await?);
    }
    Ok(rows)
}
