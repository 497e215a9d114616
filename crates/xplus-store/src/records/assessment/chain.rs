//! rules.md §6 full chain of every household poor or returned at the start of a year, within
//! reach: the five links from the four modules (远教 training, 骨干 pairings, 集体 shares, 产业
//! industry and jobs), per village the counts, and per gap what to do next — the stations that
//! serve the village and their next session, the units paired with the village whose cadres
//! could pair the household, the village's projects with shares left in their pool.

use super::queries::chain::{
    holdings, pools_in, unit_pairings_in, village_offers_in, CadrePairing, Holding, Pool,
    UnitPairing, VillageOffer, CADRE_PAIRINGS,
};
use crate::error::StoreError;
use crate::records::education::coverage::{serving_from, training_of};
use crate::records::industry::overview::{industry_of, placements_by_end_of};
use crate::records::registry::read::{
    household_scope, names_of, poor_at_start, within_scope_by_county, year_bounds,
};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::assessment::chain::{holds_shares, ChainLinks, Link};
use xplus_core::education::coverage::{gap_list, HouseholdTraining, NextSession};
use xplus_core::industry::participation::IndustryLinks;
use xplus_core::registry::RegionCode;

/// One household's five links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHousehold {
    pub household_id: String,
    pub village: RegionCode,
    pub links: ChainLinks,
    /// The ways it takes part in industry or jobs (不返), for the responsibility list.
    pub industry: IndustryLinks,
    /// Training sessions attended in the year.
    pub sessions: u32,
    /// Person-times of that training (rules.md §10).
    pub person_times: u32,
}

/// Who could close a village's gaps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NextSteps {
    /// Stations serving the village, and their next session from today.
    pub stations: Vec<String>,
    pub next_session: Option<NextSession>,
    /// Units paired with the village on Dec 31 (their cadres could pair a household).
    pub units: Vec<String>,
    /// The village's projects with shares left in their pool: (project, shares left).
    pub pools: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainView {
    pub year: i32,
    /// In household order.
    pub households: Vec<ChainHousehold>,
    pub next: BTreeMap<RegionCode, NextSteps>,
    pub names: HashMap<u64, String>,
}

impl ChainView {
    /// Households for which `link` holds.
    pub fn count(&self, link: Link) -> u64 {
        self.households
            .iter()
            .filter(|h| h.links.holds(link))
            .count() as u64
    }

    /// Households with all five links (the strict chain).
    pub fn full(&self) -> u64 {
        self.households.iter().filter(|h| h.links.full()).count() as u64
    }

    /// Households with every link that applies to them (the case report's chain).
    pub fn full_applicable(&self) -> u64 {
        (self.households.iter())
            .filter(|h| h.links.full_applicable())
            .count() as u64
    }

    /// Households with a link missing that applies to them — what can be done — in village and
    /// household order.
    pub fn gaps(&self) -> Vec<&ChainHousehold> {
        let mut gaps: Vec<&ChainHousehold> = (self.households.iter())
            .filter(|h| !h.links.full_applicable())
            .collect();
        gaps.sort_by(|a, b| (a.village, &a.household_id).cmp(&(b.village, &b.household_id)));
        gaps
    }

    /// Per county, town and village (in code order: each county before its towns, each town
    /// before its villages): (poor households, each link's count in `Link::ALL` order, full
    /// chain, full chain of the links that apply).
    pub fn by_region(&self) -> BTreeMap<RegionCode, (u64, [u64; 5], u64, u64)> {
        let mut out: BTreeMap<RegionCode, (u64, [u64; 5], u64, u64)> = BTreeMap::new();
        for h in &self.households {
            for region in [Some(h.village), h.village.parent(), h.village.county()]
                .into_iter()
                .flatten()
                .collect::<BTreeSet<_>>()
            {
                let e = out.entry(region).or_default();
                e.0 += 1;
                for (i, link) in Link::ALL.iter().enumerate() {
                    e.1[i] += u64::from(h.links.holds(*link));
                }
                e.2 += u64::from(h.links.full());
                e.3 += u64::from(h.links.full_applicable());
            }
        }
        out
    }

    pub fn name(&self, code: RegionCode) -> &str {
        self.names
            .get(&code.as_u64())
            .map(String::as_str)
            .unwrap_or("")
    }
}

pub async fn full_chain(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<ChainView, StoreError> {
    let mut s = store.read_session().await?;
    chain_in(s.as_mut(), &household_scope(access, today), year, today).await
}

/// The five links of the households within `scope` poor at the start of a year, with what the
/// chain page builds its next steps from: the roll-ups keep the links alone.
pub(in crate::records) struct Linked {
    /// In household order.
    pub households: Vec<ChainHousehold>,
    /// The households' villages.
    pub villages: BTreeSet<RegionCode>,
    /// Units paired with each of them on Dec 31.
    pub units: BTreeMap<RegionCode, BTreeSet<String>>,
}

/// The links of every household within `scope` (conditions on `households`) poor at the start
/// of `year`.
pub(in crate::records) async fn links_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Linked, StoreError> {
    let (_, dec31) = year_bounds(year);
    // The households poor at the year's start, read once for the training and industry links.
    let poor = poor_at_start(s, scope, year).await?;
    let training = training_of(s, scope, year, poor.clone()).await?;
    let placed = placements_by_end_of(s, scope, year).await?;
    let industry: HashMap<String, IndustryLinks> = industry_of(s, scope, year, poor, &placed)
        .await?
        .into_iter()
        .map(|h| (h.household_id, h.links))
        .collect();
    let villages: BTreeSet<RegionCode> = training.iter().map(|t| t.village).collect();

    // Pairings and share events carry their household's county (migration 0026).
    let (sql, args) =
        within_scope_by_county(scope, CADRE_PAIRINGS.sql, "p", vec![Arg::Date(dec31)]);
    let paired: HashSet<String> = fetch_sql::<CadrePairing>(s, &sql, &args)
        .await?
        .into_iter()
        .filter(|p| p.span.is_active_on(dec31))
        .map(|p| p.household_id)
        .collect();
    let units = unit_pairings(s, &villages, dec31).await?;

    let (sql, args) = within_scope_by_county(scope, &holdings(), "e", vec![Arg::Date(dec31)]);
    let holding: HashSet<String> = fetch_sql::<Holding>(s, &sql, &args)
        .await?
        .into_iter()
        .filter(|h| holds_shares(h.shares))
        .map(|h| h.household_id)
        .collect();

    let offers = village_offers(s, &villages, dec31).await?;

    let households: Vec<ChainHousehold> = training
        .into_iter()
        .map(|t| {
            let offer = offers.get(&t.village);
            let links = ChainLinks {
                trained: t.sessions > 0,
                paired_cadre: paired.contains(&t.household_id),
                paired_unit: units.get(&t.village).is_some_and(|u| !u.is_empty()),
                holding_shares: holding.contains(&t.household_id),
                in_industry: industry.get(&t.household_id).is_some_and(|l| l.any()),
                village_poor: offer.is_some_and(|o| o.poor),
                village_project: offer.is_some_and(|o| o.project),
            };
            ChainHousehold {
                industry: industry.get(&t.household_id).copied().unwrap_or_default(),
                sessions: t.sessions,
                person_times: t.person_times,
                household_id: t.household_id,
                village: t.village,
                links,
            }
        })
        .collect();
    Ok(Linked {
        households,
        villages,
        units,
    })
}

/// The full chain of the households within `scope` (conditions on `households`): their links,
/// and per village with a gap who could close it.
pub(in crate::records) async fn chain_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    today: NaiveDate,
) -> Result<ChainView, StoreError> {
    let (_, dec31) = year_bounds(year);
    let Linked {
        households,
        villages,
        units,
    } = links_in(s, scope, year).await?;
    let training: Vec<HouseholdTraining> = households
        .iter()
        .map(|h| HouseholdTraining {
            household_id: h.household_id.clone(),
            village: h.village,
            sessions: h.sessions,
            person_times: h.person_times,
        })
        .collect();
    let serving = serving_from(s, today).await?;
    let untrained_steps = gap_list(&training, &serving, today);
    let pools = pools_left(s, &villages, dec31).await?;
    let mut next: BTreeMap<RegionCode, NextSteps> = BTreeMap::new();
    for g in untrained_steps {
        let e = next.entry(g.village).or_default();
        if e.stations.is_empty() {
            e.stations = g.stations.clone();
            e.next_session = g.next.clone();
        }
    }
    for (village, list) in &units {
        next.entry(*village).or_default().units = list.iter().cloned().collect();
    }
    for (village, mut list) in pools {
        // By project number (the database's text order differs between backends).
        list.sort();
        next.entry(village).or_default().pools = list;
    }
    let names = names_of(
        s,
        villages.iter().flat_map(|v| {
            [Some(*v), v.parent(), v.county()]
                .into_iter()
                .flatten()
                .map(|r| r.as_u64())
        }),
    )
    .await?;
    Ok(ChainView {
        year,
        households,
        next,
        names,
    })
}

/// Units paired with each of `villages` on `day`.
pub(in crate::records) async fn unit_pairings(
    s: &mut dyn ReadSession,
    villages: &BTreeSet<RegionCode>,
    day: NaiveDate,
) -> Result<BTreeMap<RegionCode, BTreeSet<String>>, StoreError> {
    let mut out: BTreeMap<RegionCode, BTreeSet<String>> = BTreeMap::new();
    let list: Vec<&RegionCode> = villages.iter().collect();
    for chunk in list.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|v| Arg::Int(v.as_u64() as i64)).collect();
        let pairings: Vec<UnitPairing> = fetch_sql(s, &unit_pairings_in(args.len()), &args).await?;
        for p in pairings {
            if p.span.is_active_on(day) {
                out.entry(p.village).or_default().insert(p.unit);
            }
        }
    }
    Ok(out)
}

/// What each of `villages` offers the links that depend on the village, on `day`.
async fn village_offers(
    s: &mut dyn ReadSession,
    villages: &BTreeSet<RegionCode>,
    day: NaiveDate,
) -> Result<HashMap<RegionCode, VillageOffer>, StoreError> {
    let mut out = HashMap::new();
    let list: Vec<&RegionCode> = villages.iter().collect();
    for chunk in list.chunks(500) {
        let mut args = vec![Arg::Date(day)];
        args.extend(chunk.iter().map(|v| Arg::Int(v.as_u64() as i64)));
        let rows: Vec<VillageOffer> = fetch_sql(s, &village_offers_in(chunk.len()), &args).await?;
        out.extend(rows.into_iter().map(|o| (o.village, o)));
    }
    Ok(out)
}

/// The projects of `villages` with shares left in their pool on `day`: (project, shares left).
async fn pools_left(
    s: &mut dyn ReadSession,
    villages: &BTreeSet<RegionCode>,
    day: NaiveDate,
) -> Result<BTreeMap<RegionCode, Vec<(String, i64)>>, StoreError> {
    let mut out: BTreeMap<RegionCode, Vec<(String, i64)>> = BTreeMap::new();
    let list: Vec<&RegionCode> = villages.iter().collect();
    for chunk in list.chunks(500) {
        let mut args = vec![Arg::Date(day)];
        args.extend(chunk.iter().map(|v| Arg::Int(v.as_u64() as i64)));
        let rows: Vec<Pool> = fetch_sql(s, &pools_in(chunk.len()), &args).await?;
        for p in rows {
            if p.total > p.held {
                out.entry(p.village)
                    .or_default()
                    .push((p.project, p.total - p.held));
            }
        }
    }
    Ok(out)
}
