//! The SQL of the yearly dividends (rules.md §8): each project's distributable income, the
//! shares held on Dec 31, and the payments recorded.

use crate::records::shape::HELD_SUM;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// A project's distributable income of a year (none recorded as zero); rows without a project
/// are skipped.
pub(in crate::records) struct Distributable {
    pub project_id: String,
    pub distributable: Fen,
}

impl FromRow for Distributable {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Distributions,
        "distributable",
        "可分配收益",
        &[
            column("project_id", ColumnType::Text),
            column("distributable", ColumnType::Money { negative: false }),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Distributable {
            project_id: r.text("project_id")?.to_string(),
            distributable: r.money("distributable").unwrap_or_default(),
        })
    }
}

/// The distributions of a year (its number), by project.
pub(in crate::records) const DISTRIBUTABLE: Query<Distributable> = Query::new(
    "SELECT project_id, distributable FROM distributions WHERE year = ? ORDER BY project_id",
);

/// Shares of a project a household holds, and the household's county; rows without project,
/// household or shares are skipped.
pub(in crate::records) struct HoldingRow {
    pub project: String,
    pub household: String,
    pub county: Option<RegionCode>,
    pub shares: i64,
}

impl FromRow for HoldingRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "holdings_on",
        "持股",
        &[
            column("project_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HoldingRow {
            project: r.text("project_id")?.to_string(),
            household: r.text("household_id")?.to_string(),
            county: r.region("village_code").and_then(RegionCode::county),
            shares: r.int("shares")?,
        })
    }
}

/// Shares held on a day (first argument) per project with a distribution in a year (second) and
/// household, with the household's village: the ledger summed up to that day.
pub(in crate::records) fn holdings_on_sql() -> String {
    format!(
        "SELECT e.project_id, e.household_id, h.village_code, {HELD_SUM} \
         FROM share_events e JOIN households h ON h.household_id = e.household_id \
         WHERE e.date <= ? AND e.project_id IN (SELECT project_id FROM distributions WHERE year = ?) \
         GROUP BY e.project_id, e.household_id, h.village_code"
    )
}

/// A dividend payment recorded (a missing column as empty or zero).
pub(in crate::records) struct Paid {
    pub project: String,
    pub household: String,
    pub shares: i64,
    pub amount: Fen,
}

impl FromRow for Paid {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DividendPayments,
        "paid",
        "已发放",
        &[
            column("project_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("shares", COUNT),
            column("amount", ColumnType::Money { negative: false }),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Paid {
            project: r.string("project_id"),
            household: r.string("household_id"),
            shares: r.int("shares").unwrap_or(0),
            amount: r.money("amount").unwrap_or_default(),
        })
    }
}

/// The payments recorded for a year (its number).
pub(in crate::records) const PAID: Query<Paid> = Query::new(
    "SELECT project_id, household_id, shares, amount FROM dividend_payments WHERE year = ?",
);
