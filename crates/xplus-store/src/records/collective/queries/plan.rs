//! The SQL of the empty-shell plan: each planned village with its operating income of a year.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::collective::economy::{PLAN_FIRST_YEAR, PLAN_LAST_YEAR};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// A village of the plan with its planned year, measure and income of the year (if recorded);
/// rows without a village or a year are skipped.
pub(in crate::records) struct PlanRow {
    pub code: RegionCode,
    pub name: String,
    pub planned_year: i32,
    pub measure: Option<String>,
    pub income: Option<Fen>,
}

impl FromRow for PlanRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::EmptyShellPlan,
        "plan_progress",
        "空壳村消除进度",
        &[
            column("village_code", ColumnType::Region),
            column("name", ColumnType::Text),
            // As the table holds it (the bundle's whole number, not a `Year`).
            column(
                "planned_year",
                ColumnType::Int {
                    min: PLAN_FIRST_YEAR,
                    max: PLAN_LAST_YEAR,
                },
            ),
            column("measure", ColumnType::Text),
            column("operating_income", ColumnType::Money { negative: false }),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PlanRow {
            code: r.region("village_code")?,
            name: r.string("name"),
            planned_year: i32::try_from(r.int("planned_year")?).ok()?,
            measure: r.text("measure").map(str::to_string),
            income: r.money("operating_income"),
        })
    }
}

/// The planned villages between two codes (second and third arguments) with their income of a
/// year (first), by village.
pub(in crate::records) const PLAN_PROGRESS: Query<PlanRow> = Query::new(
    "SELECT p.village_code, r.name, p.planned_year, p.measure, c.operating_income \
     FROM empty_shell_plan p LEFT JOIN regions r ON r.code = p.village_code \
     LEFT JOIN collective_income c ON c.village_code = p.village_code AND c.year = ? \
     WHERE p.village_code BETWEEN ? AND ? ORDER BY p.village_code",
);
