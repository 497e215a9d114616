//! The JSON API of the 集体 module: the collective economy of a year with pledge loans per county,
//! a project with its holders and payments, a household's shares, dividends and loans. The
//! ledgers themselves are under /api/v1/records/{file}.

use crate::api::doc::{BadRequest, NotFound, Unauthorized};
use crate::api::{object, ApiError};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::collective::economy::{AssetHolder, PlanStatus};
use xplus_core::interchange::schema::{LOANS, PROJECTS, PROJECT_INVESTORS, VILLAGE_ENTERPRISES};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::values::format_date;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(overview, assets, village, project, shares),
    components(schemas(
        AssetItem,
        VillageCollectiveBody,
        IncomeItem,
        CollectiveBody,
        VillageItem,
        LoanItem,
        InvestorsItem,
        ProjectBody,
        YearItem,
        DividendItem,
        SharesBody
    ))
)]
pub struct CollectiveDoc;

type ApiResult = Result<Response, ApiError>;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct VillageItem {
    village_code: String,
    name: String,
    poor_village: bool,
    /// Yuan; absent when not reported.
    operating_income: Option<String>,
    empty_shell: bool,
    strong: bool,
}

#[derive(Serialize, ToSchema)]
pub struct LoanItem {
    county_code: String,
    name: String,
    issued: u64,
    issued_amount: String,
    outstanding: u64,
    outstanding_amount: String,
    repaid: u64,
    repaid_amount: String,
}

/// 社会资本入股 in one county by the end of the year.
#[derive(Serialize, ToSchema)]
pub struct InvestorsItem {
    county_code: String,
    name: String,
    /// Projects with any investor.
    projects: u64,
    investors: u64,
    /// Yuan invested.
    amount: String,
    shares: u64,
}

#[derive(Serialize, ToSchema)]
pub struct CollectiveBody {
    year: i32,
    empty_shell: u64,
    empty_shell_last_year: u64,
    /// The "123" reduction required in the year of the region viewed (its own setting, else the
    /// nearest region's above it, else the plan's default), when there is one.
    reduction_target: Option<i64>,
    /// Villages of the empty-shell plan within reach: (cleared, on plan, overdue) at the year's
    /// end.
    plan_cleared: u64,
    plan_on_plan: u64,
    plan_overdue: u64,
    strong: u64,
    villages: Vec<VillageItem>,
    loans: Vec<LoanItem>,
    /// Social capital in the projects within reach by Dec 31 of the year, per county.
    investors: Vec<InvestorsItem>,
}

/// Villages' collective operating income of the year within reach (empty-shell below the
/// configured threshold, strong at 100,000 yuan), against the "123" plan; loans per county.
#[utoipa::path(get, path = "/api/v1/collective", params(YearQuery),
    responses((status = 200, body = CollectiveBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn overview(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let store = state.store.as_ref();
    let book = records::rule_book(store).await?;
    let rules = records::rules_for_view(&book, &user.access, year).set;
    let o = records::collective_overview(store, &user.access, &rules, year, today()).await?;
    let t = records::collective_targets(store, &user.access, &book, year).await?;
    Ok(Json(CollectiveBody {
        year,
        empty_shell: o.empty_shell,
        empty_shell_last_year: o.empty_shell_last_year,
        reduction_target: t.reduction.as_ref().map(|r| r.value),
        plan_cleared: t.count(PlanStatus::Cleared),
        plan_on_plan: t.count(PlanStatus::OnPlan),
        plan_overdue: t.count(PlanStatus::Overdue),
        strong: o.strong,
        villages: o
            .villages
            .iter()
            .map(|v| VillageItem {
                village_code: v.code.to_string(),
                name: v.name.clone(),
                poor_village: v.poor_village,
                operating_income: v.income.map(|i| i.to_string()),
                empty_shell: v.empty_shell,
                strong: v.strong,
            })
            .collect(),
        loans: o
            .loans
            .iter()
            .map(|l| LoanItem {
                county_code: l.county.to_string(),
                name: l.name.clone(),
                issued: l.issued,
                issued_amount: l.issued_amount.to_string(),
                outstanding: l.outstanding,
                outstanding_amount: l.outstanding_amount.to_string(),
                repaid: l.repaid,
                repaid_amount: l.repaid_amount.to_string(),
            })
            .collect(),
        investors: (o.investors.iter())
            .map(|i| InvestorsItem {
                county_code: i.county.to_string(),
                name: i.name.clone(),
                projects: i.projects,
                investors: i.investors,
                amount: i.amount.to_string(),
                shares: i.shares,
            })
            .collect(),
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct YearItem {
    year: i32,
    distributable: Option<String>,
    payments: u64,
    paid: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectBody {
    /// The projects.csv row, column → text.
    project: BTreeMap<String, String>,
    /// Household → shares held today.
    holders: BTreeMap<String, i64>,
    years: Vec<YearItem>,
    /// BOT: true once the concession has ended (the asset is the village's).
    transferred: Option<bool>,
    /// Its investors (社会资本入股): project_investors.csv rows, column → text.
    investors: Vec<BTreeMap<String, String>>,
    /// The shares they hold: the households are granted from the total less these.
    investor_shares: i64,
}

/// A project within reach with its holders today and its income and payments per year.
#[utoipa::path(get, path = "/api/v1/projects/{id}",
    params(("id" = String, Path, description = "project id")),
    responses((status = 200, body = ProjectBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn project(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let v = records::project_view(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(|| ApiError(WebError::not_found()))?;
    Ok(Json(ProjectBody {
        project: object(&PROJECTS, &v.project),
        holders: v.holders.into_iter().collect(),
        years: v
            .years
            .into_iter()
            .map(|(year, payments, paid, d)| YearItem {
                year,
                distributable: d.map(|d| d.to_string()),
                payments,
                paid: paid.to_string(),
            })
            .collect(),
        transferred: v.transferred,
        investors: (v.investors.iter())
            .map(|r| object(&PROJECT_INVESTORS, r))
            .collect(),
        investor_shares: v.investor_shares,
    })
    .into_response())
}

/// A dividend paid, named as the columns of dividend_payments.csv. (An object rather than a
/// four-element array: a tuple's `prefixItems` schema is not understood by every client.)
#[derive(Serialize, ToSchema)]
pub struct DividendItem {
    project_id: String,
    year: i32,
    shares: i64,
    /// Yuan.
    amount: String,
}

#[derive(Serialize, ToSchema)]
pub struct SharesBody {
    /// Project → shares held today.
    holdings: BTreeMap<String, i64>,
    dividends: Vec<DividendItem>,
    /// loans.csv rows, column → text.
    loans: Vec<BTreeMap<String, String>>,
}

/// A household's shares, dividends and pledge loans (within reach).
#[utoipa::path(get, path = "/api/v1/households/{id}/shares",
    params(("id" = String, Path, description = "household id")),
    responses((status = 200, body = SharesBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn shares(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let s = records::household_shares(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(|| ApiError(WebError::not_found()))?;
    Ok(Json(SharesBody {
        holdings: s.holdings.into_iter().map(|(p, _, n)| (p, n)).collect(),
        dividends: s
            .payments
            .into_iter()
            .map(|(project_id, year, shares, amount)| DividendItem {
                project_id,
                year,
                shares,
                amount: amount.to_string(),
            })
            .collect(),
        loans: s.loans.iter().map(|r| object(&LOANS, r)).collect(),
    })
    .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The day (YYYY-MM-DD; default: today).
    #[param(format = Date)]
    date: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AssetItem {
    project_id: String,
    village_code: String,
    village_name: String,
    name: String,
    /// projects.csv `model` code.
    model: Option<String>,
    /// Share value × total shares, yuan.
    share_capital: String,
    bot_enterprise: Option<String>,
    /// `village`, `concession` or `passed_to_village` (rules.md §8 BOT).
    held_by: String,
    /// The concession's end: until when the enterprise runs it, or when it passed.
    concession_end: Option<String>,
}

fn asset_item(a: records::AssetRow) -> AssetItem {
    let (held_by, end) = match a.holder {
        AssetHolder::Village => ("village", None),
        AssetHolder::Concession { end } => ("concession", end),
        AssetHolder::PassedToVillage { on } => ("passed_to_village", Some(on)),
    };
    AssetItem {
        project_id: a.project_id,
        village_code: a.village.to_string(),
        village_name: a.village_name,
        name: a.name,
        model: a.model.map(|m| m.code().to_string()),
        share_capital: a.value.to_string(),
        bot_enterprise: a.enterprise,
        held_by: held_by.to_string(),
        concession_end: end.map(format_date),
    }
}

/// The collective asset register within reach on a day: each project and who holds it.
#[utoipa::path(get, path = "/api/v1/assets", params(OnQuery),
    responses((status = 200, body = [AssetItem]), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn assets(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<OnQuery>, ApiError>,
) -> ApiResult {
    let on = crate::pages::day_of(q.date.as_deref())?;
    let list = records::asset_register(state.store.as_ref(), &user.access, on).await?;
    Ok(Json(list.into_iter().map(asset_item).collect::<Vec<_>>()).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct IncomeItem {
    year: i32,
    operating_income: String,
    empty_shell: bool,
    strong: bool,
}

#[derive(Serialize, ToSchema)]
pub struct VillageCollectiveBody {
    village_code: String,
    name: String,
    incomes: Vec<IncomeItem>,
    /// Its projects and who holds them today.
    projects: Vec<AssetItem>,
    /// village_enterprises.csv rows, column → text.
    enterprises: Vec<BTreeMap<String, String>>,
}

/// A village's collective economy: income by year (rules.md §9), projects, enterprises and
/// co-operatives.
#[utoipa::path(get, path = "/api/v1/collective/villages/{code}",
    params(("code" = String, Path, description = "village code (12 digits)")),
    responses((status = 200, body = VillageCollectiveBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn village(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(code), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let code = RegionCode::parse(&code).map_err(|_| ApiError(WebError::not_found()))?;
    let v = records::village_collective(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        code,
        today(),
    )
    .await?
    .ok_or_else(|| ApiError(WebError::not_found()))?;
    Ok(Json(VillageCollectiveBody {
        village_code: v.code.to_string(),
        name: v.name,
        incomes: v
            .incomes
            .iter()
            .map(|i| IncomeItem {
                year: i.year,
                operating_income: i.income.to_string(),
                empty_shell: i.empty_shell,
                strong: i.strong,
            })
            .collect(),
        projects: v.projects.into_iter().map(asset_item).collect(),
        enterprises: v
            .enterprises
            .iter()
            .map(|r| object(&VILLAGE_ENTERPRISES, r))
            .collect(),
    })
    .into_response())
}
