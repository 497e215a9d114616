//! The SQL of the 骨干 pairing writes and reads, and the bundle rows they read by name: the
//! household and village a pairing is checked against, the stored cadre↔household pairings,
//! the 谁来扶 candidates and a household's helpers.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::backbone::pairing::Span;
use xplus_core::backbone::CadreRole;
use xplus_core::interchange::schema::{
    CADRE_HOUSEHOLD_PAIRINGS, HOUSEHOLDS, UNIT_VILLAGE_PAIRINGS, VILLAGES,
};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode};

/// What a pairing write needs of its household (a households.csv row): its status (poor when
/// unknown, the strictest), exit year and county.
pub(in crate::records) struct PairedHousehold {
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
    pub county: Option<RegionCode>,
}

impl FromRow for PairedHousehold {
    const SHAPE: &'static FileSpec = &HOUSEHOLDS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PairedHousehold {
            status: r
                .code("status")
                .and_then(HouseholdStatus::parse)
                .unwrap_or(HouseholdStatus::Poor),
            exit_year: r.int("exit_year").map(|y| y as i32),
            county: r.region("village_code").and_then(RegionCode::county),
        })
    }
}

/// A cadre↔household pairing (a cadre_household_pairings.csv row): the cadre, and the span when
/// the row has a start.
pub(in crate::records) struct StoredPairing {
    pub cadre_id: String,
    pub span: Option<Span>,
}

impl FromRow for StoredPairing {
    const SHAPE: &'static FileSpec = &CADRE_HOUSEHOLD_PAIRINGS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StoredPairing {
            cadre_id: r.string("cadre_id"),
            span: r.date("start_date").map(|start| Span {
                start,
                end: r.date("end_date"),
            }),
        })
    }
}

/// A unit's village pairing as it is written (a unit_village_pairings.csv row); None without
/// unit, village or start.
pub(in crate::records) struct UnitPairingKey {
    pub unit_id: String,
    pub village: RegionCode,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl FromRow for UnitPairingKey {
    const SHAPE: &'static FileSpec = &UNIT_VILLAGE_PAIRINGS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UnitPairingKey {
            unit_id: r.text("unit_id")?.to_string(),
            village: r.region("village_code")?,
            start: r.date("start_date")?,
            end: r.date("end_date"),
        })
    }
}

/// Whether a village (a villages.csv row) was poor and the year it exited.
pub(in crate::records) struct VillageExit {
    pub poor: bool,
    pub exit_year: Option<i64>,
}

impl FromRow for VillageExit {
    const SHAPE: &'static FileSpec = &VILLAGES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageExit {
            poor: r.boolean("poor_village").unwrap_or(false),
            exit_year: r.int("exit_year"),
        })
    }
}

/// A household without a helper; rows without household or village are skipped.
pub(in crate::records) struct Unpaired {
    pub household_id: String,
    pub village: RegionCode,
}

impl FromRow for Unpaired {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "unpaired_households",
        "未结对贫困户",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Unpaired {
            household_id: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
        })
    }
}

/// `scope` narrowed to the poor and returned households that no cadre helps on `today`.
pub(in crate::records) fn unpaired_filter(scope: Filter, today: NaiveDate) -> Filter {
    scope.and("status IN ('poor', 'returned')", vec![]).and(
        "household_id NOT IN (SELECT household_id FROM cadre_household_pairings \
             WHERE start_date <= ? AND (end_date IS NULL OR end_date >= ?))",
        vec![Arg::Date(today), Arg::Date(today)],
    )
}

/// The households matching `filter` (its arguments are the query's), by village and id.
pub(in crate::records) fn unpaired_sql(filter: &Filter) -> String {
    format!(
        "SELECT household_id, village_code FROM households{} ORDER BY village_code, household_id",
        filter.render_where(&mut || "?".into())
    )
}

/// A cadre of a unit paired with a village, and how many households it helps; rows without
/// village or cadre are skipped.
pub(in crate::records) struct VillageHelper {
    pub village: RegionCode,
    pub cadre_id: String,
    pub name: String,
    pub load: u32,
}

impl FromRow for VillageHelper {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Cadres,
        "village_helpers",
        "包村单位干部",
        &[
            column("village_code", ColumnType::Region),
            column("cadre_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("load", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageHelper {
            village: r.region("village_code")?,
            cadre_id: r.text("cadre_id")?.to_string(),
            name: r.string("name"),
            load: r.int("load").unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
        })
    }
}

/// The cadres (not graduate officials) of the units paired on a day with the villages between
/// two codes, with the households each helps that day; arguments: the day twice (the load),
/// the two codes, the day twice (the unit's pairing). By village, then cadre.
pub(in crate::records) const VILLAGE_HELPERS: Query<VillageHelper> = Query::new(
    "SELECT p.village_code, c.cadre_id, c.name, \
       (SELECT count(*) FROM cadre_household_pairings x WHERE x.cadre_id = c.cadre_id \
          AND x.start_date <= ? AND (x.end_date IS NULL OR x.end_date >= ?)) \
     FROM unit_village_pairings p JOIN cadres c ON c.unit_id = p.unit_id \
     WHERE p.village_code BETWEEN ? AND ? \
       AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) \
       AND c.role <> 'graduate_official' \
     ORDER BY p.village_code, c.cadre_id",
);

/// One of a household's pairings with who the cadre is; rows without cadre or start are
/// skipped.
pub(in crate::records) struct HouseholdPairing {
    pub cadre_id: String,
    pub name: String,
    pub role: Option<CadreRole>,
    pub unit: String,
    pub span: Span,
}

impl FromRow for HouseholdPairing {
    const SHAPE: &'static FileSpec = &shape(
        FileId::CadreHouseholdPairings,
        "household_pairings",
        "本户帮扶干部",
        &[
            column("cadre_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("role", ColumnType::Enum(&CadreRole::SPEC)),
            column("unit", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let span = Span {
            start: r.date("start_date")?,
            end: r.date("end_date"),
        };
        Some(HouseholdPairing {
            cadre_id: r.text("cadre_id")?.to_string(),
            name: r.string("name"),
            role: r.code("role").and_then(CadreRole::parse),
            unit: r.string("unit"),
            span,
        })
    }
}

/// A household's pairings (its id), oldest first, then by cadre.
pub(in crate::records) const HOUSEHOLD_PAIRINGS: Query<HouseholdPairing> = Query::new(
    "SELECT p.cadre_id, c.name, c.role, u.name, p.start_date, p.end_date \
     FROM cadre_household_pairings p JOIN cadres c ON c.cadre_id = p.cadre_id \
     JOIN units u ON u.unit_id = c.unit_id \
     WHERE p.household_id = ? ORDER BY p.start_date, p.cadre_id",
);
