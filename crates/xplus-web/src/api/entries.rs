//! The JSON API of the module ledgers (stations, checks, sessions, attendance, services, units,
//! cadres, bindings, visits, recalls, start-ups, secretaries and their history) and of the 骨干
//! overviews: rows as objects of column name → text, exactly the cells of the bundle files,
//! written with the importer's checks (`records::save_entries`).

use crate::api::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, UnitPairingRow, Unprocessable,
    UnsupportedMediaType,
};
use crate::api::{check_csrf, object, record_of, ApiError};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::interchange::schema::{self, UNIT_VILLAGE_PAIRINGS};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::rules::RuleSet;
use xplus_core::values::format_date;
use xplus_store::records::{self, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/records/{file}", get(list).post(save))
        .route("/api/v1/secretaries", get(secretaries))
        .route("/api/v1/visits/monthly", get(visits))
        .route("/api/v1/unit-pairings", get(units).post(save_unit))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, save, secretaries, visits, units, save_unit),
    components(schemas(
        EntryFile,
        EntriesBody,
        EntriesWrite,
        EntriesSaved,
        SecretariesBody,
        TierItem,
        VacancyItem,
        CadreVisitsItem,
        UnitPairingItem
    ))
)]
pub struct EntriesDoc;

type ApiResult = Result<Response, ApiError>;

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
async fn list(
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
async fn save(
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
}

fn year(q: &YearQuery) -> Result<i32, ApiError> {
    Ok(crate::pages::checked_year(q.year)?)
}

#[derive(Serialize, ToSchema)]
pub struct TierItem {
    /// provincial, municipal, county
    tier: String,
    in_office: u32,
    target: u32,
}

#[derive(Serialize, ToSchema)]
pub struct VacancyItem {
    village_code: String,
    last_secretary: String,
}

#[derive(Serialize, ToSchema)]
pub struct SecretariesBody {
    year: i32,
    tiers: Vec<TierItem>,
    checkups_kept: u64,
    checkups_adjusted: u64,
    vacancies_filled: u32,
    vacant_today: Vec<VacancyItem>,
}

/// Village party secretaries within reach: "312" tiers in office today against the configured
/// targets, the year's check-ups, vacancies filled in the year and villages vacant today.
#[utoipa::path(get, path = "/api/v1/secretaries", params(YearQuery),
    responses((status = 200, body = SecretariesBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
async fn secretaries(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = year(&q)?;
    let o = records::secretaries_overview(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        year,
        today(),
    )
    .await?;
    Ok(Json(SecretariesBody {
        year,
        tiers: o
            .tiers
            .iter()
            .map(|(t, n, target)| TierItem {
                tier: t.code().to_string(),
                in_office: *n,
                target: *target,
            })
            .collect(),
        checkups_kept: o.kept,
        checkups_adjusted: o.adjusted,
        vacancies_filled: o.filled_in_year,
        vacant_today: o
            .vacant
            .iter()
            .map(|(v, name)| VacancyItem {
                village_code: v.to_string(),
                last_secretary: name.clone(),
            })
            .collect(),
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct CadreVisitsItem {
    cadre_id: String,
    name: String,
    unit: String,
    /// Visits in January … December.
    months: Vec<u32>,
    total: u32,
}

/// Visits of a year per cadre and month, to households within reach (a helper: their own).
#[utoipa::path(get, path = "/api/v1/visits/monthly", params(YearQuery),
    responses((status = 200, body = [CadreVisitsItem]), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized)))]
async fn visits(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<YearQuery>, ApiError>,
) -> ApiResult {
    let year = year(&q)?;
    let list = records::visits_by_month(state.store.as_ref(), &user.access, year).await?;
    let items: Vec<CadreVisitsItem> = list
        .into_iter()
        .map(|v| CadreVisitsItem {
            cadre_id: v.cadre_id,
            name: v.name,
            unit: v.unit,
            months: v.months.to_vec(),
            total: v.total,
        })
        .collect();
    Ok(Json(items).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct UnitPairingItem {
    unit_id: String,
    unit: String,
    village_code: String,
    village: String,
    start_date: String,
    end_date: Option<String>,
    /// 1+1, 1+X or X+1 today; absent when the pairing is not active today.
    form: Option<String>,
    joint_party_org: bool,
    joint_party_org_date: Option<String>,
    /// Bindings per kind: project, funds, responsibility.
    bindings: BTreeMap<String, u64>,
    /// Amount bound, yuan.
    amount_bound: String,
}

/// The unit↔village pairings of the villages within reach, with the form and the bindings.
#[utoipa::path(get, path = "/api/v1/unit-pairings",
    responses((status = 200, body = [UnitPairingItem]), (status = 401, response = Unauthorized)))]
async fn units(State(state): State<AppState>, ApiUser(user): ApiUser) -> ApiResult {
    let list = records::unit_pairings(state.store.as_ref(), &user.access, today()).await?;
    let items: Vec<UnitPairingItem> = list
        .into_iter()
        .map(|p| UnitPairingItem {
            unit_id: p.unit_id,
            unit: p.unit,
            village_code: p.village.to_string(),
            village: p.village_name,
            start_date: format_date(p.start),
            end_date: p.end.map(format_date),
            form: p.form.map(|f| f.code().to_string()),
            joint_party_org: p.joint_party_org,
            joint_party_org_date: p.joint_party_org_date.map(format_date),
            bindings: xplus_core::backbone::BindingKind::ALL
                .iter()
                .zip(p.bindings)
                .map(|(k, n)| (k.code().to_string(), n))
                .collect(),
            amount_bound: p.bound.to_string(),
        })
        .collect();
    Ok(Json(items).into_response())
}

/// Pairs a unit with a village, or ends a pairing (same unit, village and start with an end
/// date); a poor village that has not exited keeps its units (422 naming rules.md §7).
#[utoipa::path(post, path = "/api/v1/unit-pairings", request_body = UnitPairingRow,
    responses((status = 204, description = "saved"), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
async fn save_unit(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Json(body), _): WithRejection<Json<BTreeMap<String, Option<String>>>, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let values = record_of(&UNIT_VILLAGE_PAIRINGS, &body, None)?;
    records::save_unit_pairing(state.store.as_ref(), &user.access, values).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
