//! 大学生村官创业带动贫困户 within an account's reach (issue 23): on Dec 31 of a year, the
//! graduate officials' start-ups begun by then in the villages reached, their funds, distinct
//! bases and the poor households linked to them by then (startup_households.csv, each once; a
//! link that ended still counts), in all, per region below the account's, and start-up by
//! start-up. A start-up begun or a household joined after the year does not move it.

use super::postings::root_of;
use super::queries::startups::{LINKS_IN, STARTUPS_IN};
use crate::error::StoreError;
use crate::records::registry::read::{names_of, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeSet, HashMap};
use xplus_core::accounts::Access;
use xplus_core::backbone::startup::{StartupLine, StartupReport};
use xplus_core::registry::RegionCode;

/// The start-ups of a year within reach, with the names of the regions and villages shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupView {
    pub year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    pub as_of: NaiveDate,
    pub report: StartupReport,
    /// Every start-up counted, by village and id, with its households.
    pub lines: Vec<StartupLine>,
    pub names: HashMap<u64, String>,
}

impl StartupView {
    pub fn name(&self, code: &RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The start-ups of `year` within `access`'s reach (a helper's reaches no village).
pub async fn startup_view(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<StartupView, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let lines = startups_in(s, &village_bounds(access), year).await?;
    let report = StartupReport::of(&lines, root_of(access));
    let codes = (report.by_region.keys().map(|c| c.as_u64()))
        .chain(lines.iter().map(|l| l.village.as_u64()));
    let names = names_of(s, codes.collect::<Vec<_>>()).await?;
    Ok(StartupView {
        year,
        as_of: year_bounds(year).1,
        report,
        lines,
        names,
    })
}

/// The start-ups begun by Dec 31 of `year` in the villages between `bounds`, each with the
/// households linked to it by then.
pub(in crate::records) async fn startups_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
) -> Result<Vec<StartupLine>, StoreError> {
    let dec31 = Arg::Date(year_bounds(year).1);
    let args = [dec31.clone(), bounds[0].clone(), bounds[1].clone()];
    let mut linked: HashMap<String, BTreeSet<String>> = HashMap::new();
    let link_args = [dec31, args[0].clone(), args[1].clone(), args[2].clone()];
    for l in LINKS_IN.fetch(s, &link_args).await? {
        linked.entry(l.startup).or_default().insert(l.household);
    }
    Ok(STARTUPS_IN
        .fetch(s, &args)
        .await?
        .into_iter()
        .map(|r| StartupLine {
            households: linked.remove(&r.id).unwrap_or_default(),
            id: r.id,
            village: r.village,
            name: r.name,
            base: r.base,
            funding: r.funding,
            start: r.start,
        })
        .collect())
}
