//! 远教 reads: the yearly training coverage of rules.md §10 within an account's reach — who of the
//! households poor at the start of the year attended a session, with person-times — and what the
//! gap list needs (which stations serve each village and their sessions).

use super::queries::{attended_sql, Attended, SERVES, SESSIONS_FROM};
use crate::error::StoreError;
use crate::records::registry::read::{
    household_scope, poor_at_start, within_scope_by_county, year_bounds,
};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::education::coverage::{
    gap_list, CoverageReport, Gap, HouseholdTraining, Serving, TrainingTally,
};
use xplus_core::registry::RegionCode;

/// The households of `access`'s reach poor at the start of `year`, with their training in it.
pub async fn training_of_year(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<HouseholdTraining>, StoreError> {
    let mut s = store.read_session().await?;
    training_in(s.as_mut(), &household_scope(access, today), year).await
}

/// The training of the households within `scope` poor at the start of `year`.
pub(in crate::records) async fn training_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Vec<HouseholdTraining>, StoreError> {
    let poor = poor_at_start(s, scope, year).await?;
    training_of(s, scope, year, poor).await
}

/// `training_in` of `poor`, the households within `scope` poor at the start of `year`, for a
/// reader that has them already (the full chain reads them once for all its links).
pub(in crate::records) async fn training_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    poor: Vec<(String, RegionCode)>,
) -> Result<Vec<HouseholdTraining>, StoreError> {
    let (first, last) = year_bounds(year);
    // The rows themselves, tallied in core: grouping them in SQL cost a sort of every row.
    let mut tally = TrainingTally::default();
    // The households' attendance rows first, then the named attendees.
    for named in [false, true] {
        let (sql, alias) = attended_sql(named);
        let dates = vec![Arg::Date(first), Arg::Date(last)];
        let (sql, args) = within_scope_by_county(scope, &sql, alias, dates);
        for a in fetch_sql::<Attended>(s, &sql, &args).await? {
            if named {
                tally.named(a.household, a.session);
            } else {
                tally.attended(a.household, a.session);
            }
        }
    }

    Ok(poor
        .into_iter()
        .map(|(household_id, village)| {
            let (sessions, person_times) = tally.of(&household_id);
            HouseholdTraining {
                household_id,
                village,
                sessions,
                person_times,
            }
        })
        .collect())
}

/// Coverage per village, town and county, and the gap list with each village's serving
/// stations and their next session on or after `from`.
pub struct CoverageView {
    pub year: i32,
    pub report: CoverageReport,
    pub gaps: Vec<Gap>,
    /// Names of the regions in the report and the gap list, by code.
    pub names: HashMap<u64, String>,
}

impl CoverageView {
    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

pub async fn coverage(
    store: &dyn Store,
    access: &Access,
    year: i32,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<CoverageView, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let households = training_in(s, &household_scope(access, today), year).await?;
    let report = CoverageReport::of(&households);
    let serving = serving_from(s, from).await?;
    let gaps = gap_list(&households, &serving, from);
    let names =
        crate::records::registry::read::names_of(s, report.by_region.keys().map(|c| c.as_u64()))
            .await?;
    Ok(CoverageView {
        year,
        report,
        gaps,
        names,
    })
}

/// Which stations serve which villages (their own and their coverage list), with their sessions
/// on or after `from`: who should reach a household not trained yet, and when.
pub(in crate::records) async fn serving_from(
    s: &mut dyn ReadSession,
    from: NaiveDate,
) -> Result<Serving, StoreError> {
    let mut serving = Serving::default();
    for r in SERVES.fetch(s, &[]).await? {
        serving.serves(&r.station, r.village);
    }
    for r in SESSIONS_FROM.fetch(s, &[Arg::Date(from)]).await? {
        serving.session(&r.station, &r.session, r.date);
    }
    Ok(serving)
}
