//! 讲学授课 within an account's reach (issue 23): a year's training sessions held at the
//! stations of the villages reached and the person-times they reached (attendances), by the
//! kind of lecturer, in all and per region below the account's (core `education::lectures`).

use super::queries::LECTURES_IN;
use crate::error::StoreError;
use crate::records::backbone::postings::root_of;
use crate::records::registry::read::{names_of, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::education::lectures::{LectureReport, VillageLectures};
use xplus_core::registry::RegionCode;

/// The lectures of a year within reach, with the names of the regions shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LectureView {
    pub year: i32,
    pub report: LectureReport,
    pub names: HashMap<u64, String>,
}

impl LectureView {
    pub fn name(&self, code: &RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The lectures of `year` within `access`'s reach (a helper's reaches no station).
pub async fn lecture_view(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<LectureView, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let report = lectures_in(s, &village_bounds(access), year, root_of(access)).await?;
    let codes = report.by_region.keys().map(|c| c.as_u64());
    let names = names_of(s, codes.collect::<Vec<_>>()).await?;
    Ok(LectureView {
        year,
        report,
        names,
    })
}

/// The lectures of `year` at the stations of the villages between `bounds`, by region below
/// `root`.
pub(in crate::records) async fn lectures_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
    root: Option<RegionCode>,
) -> Result<LectureReport, StoreError> {
    let (jan1, dec31) = year_bounds(year);
    let args = [
        Arg::Date(jan1),
        Arg::Date(dec31),
        bounds[0].clone(),
        bounds[1].clone(),
    ];
    let rows: Vec<VillageLectures> = (LECTURES_IN.fetch(s, &args).await?.into_iter())
        .map(|r| VillageLectures {
            village: r.village,
            kind: r.kind,
            sessions: r.sessions,
            person_times: r.person_times,
        })
        .collect();
    Ok(LectureReport::of(&rows, root))
}
