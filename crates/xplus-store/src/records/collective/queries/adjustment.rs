//! The SQL of the yearly equity adjustment (rules.md §8): the pools, the shares held and pledged
//! at the end of the year, the households the plan may touch, and the share ledger read back.

use crate::records::shape::HELD_SUM;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use chrono::NaiveDate;
use xplus_core::collective::adjust::Pool;
use xplus_core::collective::ledger::households_total;
use xplus_core::interchange::schema::SHARE_EVENTS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::income::per_capita;
use xplus_core::registry::{HouseholdStatus, RegionCode};
use xplus_core::Fen;

/// A project's share pool; rows missing any column are skipped.
pub(in crate::records) struct PoolRow(pub Pool<String>);

impl FromRow for PoolRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Projects,
        "pools",
        "股池",
        &[
            column("project_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("shares_per_household", COUNT),
            column("total_shares", COUNT),
            column("investor_shares", COUNT),
        ],
    );

    /// The households' total is the project's less its investors' shares (社会资本入股): none
    /// at all when the investors hold more than the total.
    fn from_row(r: Named<'_>) -> Option<Self> {
        let total = r.int("total_shares")?;
        let investors = r.int("investor_shares").unwrap_or(0);
        Some(PoolRow(Pool {
            project: r.text("project_id")?.to_string(),
            village: r.region("village_code")?.as_u64(),
            shares_per_household: r.int("shares_per_household")?,
            total_shares: households_total(total, investors).unwrap_or(0),
        }))
    }
}

/// Every project's pool with its investors' shares (no arguments).
pub(in crate::records) const POOLS: Query<PoolRow> = Query::new(
    "SELECT p.project_id, p.village_code, p.shares_per_household, p.total_shares, \
     CAST(COALESCE((SELECT sum(i.shares) FROM project_investors i \
       WHERE i.project_id = p.project_id), 0) AS BIGINT) \
     FROM projects p",
);

/// Shares of a project a household has pledged; rows missing any column are skipped.
pub(in crate::records) struct Pledged {
    pub project: String,
    pub household: String,
    pub pledged: i64,
}

impl FromRow for Pledged {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Loans,
        "pledged",
        "质押",
        &[
            column("project_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("pledged", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Pledged {
            project: r.text("project_id")?.to_string(),
            household: r.text("household_id")?.to_string(),
            pledged: r.int("pledged")?,
        })
    }
}

/// Shares pledged per project and household by loans started by Dec 31 (first argument) and not
/// repaid by Jan 1 of the next year (second).
pub(in crate::records) const PLEDGED: Query<Pledged> = Query::new(
    "SELECT project_id, household_id, CAST(sum(pledged_shares) AS BIGINT) FROM loans \
     WHERE start_date <= ? AND (repaid_date IS NULL OR repaid_date > ?) \
     GROUP BY project_id, household_id",
);

/// Shares of a project a household holds; rows missing any column are skipped.
pub(in crate::records) struct HeldRow {
    pub project: String,
    pub household: String,
    pub shares: i64,
}

impl FromRow for HeldRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "held",
        "持股",
        &[
            column("project_id", ColumnType::Text),
            column("household_id", ColumnType::Text),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HeldRow {
            project: r.text("project_id")?.to_string(),
            household: r.text("household_id")?.to_string(),
            shares: r.int("shares")?,
        })
    }
}

/// Shares held per project and household on a day (the one argument): the ledger summed.
pub(in crate::records) fn held_on_sql() -> String {
    format!(
        "SELECT e.project_id, e.household_id, {HELD_SUM} \
         FROM share_events e WHERE e.date <= ? GROUP BY e.project_id, e.household_id"
    )
}

/// A household the adjustment may touch; rows without household or village are skipped (one
/// without a known status still counts for its county, see `adjustment_plan`).
pub(in crate::records) struct AdjustmentHousehold {
    pub household: String,
    pub village: RegionCode,
    pub status: Option<HouseholdStatus>,
    pub exit_year: Option<i32>,
    pub per_capita_income: Option<Fen>,
}

impl FromRow for AdjustmentHousehold {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "adjustment_households",
        "调整对象",
        &[
            column("household_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("status", ColumnType::Enum(&HouseholdStatus::SPEC)),
            column("exit_year", ColumnType::Year),
            column("net", ColumnType::Money { negative: true }),
            column("members", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(AdjustmentHousehold {
            household: r.text("household_id")?.to_string(),
            village: r.region("village_code")?,
            status: r.code("status").and_then(HouseholdStatus::parse),
            exit_year: r.int("exit_year").map(|y| y as i32),
            per_capita_income: r
                .money("net")
                .and_then(|net| per_capita(net, r.int("members").unwrap_or(0))),
        })
    }
}

/// The households of a year's adjustment with their net income of the year (first argument)
/// and members: the poor and returned in villages with a project, and those exited (or
/// monitored) by the year (second argument) who hold shares.
pub(in crate::records) fn adjustment_households_sql() -> String {
    format!(
        "SELECT h.household_id, h.village_code, h.status, h.exit_year, {}, \
         (SELECT count(*) FROM members m WHERE m.household_id = h.household_id) \
         FROM households h LEFT JOIN incomes i ON i.household_id = h.household_id AND i.year = ? \
         WHERE (h.village_code IN (SELECT village_code FROM projects) \
         AND (h.status = 'poor' OR h.status = 'returned')) \
         OR ((h.status = 'exited' OR h.status = 'monitored') AND h.exit_year <= ? \
             AND h.household_id IN (SELECT household_id FROM share_events))",
        crate::sql::NET_INCOME_OF_I
    )
}

/// A share event as stored (a share_events.csv row), each column when present; the kind as
/// its code.
pub(in crate::records) struct LedgerRow {
    pub project: Option<String>,
    pub household: Option<String>,
    pub date: Option<NaiveDate>,
    pub kind: Option<&'static str>,
    pub shares: Option<i64>,
}

impl FromRow for LedgerRow {
    const SHAPE: &'static FileSpec = &SHARE_EVENTS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LedgerRow {
            project: r.text("project_id").map(str::to_string),
            household: r.text("household_id").map(str::to_string),
            date: r.date("date"),
            kind: r.code("kind"),
            shares: r.int("shares"),
        })
    }
}
