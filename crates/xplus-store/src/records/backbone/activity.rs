//! What the 骨干 module shows beyond single records: visits per cadre per month, and the units'
//! village pairings with their derived form (1+1 / 1+X / X+1) and three-bindings totals.

use crate::error::StoreError;
use crate::records::shape::{column, shape, village_bounds, COUNT};
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use xplus_core::accounts::{Access, Scope};
use xplus_core::backbone::pairing::{form, PairingForm};
use xplus_core::backbone::BindingKind;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

static VISIT_DAYS: FileSpec = shape(
    FileId::Visits,
    "visit_days",
    "走访",
    &[
        column("cadre_id", ColumnType::Text),
        column("date", ColumnType::Date),
    ],
);

static CADRE_NAMES: FileSpec = shape(
    FileId::Cadres,
    "cadre_names",
    "干部",
    &[
        column("cadre_id", ColumnType::Text),
        column("name", ColumnType::Text),
        column("unit", ColumnType::Text),
    ],
);

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
    let rows = match access.scope() {
        Scope::PairedWith(cadre) => {
            s.query(
                &VISIT_DAYS,
                "SELECT cadre_id, date FROM visits WHERE cadre_id = ? AND date BETWEEN ? AND ?",
                &[Arg::Text(cadre.clone()), Arg::Date(first), Arg::Date(last)],
            )
            .await?
        }
        _ => {
            let [lo, hi] = village_bounds(access);
            s.query(
                &VISIT_DAYS,
                "SELECT v.cadre_id, v.date FROM visits v \
                 JOIN households h ON h.household_id = v.household_id \
                 WHERE v.date BETWEEN ? AND ? AND h.village_code BETWEEN ? AND ?",
                &[Arg::Date(first), Arg::Date(last), lo, hi],
            )
            .await?
        }
    };
    let mut by_cadre: BTreeMap<String, [u32; 12]> = BTreeMap::new();
    for r in rows {
        let (Some(cadre), Some(day)) = (r[0].as_text(), r[1].as_date()) else {
            continue;
        };
        by_cadre.entry(cadre.to_string()).or_default()[day.month0() as usize] += 1;
    }
    let names: HashMap<String, (String, String)> = s
        .query(
            &CADRE_NAMES,
            "SELECT c.cadre_id, c.name, u.name FROM cadres c JOIN units u ON u.unit_id = c.unit_id",
            &[],
        )
        .await?
        .into_iter()
        .map(|r| {
            let text = |i: usize| r[i].as_text().unwrap_or_default().to_string();
            (text(0), (text(1), text(2)))
        })
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

static UNIT_PAIRINGS: FileSpec = shape(
    FileId::UnitVillagePairings,
    "unit_pairing_rows",
    "单位包村",
    &[
        column("unit_id", ColumnType::Text),
        column("unit", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("village", ColumnType::Text),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("joint_party_org", ColumnType::Bool),
        column("joint_party_org_date", ColumnType::Date),
    ],
);

static ACTIVE: FileSpec = shape(
    FileId::UnitVillagePairings,
    "active_unit_pairings",
    "在包",
    &[
        column("unit_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
    ],
);

static BINDING_TOTALS: FileSpec = shape(
    FileId::PairingBindings,
    "binding_totals",
    "三个绑定",
    &[
        column("unit_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("kind", ColumnType::Enum(&BindingKind::SPEC)),
        column("n", COUNT),
        column("amount", ColumnType::Money { negative: false }),
    ],
);

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
    let rows = s
        .query(
            &UNIT_PAIRINGS,
            "SELECT p.unit_id, u.name, p.village_code, r.name, p.start_date, p.end_date, \
             p.joint_party_org, p.joint_party_org_date FROM unit_village_pairings p \
             JOIN units u ON u.unit_id = p.unit_id \
             LEFT JOIN regions r ON r.code = p.village_code \
             WHERE p.village_code BETWEEN ? AND ? ORDER BY p.village_code, p.start_date, p.unit_id",
            &range,
        )
        .await?;
    // The form counts every unit and village active today, also those outside reach (a unit of
    // the city paired with villages of several counties is 1+X wherever it is read).
    let active = s
        .query(
            &ACTIVE,
            "SELECT unit_id, village_code FROM unit_village_pairings \
             WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
            &[Arg::Date(today), Arg::Date(today)],
        )
        .await?;
    let mut units_on_village: HashMap<u64, usize> = HashMap::new();
    let mut villages_of_unit: HashMap<String, usize> = HashMap::new();
    for r in &active {
        if let (Some(unit), Some(village)) = (r[0].as_text(), r[1].as_region()) {
            *units_on_village.entry(village.as_u64()).or_default() += 1;
            *villages_of_unit.entry(unit.to_string()).or_default() += 1;
        }
    }
    let totals = s
        .query(
            &BINDING_TOTALS,
            "SELECT unit_id, village_code, kind, count(*), CAST(coalesce(sum(amount), 0) AS BIGINT) \
             FROM pairing_bindings WHERE village_code BETWEEN ? AND ? \
             GROUP BY unit_id, village_code, kind",
            &range,
        )
        .await?;
    let mut bindings: HashMap<(String, u64), ([u64; 3], Fen)> = HashMap::new();
    for r in totals {
        let (Some(unit), Some(village), Some(kind)) = (
            r[0].as_text(),
            r[1].as_region(),
            r[2].as_code().and_then(BindingKind::parse),
        ) else {
            continue;
        };
        let slot = bindings
            .entry((unit.to_string(), village.as_u64()))
            .or_default();
        let i = BindingKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0);
        slot.0[i] += r[3].as_int().unwrap_or(0) as u64;
        slot.1 = Fen(slot.1 .0 + r[4].as_money().unwrap_or_default().0);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(unit_id), Some(village), Some(start)) =
            (r[0].as_text(), r[2].as_region(), r[4].as_date())
        else {
            continue;
        };
        let end = r[5].as_date();
        let active_today = start <= today && end.is_none_or(|e| e >= today);
        let (counts, bound) = bindings
            .get(&(unit_id.to_string(), village.as_u64()))
            .copied()
            .unwrap_or_default();
        out.push(UnitPairingView {
            form: if active_today {
                form(
                    units_on_village
                        .get(&village.as_u64())
                        .copied()
                        .unwrap_or(0),
                    villages_of_unit.get(unit_id).copied().unwrap_or(0),
                )
            } else {
                None
            },
            unit_id: unit_id.to_string(),
            unit: r[1].as_text().unwrap_or_default().to_string(),
            village,
            village_name: r[3].as_text().unwrap_or_default().to_string(),
            start,
            end,
            joint_party_org: r[6].as_bool().unwrap_or(false),
            joint_party_org_date: r[7].as_date(),
            bindings: counts,
            bound,
        });
    }
    Ok(out)
}
