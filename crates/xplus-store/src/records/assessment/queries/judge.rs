//! What the yearly assessment asks besides the households' facts: the counties to go through, a
//! county's poor villages with the year's collective income (§4), and one household's conditions
//! for the "why" view.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

const MONEY: ColumnType = ColumnType::Money { negative: true };

/// A county with households.
pub(in crate::records) struct County {
    pub code: RegionCode,
}

impl FromRow for County {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "assessment_counties",
        "评估县",
        &[column("county_code", ColumnType::Region)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(County {
            code: r.region("county_code")?,
        })
    }
}

/// The counties with households, in code order (no arguments).
pub(in crate::records) const COUNTIES: Query<County> =
    Query::new("SELECT DISTINCT county_code FROM households ORDER BY county_code");

/// A village of a county with its year's collective income, as §4 reads it.
pub(in crate::records) struct VillageRow {
    pub village: RegionCode,
    pub poor_village: Option<bool>,
    pub population: Option<i64>,
    pub exit_year: Option<i32>,
    pub operating_income: Option<Fen>,
}

impl FromRow for VillageRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "assessment_villages",
        "评估村",
        &[
            column("village_code", ColumnType::Region),
            column("poor_village", ColumnType::Bool),
            column("population", COUNT),
            column("exit_year", ColumnType::Year),
            column("operating_income", MONEY),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageRow {
            village: r.region("village_code")?,
            poor_village: r.boolean("poor_village"),
            population: r.int("population"),
            exit_year: r.int("exit_year").map(|y| y as i32),
            operating_income: r.money("operating_income"),
        })
    }
}

/// The villages of a county with their collective income of a year, in code order; the
/// arguments are the year, then the county.
pub(in crate::records) const COUNTY_VILLAGES: Query<VillageRow> = Query::new(
    "SELECT v.village_code, v.poor_village, v.population, v.exit_year, c.operating_income \
     FROM villages v LEFT JOIN collective_income c \
     ON c.village_code = v.village_code AND c.year = ? \
     WHERE v.county_code = ? ORDER BY v.village_code",
);

/// `scope` (conditions over `households`, unqualified) narrowed to one household, whose id is
/// the last argument.
pub(in crate::records) fn one_household(scope: Filter, household_id: &str) -> Filter {
    scope.and(
        "household_id = ?",
        vec![Arg::Text(household_id.to_string())],
    )
}
