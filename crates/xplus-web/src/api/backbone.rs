//! 骨干 in the API, as the backbone pages do it (`pages/backbone.rs`): a household's pairings
//! with cadres, changed under rules.md §7 exactly as the pages and the importer change them, and
//! 谁来扶, the suggested helper of each poor household without one.

use super::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, date, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use xplus_core::rules::RuleSet;
use xplus_core::values::format_date;
use xplus_store::records::{self, PairingRequest};

#[derive(OpenApi)]
#[openapi(
    paths(pairings, save_pairing, suggestions),
    components(schemas(PairingItem, PairingBody, SuggestionItem))
)]
pub struct BackboneDoc;

#[derive(Serialize, ToSchema)]
pub struct PairingItem {
    cadre_id: String,
    name: String,
    role: Option<String>,
    unit: String,
    start_date: String,
    end_date: Option<String>,
    active_today: bool,
}

/// A household's pairings with cadres, oldest first.
#[utoipa::path(get, path = "/api/v1/households/{id}/pairings",
    params(("id" = String, Path, description = "household id")),
    responses((status = 200, body = [PairingItem]), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn pairings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
) -> ApiResult {
    let list = records::household_pairings(state.store.as_ref(), &user.access, &id, today())
        .await?
        .ok_or_else(|| ApiError(WebError::not_found()))?;
    let items: Vec<PairingItem> = list
        .into_iter()
        .map(|p| PairingItem {
            cadre_id: p.cadre_id,
            name: p.name,
            role: p.role.map(|r| r.code().to_string()),
            unit: p.unit,
            start_date: format_date(p.start),
            end_date: p.end.map(format_date),
            active_today: p.active,
        })
        .collect();
    Ok(Json(items).into_response())
}

/// A new pairing, or the end of a stored one (same cadre and start) with the successor who
/// takes over on the end day.
#[derive(Deserialize, ToSchema)]
pub struct PairingBody {
    cadre_id: String,
    /// YYYY-MM-DD
    start_date: String,
    end_date: Option<String>,
    successor: Option<String>,
}

/// Pairs a cadre with the household or ends a pairing; refused with 422 naming rules.md §7
/// when the household would be left without a helper or a cadre would be over capacity.
#[utoipa::path(post, path = "/api/v1/households/{id}/pairings", request_body = PairingBody,
    params(("id" = String, Path, description = "household id")),
    responses((status = 204, description = "saved"), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
pub(super) async fn save_pairing(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<PairingBody>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let request = PairingRequest {
        household_id: id,
        cadre_id: body.cadre_id,
        start: date("start_date", &body.start_date)?,
        end: body
            .end_date
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| date("end_date", d))
            .transpose()?,
        successor: body.successor.filter(|s| !s.is_empty()),
    };
    records::save_pairing(
        state.store.as_ref(),
        &user.access,
        &request,
        &RuleSet::default(),
        today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionItem {
    household_id: String,
    village_code: String,
    /// Absent when no cadre of the village's units has room.
    cadre_id: Option<String>,
    cadre_name: Option<String>,
}

/// 谁来扶: poor and returned households without a helper today, each with a suggested cadre.
#[utoipa::path(get, path = "/api/v1/helper-suggestions",
    responses((status = 200, body = [SuggestionItem]), (status = 401, response = Unauthorized)))]
pub(super) async fn suggestions(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult {
    let list = records::helper_suggestions(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        today(),
    )
    .await?;
    let items: Vec<SuggestionItem> = list
        .into_iter()
        .map(|s| {
            let (cadre_id, cadre_name) =
                s.cadre.map(|(i, n)| (Some(i), Some(n))).unwrap_or_default();
            SuggestionItem {
                household_id: s.household_id,
                village_code: s.village.to_string(),
                cadre_id,
                cadre_name,
            }
        })
        .collect();
    Ok(Json(items).into_response())
}
