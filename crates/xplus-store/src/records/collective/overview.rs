//! 集体 reads within an account's reach: the villages' collective economy of a year (its targets
//! are `targets.rs`), pledge loans per county, one project with its holders and payments, and one
//! household's shares, dividends and loans.

use super::queries::investors::COUNTY_INVESTORS;
use super::queries::overview::{
    holders_sql, household_holdings_sql, Holder, HouseholdHolding, COUNTY_LOANS,
    HOUSEHOLD_PAYMENTS, INCOMES_OF_YEAR, PAYMENTS_BY_YEAR, VILLAGE_INCOMES,
};
use crate::error::StoreError;
use crate::records::collective::assets::holder_of;
use crate::records::registry::read::household_scope;
use crate::records::shape::village_bounds;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::collective::economy::{is_empty_shell, is_strong, AssetHolder};
use xplus_core::interchange::schema::{LOANS, PROJECTS, PROJECT_INVESTORS};
use xplus_core::interchange::Value;
use xplus_core::registry::membership::year_end;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;

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

/// 社会资本入股 in one county by the end of the year: projects with investors, the investors,
/// what they invested and the shares they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyInvestors {
    pub county: RegionCode,
    pub name: String,
    pub projects: u64,
    pub investors: u64,
    pub amount: Fen,
    pub shares: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectiveOverview {
    pub year: i32,
    pub villages: Vec<VillageEconomy>,
    pub empty_shell: u64,
    pub empty_shell_last_year: u64,
    pub strong: u64,
    pub reported: u64,
    pub threshold: Fen,
    pub strong_income: Fen,
    pub loans: Vec<CountyLoans>,
    /// Social capital in the projects within reach by Dec 31 of the year, per county.
    pub investors: Vec<CountyInvestors>,
}

async fn empty_shell_count(
    s: &mut dyn crate::records::ReadSession,
    range: &[Arg; 2],
    year: i32,
    rules: &RuleSet,
) -> Result<u64, StoreError> {
    let rows = INCOMES_OF_YEAR
        .fetch(
            s,
            &[
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    Ok(rows
        .iter()
        .filter(|r| r.income.is_some_and(|i| is_empty_shell(i, rules)))
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
    let rows = VILLAGE_INCOMES
        .fetch(
            &mut *s,
            &[
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let villages: Vec<VillageEconomy> = rows
        .into_iter()
        .map(|r| VillageEconomy {
            code: r.code,
            name: r.name,
            poor_village: r.poor_village,
            empty_shell: r.income.is_some_and(|i| is_empty_shell(i, rules)),
            strong: r.income.is_some_and(|i| is_strong(i, rules)),
            income: r.income,
        })
        .collect();
    let empty_shell_last_year = empty_shell_count(s.as_mut(), &range, year - 1, rules).await?;
    let loans = COUNTY_LOANS
        .fetch(
            &mut *s,
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
        .map(|r| CountyLoans {
            county: r.county,
            name: r.name,
            issued: r.issued,
            issued_amount: r.issued_amount,
            outstanding: r.outstanding,
            outstanding_amount: r.outstanding_amount,
            repaid: r.issued - r.outstanding,
            repaid_amount: Fen(r.issued_amount.0 - r.outstanding_amount.0),
        })
        .collect();
    let investors = COUNTY_INVESTORS
        .fetch(
            &mut *s,
            &[
                Arg::Date(year_end(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .map(|r| CountyInvestors {
            county: r.county,
            name: r.name,
            projects: r.projects,
            investors: r.investors,
            amount: r.amount,
            shares: r.shares,
        })
        .collect();
    Ok(CollectiveOverview {
        year,
        investors,
        empty_shell: villages.iter().filter(|v| v.empty_shell).count() as u64,
        strong: villages.iter().filter(|v| v.strong).count() as u64,
        reported: villages.iter().filter(|v| v.income.is_some()).count() as u64,
        empty_shell_last_year,
        threshold,
        strong_income,
        villages,
        loans,
    })
}

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
    /// Its investors (社会资本入股): project_investors.csv rows, by investor.
    pub investors: Vec<Vec<Value>>,
    /// The shares they hold together: the households' pool is the total less these.
    pub investor_shares: i64,
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
    let holders: Vec<(String, i64)> = fetch_sql::<Holder>(
        &mut *s,
        &holders_sql(),
        &[
            id.clone(),
            Arg::Date(today),
            range[0].clone(),
            range[1].clone(),
        ],
    )
    .await?
    .into_iter()
    .map(|h| (h.household_id, h.shares))
    .filter(|(_, n)| *n > 0)
    .collect();
    let years = PAYMENTS_BY_YEAR
        .fetch(&mut *s, std::slice::from_ref(&id))
        .await?
        .into_iter()
        .map(|y| (y.year, y.payments, y.amount, y.distributable))
        .collect();
    let investors = s
        .select(
            &PROJECT_INVESTORS,
            &crate::session::filter::Filter::new().and("project_id = ?", vec![id.clone()]),
            "investor",
            None,
        )
        .await?;
    let investor_shares = (investors.iter()).filter_map(|r| r[4].as_int()).sum();
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
        investors,
        investor_shares,
    }))
}

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
    let holdings = fetch_sql::<HouseholdHolding>(
        &mut *s,
        &household_holdings_sql(),
        &[id.clone(), Arg::Date(today)],
    )
    .await?
    .into_iter()
    .map(|h| (h.project_id, h.name, h.shares))
    .filter(|h| h.2 > 0)
    .collect();
    let payments = HOUSEHOLD_PAYMENTS
        .fetch(&mut *s, std::slice::from_ref(&id))
        .await?
        .into_iter()
        .map(|p| (p.project_id, p.year, p.shares, p.amount))
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
