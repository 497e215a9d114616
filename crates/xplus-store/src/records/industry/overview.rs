//! 产业 reads within an account's reach: rules.md §6 `in_industry` of every household poor at
//! the start of a year, computed by core from the stored 产业 files, and the module's overview —
//! one-village-one-product coverage of the villages planned to exit that year (预出列),
//! organisations and the households they bring along, labour training, commissioners' trainings,
//! job fairs and placements.

use super::queries::{
    TallyRow, ATTENDED_COURSE, BROUGHT_ALONG, COMMISSIONER_TRAININGS, COURSES, JOB_FAIRS,
    JOINED_PROJECT, ORGS_BY_KIND, OWN_INDUSTRY, PLACEMENTS_BEGUN_BY, PLANNED_EXIT_PRODUCTS,
    PLANNED_EXIT_VILLAGES,
};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, names_of, poor_at_start, year_bounds};
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::Query;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::industry::participation::{IndustryLinks, Part, Period};
use xplus_core::industry::PartyOrgKind;
use xplus_core::registry::RegionCode;

/// One household poor at the start of the year, and the ways it takes part in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdIndustry {
    pub household_id: String,
    pub village: RegionCode,
    pub links: IndustryLinks,
}

/// How each of `households` (by position) takes part in `year`: every record noted as it is
/// read, rows of other households passed over.
async fn links_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    households: &[(String, RegionCode)],
    placements: &[(String, String, Period)],
) -> Result<Vec<IndustryLinks>, StoreError> {
    let (_, last) = year_bounds(year);
    let position: HashMap<&str, usize> = households
        .iter()
        .enumerate()
        .map(|(i, (h, _))| (h.as_str(), i))
        .collect();
    let mut all = vec![IndustryLinks::default(); households.len()];
    // Each query only narrows to rows that could count by the end of the year; core decides.
    for r in BROUGHT_ALONG.fetch(s, scope, vec![Arg::Date(last)]).await? {
        if let Some(start) = r.start {
            if let Some(&i) = position.get(r.household.as_str()) {
                all[i].note(Part::BroughtAlong(Period { start, end: r.end }), year);
            }
        }
    }
    for r in JOINED_PROJECT
        .fetch(s, scope, vec![Arg::Date(last)])
        .await?
    {
        if let Some(day) = r.start {
            if let Some(&i) = position.get(r.household.as_str()) {
                all[i].note(Part::JoinedProject(day), year);
            }
        }
    }
    for r in OWN_INDUSTRY
        .fetch(s, scope, vec![Arg::Int(i64::from(year))])
        .await?
    {
        if let Some(&i) = position.get(r.household.as_str()) {
            all[i].note(Part::OwnIndustry(year), year);
        }
    }
    for r in ATTENDED_COURSE
        .fetch(s, scope, vec![Arg::Date(last)])
        .await?
    {
        if let Some(start) = r.start {
            let end = Some(r.end.unwrap_or(start));
            if let Some(&i) = position.get(r.household.as_str()) {
                all[i].note(Part::Course(Period { start, end }), year);
            }
        }
    }
    for (household, _, period) in placements {
        if let Some(&i) = position.get(household.as_str()) {
            all[i].note(Part::Placement(*period), year);
        }
    }
    Ok(all)
}

/// Placements of households within `scope` begun by the end of `year`: (household, person,
/// the period it runs).
pub(in crate::records) async fn placements_by_end_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Vec<(String, String, Period)>, StoreError> {
    let (_, last) = year_bounds(year);
    Ok(PLACEMENTS_BEGUN_BY
        .fetch(s, scope, vec![Arg::Date(last)])
        .await?
        .into_iter()
        .map(|p| (p.household, p.person, p.period))
        .collect())
}

/// The households within `scope` poor at the start of `year` and how they take part in it;
/// `placements` are those of `placements_by_end_of` for the same scope and year.
pub(in crate::records) async fn industry_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    placements: &[(String, String, Period)],
) -> Result<Vec<HouseholdIndustry>, StoreError> {
    let poor = poor_at_start(s, scope, year).await?;
    industry_of(s, scope, year, poor, placements).await
}

/// `industry_in` of `poor`, the households within `scope` poor at the start of `year`, for a
/// reader that has them already (the full chain reads them once for all its links).
pub(in crate::records) async fn industry_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    poor: Vec<(String, RegionCode)>,
    placements: &[(String, String, Period)],
) -> Result<Vec<HouseholdIndustry>, StoreError> {
    let links = links_of(s, scope, year, &poor, placements).await?;
    let mut out: Vec<HouseholdIndustry> = poor
        .into_iter()
        .zip(links)
        .map(|((household_id, village), links)| HouseholdIndustry {
            household_id,
            village,
            links,
        })
        .collect();
    // Village by village, as the other gap lists and the kept figures' pages run (household ids
    // are free keys: their order is not their villages').
    out.sort_by(|a, b| (a.village, &a.household_id).cmp(&(b.village, &b.household_id)));
    Ok(out)
}

/// A village planned to exit in the year (预出列) and its one-village-one-product projects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedExitVillage {
    pub code: RegionCode,
    pub name: String,
    /// Projects of the village started by the year.
    pub projects: u64,
    /// Their products, joined by "、".
    pub products: String,
    /// Households that joined them by the end of the year.
    pub joined: u64,
    pub poor: u64,
    pub poor_in_industry: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgKindTally {
    pub kind: PartyOrgKind,
    pub orgs: u64,
    pub party_members: u64,
    /// Households brought along during the year.
    pub brought: u64,
}

/// Counts of an activity of the year within reach: how many, and two sums.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub n: u64,
    pub a: u64,
    pub b: u64,
}

/// The module's figures beside the households' ways of taking part: the planned-exit villages'
/// projects, the organisations, the activities and the placements of a year within reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryActivity {
    pub planned_exit: Vec<PlannedExitVillage>,
    pub orgs: Vec<OrgKindTally>,
    /// Labour courses running in the year (n), attendees (a).
    pub courses: Tally,
    /// Commissioners' trainings (n), participants (a).
    pub commissioner_trainings: Tally,
    /// Job fairs (n), posts offered (a), employers (b).
    pub job_fairs: Tally,
    /// Placements running in the year (n), persons (a), households (b) — of every household
    /// in reach, not only the poor.
    pub placements: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryOverview {
    pub year: i32,
    /// Households poor at the start of the year, each with its links.
    pub households: Vec<HouseholdIndustry>,
    pub activity: IndustryActivity,
    /// Names of the villages of the households and the planned-exit list, by code.
    pub names: HashMap<u64, String>,
}

impl IndustryOverview {
    pub fn in_industry(&self) -> u64 {
        self.households.iter().filter(|h| h.links.any()).count() as u64
    }

    /// Households of each way of taking part (a household may count in several).
    pub fn by_link(&self) -> [u64; 5] {
        ways_of(&self.households)
    }

    pub fn gaps(&self) -> impl Iterator<Item = &HouseholdIndustry> {
        self.households.iter().filter(|h| !h.links.any())
    }

    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The 产业 module's overview of `year` within `access`'s reach.
pub async fn industry_overview(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<IndustryOverview, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let scope = household_scope(access, today);
    let placed = placements_by_end_of(s, &scope, year).await?;
    let households = industry_in(s, &scope, year, &placed).await?;
    let poor_of = by_village(&households);
    let activity = activity_in(s, access, year, &poor_of, &placed).await?;
    let names = names_of(
        s,
        poor_of
            .keys()
            .copied()
            .chain(activity.planned_exit.iter().map(|v| v.code.as_u64())),
    )
    .await?;
    Ok(IndustryOverview {
        year,
        households,
        activity,
        names,
    })
}

/// The module's figures of `year` within `access`'s reach beside the households' ways: `poor_of`
/// gives the planned-exit villages' poor households and those in industry (`by_village`),
/// `placed` the placements of `placements_by_end_of`.
pub(in crate::records) async fn activity_in(
    s: &mut dyn ReadSession,
    access: &Access,
    year: i32,
    poor_of: &BTreeMap<u64, (u64, u64)>,
    placed: &[(String, String, Period)],
) -> Result<IndustryActivity, StoreError> {
    let range = village_bounds(access);
    let planned_exit = planned_exit_villages(s, year, &range, poor_of).await?;
    let orgs = org_tallies(s, year, &range).await?;
    let (courses, commissioner_trainings, job_fairs) = activity_tallies(s, year, &range).await?;
    Ok(IndustryActivity {
        planned_exit,
        orgs,
        courses,
        commissioner_trainings,
        job_fairs,
        placements: placement_tally(placed, year),
    })
}

/// The villages within `range` planned to exit in `year` with their one-village-one-product
/// projects; `poor_of` is `by_village` of the year's households.
async fn planned_exit_villages(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
    poor_of: &BTreeMap<u64, (u64, u64)>,
) -> Result<Vec<PlannedExitVillage>, StoreError> {
    let (_, last) = year_bounds(year);
    let rows = PLANNED_EXIT_VILLAGES
        .fetch(
            s,
            &[
                Arg::Int(i64::from(year)),
                Arg::Date(last),
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let products = products_of_planned_exit(s, year, range).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (poor, poor_in_industry) =
                poor_of.get(&r.code.as_u64()).copied().unwrap_or_default();
            PlannedExitVillage {
                code: r.code,
                name: r.name,
                projects: r.projects,
                products: products
                    .get(&r.code.as_u64())
                    .map(|p| p.iter().cloned().collect::<Vec<_>>().join("、"))
                    .unwrap_or_default(),
                joined: r.joined,
                poor,
                poor_in_industry,
            }
        })
        .collect())
}

/// Industry-chain organisations within `range` by kind, with the households brought along
/// during `year`.
async fn org_tallies(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<Vec<OrgKindTally>, StoreError> {
    let (first, last) = year_bounds(year);
    Ok(ORGS_BY_KIND
        .fetch(
            s,
            &[
                range[0].clone(),
                range[1].clone(),
                Arg::Date(last),
                Arg::Date(first),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .map(|r| OrgKindTally {
            kind: r.kind,
            orgs: r.orgs,
            party_members: r.party_members,
            brought: r.brought,
        })
        .collect())
}

/// Labour courses, commissioners' trainings and job fairs of `year` within `range` (courses and
/// fairs are placed by a region code of any level; the bounds hold the region's own code too).
async fn activity_tallies(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<(Tally, Tally, Tally), StoreError> {
    let (first, last) = year_bounds(year);
    let within = [
        Arg::Date(first),
        Arg::Date(last),
        range[0].clone(),
        range[1].clone(),
    ];
    let running = [
        Arg::Date(last),
        Arg::Date(first),
        range[0].clone(),
        range[1].clone(),
    ];
    let courses = tally(
        s,
        &COURSES,
        running.iter().chain(&running).cloned().collect(),
    )
    .await?;
    let commissioner_trainings = tally(s, &COMMISSIONER_TRAININGS, within.to_vec()).await?;
    let job_fairs = tally(s, &JOB_FAIRS, within.to_vec()).await?;
    Ok((courses, commissioner_trainings, job_fairs))
}

/// Placements running in `year` (n), persons (a), households (b).
fn placement_tally(placed: &[(String, String, Period)], year: i32) -> Tally {
    let mut n = 0;
    let mut persons = HashSet::new();
    let mut households = HashSet::new();
    for (household, person, period) in placed {
        if period.touches_year(year) {
            n += 1;
            persons.insert(person);
            households.insert(household);
        }
    }
    Tally {
        n,
        a: persons.len() as u64,
        b: households.len() as u64,
    }
}

/// The products of each planned-exit village's projects started by `year`.
async fn products_of_planned_exit(
    s: &mut dyn ReadSession,
    year: i32,
    range: &[Arg; 2],
) -> Result<HashMap<u64, BTreeSet<String>>, StoreError> {
    let mut out: HashMap<u64, BTreeSet<String>> = HashMap::new();
    for p in PLANNED_EXIT_PRODUCTS
        .fetch(
            s,
            &[
                Arg::Int(i64::from(year)),
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
    {
        out.entry(p.village.as_u64()).or_default().insert(p.product);
    }
    Ok(out)
}

/// The counts of a tally query (none: zeros).
async fn tally(
    s: &mut dyn ReadSession,
    query: &Query<TallyRow>,
    args: Vec<Arg>,
) -> Result<Tally, StoreError> {
    let rows = query.fetch(s, &args).await?;
    Ok(rows.first().map_or(Tally::default(), |r| Tally {
        n: r.n,
        a: r.a,
        b: r.b,
    }))
}

/// Households of each way of taking part (a household may count in several), `WAYS` order.
pub(in crate::records) fn ways_of(households: &[HouseholdIndustry]) -> [u64; 5] {
    let mut out = [0; 5];
    for h in households {
        for (n, on) in out.iter_mut().zip(h.links.ways()) {
            *n += u64::from(on);
        }
    }
    out
}

/// Per village: households poor at the start of the year, and of them those in industry.
pub fn by_village(households: &[HouseholdIndustry]) -> BTreeMap<u64, (u64, u64)> {
    let mut out: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for h in households {
        let e = out.entry(h.village.as_u64()).or_default();
        e.0 += 1;
        e.1 += u64::from(h.links.any());
    }
    out
}
