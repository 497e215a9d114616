//! 村干部与村级带头人后备库 within an account's reach (issue 23): on Dec 31 of a year, the village
//! cadres in office by post and those with a degree course begun by then; the poor villages not
//! exited by then whose secretary in office that day had a training in the year, and those
//! whose secretary had none; the pool's members that day by source and those who had become
//! secretaries — in all and per region below the account's (core `backbone::village_cadre`). A
//! record dated after the year does not move them.

use super::postings::root_of;
use super::queries::postings::VILLAGES_IN;
use super::queries::village_cadres::{
    CADRES_IN, DEGREE_CADRES_IN, POOL_IN, SECRETARIES_IN, TRAINED_IN,
};
use crate::error::StoreError;
use crate::records::registry::read::{names_of, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xplus_core::accounts::Access;
use xplus_core::backbone::posting::poor_at_end;
use xplus_core::backbone::village_cadre::{in_pool_on, promoted_by, CadreReport, VillageFacts};
use xplus_core::registry::RegionCode;

/// The figures of a year within reach, with the names of the regions and villages shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageCadreView {
    pub year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    pub as_of: NaiveDate,
    pub report: CadreReport,
    pub names: HashMap<u64, String>,
}

impl VillageCadreView {
    pub fn name(&self, code: &RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The yearly report's lines (the report's own place, Dec 31 of its year).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VillageCadreFigures {
    /// Village cadres in office on Dec 31.
    pub in_office: u64,
    /// Village cadres with a degree course (大专以上学历教育) begun by the end of the year.
    pub degree: u64,
    /// Poor villages not exited by the end of the year, and of those the villages whose
    /// secretary in office on Dec 31 had a training in the year.
    pub poor_villages: u64,
    pub secretaries_trained: u64,
    /// The pool's members on Dec 31, and those of it who had become secretaries by then.
    pub pool: u64,
    pub promoted: u64,
}

/// The figures on Dec 31 of `year` within `access`'s reach (a helper's reaches no village).
pub async fn village_cadre_figures(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<VillageCadreView, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let report = cadre_report_in(s, &village_bounds(access), year, root_of(access)).await?;
    let codes = (report.by_region.keys())
        .chain(&report.untrained)
        .map(|c| c.as_u64());
    let names = names_of(s, codes.collect::<Vec<_>>()).await?;
    Ok(VillageCadreView {
        year,
        as_of: year_bounds(year).1,
        report,
        names,
    })
}

/// The yearly report's lines for the villages between `bounds`.
pub(in crate::records) async fn cadre_figures_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
) -> Result<VillageCadreFigures, StoreError> {
    let t = cadre_report_in(s, bounds, year, None).await?.total;
    Ok(VillageCadreFigures {
        in_office: t.in_office,
        degree: t.degree,
        poor_villages: t.poor_villages,
        secretaries_trained: t.trained,
        pool: t.pool,
        promoted: t.promoted,
    })
}

/// The figures on Dec 31 of `year` of the villages between `bounds`, by region below `root`.
pub(in crate::records) async fn cadre_report_in(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
    root: Option<RegionCode>,
) -> Result<CadreReport, StoreError> {
    let (jan1, dec31) = year_bounds(year);
    let by_day = [Arg::Date(dec31), bounds[0].clone(), bounds[1].clone()];
    let mut facts: BTreeMap<RegionCode, VillageFacts> = BTreeMap::new();
    for v in VILLAGES_IN.fetch(s, &bounds[..]).await? {
        let f = VillageFacts {
            village: Some(v.village),
            poor: poor_at_end(v.poor, v.exit_year, year),
            ..VillageFacts::default()
        };
        facts.insert(v.village, f);
    }
    for c in CADRES_IN.fetch(s, &by_day).await? {
        if let (true, Some(f)) = (c.span.is_active_on(dec31), facts.get_mut(&c.village)) {
            f.posts.push(c.post);
        }
    }
    for c in DEGREE_CADRES_IN.fetch(s, &by_day).await? {
        if let Some(f) = facts.get_mut(&c.village) {
            f.degree += 1;
        }
    }
    let year_args = [
        Arg::Date(jan1),
        Arg::Date(dec31),
        bounds[0].clone(),
        bounds[1].clone(),
    ];
    let trained: BTreeSet<String> = (TRAINED_IN.fetch(s, &year_args).await?)
        .into_iter()
        .map(|t| t.id)
        .collect();
    for t in SECRETARIES_IN.fetch(s, &by_day).await? {
        let in_office_trained = t.span.is_active_on(dec31) && trained.contains(&t.id);
        if let (true, Some(f)) = (in_office_trained, facts.get_mut(&t.village)) {
            f.secretary_trained = true;
        }
    }
    for p in POOL_IN.fetch(s, &by_day).await? {
        let Some(f) = facts.get_mut(&p.village) else {
            continue;
        };
        if in_pool_on(p.span, p.promoted_on, dec31) {
            f.pool.push(p.source);
        }
        if promoted_by(p.promoted_on, dec31) {
            f.promoted += 1;
        }
    }
    let villages: Vec<VillageFacts> = facts.into_values().collect();
    Ok(CadreReport::of(&villages, root))
}
