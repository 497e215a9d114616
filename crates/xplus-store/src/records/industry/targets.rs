//! 产业创业扶贫对象 (industry_targets.csv, issue 23 item 3): the households chosen as targets of
//! industry and start-up support, counted for a year as of its Dec 31 within an account's reach
//! — chosen in the year or before (a later choice does not move a past year), their persons on
//! Dec 31 (the case figure of industry persons counts a household's persons the same way), and
//! how many of the households poor at the start of the year they are — per county, town and
//! village.

use super::queries::{persons_each, PersonsRow, CHOSEN_BY, TARGETS_BY};
use crate::error::StoreError;
use crate::records::registry::read::{
    household_scope, names_of, poor_at_start, poor_at_start_among, year_bounds,
};
use crate::records::reporting::gap_pages::{kept_villages, Missing};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::registry::RegionCode;

/// The targets of one region (or of the whole reach) in a year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TargetFigures {
    /// Households chosen as targets in the year or before.
    pub households: u64,
    /// Their persons on Dec 31 of the year.
    pub persons: u64,
    /// Households poor (or returned) at the start of the year (rules.md §6's households).
    pub poor: u64,
    /// Of those, the targets.
    pub poor_targets: u64,
}

impl TargetFigures {
    /// The targets' share of the households poor at the start of the year, in basis points
    /// rounded down; None without a poor household.
    pub fn share_bp(&self) -> Option<u64> {
        (self.poor > 0).then(|| self.poor_targets * 10_000 / self.poor)
    }
}

/// The targets of a year within reach, in all and per county, town and village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryTargets {
    pub year: i32,
    pub total: TargetFigures,
    /// Per county, town and village in code order (each county before its towns).
    pub by_region: BTreeMap<RegionCode, TargetFigures>,
    /// Names of those regions, by code.
    pub names: HashMap<u64, String>,
}

impl IndustryTargets {
    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The industry and start-up support targets of `year` within `access`'s reach.
pub async fn industry_targets(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<IndustryTargets, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let scope = household_scope(access, today);
    let mut targets: Vec<(String, RegionCode)> = TARGETS_BY
        .fetch(s, &scope, vec![Arg::Int(i64::from(year))])
        .await?
        .into_iter()
        .map(|r| (r.household, r.village))
        .collect();
    targets.sort_unstable();
    let ids: Vec<&str> = targets.iter().map(|(h, _)| h.as_str()).collect();
    let persons = persons_at_end(s, &ids, year).await?;
    let poor = poor_of_year(s, access, &scope, year).await?;
    let poor_ids: HashSet<&str> = poor.households.iter().map(String::as_str).collect();

    let mut total = TargetFigures::default();
    let mut by_region: BTreeMap<RegionCode, TargetFigures> = BTreeMap::new();
    let mut add = |village: RegionCode, f: &dyn Fn(&mut TargetFigures)| {
        f(&mut total);
        for r in regions_of(village) {
            f(by_region.entry(r).or_default());
        }
    };
    for (household, village) in &targets {
        let n = persons.get(household.as_str()).copied().unwrap_or(0);
        let is_poor = poor_ids.contains(household.as_str());
        add(*village, &|t| {
            t.households += 1;
            t.persons += n;
            t.poor_targets += u64::from(is_poor);
        });
    }
    for (village, n) in &poor.by_village {
        add(*village, &|t| t.poor += n);
    }
    let names = names_of(s, by_region.keys().map(|c| c.as_u64())).await?;
    Ok(IndustryTargets {
        year,
        total,
        by_region,
        names,
    })
}

/// The households poor at the start of a year within reach (rules.md §6's): how many per
/// village, and which — all of them, or only the targets among them.
struct PoorAtStart {
    by_village: BTreeMap<RegionCode, u64>,
    households: Vec<String>,
}

/// With the roll-ups current for the reach, the villages' kept counts (the full chain's
/// `coverage.poor_at_start`, the same rule) and only the targets read for which were poor: a
/// province has about 1.2 million households to read otherwise. Else every household.
async fn poor_of_year(
    s: &mut dyn ReadSession,
    access: &Access,
    scope: &Filter,
    year: i32,
) -> Result<PoorAtStart, StoreError> {
    if let Some(villages) = kept_villages(s, access, year, Missing::AnyLink).await? {
        let by_village = (villages.iter())
            .filter(|(_, f)| f.poor > 0)
            .filter_map(|(code, f)| Some((RegionCode::from_u64(*code).ok()?, f.poor)))
            .collect();
        let chosen = Filter::new().and(CHOSEN_BY, vec![Arg::Int(i64::from(year))]);
        let targets = poor_at_start_among(s, scope, chosen, year).await?;
        return Ok(PoorAtStart {
            by_village,
            households: targets.into_iter().map(|(h, _)| h).collect(),
        });
    }
    let all = poor_at_start(s, scope, year).await?;
    let mut by_village = BTreeMap::new();
    for (_, village) in &all {
        *by_village.entry(*village).or_default() += 1;
    }
    Ok(PoorAtStart {
        by_village,
        households: all.into_iter().map(|(h, _)| h).collect(),
    })
}

/// A village, its town and its county.
pub(super) fn regions_of(village: RegionCode) -> BTreeSet<RegionCode> {
    [Some(village), village.parent(), village.county()]
        .into_iter()
        .flatten()
        .collect()
}

/// The persons of each household named on Dec 31 of `year`, a few hundred at a time: today's
/// members with the changes after the day undone, as the case figure of industry persons counts.
async fn persons_at_end(
    s: &mut dyn ReadSession,
    households: &[&str],
    year: i32,
) -> Result<HashMap<String, u64>, StoreError> {
    let (_, dec31) = year_bounds(year);
    let mut out = HashMap::with_capacity(households.len());
    for chunk in households.chunks(500) {
        let mut args = vec![Arg::Date(dec31)];
        args.extend(chunk.iter().map(|id| Arg::Text(id.to_string())));
        for r in fetch_sql::<PersonsRow>(s, &persons_each(chunk.len()), &args).await? {
            out.insert(r.household, r.persons);
        }
    }
    Ok(out)
}
