//! The search box for other systems (`pages/search.rs`): households by the start of their
//! number, people by a part of their name or identity number, regions by a part of their name,
//! within the caller's reach, each group counted and paged.

use super::doc::{BadRequest, Unauthorized};
use super::{ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::search::{run, words, Group};
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    paths(search),
    components(schemas(
        SearchAnswer,
        HouseholdsFound,
        HouseholdFound,
        PeopleFound,
        PersonFound,
        RegionsFound,
        RegionFound
    ))
)]
pub struct SearchDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for: the start of a household number, part of an identity number (at least
    /// four digits; the end of it for callers who see numbers masked), part of a person's name,
    /// or part of a region's name. 2 to 40 characters once spaces and invisible characters are
    /// dropped.
    q: String,
    /// Only this group, paged: `households`, `people` or `regions`. All three when absent.
    group: Option<String>,
    /// Page of the group, from 1.
    page: Option<u64>,
    /// Rows per page of each group (default 20, at most 100).
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdFound {
    id: String,
    village_code: String,
    village: String,
    head: Option<String>,
    status: String,
}

#[derive(Serialize, ToSchema)]
pub struct HouseholdsFound {
    total: u64,
    items: Vec<HouseholdFound>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonFound {
    name: String,
    /// Relation to the head (`head`, `spouse`, `child` …).
    relation: String,
    /// The head's name.
    head: Option<String>,
    /// Masked for callers who see identity numbers masked.
    id_number: String,
    household_id: String,
    village_code: String,
    village: String,
}

#[derive(Serialize, ToSchema)]
pub struct PeopleFound {
    total: u64,
    items: Vec<PersonFound>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionFound {
    code: String,
    name: String,
    level: String,
    /// The names of the two regions above it, top first.
    above: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionsFound {
    total: u64,
    items: Vec<RegionFound>,
}

/// Each group asked for; a group left out is absent.
#[derive(Serialize, ToSchema)]
pub struct SearchAnswer {
    households: Option<HouseholdsFound>,
    people: Option<PeopleFound>,
    regions: Option<RegionsFound>,
}

/// Households, people and regions within the caller's reach matching `q`.
#[utoipa::path(get, path = "/api/v1/search", params(SearchQuery),
    responses((status = 200, body = SearchAnswer), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
pub(super) async fn search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<SearchQuery>, ApiError>,
) -> ApiResult {
    let text = words(&q.q).map_err(WebError::bad_request)?;
    let group = Group::of_param(q.group.as_deref())?;
    let per_page = q.per_page.unwrap_or(20).clamp(1, 100);
    let found = run(&state, &user, &text, group, q.page.unwrap_or(1), per_page).await?;
    let answer = SearchAnswer {
        households: found.households.map(|f| HouseholdsFound {
            total: f.total,
            items: f
                .items
                .into_iter()
                .map(|h| HouseholdFound {
                    id: h.id,
                    village_code: h.village.to_string(),
                    village: h.village_name,
                    head: h.head_name,
                    status: h.status.code().to_string(),
                })
                .collect(),
        }),
        people: found.people.map(|f| PeopleFound {
            total: f.total,
            items: f
                .items
                .into_iter()
                .map(|p| PersonFound {
                    id_number: user.access.id_numbers_in(&p.id_number),
                    name: p.name,
                    relation: p.relation.code().to_string(),
                    head: p.head_name,
                    household_id: p.household_id,
                    village_code: p.village.to_string(),
                    village: p.village_name,
                })
                .collect(),
        }),
        regions: found.regions.map(|f| RegionsFound {
            total: f.total,
            items: f
                .items
                .into_iter()
                .map(|r| RegionFound {
                    code: r.code.to_string(),
                    level: r.code.level().code().to_string(),
                    name: r.name,
                    above: r.above,
                })
                .collect(),
        }),
    };
    Ok(Json(answer).into_response())
}
