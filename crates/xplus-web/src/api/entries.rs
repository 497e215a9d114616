//! The JSON API of the module ledgers (stations, checks, sessions, attendance, services, units,
//! cadres, bindings, visits, recalls, start-ups, secretaries and their history), as the ledger
//! pages show them (`pages/entries.rs`): rows as objects of column name → text, exactly the cells
//! of the bundle files, written with the importer's checks (`records::save_entries`).

use super::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, object, record_of, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{OpenApi, ToSchema};
use xplus_core::interchange::schema;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, Page};

#[derive(OpenApi)]
#[openapi(
    paths(list, save),
    components(schemas(EntryFile, EntriesBody, EntriesWrite, EntriesSaved))
)]
pub struct EntriesDoc;

fn spec_of(file: &str) -> Result<&'static FileSpec, ApiError> {
    records::entry_file(file).ok_or_else(|| ApiError(WebError::not_found()))
}

/// A ledger's file name. The names come from the store's list, so the document follows it.
pub struct EntryFile;

impl utoipa::PartialSchema for EntryFile {
    fn schema() -> RefOr<Schema> {
        let names = records::ENTRY_FILES.iter().map(|id| schema::spec(*id).name);
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names))
            .description(Some("A ledger: the bundle file's name without .csv."))
            .into()
    }
}

impl utoipa::ToSchema for EntryFile {}

#[derive(Serialize, ToSchema)]
pub struct EntriesBody {
    file: String,
    /// Rows within reach matching the filters.
    total: u64,
    /// Column name → the cell as in the bundle file (codes, yuan, YYYY-MM-DD).
    rows: Vec<BTreeMap<String, String>>,
}

/// One page of a ledger within the caller's reach, ordered by key. Any other query parameter
/// named like a column filters on it (`?station_id=S1&year=2016`).
#[utoipa::path(get, path = "/api/v1/records/{file}",
    params(("file" = EntryFile, Path),
           ("offset" = Option<u64>, Query, description = "rows to skip"),
           ("limit" = Option<u64>, Query, description = "at most 1000; 100 by default")),
    responses((status = 200, body = EntriesBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound),
              (status = 422, response = Unprocessable)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(file), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Query(query), _): WithRejection<Query<Vec<(String, String)>>, ApiError>,
) -> ApiResult {
    let spec = spec_of(&file)?;
    let number = |name: &str, default: u64| -> Result<u64, ApiError> {
        match query.iter().find(|(k, _)| k == name) {
            Some((_, v)) => v.parse().map_err(|_| {
                ApiError(WebError::bad_request(format!(
                    "{name} 须是非负整数 / {name} must be a whole number"
                )))
            }),
            None => Ok(default),
        }
    };
    let page = Page {
        limit: number("limit", 100)?.clamp(1, 1000),
        offset: number("offset", 0)?,
    };
    let equal: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .cloned()
        .collect();
    let found = records::list_entries(
        state.store.as_ref(),
        &user.access,
        spec,
        &equal,
        page,
        today(),
    )
    .await?;
    Ok(Json(EntriesBody {
        file: spec.name.to_string(),
        total: found.total,
        rows: found
            .rows
            .iter()
            .map(|r| {
                let mut o = object(spec, r);
                // Officials and auditors see identity numbers masked, as everywhere else.
                for (column, v) in spec.columns.iter().zip(r) {
                    if let Value::Id(id) = v {
                        o.insert(column.en.to_string(), user.access.id_number(*id));
                    }
                }
                o
            })
            .collect(),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct EntriesWrite {
    /// Rows as objects of column name → text (a row with a stored key replaces it).
    rows: Vec<BTreeMap<String, Option<String>>>,
}

#[derive(Serialize, ToSchema)]
pub struct EntriesSaved {
    /// Rows new or changed.
    changed: usize,
    /// Doubtful values the importer would warn about.
    warnings: Vec<String>,
}

/// Adds or changes rows of a ledger, all or none, checked as an import checks them (references,
/// keys, named attendees are members, only selected cadres are recalled — rules.md §7 …).
#[utoipa::path(post, path = "/api/v1/records/{file}", request_body = EntriesWrite,
    params(("file" = EntryFile, Path, description = "a ledger written here: not unit_village_pairings (see /api/v1/unit-pairings), projects, share_events, distributions or dividend_payments (422)")),
    responses((status = 200, body = EntriesSaved), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType), (status = 422, response = Unprocessable)))]
pub(super) async fn save(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(file), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Json(body), _): WithRejection<Json<EntriesWrite>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let spec = spec_of(&file)?;
    let several = body.rows.len() > 1;
    let mut rows = Vec::with_capacity(body.rows.len());
    for (i, object) in body.rows.iter().enumerate() {
        match record_of(spec, object, None) {
            Ok(values) => rows.push(values),
            Err(ApiError(mut e)) if several => {
                for f in &mut e.fields {
                    f.message = format!("第{}条 / row {}: {}", i + 1, i + 1, f.message);
                }
                return Err(ApiError(e));
            }
            Err(e) => return Err(e),
        }
    }
    let saved = records::save_entries(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        vec![(spec, rows)],
        today(),
    )
    .await?;
    Ok(Json(EntriesSaved {
        changed: saved.changed,
        warnings: saved.warnings,
    })
    .into_response())
}
