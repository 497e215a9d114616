//! rules.md §6 full chain of every household poor or returned at the start of a year, within
//! reach: the five links from the four modules (远教 training, 骨干 pairings, 集体 shares, 产业
//! industry and jobs), per village the counts, and per gap what to do next — the stations that
//! serve the village and their next session, the units paired with the village whose cadres
//! could pair the household, the village's projects with shares left in their pool.

use crate::error::StoreError;
use crate::records::education::coverage::{serving_from, training_in};
use crate::records::industry::overview::{industry_in, placements_by_end_of};
use crate::records::registry::read::{household_scope, names_of, within_scope, year_bounds};
use crate::records::shape::{column, shape, COUNT, HELD_SUM, SIGNED};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::assessment::chain::{holds_shares, ChainLinks, Link};
use xplus_core::backbone::pairing::Span;
use xplus_core::education::coverage::{gap_list, NextSession};
use xplus_core::industry::participation::IndustryLinks;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

static PAIRED: FileSpec = shape(
    FileId::CadreHouseholdPairings,
    "chain_pairings",
    "结对",
    &[
        column("key", ColumnType::Text),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("who", ColumnType::Text),
    ],
);

static UNITS: FileSpec = shape(
    FileId::UnitVillagePairings,
    "chain_unit_pairings",
    "单位包村",
    &[
        column("village_code", ColumnType::Region),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("unit_id", ColumnType::Text),
    ],
);

static HELD: FileSpec = shape(
    FileId::ShareEvents,
    "chain_held",
    "持股",
    &[
        column("household_id", ColumnType::Text),
        column("shares", SIGNED),
    ],
);

static POOLS: FileSpec = shape(
    FileId::Projects,
    "chain_pools",
    "股池",
    &[
        column("project_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("total_shares", COUNT),
        column("held", SIGNED),
    ],
);

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

    pub fn full(&self) -> u64 {
        self.households.iter().filter(|h| h.links.full()).count() as u64
    }

    /// Households with a missing link, in village and household order.
    pub fn gaps(&self) -> Vec<&ChainHousehold> {
        let mut gaps: Vec<&ChainHousehold> =
            self.households.iter().filter(|h| !h.links.full()).collect();
        gaps.sort_by(|a, b| (a.village, &a.household_id).cmp(&(b.village, &b.household_id)));
        gaps
    }

    /// Per county, town and village (in code order: each county before its towns, each town
    /// before its villages): (poor households, each link's count in `Link::ALL` order, full
    /// chain).
    pub fn by_region(&self) -> BTreeMap<RegionCode, (u64, [u64; 5], u64)> {
        let mut out: BTreeMap<RegionCode, (u64, [u64; 5], u64)> = BTreeMap::new();
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

/// The full chain of the households within `scope` (conditions on `households`).
pub(in crate::records) async fn chain_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    today: NaiveDate,
) -> Result<ChainView, StoreError> {
    let (_, dec31) = year_bounds(year);
    let training = training_in(s, scope, year).await?;
    let placed = placements_by_end_of(s, scope, year).await?;
    let industry: HashMap<String, IndustryLinks> = industry_in(s, scope, year, &placed)
        .await?
        .into_iter()
        .map(|h| (h.household_id, h.links))
        .collect();
    let villages: BTreeSet<RegionCode> = training.iter().map(|t| t.village).collect();

    let (sql, args) = within_scope(
        scope,
        "SELECT p.household_id, p.start_date, p.end_date, p.cadre_id \
         FROM cadre_household_pairings p WHERE p.start_date <= ?{within}",
        "p",
        vec![Arg::Date(dec31)],
    );
    let mut paired: HashSet<String> = HashSet::new();
    for r in s.query(&PAIRED, &sql, &args).await? {
        if let (Some(h), Some(start)) = (r[0].as_text(), r[1].as_date()) {
            let span = Span {
                start,
                end: r[2].as_date(),
            };
            if span.is_active_on(dec31) {
                paired.insert(h.to_string());
            }
        }
    }
    let units = unit_pairings(s, &villages, dec31).await?;

    let (sql, args) = within_scope(
        scope,
        &format!(
            "SELECT e.household_id, {HELD_SUM} FROM share_events e \
             WHERE e.date <= ?{{within}} GROUP BY e.household_id, e.project_id"
        ),
        "e",
        vec![Arg::Date(dec31)],
    );
    let mut holding: HashSet<String> = HashSet::new();
    for r in s.query(&HELD, &sql, &args).await? {
        if let (Some(h), Some(n)) = (r[0].as_text(), r[1].as_int()) {
            if holds_shares(n) {
                holding.insert(h.to_string());
            }
        }
    }

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

    let households: Vec<ChainHousehold> = training
        .into_iter()
        .map(|t| {
            let links = ChainLinks {
                trained: t.sessions > 0,
                paired_cadre: paired.contains(&t.household_id),
                paired_unit: units.get(&t.village).is_some_and(|u| !u.is_empty()),
                holding_shares: holding.contains(&t.household_id),
                in_industry: industry.get(&t.household_id).is_some_and(|l| l.any()),
            };
            ChainHousehold {
                industry: industry.get(&t.household_id).copied().unwrap_or_default(),
                sessions: t.sessions,
                household_id: t.household_id,
                village: t.village,
                links,
            }
        })
        .collect();
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
        let sql = format!(
            "SELECT village_code, start_date, end_date, unit_id \
             FROM unit_village_pairings WHERE village_code IN ({})",
            crate::session::filter::marks(args.len())
        );
        for r in s.query(&UNITS, &sql, &args).await? {
            let (Some(v), Some(start), Some(unit)) =
                (r[0].as_region(), r[1].as_date(), r[3].as_text())
            else {
                continue;
            };
            let span = Span {
                start,
                end: r[2].as_date(),
            };
            if span.is_active_on(day) {
                out.entry(v).or_default().insert(unit.to_string());
            }
        }
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
        let sql = format!(
            "SELECT p.project_id, p.village_code, p.total_shares, \
             CAST(coalesce((SELECT sum(CASE WHEN e.kind = 'grant' THEN e.shares ELSE -e.shares END) \
               FROM share_events e WHERE e.project_id = p.project_id AND e.date <= ?), 0) AS BIGINT) \
             FROM projects p WHERE p.village_code IN ({})",
            crate::session::filter::marks(chunk.len())
        );
        for r in s.query(&POOLS, &sql, &args).await? {
            let (Some(project), Some(village), Some(total), Some(held)) = (
                r[0].as_text(),
                r[1].as_region(),
                r[2].as_int(),
                r[3].as_int(),
            ) else {
                continue;
            };
            if total > held {
                out.entry(village)
                    .or_default()
                    .push((project.to_string(), total - held));
            }
        }
    }
    Ok(out)
}
