//! 村干部与村级带头人后备库 in the API, as `/village-cadres` shows them (`pages/village_cadres.rs`):
//! on Dec 31 of a year within reach (or a region within it), the village cadres in office by
//! post and in a degree course, the training of the poor villages' secretaries, and the pool of
//! future leaders by source with those who became secretaries — in all and per region one level
//! below. The registers themselves are under /api/v1/records/{village_cadres,
//! village_cadre_development, leader_pool}.

use super::doc::{BadRequest, Forbidden, Unauthorized};
use super::{ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::backbone::village_cadre::CadreFigures;
use xplus_store::records::{self, VillageCadreView};

#[derive(OpenApi)]
#[openapi(
    paths(village_cadres, leader_pool),
    components(schemas(
        VillageCadresBody,
        VillageCadreRegionItem,
        LeaderPoolBody,
        LeaderPoolRegionItem
    ))
)]
pub struct VillageCadresDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CadreQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// A region within reach (12 digits; default: the caller's own); outside reach is 403.
    region: Option<String>,
}

async fn view_of(
    state: &AppState,
    user: &crate::auth::Signed,
    q: &CadreQuery,
) -> Result<VillageCadreView, ApiError> {
    let year = crate::pages::checked_year(q.year)?;
    let access = crate::pages::narrowed(&user.access, q.region.as_deref())?;
    Ok(records::village_cadre_figures(state.store.as_ref(), &access, year).await?)
}

/// The village cadres of one region below the one asked for.
#[derive(Serialize, ToSchema)]
pub struct VillageCadreRegionItem {
    region_code: String,
    name: String,
    in_office: u64,
    /// Per post code (deputy_secretary, committee_director, …).
    by_post: BTreeMap<String, u64>,
    degree: u64,
    poor_villages: u64,
    secretaries_trained: u64,
}

#[derive(Serialize, ToSchema)]
pub struct VillageCadresBody {
    year: i32,
    /// The day the figures are taken: Dec 31 of the year.
    as_of: String,
    /// Village cadres (the secretaries apart) in office on `as_of`.
    in_office: u64,
    by_post: BTreeMap<String, u64>,
    /// Village cadres with a degree course (大专以上学历教育) begun by `as_of`, each once.
    degree: u64,
    /// Poor villages not exited by the end of the year.
    poor_villages: u64,
    /// Of those, villages whose secretary in office on `as_of` had a training in the year.
    secretaries_trained: u64,
    regions: Vec<VillageCadreRegionItem>,
    /// The poor villages whose secretary had no training in the year (or that had none).
    untrained_villages: Vec<String>,
}

fn by_post(f: &CadreFigures) -> BTreeMap<String, u64> {
    f.by_post
        .iter()
        .map(|(p, n)| (p.code().to_string(), *n))
        .collect()
}

fn by_source(f: &CadreFigures) -> BTreeMap<String, u64> {
    f.by_source
        .iter()
        .map(|(s, n)| (s.code().to_string(), *n))
        .collect()
}

/// 村干部 within reach on Dec 31 of the year: in office by post, in a degree course, and the
/// poor villages' secretaries trained in the year, in all and per region one level below.
#[utoipa::path(get, path = "/api/v1/village-cadres", params(CadreQuery),
    responses((status = 200, body = VillageCadresBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn village_cadres(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<CadreQuery>, ApiError>,
) -> ApiResult {
    let v = view_of(&state, &user, &q).await?;
    let t = &v.report.total;
    Ok(Json(VillageCadresBody {
        year: v.year,
        as_of: v.as_of.to_string(),
        in_office: t.in_office,
        by_post: by_post(t),
        degree: t.degree,
        poor_villages: t.poor_villages,
        secretaries_trained: t.trained,
        regions: (v.report.by_region.iter())
            .map(|(code, f)| VillageCadreRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                in_office: f.in_office,
                by_post: by_post(f),
                degree: f.degree,
                poor_villages: f.poor_villages,
                secretaries_trained: f.trained,
            })
            .collect(),
        untrained_villages: v.report.untrained.iter().map(|c| c.to_string()).collect(),
    })
    .into_response())
}

/// The pool of one region below the one asked for.
#[derive(Serialize, ToSchema)]
pub struct LeaderPoolRegionItem {
    region_code: String,
    name: String,
    members: u64,
    /// Per source code (returnee, veteran, village_doctor, …).
    by_source: BTreeMap<String, u64>,
    promoted: u64,
}

#[derive(Serialize, ToSchema)]
pub struct LeaderPoolBody {
    year: i32,
    as_of: String,
    /// Members in the pool on `as_of` (entered, not left, not yet a secretary).
    members: u64,
    by_source: BTreeMap<String, u64>,
    /// Members who had become village secretaries by `as_of`.
    promoted: u64,
    regions: Vec<LeaderPoolRegionItem>,
}

/// 村级带头人后备库 within reach on Dec 31 of the year: the members by source and those who had
/// become secretaries, in all and per region one level below.
#[utoipa::path(get, path = "/api/v1/leader-pool", params(CadreQuery),
    responses((status = 200, body = LeaderPoolBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn leader_pool(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<CadreQuery>, ApiError>,
) -> ApiResult {
    let v = view_of(&state, &user, &q).await?;
    let t = &v.report.total;
    Ok(Json(LeaderPoolBody {
        year: v.year,
        as_of: v.as_of.to_string(),
        members: t.pool,
        by_source: by_source(t),
        promoted: t.promoted,
        regions: (v.report.by_region.iter())
            .map(|(code, f)| LeaderPoolRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                members: f.pool,
                by_source: by_source(f),
                promoted: f.promoted,
            })
            .collect(),
    })
    .into_response())
}
