//! What the full chain (rules.md §6) asks besides the other modules' reads: the households
//! paired with a cadre, the shares they hold, the units paired with their villages and the
//! shares left in the villages' project pools.

use crate::records::shape::HELD_SUM;
use crate::session::filter::marks;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use xplus_core::backbone::pairing::Span;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// A household's pairing with a cadre, and its span.
pub(in crate::records) struct CadrePairing {
    pub household_id: String,
    pub span: Span,
}

impl FromRow for CadrePairing {
    const SHAPE: &'static FileSpec = &shape(
        FileId::CadreHouseholdPairings,
        "chain_pairings",
        "结对",
        &[
            column("household_id", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
            column("cadre_id", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CadrePairing {
            household_id: r.text("household_id")?.to_string(),
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
        })
    }
}

/// The cadre pairings begun by a day (the first argument), for `within_scope` to narrow to the
/// households in reach (`{within}`, the scope's arguments after the day).
pub(in crate::records) const CADRE_PAIRINGS: Query<CadrePairing> = Query::new(
    "SELECT p.household_id, p.start_date, p.end_date, p.cadre_id \
     FROM cadre_household_pairings p WHERE p.start_date <= ?{within}",
);

/// The shares a household holds in a project (grants minus reclaims).
pub(in crate::records) struct Holding {
    pub household_id: String,
    pub shares: i64,
}

impl FromRow for Holding {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "chain_held",
        "持股",
        &[
            column("household_id", ColumnType::Text),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Holding {
            household_id: r.text("household_id")?.to_string(),
            shares: r.int("shares")?,
        })
    }
}

/// The shares each household holds in each project on a day (the first argument), for
/// `within_scope` to narrow to the households in reach (`{within}`, the scope's arguments after
/// the day); read as [`Holding`].
pub(in crate::records) fn holdings() -> String {
    format!(
        "SELECT e.household_id, {HELD_SUM} FROM share_events e \
         WHERE e.date <= ?{{within}} GROUP BY e.household_id, e.project_id"
    )
}

/// A unit's pairing with a village, and its span.
pub(in crate::records) struct UnitPairing {
    pub village: RegionCode,
    pub span: Span,
    pub unit: String,
}

impl FromRow for UnitPairing {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UnitPairing {
            village: r.region("village_code")?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
            unit: r.text("unit_id")?.to_string(),
        })
    }
}

/// The unit pairings of `villages` villages, whose codes are the arguments; read as
/// [`UnitPairing`].
pub(in crate::records) fn unit_pairings_in(villages: usize) -> String {
    format!(
        "SELECT village_code, start_date, end_date, unit_id \
         FROM unit_village_pairings WHERE village_code IN ({})",
        marks(villages)
    )
}

/// A project's pool: its shares and those held on the day asked for.
pub(in crate::records) struct Pool {
    pub project: String,
    pub village: RegionCode,
    pub total: i64,
    pub held: i64,
}

impl FromRow for Pool {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Pool {
            project: r.text("project_id")?.to_string(),
            village: r.region("village_code")?,
            total: r.int("total_shares")?,
            held: r.int("held")?,
        })
    }
}

/// The projects of `villages` villages with the shares held in each on a day: the arguments are
/// the day, then the villages' codes; read as [`Pool`].
pub(in crate::records) fn pools_in(villages: usize) -> String {
    format!(
        "SELECT p.project_id, p.village_code, p.total_shares, \
         CAST(coalesce((SELECT sum(CASE WHEN e.kind = 'grant' THEN e.shares ELSE -e.shares END) \
           FROM share_events e WHERE e.project_id = p.project_id AND e.date <= ?), 0) AS BIGINT) \
         FROM projects p WHERE p.village_code IN ({})",
        marks(villages)
    )
}

/// What a village offers the two links that depend on it: whether it is a poor village (units
/// are paired with those) and whether a project of it granted shares by a day.
pub(in crate::records) struct VillageOffer {
    pub village: RegionCode,
    pub poor: bool,
    pub project: bool,
}

impl FromRow for VillageOffer {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "chain_village_offer",
        "村可提供的环节",
        &[
            column("village_code", ColumnType::Region),
            column("poor_village", ColumnType::Bool),
            column("project", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageOffer {
            village: r.region("village_code")?,
            poor: r.boolean("poor_village").unwrap_or(false),
            project: r.int("project").is_some_and(|n| n > 0),
        })
    }
}

/// [`VillageOffer`] of `villages` villages: the arguments are the day, then the villages' codes.
/// A project counts from its first grant (配股): projects carry no date of their own, and a year's
/// figure must not move when a later project is registered.
pub(in crate::records) fn village_offers_in(villages: usize) -> String {
    format!(
        "SELECT v.village_code, v.poor_village, \
         CAST(CASE WHEN EXISTS (SELECT 1 FROM projects p JOIN share_events e \
           ON e.project_id = p.project_id \
           WHERE p.village_code = v.village_code AND e.kind = 'grant' AND e.date <= ?) \
         THEN 1 ELSE 0 END AS BIGINT) AS project \
         FROM villages v WHERE v.village_code IN ({})",
        marks(villages)
    )
}
