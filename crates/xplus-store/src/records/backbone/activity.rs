//! What the 骨干 module shows beyond single records: visits per cadre per month, and the units'
//! village pairings with their derived form (1+1 / 1+X / X+1) and three-bindings totals.

use super::queries::activity::{
    UnitPairingRow, ACTIVE_PAIRINGS, BINDING_TOTALS_IN, CADRE_NAMES, UNIT_PAIRINGS_COUNT,
    UNIT_PAIRINGS_IN, UNIT_PAIRINGS_PAGE, VISITS_IN, VISITS_OF_CADRE,
};
use crate::error::StoreError;
use crate::records::shape::village_bounds;
use crate::session::filter::Arg;
use crate::session::{Page, ReadSession};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use xplus_core::accounts::{Access, Scope};
use xplus_core::backbone::pairing::{form, PairingForm};
use xplus_core::backbone::BindingKind;
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// One cadre's visits in a year, by month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CadreVisits {
    pub cadre_id: String,
    pub name: String,
    pub unit: String,
    /// January first.
    pub months: [u32; 12],
    pub total: u32,
}

/// Visits of `year` to households within reach (a helper: their own), per cadre and month,
/// the busiest cadre first (ties: the smaller id).
pub async fn visits_by_month(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<Vec<CadreVisits>, StoreError> {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    let mut s = store.read_session().await?;
    let visits = match access.scope() {
        Scope::PairedWith(cadre) => {
            VISITS_OF_CADRE
                .fetch(
                    &mut *s,
                    &[Arg::Text(cadre.clone()), Arg::Date(first), Arg::Date(last)],
                )
                .await?
        }
        _ => {
            let [lo, hi] = village_bounds(access);
            VISITS_IN
                .fetch(&mut *s, &[Arg::Date(first), Arg::Date(last), lo, hi])
                .await?
        }
    };
    let mut by_cadre: BTreeMap<String, [u32; 12]> = BTreeMap::new();
    for v in visits {
        by_cadre.entry(v.cadre_id).or_default()[v.date.month0() as usize] += 1;
    }
    let names: HashMap<String, (String, String)> = CADRE_NAMES
        .fetch(&mut *s, &[])
        .await?
        .into_iter()
        .map(|c| (c.cadre_id, (c.name, c.unit)))
        .collect();
    let mut out: Vec<CadreVisits> = by_cadre
        .into_iter()
        .map(|(cadre_id, months)| {
            let (name, unit) = names.get(&cadre_id).cloned().unwrap_or_default();
            CadreVisits {
                total: months.iter().sum(),
                cadre_id,
                name,
                unit,
                months,
            }
        })
        .collect();
    out.sort_by(|a, b| b.total.cmp(&a.total).then(a.cadre_id.cmp(&b.cadre_id)));
    Ok(out)
}

/// A unit's pairing with a village, as the office reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPairingView {
    pub unit_id: String,
    pub unit: String,
    pub village: RegionCode,
    pub village_name: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// The form today (None when the pairing is not active today).
    pub form: Option<PairingForm>,
    pub joint_party_org: bool,
    pub joint_party_org_date: Option<NaiveDate>,
    /// Bindings of this unit in this village per kind (project, funds, responsibility).
    pub bindings: [u64; 3],
    /// The amounts bound, all kinds together.
    pub bound: Fen,
}

/// The unit↔village pairings of the villages within reach, by village then start.
pub async fn unit_pairings(
    store: &dyn Store,
    access: &Access,
    today: NaiveDate,
) -> Result<Vec<UnitPairingView>, StoreError> {
    let range = village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = UNIT_PAIRINGS_IN.fetch(&mut *s, &range).await?;
    views_of(&mut *s, rows, range, today).await
}

/// How many unit↔village pairings the villages within reach have.
pub async fn count_unit_pairings(store: &dyn Store, access: &Access) -> Result<u64, StoreError> {
    let mut s = store.read_session().await?;
    let n = UNIT_PAIRINGS_COUNT
        .fetch(&mut *s, &village_bounds(access))
        .await?;
    Ok(n.first().map_or(0, |c| c.n))
}

/// One page of [`unit_pairings`] (same order), read a page at a time by the database.
pub async fn unit_pairings_page(
    store: &dyn Store,
    access: &Access,
    today: NaiveDate,
    page: Page,
) -> Result<Vec<UnitPairingView>, StoreError> {
    let [lo, hi] = village_bounds(access);
    let mut s = store.read_session().await?;
    let cap = |n: u64| Arg::Int(n.min(i64::MAX as u64) as i64);
    let rows = UNIT_PAIRINGS_PAGE
        .fetch(&mut *s, &[lo, hi, cap(page.limit), cap(page.offset)])
        .await?;
    // The page is in village order: its bindings lie between its first and last village.
    let range = match (rows.first(), rows.last()) {
        (Some(a), Some(b)) => [
            Arg::Int(a.village.as_u64() as i64),
            Arg::Int(b.village.as_u64() as i64),
        ],
        _ => return Ok(Vec::new()),
    };
    views_of(&mut *s, rows, range, today).await
}

/// The pairings `rows` with their form today and what is bound to them (the bindings of the
/// villages in `range`).
async fn views_of(
    s: &mut (dyn ReadSession + '_),
    rows: Vec<UnitPairingRow>,
    range: [Arg; 2],
    today: NaiveDate,
) -> Result<Vec<UnitPairingView>, StoreError> {
    // The form counts every unit and village active today, also those outside reach (a unit of
    // the city paired with villages of several counties is 1+X wherever it is read).
    let active = ACTIVE_PAIRINGS
        .fetch(s, &[Arg::Date(today), Arg::Date(today)])
        .await?;
    let mut units_on_village: HashMap<u64, usize> = HashMap::new();
    let mut villages_of_unit: HashMap<String, usize> = HashMap::new();
    for p in &active {
        *units_on_village.entry(p.village.as_u64()).or_default() += 1;
        *villages_of_unit.entry(p.unit_id.clone()).or_default() += 1;
    }
    let mut bindings: HashMap<(String, u64), ([u64; 3], Fen)> = HashMap::new();
    for t in BINDING_TOTALS_IN.fetch(s, &range).await? {
        let slot = bindings.entry((t.unit_id, t.village.as_u64())).or_default();
        let i = BindingKind::ALL
            .iter()
            .position(|k| *k == t.kind)
            .unwrap_or(0);
        slot.0[i] += t.n;
        slot.1 = Fen(slot.1 .0 + t.amount.0);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let village = r.village;
        let active_today = r.start <= today && r.end.is_none_or(|e| e >= today);
        let (counts, bound) = bindings
            .get(&(r.unit_id.clone(), village.as_u64()))
            .copied()
            .unwrap_or_default();
        out.push(UnitPairingView {
            form: if active_today {
                form(
                    units_on_village
                        .get(&village.as_u64())
                        .copied()
                        .unwrap_or(0),
                    villages_of_unit.get(&r.unit_id).copied().unwrap_or(0),
                )
            } else {
                None
            },
            unit_id: r.unit_id,
            unit: r.unit,
            village,
            village_name: r.village_name,
            start: r.start,
            end: r.end,
            joint_party_org: r.joint_party_org,
            joint_party_org_date: r.joint_party_org_date,
            bindings: counts,
            bound,
        });
    }
    Ok(out)
}
