//! 集体 reads within an account's reach: the villages' collective economy of a year against the
//! §9 targets, pledge loans per county, one project with its holders and payments, and one
//! household's shares, dividends and loans.

use crate::error::StoreError;
use crate::records::collective::assets::holder_of;
use crate::records::registry::read::household_scope;
use crate::records::shape::{column, count_of, shape, village_bounds, COUNT, HELD_SUM, SIGNED};
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::collective::economy::{is_empty_shell, is_strong, AssetHolder};
use xplus_core::interchange::schema::{LOANS, PROJECTS};
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;

const MONEY: ColumnType = ColumnType::Money { negative: false };

static VILLAGE_INCOME: FileSpec = shape(
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

static INCOME_ONLY: FileSpec = shape(
    FileId::CollectiveIncome,
    "income",
    "集体经营性收入",
    &[column("operating_income", MONEY)],
);

static COUNTY_LOANS: FileSpec = shape(
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageEconomy {
    pub code: RegionCode,
    pub name: String,
    pub poor_village: bool,
    /// None when no income is recorded for the year.
    pub income: Option<Fen>,
    pub empty_shell: bool,
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyLoans {
    pub county: RegionCode,
    pub name: String,
    pub issued: u64,
    pub issued_amount: Fen,
    pub outstanding: u64,
    pub outstanding_amount: Fen,
    pub repaid: u64,
    pub repaid_amount: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectiveOverview {
    pub year: i32,
    pub villages: Vec<VillageEconomy>,
    pub empty_shell: u64,
    pub empty_shell_last_year: u64,
    /// The "123" target for the year (fewer than last year), when the plan names it.
    pub reduction_target: Option<u32>,
    pub strong: u64,
    pub reported: u64,
    /// (by year, share in basis points) of the strong-village goal.
    pub strong_target: (i32, u32),
    pub threshold: Fen,
    pub strong_income: Fen,
    pub loans: Vec<CountyLoans>,
}

async fn empty_shell_count(
    s: &mut dyn crate::records::ReadSession,
    range: &[Arg; 2],
    year: i32,
    rules: &RuleSet,
) -> Result<u64, StoreError> {
    let rows = s
        .query(
            &INCOME_ONLY,
            "SELECT operating_income FROM collective_income \
             WHERE year = ? AND village_code BETWEEN ? AND ?",
            &[
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    Ok(rows
        .iter()
        .filter(|r| r[0].as_money().is_some_and(|i| is_empty_shell(i, rules)))
        .count() as u64)
}

/// The collective economy of `year` for the villages within reach, and pledge loans per county
/// as of `today`.
pub async fn collective_overview(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    year: i32,
    today: NaiveDate,
) -> Result<CollectiveOverview, StoreError> {
    let range = village_bounds(access);
    let threshold = rules.collective_income_min.value;
    let strong_income = rules.collective_strong_income.value;
    let mut s = store.read_session().await?;
    let rows = s
        .query(
            &VILLAGE_INCOME,
            "SELECT v.village_code, r.name, v.poor_village, c.operating_income FROM villages v \
             LEFT JOIN regions r ON r.code = v.village_code \
             LEFT JOIN collective_income c ON c.village_code = v.village_code AND c.year = ? \
             WHERE v.village_code BETWEEN ? AND ? ORDER BY v.village_code",
            &[
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let villages: Vec<VillageEconomy> = rows
        .into_iter()
        .filter_map(|r| {
            let income = r[3].as_money();
            Some(VillageEconomy {
                code: r[0].as_region()?,
                name: r[1].as_text().unwrap_or_default().to_string(),
                poor_village: r[2].as_bool().unwrap_or(false),
                empty_shell: income.is_some_and(|i| is_empty_shell(i, rules)),
                strong: income.is_some_and(|i| is_strong(i, rules)),
                income,
            })
        })
        .collect();
    let empty_shell_last_year = empty_shell_count(s.as_mut(), &range, year - 1, rules).await?;
    let loans = s
        .query(
            &COUNTY_LOANS,
            "SELECT l.county_code, r.name, count(*), CAST(sum(l.amount) AS BIGINT), \
             CAST(sum(CASE WHEN l.repaid_date IS NULL OR l.repaid_date > ? THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(sum(CASE WHEN l.repaid_date IS NULL OR l.repaid_date > ? THEN l.amount ELSE 0 END) AS BIGINT) \
             FROM loans l LEFT JOIN regions r ON r.code = l.county_code \
             WHERE l.start_date <= ? AND l.household_id IN \
               (SELECT household_id FROM households WHERE village_code BETWEEN ? AND ?) \
             GROUP BY l.county_code, r.name ORDER BY l.county_code",
            &[
                Arg::Date(today),
                Arg::Date(today),
                Arg::Date(today),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            let issued = r[2].as_int()?.max(0) as u64;
            let issued_amount = r[3].as_money().unwrap_or_default();
            let outstanding = count_of(&r[4]);
            let outstanding_amount = r[5].as_money().unwrap_or_default();
            Some(CountyLoans {
                county: r[0].as_region()?,
                name: r[1].as_text().unwrap_or_default().to_string(),
                issued,
                issued_amount,
                outstanding,
                outstanding_amount,
                repaid: issued - outstanding,
                repaid_amount: Fen(issued_amount.0 - outstanding_amount.0),
            })
        })
        .collect();
    let plan = rules.empty_shell_reduction.value;
    Ok(CollectiveOverview {
        year,
        empty_shell: villages.iter().filter(|v| v.empty_shell).count() as u64,
        strong: villages.iter().filter(|v| v.strong).count() as u64,
        reported: villages.iter().filter(|v| v.income.is_some()).count() as u64,
        empty_shell_last_year,
        reduction_target: plan.iter().find(|(y, _)| *y == year).map(|(_, n)| *n),
        strong_target: rules.strong_villages_target.value,
        threshold,
        strong_income,
        villages,
        loans,
    })
}

static HOLDERS: FileSpec = shape(
    FileId::ShareEvents,
    "holders",
    "持股户",
    &[
        column("household_id", ColumnType::Text),
        column("shares", SIGNED),
    ],
);

static PAYMENTS_BY_YEAR: FileSpec = shape(
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

/// One project as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectView {
    /// The projects.csv row.
    pub project: Vec<Value>,
    /// Households holding shares today (id, shares), by id.
    pub holders: Vec<(String, i64)>,
    pub held: i64,
    /// Per year with income or payments: (year, payments recorded, paid, distributable).
    pub years: Vec<(i32, u64, Fen, Option<Fen>)>,
    /// BOT: whether the concession has ended by today (the asset is the village's).
    pub transferred: Option<bool>,
}

/// A project within reach (by its village), or None.
pub async fn project_view(
    store: &dyn Store,
    access: &Access,
    project_id: &str,
    today: NaiveDate,
) -> Result<Option<ProjectView>, StoreError> {
    let range = village_bounds(access);
    let id = Arg::Text(project_id.to_string());
    let mut s = store.read_session().await?;
    let filter = crate::session::filter::Filter::new()
        .and("project_id = ?", vec![id.clone()])
        .and(
            "village_code BETWEEN ? AND ?",
            vec![range[0].clone(), range[1].clone()],
        );
    let Some(project) = s.select(&PROJECTS, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let holders: Vec<(String, i64)> = s
        .query(
            &HOLDERS,
            &format!(
                "SELECT e.household_id, {HELD_SUM} \
             FROM share_events e WHERE e.project_id = ? AND e.date <= ? AND e.household_id IN \
               (SELECT household_id FROM households WHERE village_code BETWEEN ? AND ?) \
             GROUP BY e.household_id ORDER BY e.household_id"
            ),
            &[
                id.clone(),
                Arg::Date(today),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .filter_map(|r| Some((r[0].as_text()?.to_string(), r[1].as_int()?)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let years = s
        .query(
            &PAYMENTS_BY_YEAR,
            "SELECT d.year, (SELECT count(*) FROM dividend_payments p WHERE p.project_id = d.project_id AND p.year = d.year), \
             (SELECT CAST(coalesce(sum(p.amount), 0) AS BIGINT) FROM dividend_payments p WHERE p.project_id = d.project_id AND p.year = d.year), \
             d.distributable FROM distributions d WHERE d.project_id = ? ORDER BY d.year",
            &[id],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                r[0].as_int()? as i32,
                count_of(&r[1]),
                r[2].as_money().unwrap_or_default(),
                r[3].as_money(),
            ))
        })
        .collect();
    let transferred = match holder_of(&project, today) {
        AssetHolder::Village => None,
        AssetHolder::Concession { .. } => Some(false),
        AssetHolder::PassedToVillage { .. } => Some(true),
    };
    Ok(Some(ProjectView {
        held: holders.iter().map(|h| h.1).sum(),
        holders,
        years,
        transferred,
        project,
    }))
}

static HOUSEHOLD_HOLDINGS: FileSpec = shape(
    FileId::ShareEvents,
    "household_holdings",
    "本户持股",
    &[
        column("project_id", ColumnType::Text),
        column("name", ColumnType::Text),
        column("shares", SIGNED),
    ],
);

static HOUSEHOLD_PAYMENTS: FileSpec = shape(
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

/// A household's shares today (project, name, shares), dividends paid (project, year, shares,
/// amount) and loans (loans.csv rows).
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdShares {
    pub holdings: Vec<(String, String, i64)>,
    pub payments: Vec<(String, i32, i64, Fen)>,
    pub loans: Vec<Vec<Value>>,
}

/// The household's shares, dividends and loans, or None outside reach.
pub async fn household_shares(
    store: &dyn Store,
    access: &Access,
    household_id: &str,
    today: NaiveDate,
) -> Result<Option<HouseholdShares>, StoreError> {
    let id = Arg::Text(household_id.to_string());
    let mut s = store.read_session().await?;
    let filter = household_scope(access, today).and("household_id = ?", vec![id.clone()]);
    if s.count(&xplus_core::interchange::schema::HOUSEHOLDS, &filter)
        .await?
        == 0
    {
        return Ok(None);
    }
    let holdings = s
        .query(
            &HOUSEHOLD_HOLDINGS,
            &format!(
                "SELECT e.project_id, p.name, {HELD_SUM} \
             FROM share_events e JOIN projects p ON p.project_id = e.project_id \
             WHERE e.household_id = ? AND e.date <= ? GROUP BY e.project_id, p.name ORDER BY e.project_id"
            ),
            &[id.clone(), Arg::Date(today)],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                r[0].as_text()?.to_string(),
                r[1].as_text().unwrap_or_default().to_string(),
                r[2].as_int()?,
            ))
        })
        .filter(|h| h.2 > 0)
        .collect();
    let payments = s
        .query(
            &HOUSEHOLD_PAYMENTS,
            "SELECT project_id, year, shares, amount FROM dividend_payments \
             WHERE household_id = ? ORDER BY year, project_id",
            std::slice::from_ref(&id),
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                r[0].as_text()?.to_string(),
                r[1].as_int()? as i32,
                r[2].as_int()?,
                r[3].as_money()?,
            ))
        })
        .collect();
    let loans = s
        .select(
            &LOANS,
            &crate::session::filter::Filter::new().and("household_id = ?", vec![id]),
            "start_date",
            None,
        )
        .await?;
    Ok(Some(HouseholdShares {
        holdings,
        payments,
        loans,
    }))
}
