//! The SQL of 基层党组织建设 (party_building.rs): the weak organisations listed by a year and
//! the standardisation checks of a year dated by its Dec 31, in the villages between two codes.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::backbone::party_building::{Check, StandardItem, WeakListing};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};

impl FromRow for WeakListing {
    const SHAPE: &'static FileSpec = &shape(
        FileId::WeakOrganisations,
        "weak_listings",
        "软弱涣散村党组织",
        &[
            column("village_code", ColumnType::Region),
            column("year", ColumnType::Year),
            column("leader", ColumnType::Text),
            column("rectified_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(WeakListing {
            village: r.region("village_code")?,
            year: r.int("year").and_then(|y| i32::try_from(y).ok())?,
            leader: r.string("leader"),
            rectified: r.date("rectified_date"),
        })
    }
}

/// Weak organisations listed in a year or before; `?`: the year, then the two codes.
pub(in crate::records) const WEAK_IN: Query<WeakListing> = Query::new(
    "SELECT village_code, year, leader, rectified_date FROM weak_organisations \
     WHERE year <= ? AND village_code BETWEEN ? AND ? ORDER BY village_code, year",
);

/// One check with its village.
pub(in crate::records) struct CheckRow {
    pub village: xplus_core::registry::RegionCode,
    pub check: Check,
}

impl FromRow for CheckRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::StandardisationChecks,
        "standard_checks",
        "党组织标准化建设",
        &[
            column("village_code", ColumnType::Region),
            column("item", ColumnType::Enum(&StandardItem::SPEC)),
            column("met", ColumnType::Bool),
            column("checked_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CheckRow {
            village: r.region("village_code")?,
            check: Check {
                item: r.code("item").and_then(StandardItem::parse)?,
                met: r.boolean("met").unwrap_or(false),
                checked_on: r.date("checked_date")?,
            },
        })
    }
}

/// The checks of a year dated by a day; `?`: the year, the day, then the two codes.
pub(in crate::records) const CHECKS_IN: Query<CheckRow> = Query::new(
    "SELECT village_code, item, met, checked_date FROM standardisation_checks \
     WHERE year = ? AND checked_date <= ? AND village_code BETWEEN ? AND ?",
);
