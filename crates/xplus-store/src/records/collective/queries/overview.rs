//! The SQL of the 集体 reads: the villages' income of a year, pledge loans per county, a
//! project's holders and payments by year, and a household's holdings and payments.

use crate::records::shape::HELD_SUM;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT, SIGNED};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

const MONEY: ColumnType = ColumnType::Money { negative: false };

/// A village with its operating income of the year, if recorded; rows without a village are
/// skipped.
pub(in crate::records) struct VillageIncome {
    pub code: RegionCode,
    pub name: String,
    pub poor_village: bool,
    pub income: Option<Fen>,
}

impl FromRow for VillageIncome {
    const SHAPE: &'static FileSpec = &shape(
        FileId::CollectiveIncome,
        "village_income",
        "集体经营性收入",
        &[
            column("village_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("poor_village", ColumnType::Bool),
            column("operating_income", MONEY),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageIncome {
            code: r.region("village_code")?,
            name: r.string("name"),
            poor_village: r.boolean("poor_village").unwrap_or(false),
            income: r.money("operating_income"),
        })
    }
}

/// The villages between two codes (second and third arguments) with their income of a year
/// (first), by village.
pub(in crate::records) const VILLAGE_INCOMES: Query<VillageIncome> = Query::new(
    "SELECT v.village_code, r.name, v.poor_village, c.operating_income FROM villages v \
     LEFT JOIN regions r ON r.code = v.village_code \
     LEFT JOIN collective_income c ON c.village_code = v.village_code AND c.year = ? \
     WHERE v.village_code BETWEEN ? AND ? ORDER BY v.village_code",
);

/// An operating income recorded.
pub(in crate::records) struct IncomeOnly {
    pub income: Option<Fen>,
}

impl FromRow for IncomeOnly {
    const SHAPE: &'static FileSpec = &shape(
        FileId::CollectiveIncome,
        "income",
        "集体经营性收入",
        &[column("operating_income", MONEY)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(IncomeOnly {
            income: r.money("operating_income"),
        })
    }
}

/// The incomes of a year (first argument) of the villages between two codes.
pub(in crate::records) const INCOMES_OF_YEAR: Query<IncomeOnly> = Query::new(
    "SELECT operating_income FROM collective_income \
     WHERE year = ? AND village_code BETWEEN ? AND ?",
);

/// A county's pledge loans: issued, and still outstanding, with their amounts; rows without a
/// county or a count are skipped.
pub(in crate::records) struct CountyLoanRow {
    pub county: RegionCode,
    pub name: String,
    pub issued: u64,
    pub issued_amount: Fen,
    pub outstanding: u64,
    pub outstanding_amount: Fen,
}

impl FromRow for CountyLoanRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Loans,
        "county_loans",
        "农权贷",
        &[
            column("county_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("issued", COUNT),
            column("issued_amount", MONEY),
            column("outstanding", COUNT),
            column("outstanding_amount", MONEY),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        let issued = r.int("issued")?.max(0) as u64;
        Some(CountyLoanRow {
            county: r.region("county_code")?,
            name: r.string("name"),
            issued,
            issued_amount: r.money("issued_amount").unwrap_or_default(),
            outstanding: r.count("outstanding"),
            outstanding_amount: r.money("outstanding_amount").unwrap_or_default(),
        })
    }
}

/// Loans started by a day to households of the villages between two codes, per county, and of
/// them those not repaid by that day; arguments: the day three times, the two codes.
pub(in crate::records) const COUNTY_LOANS: Query<CountyLoanRow> = Query::new(
    "SELECT l.county_code, r.name, count(*), CAST(sum(l.amount) AS BIGINT), \
     CAST(sum(CASE WHEN l.repaid_date IS NULL OR l.repaid_date > ? THEN 1 ELSE 0 END) AS BIGINT), \
     CAST(sum(CASE WHEN l.repaid_date IS NULL OR l.repaid_date > ? THEN l.amount ELSE 0 END) AS BIGINT) \
     FROM loans l LEFT JOIN regions r ON r.code = l.county_code \
     WHERE l.start_date <= ? AND l.household_id IN \
       (SELECT household_id FROM households WHERE village_code BETWEEN ? AND ?) \
     GROUP BY l.county_code, r.name ORDER BY l.county_code",
);

/// A household's shares in a project; rows without either are skipped.
pub(in crate::records) struct Holder {
    pub household_id: String,
    pub shares: i64,
}

impl FromRow for Holder {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "holders",
        "持股户",
        &[
            column("household_id", ColumnType::Text),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Holder {
            household_id: r.text("household_id")?.to_string(),
            shares: r.int("shares")?,
        })
    }
}

/// A project's (first argument) shares held on a day (second) per household of the villages
/// between two codes, by household.
pub(in crate::records) fn holders_sql() -> String {
    format!(
        "SELECT e.household_id, {HELD_SUM} \
         FROM share_events e WHERE e.project_id = ? AND e.date <= ? AND e.household_id IN \
           (SELECT household_id FROM households WHERE village_code BETWEEN ? AND ?) \
         GROUP BY e.household_id ORDER BY e.household_id"
    )
}

/// A year of a project's dividends: payments recorded, paid and distributable; rows without a
/// year are skipped.
pub(in crate::records) struct PaymentsOfYear {
    pub year: i32,
    pub payments: u64,
    pub amount: Fen,
    pub distributable: Option<Fen>,
}

impl FromRow for PaymentsOfYear {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DividendPayments,
        "payments_by_year",
        "分红",
        &[
            column("year", ColumnType::Year),
            column("payments", COUNT),
            column("amount", MONEY),
            column("distributable", MONEY),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PaymentsOfYear {
            year: r.int("year")? as i32,
            payments: r.count("payments"),
            amount: r.money("amount").unwrap_or_default(),
            distributable: r.money("distributable"),
        })
    }
}

/// A project's (its id) years with a distribution and what was paid in each, by year.
pub(in crate::records) const PAYMENTS_BY_YEAR: Query<PaymentsOfYear> = Query::new(
    "SELECT d.year, (SELECT count(*) FROM dividend_payments p WHERE p.project_id = d.project_id AND p.year = d.year), \
     (SELECT CAST(coalesce(sum(p.amount), 0) AS BIGINT) FROM dividend_payments p WHERE p.project_id = d.project_id AND p.year = d.year), \
     d.distributable FROM distributions d WHERE d.project_id = ? ORDER BY d.year",
);

/// A household's shares in a project, with the project's name; rows without project or shares
/// are skipped.
pub(in crate::records) struct HouseholdHolding {
    pub project_id: String,
    pub name: String,
    pub shares: i64,
}

impl FromRow for HouseholdHolding {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "household_holdings",
        "本户持股",
        &[
            column("project_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HouseholdHolding {
            project_id: r.text("project_id")?.to_string(),
            name: r.string("name"),
            shares: r.int("shares")?,
        })
    }
}

/// A household's (first argument) shares held on a day (second) per project, by project.
pub(in crate::records) fn household_holdings_sql() -> String {
    format!(
        "SELECT e.project_id, p.name, {HELD_SUM} \
         FROM share_events e JOIN projects p ON p.project_id = e.project_id \
         WHERE e.household_id = ? AND e.date <= ? GROUP BY e.project_id, p.name ORDER BY e.project_id"
    )
}

/// A dividend paid to a household; rows missing any column are skipped.
pub(in crate::records) struct HouseholdPayment {
    pub project_id: String,
    pub year: i32,
    pub shares: i64,
    pub amount: Fen,
}

impl FromRow for HouseholdPayment {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DividendPayments,
        "household_payments",
        "本户分红",
        &[
            column("project_id", ColumnType::Text),
            column("year", ColumnType::Year),
            column("shares", COUNT),
            column("amount", MONEY),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(HouseholdPayment {
            project_id: r.text("project_id")?.to_string(),
            year: r.int("year")? as i32,
            shares: r.int("shares")?,
            amount: r.money("amount")?,
        })
    }
}

/// The dividends paid to a household (its id), by year and project.
pub(in crate::records) const HOUSEHOLD_PAYMENTS: Query<HouseholdPayment> = Query::new(
    "SELECT project_id, year, shares, amount FROM dividend_payments \
     WHERE household_id = ? ORDER BY year, project_id",
);
