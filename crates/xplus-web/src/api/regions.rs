//! The region tree as the region pages walk it (`pages/regions.rs`): the regions below a parent
//! that the caller reaches, each with the households it holds within that reach.

use super::doc::{BadRequest, NotFound, Unauthorized};
use super::{ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::registry::RegionCode;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(paths(regions), components(schemas(RegionItem)))]
pub struct RegionsDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// The parent region; the top of the tree when absent.
    parent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegionItem {
    code: String,
    name: String,
    level: String,
    /// Households within the region that the caller reaches.
    households: u64,
}

/// The regions below `parent` that the caller reaches.
#[utoipa::path(get, path = "/api/v1/regions", params(RegionQuery),
    responses((status = 200, body = Vec<RegionItem>), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn regions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<RegionQuery>, ApiError>,
) -> ApiResult {
    let parent = match q.parent.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(RegionCode::parse(p).map_err(|_| WebError::not_found())?),
        None => None,
    };
    let nodes =
        records::region_children(state.store.as_ref(), &user.access, parent, today()).await?;
    Ok(Json(
        nodes
            .into_iter()
            .map(|n| RegionItem {
                code: n.code.to_string(),
                name: n.name,
                level: n.level.code().to_string(),
                households: n.households,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
