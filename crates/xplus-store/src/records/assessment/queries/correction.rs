//! What correcting a past year's outcome asks of the database (correction.rs): a household's
//! applied outcomes and its corrections, read as typed rows, and the removal of an outcome that
//! should not have been recorded.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named};
use chrono::NaiveDate;
use xplus_core::interchange::schema::{ASSESSMENT_OUTCOMES, CORRECTIONS};
use xplus_core::interchange::FileSpec;
use xplus_core::registry::{HouseholdStatus, Standing};

fn standing(r: &Named<'_>, status: &str, exit_year: &str) -> Option<Standing> {
    Some(Standing {
        status: r.code(status).and_then(HouseholdStatus::parse)?,
        exit_year: r.int(exit_year).map(|y| y as i32),
    })
}

/// One applied outcome: the standing it replaced and the one it recorded.
#[derive(Clone, Copy)]
pub(in crate::records) struct AppliedOutcome {
    pub year: i32,
    pub before: Standing,
    pub after: Standing,
}

impl FromRow for AppliedOutcome {
    const SHAPE: &'static FileSpec = &ASSESSMENT_OUTCOMES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(AppliedOutcome {
            year: r.int("year")? as i32,
            before: standing(&r, "previous_status", "previous_exit_year")?,
            after: standing(&r, "status", "exit_year")?,
        })
    }
}

/// One correction as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionNote {
    pub household_id: String,
    pub year: i32,
    /// The household's n-th correction of that year, from 1.
    pub seq: i64,
    pub recorded: Standing,
    pub corrected: Standing,
    pub reason: String,
    pub corrected_by: String,
    pub corrected_on: NaiveDate,
}

impl FromRow for CorrectionNote {
    const SHAPE: &'static FileSpec = &CORRECTIONS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CorrectionNote {
            household_id: r.string("household_id"),
            year: r.int("year")? as i32,
            seq: r.int("seq")?,
            recorded: standing(&r, "recorded_status", "recorded_exit_year")?,
            corrected: standing(&r, "status", "exit_year")?,
            reason: r.string("reason"),
            corrected_by: r.string("corrected_by"),
            corrected_on: r.date("corrected_on")?,
        })
    }
}

/// `filter` and "of household `id`" (outcomes and corrections alike).
pub(in crate::records) fn of_household(filter: Filter, id: &str) -> Filter {
    filter.and("household_id = ?", vec![Arg::Text(id.to_string())])
}

/// `filter` and "of `year`".
pub(in crate::records) fn of_year(filter: Filter, year: i32) -> Filter {
    filter.and("year = ?", vec![Arg::Int(i64::from(year))])
}

/// In year order.
pub(in crate::records) const BY_YEAR: &str = "year";

/// In household, then sequence order.
pub(in crate::records) const BY_HOUSEHOLD: &str = "household_id, seq";

/// Removes the outcome of a household and year (`?`, `?`): the assessment should have left the
/// household as it was, and no outcome is kept for that.
pub(in crate::records) const DELETE_OUTCOME: &str =
    "DELETE FROM assessment_outcomes WHERE household_id = ? AND year = ?";

/// `filter` and "the household is within `region` now" (on `corrections`).
pub(in crate::records) fn within_region(
    filter: Filter,
    region: xplus_core::registry::RegionCode,
) -> Filter {
    let (lo, hi) = crate::sql::range_of(region.as_u64(), region.level());
    filter.and(
        "household_id IN (SELECT household_id FROM households WHERE village_code BETWEEN ? AND ?)",
        vec![Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
}
