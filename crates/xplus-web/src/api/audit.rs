//! The audit log for administrators and auditors, as the audit page shows it (`pages/audit.rs`),
//! with identity numbers shown only as far as the caller may see them.

use super::doc::{BadRequest, Forbidden, Unauthorized};
use super::{ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records::{self, AuditQuery};

#[derive(OpenApi)]
#[openapi(paths(audit), components(schemas(AuditItem)))]
pub struct AuditDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    actor: Option<String>,
    entity: Option<String>,
    key: Option<String>,
    /// Entries before this number (the next page).
    before: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditItem {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    record_key: String,
    old_values: Option<String>,
    new_values: Option<String>,
    hash: String,
}

/// The audit log, newest first, 100 at a time (administrators and auditors).
#[utoipa::path(get, path = "/api/v1/audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditItem>), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn audit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(p), _): WithRejection<Query<AuditParams>, ApiError>,
) -> ApiResult {
    let query = AuditQuery {
        actor: p.actor,
        entity: p.entity,
        record_key: p.key,
        before: p.before,
    };
    let entries = records::audit_page(state.store.as_ref(), &user.access, &query, 100).await?;
    let shown = |text: String| user.access.id_numbers_in(&text);
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditItem {
                seq: e.seq,
                at: e.at,
                actor: e.actor,
                action: e.action,
                entity: e.entity,
                record_key: shown(e.record_key),
                old_values: e.old_values.map(shown),
                new_values: e.new_values.map(shown),
                hash: e.hash,
            })
            .collect::<Vec<_>>(),
    )
    .into_response())
}
