//! The SQL of the 骨干 activity reads: visits per cadre, and the units' village pairings with
//! what is bound to them.

use crate::session::rows::{Count, FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::backbone::BindingKind;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// A visit of a cadre on a day; rows without either are skipped.
pub(in crate::records) struct VisitDay {
    pub cadre_id: String,
    pub date: NaiveDate,
}

impl FromRow for VisitDay {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visit_days",
        "走访",
        &[
            column("cadre_id", ColumnType::Text),
            column("date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VisitDay {
            cadre_id: r.text("cadre_id")?.to_string(),
            date: r.date("date")?,
        })
    }
}

/// One cadre's visits between two days: the cadre's id, the first and the last day.
pub(in crate::records) const VISITS_OF_CADRE: Query<VisitDay> =
    Query::new("SELECT cadre_id, date FROM visits WHERE cadre_id = ? AND date BETWEEN ? AND ?");

/// Visits between two days (first, last) to households of the villages between two codes.
pub(in crate::records) const VISITS_IN: Query<VisitDay> = Query::new(
    "SELECT v.cadre_id, v.date FROM visits v \
     JOIN households h ON h.household_id = v.household_id \
     WHERE v.date BETWEEN ? AND ? AND h.village_code BETWEEN ? AND ?",
);

/// A cadre with the name of the unit it belongs to.
pub(in crate::records) struct CadreName {
    pub cadre_id: String,
    pub name: String,
    pub unit: String,
}

impl FromRow for CadreName {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Cadres,
        "cadre_names",
        "干部",
        &[
            column("cadre_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("unit", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CadreName {
            cadre_id: r.string("cadre_id"),
            name: r.string("name"),
            unit: r.string("unit"),
        })
    }
}

/// Every cadre with its unit's name (no arguments).
pub(in crate::records) const CADRE_NAMES: Query<CadreName> = Query::new(
    "SELECT c.cadre_id, c.name, u.name FROM cadres c JOIN units u ON u.unit_id = c.unit_id",
);

/// A unit's pairing with a village, with both names; rows without unit, village or start are
/// skipped.
pub(in crate::records) struct UnitPairingRow {
    pub unit_id: String,
    pub unit: String,
    pub village: RegionCode,
    pub village_name: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub joint_party_org: bool,
    pub joint_party_org_date: Option<NaiveDate>,
}

impl FromRow for UnitPairingRow {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UnitPairingRow {
            unit_id: r.text("unit_id")?.to_string(),
            unit: r.string("unit"),
            village: r.region("village_code")?,
            village_name: r.string("village"),
            start: r.date("start_date")?,
            end: r.date("end_date"),
            joint_party_org: r.boolean("joint_party_org").unwrap_or(false),
            joint_party_org_date: r.date("joint_party_org_date"),
        })
    }
}

/// The unit pairings of the villages between two codes, by village, start and unit.
pub(in crate::records) const UNIT_PAIRINGS_IN: Query<UnitPairingRow> = Query::new(
    "SELECT p.unit_id, u.name, p.village_code, r.name, p.start_date, p.end_date, \
     p.joint_party_org, p.joint_party_org_date FROM unit_village_pairings p \
     JOIN units u ON u.unit_id = p.unit_id \
     LEFT JOIN regions r ON r.code = p.village_code \
     WHERE p.village_code BETWEEN ? AND ? ORDER BY p.village_code, p.start_date, p.unit_id",
);

/// One page of `UNIT_PAIRINGS_IN` (the two codes, limit, offset).
pub(in crate::records) const UNIT_PAIRINGS_PAGE: Query<UnitPairingRow> = Query::new(
    "SELECT p.unit_id, u.name, p.village_code, r.name, p.start_date, p.end_date, \
     p.joint_party_org, p.joint_party_org_date FROM unit_village_pairings p \
     JOIN units u ON u.unit_id = p.unit_id \
     LEFT JOIN regions r ON r.code = p.village_code \
     WHERE p.village_code BETWEEN ? AND ? ORDER BY p.village_code, p.start_date, p.unit_id \
     LIMIT ? OFFSET ?",
);

/// The rows of `UNIT_PAIRINGS_IN` (the two codes), counted; the join keeps the same rows.
pub(in crate::records) const UNIT_PAIRINGS_COUNT: Query<Count> = Query::new(
    "SELECT count(*) FROM unit_village_pairings p JOIN units u ON u.unit_id = p.unit_id \
     WHERE p.village_code BETWEEN ? AND ?",
);

/// A unit paired with a village; rows without either are skipped.
pub(in crate::records) struct ActivePairing {
    pub unit_id: String,
    pub village: RegionCode,
}

impl FromRow for ActivePairing {
    const SHAPE: &'static FileSpec = &shape(
        FileId::UnitVillagePairings,
        "active_unit_pairings",
        "在包",
        &[
            column("unit_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(ActivePairing {
            unit_id: r.text("unit_id")?.to_string(),
            village: r.region("village_code")?,
        })
    }
}

/// Every unit pairing active on a day (the day, twice), anywhere.
pub(in crate::records) const ACTIVE_PAIRINGS: Query<ActivePairing> = Query::new(
    "SELECT unit_id, village_code FROM unit_village_pairings \
     WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
);

/// How many bindings of a kind a unit has in a village, and their amounts; rows without unit,
/// village or a known kind are skipped.
pub(in crate::records) struct BindingTotal {
    pub unit_id: String,
    pub village: RegionCode,
    pub kind: BindingKind,
    pub n: u64,
    pub amount: Fen,
}

impl FromRow for BindingTotal {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(BindingTotal {
            unit_id: r.text("unit_id")?.to_string(),
            village: r.region("village_code")?,
            kind: r.code("kind").and_then(BindingKind::parse)?,
            n: r.int("n").unwrap_or(0) as u64,
            amount: r.money("amount").unwrap_or_default(),
        })
    }
}

/// Bindings per unit, village and kind in the villages between two codes.
pub(in crate::records) const BINDING_TOTALS_IN: Query<BindingTotal> = Query::new(
    "SELECT unit_id, village_code, kind, count(*), CAST(coalesce(sum(amount), 0) AS BIGINT) \
     FROM pairing_bindings WHERE village_code BETWEEN ? AND ? \
     GROUP BY unit_id, village_code, kind",
);
