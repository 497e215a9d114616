//! The JSON API of the 产业 module: rules.md §6 `in_industry` of the households poor at the start
//! of a year with the ways they take part, the gap list, the one-village-one-product coverage of
//! the villages planned to exit, organisations by kind, training, job fairs and placements, and
//! the industry and start-up support targets by region. The ledgers themselves are under
//! /api/v1/records/{file}.

use crate::api::doc::{BadRequest, Unauthorized};
use crate::api::ApiError;
use crate::auth::ApiUser;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records::{self, Page};

#[derive(OpenApi)]
#[openapi(
    paths(overview),
    components(schemas(
        IndustryBody,
        LinkCounts,
        PlannedExitItem,
        OrgItem,
        IndustryGapItem,
        TargetCounts,
        TargetRegion,
        WorkerCounts,
        WorkerRegion
    ))
)]
pub struct IndustryDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// Page of the gap list, from 1.
    page: Option<u64>,
    /// Gap households per page (default 1,000, at most 10,000).
    per_page: Option<u64>,
}

/// Households per way of taking part (a household may count in several).
#[derive(Serialize, ToSchema)]
pub struct LinkCounts {
    brought_along: u64,
    joined_project: u64,
    own_industry: u64,
    course: u64,
    placement: u64,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedExitItem {
    village_code: String,
    name: String,
    projects: u64,
    products: String,
    households_joined: u64,
    poor: u64,
    poor_in_industry: u64,
}

#[derive(Serialize, ToSchema)]
pub struct OrgItem {
    /// party_orgs.csv `kind` code.
    kind: String,
    orgs: u64,
    party_members: u64,
    households_brought: u64,
}

#[derive(Serialize, ToSchema)]
pub struct IndustryGapItem {
    household_id: String,
    village_code: String,
}

/// Industry and start-up support targets (industry_targets.csv) of the year, as of Dec 31.
#[derive(Serialize, ToSchema)]
pub struct TargetCounts {
    /// Households chosen as targets in the year or before.
    households: u64,
    /// Their persons on Dec 31 of the year.
    persons: u64,
    /// Households poor or returned at the start of the year.
    poor: u64,
    /// Of those, the targets.
    poor_targets: u64,
    /// poor_targets / poor in basis points, rounded down; null without a poor household.
    share_bp: Option<u64>,
}

impl From<&records::TargetFigures> for TargetCounts {
    fn from(f: &records::TargetFigures) -> TargetCounts {
        TargetCounts {
            households: f.households,
            persons: f.persons,
            poor: f.poor,
            poor_targets: f.poor_targets,
            share_bp: f.share_bp(),
        }
    }
}

/// The targets of one region: a county, town or village within reach.
#[derive(Serialize, ToSchema)]
pub struct TargetRegion {
    region_code: String,
    name: String,
    #[serde(flatten)]
    counts: TargetCounts,
}

/// 一户一工人: households poor (or returned) on Dec 31 of the year with at least one member in
/// work that day (a placement begun by Dec 31 whose start plus its months is after it).
#[derive(Serialize, ToSchema)]
pub struct WorkerCounts {
    poor: u64,
    with_worker: u64,
    without_worker: u64,
    /// with_worker / poor in basis points, rounded down; null without a poor household.
    share_bp: Option<u64>,
}

impl From<&records::WorkerFigures> for WorkerCounts {
    fn from(f: &records::WorkerFigures) -> WorkerCounts {
        WorkerCounts {
            poor: f.poor,
            with_worker: f.with_worker,
            without_worker: f.without(),
            share_bp: f.share_bp(),
        }
    }
}

/// 一户一工人 of one county, town or village within reach.
#[derive(Serialize, ToSchema)]
pub struct WorkerRegion {
    region_code: String,
    name: String,
    #[serde(flatten)]
    counts: WorkerCounts,
}

#[derive(Serialize, ToSchema)]
pub struct IndustryBody {
    year: i32,
    /// Households poor or returned at the start of the year within reach.
    poor: u64,
    in_industry: u64,
    by_link: LinkCounts,
    /// Poor households in no industry or job.
    gaps_total: u64,
    /// One page of them (`page`, `per_page`), in household order.
    gaps: Vec<IndustryGapItem>,
    planned_exit_villages: Vec<PlannedExitItem>,
    party_orgs: Vec<OrgItem>,
    labour_courses: u64,
    course_attendees: u64,
    commissioner_trainings: u64,
    commissioner_participants: u64,
    job_fairs: u64,
    posts_offered: u64,
    /// Placements running in the year of every household within reach.
    placements: u64,
    persons_placed: u64,
    households_placed: u64,
    industry_targets: TargetCounts,
    /// Per county, town and village within reach, in code order.
    industry_targets_by_region: Vec<TargetRegion>,
    one_worker: WorkerCounts,
    /// Per county, town and village within reach, in code order.
    one_worker_by_region: Vec<WorkerRegion>,
    /// One page (`page`, `per_page`) of the poor households without a member in work on Dec 31,
    /// in village and household order; `one_worker.without_worker` is how many in all.
    without_worker: Vec<IndustryGapItem>,
}

/// rules.md §6 `in_industry` for the year within reach, and the module's figures.
#[utoipa::path(get, path = "/api/v1/industry", params(YearQuery),
    responses((status = 200, body = IndustryBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn overview(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> Result<Response, ApiError> {
    let year = crate::pages::checked_year(q.year)?;
    let (skip, take) = crate::pages::page_window(q.page, q.per_page);
    let page = Page {
        offset: skip as u64,
        limit: take as u64,
    };
    state.refresh_marked().await?;
    let o = records::industry_page(state.store.as_ref(), &user.access, year, page, today()).await?;
    let a = crate::pages::industry::activity(&state, &user.access, year).await?;
    let t = crate::pages::industry::industry_targets(&state, &user.access, year).await?;
    let w = records::one_worker(state.store.as_ref(), &user.access, year, page, today()).await?;
    let [brought_along, joined_project, own_industry, course, placement] = o.ways;
    Ok(Json(IndustryBody {
        year,
        poor: o.poor,
        in_industry: o.in_industry,
        by_link: LinkCounts {
            brought_along,
            joined_project,
            own_industry,
            course,
            placement,
        },
        gaps_total: o.gaps.total,
        gaps: o
            .gaps
            .gaps
            .iter()
            .map(|g| IndustryGapItem {
                household_id: g.household_id.clone(),
                village_code: g.village.to_string(),
            })
            .collect(),
        planned_exit_villages: a
            .planned_exit
            .iter()
            .map(|v| PlannedExitItem {
                village_code: v.code.to_string(),
                name: v.name.clone(),
                projects: v.projects,
                products: v.products.clone(),
                households_joined: v.joined,
                poor: v.poor,
                poor_in_industry: v.poor_in_industry,
            })
            .collect(),
        party_orgs: a
            .orgs
            .iter()
            .map(|g| OrgItem {
                kind: g.kind.code().to_string(),
                orgs: g.orgs,
                party_members: g.party_members,
                households_brought: g.brought,
            })
            .collect(),
        labour_courses: a.courses.n,
        course_attendees: a.courses.a,
        commissioner_trainings: a.commissioner_trainings.n,
        commissioner_participants: a.commissioner_trainings.a,
        job_fairs: a.job_fairs.n,
        posts_offered: a.job_fairs.a,
        placements: a.placements.n,
        persons_placed: a.placements.a,
        households_placed: a.placements.b,
        industry_targets: TargetCounts::from(&t.total),
        industry_targets_by_region: t
            .by_region
            .iter()
            .map(|(code, f)| TargetRegion {
                region_code: code.to_string(),
                name: t.name(*code).to_string(),
                counts: TargetCounts::from(f),
            })
            .collect(),
        one_worker: WorkerCounts::from(&w.total),
        one_worker_by_region: (w.by_region.iter())
            .map(|(code, f)| WorkerRegion {
                region_code: code.to_string(),
                name: w.name(*code).to_string(),
                counts: WorkerCounts::from(f),
            })
            .collect(),
        without_worker: (w.gaps.gaps.iter())
            .map(|g| IndustryGapItem {
                household_id: g.household_id.clone(),
                village_code: g.village.to_string(),
            })
            .collect(),
    })
    .into_response())
}
