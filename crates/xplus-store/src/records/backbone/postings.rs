//! 选派干部驻村 coverage within an account's reach (issue 23): on Dec 31 of a year, the poor
//! villages not exited by then, those with a selected cadre posted (a recall ending a posting on
//! its decision day, core `backbone::posting`), the rest listed, and the selected cadres posted,
//! in all and per region below the account's. A posting begun or a recall decided after the
//! year does not move it.

use super::queries::postings::{POSTINGS_IN, RECALLS_IN, VILLAGES_IN};
use crate::error::StoreError;
use crate::records::registry::read::{names_of, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xplus_core::accounts::{Access, Scope};
use xplus_core::backbone::posting::{poor_at_end, posted_on, CoverageReport, VillagePostings};
use xplus_core::registry::RegionCode;
use xplus_core::values::Date;

/// The coverage of a year within reach, with the names of the regions and villages it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingCoverage {
    pub year: i32,
    /// The day coverage is taken: Dec 31 of the year.
    pub as_of: NaiveDate,
    pub report: CoverageReport,
    pub names: HashMap<u64, String>,
}

impl PostingCoverage {
    pub fn name(&self, code: &RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The region a page of `access` is rooted at (None: everywhere).
pub(in crate::records) fn root_of(access: &Access) -> Option<RegionCode> {
    match access.scope() {
        Scope::Region(r) => Some(*r),
        _ => None,
    }
}

/// Coverage on Dec 31 of `year` within `access`'s reach (a helper's reaches no village).
pub async fn posting_coverage(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<PostingCoverage, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let report = coverage_in(s, &village_bounds(access), year, root_of(access)).await?;
    let codes = (report.by_region.keys())
        .chain(&report.uncovered)
        .map(|c| c.as_u64());
    let names = names_of(s, codes.collect::<Vec<_>>()).await?;
    Ok(PostingCoverage {
        year,
        as_of: year_bounds(year).1,
        report,
        names,
    })
}

/// Coverage on Dec 31 of `year` of the villages between `bounds`, by region below `root`.
pub(in crate::records) async fn coverage_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
    root: Option<RegionCode>,
) -> Result<CoverageReport, StoreError> {
    let dec31 = year_bounds(year).1;
    let args = [Arg::Date(dec31), bounds[0].clone(), bounds[1].clone()];
    let mut recalls: HashMap<String, Vec<Date>> = HashMap::new();
    for r in RECALLS_IN.fetch(s, &args).await? {
        recalls.entry(r.cadre).or_default().push(r.day);
    }
    let mut posted: BTreeMap<RegionCode, BTreeSet<String>> = BTreeMap::new();
    for p in POSTINGS_IN.fetch(s, &args).await? {
        let theirs = recalls.get(&p.cadre).map(Vec::as_slice).unwrap_or(&[]);
        if posted_on(p.span, theirs, dec31) {
            posted.entry(p.village).or_default().insert(p.cadre);
        }
    }
    let villages: Vec<VillagePostings> = VILLAGES_IN
        .fetch(s, &bounds[..])
        .await?
        .into_iter()
        .map(|v| VillagePostings {
            village: v.village,
            poor: poor_at_end(v.poor, v.exit_year, year),
            cadres: posted.remove(&v.village).unwrap_or_default(),
        })
        .collect();
    Ok(CoverageReport::of(&villages, root))
}
