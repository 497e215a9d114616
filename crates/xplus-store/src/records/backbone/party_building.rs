//! 基层党组织建设 within an account's reach (issue 23): on Dec 31 of a year, the weak village
//! party organisations listed in it or before, those judged rectified by then and those still
//! open (listed with who answers for them), and the villages checked against the standard in
//! the year, those meeting it (core `backbone::party_building::meets_standard`) and the poor
//! villages among them; in all and per region below the account's. A listing, a rectification
//! or a check dated after the year does not move it.

use super::postings::root_of;
use super::queries::party_building::{CHECKS_IN, WEAK_IN};
use super::queries::postings::VILLAGES_IN;
use crate::error::StoreError;
use crate::records::registry::read::{names_of, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::backbone::party_building::{Check, PartyReport, VillageParty, WeakListing};
use xplus_core::backbone::posting::poor_at_end;
use xplus_core::registry::RegionCode;

/// The figures of a year within reach, with the names of the regions and villages they show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyBuilding {
    pub year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    pub as_of: NaiveDate,
    /// The region viewed (None: the account's whole reach, everywhere for the city's staff).
    pub root: Option<RegionCode>,
    pub report: PartyReport,
    pub names: HashMap<u64, String>,
}

impl PartyBuilding {
    pub fn name(&self, code: &RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The figures of `year` within `access`'s reach (a helper's reaches no village).
pub async fn party_building(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<PartyBuilding, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let root = root_of(access);
    let report = party_building_in(s, &village_bounds(access), year, root).await?;
    let codes = (report.by_region.keys())
        .copied()
        .chain(report.open.iter().map(|o| o.village))
        .chain(root)
        .map(|c| c.as_u64());
    let names = names_of(s, codes.collect::<Vec<_>>()).await?;
    Ok(PartyBuilding {
        year,
        as_of: year_bounds(year).1,
        root,
        report,
        names,
    })
}

/// The figures on Dec 31 of `year` of the villages between `bounds`, by region below `root`.
pub(in crate::records) async fn party_building_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
    root: Option<RegionCode>,
) -> Result<PartyReport, StoreError> {
    let dec31 = year_bounds(year).1;
    let y = Arg::Int(i64::from(year));
    let args = [y.clone(), bounds[0].clone(), bounds[1].clone()];
    let mut weak: HashMap<RegionCode, Vec<WeakListing>> = HashMap::new();
    for l in WEAK_IN.fetch(s, &args).await? {
        weak.entry(l.village).or_default().push(l);
    }
    let args = [y, Arg::Date(dec31), bounds[0].clone(), bounds[1].clone()];
    let mut checks: HashMap<RegionCode, Vec<Check>> = HashMap::new();
    for c in CHECKS_IN.fetch(s, &args).await? {
        checks.entry(c.village).or_default().push(c.check);
    }
    let villages: Vec<VillageParty> = VILLAGES_IN
        .fetch(s, &bounds[..])
        .await?
        .into_iter()
        .map(|v| VillageParty {
            village: v.village,
            poor: poor_at_end(v.poor, v.exit_year, year),
            weak: weak.remove(&v.village).unwrap_or_default(),
            checks: checks.remove(&v.village).unwrap_or_default(),
        })
        .collect();
    Ok(PartyReport::of(&villages, year, root))
}
