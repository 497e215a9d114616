//! 走访 from the API (issue 20): a visit with its photos as `multipart/form-data`, recorded
//! exactly as the phone's form records it (`pages::field::record`: the same rules, the same
//! transaction), so that a native app can be written later; and a household's visits.

use super::doc::{
    BadRequest, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, date, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::field::{self, Current, Outcome, VisitView};
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(list, record, photo),
    components(
        schemas(VisitUpload, VisitSaved, VisitConflict, VisitList, VisitView, Current),
        responses(Conflict)
    )
)]
pub struct VisitsDoc;

/// The 409 answer: problem details with what is kept now.
pub struct Conflict;

impl utoipa::ToResponse<'static> for Conflict {
    fn response() -> (
        &'static str,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    ) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let answer = ResponseBuilder::new()
            .description(
                "Nothing was written: the same day's visit differs from the one replaced, or the \
                 household changed since its fingerprint was read. `current` is what is kept now.",
            )
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("VisitConflict")))
                    .build(),
            )
            .build();
        ("Conflict", answer.into())
    }
}

/// A visit to record. Text fields are parsed as the cells of visits.csv and incomes.csv are.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VisitUpload {
    /// The visiting cadre: a helper's account records its own (this field is ignored).
    cadre_id: Option<String>,
    /// YYYY-MM-DD; today when left out.
    date: Option<String>,
    /// home (入户走访), phone (电话) or group (集中帮扶).
    kind: Option<String>,
    /// What was done (帮扶内容).
    activity: String,
    /// What was found (发现的情况).
    found: Option<String>,
    /// "latitude,longitude" in decimal degrees.
    location: Option<String>,
    /// JPEG, PNG or WebP photos, at most 4, each at most 15 MB; kept fitted within 1600 px.
    #[schema(value_type = Vec<String>, format = Binary)]
    photos: Vec<Vec<u8>>,
    /// The household's fingerprint (its ETag) when it was read: needed with `update_income`.
    fingerprint: Option<String>,
    /// The `version` of the same day's visit being replaced (from a list of visits).
    replaces: Option<String>,
    /// "1" to save the income columns below with the visit.
    update_income: Option<String>,
    year: Option<String>,
    wage: Option<String>,
    production: Option<String>,
    property: Option<String>,
    transfer: Option<String>,
    production_cost: Option<String>,
    medical_cost: Option<String>,
}

/// What was kept.
#[derive(Serialize, ToSchema)]
pub struct VisitSaved {
    household_id: String,
    cadre_id: String,
    date: String,
    /// What a later change of the same day's visit sends as `replaces`.
    version: String,
    /// The photos' addresses under the API (`GET`, the same token or session).
    photos: Vec<String>,
    /// The household's fingerprint now.
    fingerprint: String,
    /// False when the same visit was sent again (nothing written).
    changed: bool,
}

/// Problem details (RFC 9457) of a conflict, with what is kept now as an extension member.
#[derive(Serialize, ToSchema)]
pub struct VisitConflict {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    /// The message in Chinese and English ("中文 / English").
    detail: String,
    current: Current,
}

#[derive(Serialize, ToSchema)]
pub struct VisitList {
    visits: Vec<VisitView>,
}

/// The most visits one answer lists (newest first).
const MAX_LISTED: u64 = 500;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Since {
    /// The first day (YYYY-MM-DD); any day when left out. At most the newest 500 are listed.
    since: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/households/{id}/visits",
    params(("id" = String, Path, description = "household id"), Since),
    responses((status = 200, body = VisitList), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(Query(q), _): WithRejection<Query<Since>, ApiError>,
) -> ApiResult {
    let since = q.since.as_deref().map(|t| date("since", t)).transpose()?;
    let store = state.store.as_ref();
    if records::household(store, &user.access, &id, today())
        .await?
        .is_none()
    {
        return Err(WebError::not_found().into());
    }
    let visits =
        records::household_visits(store, &user.access, &id, since, MAX_LISTED, today()).await?;
    let view = |v: &records::VisitWithPhotos| VisitView {
        photos: v.photos.iter().map(api_photo_url).collect(),
        ..VisitView::of(Lang::Zh, v)
    };
    Ok(Json(VisitList {
        visits: visits.iter().map(view).collect(),
    })
    .into_response())
}

#[utoipa::path(post, path = "/api/v1/households/{id}/visits",
    request_body(content = VisitUpload, content_type = "multipart/form-data"),
    params(("id" = String, Path, description = "household id")),
    responses((status = 201, body = VisitSaved, description = "kept"),
              (status = 200, body = VisitSaved, description = "the same visit sent again: nothing written"),
              (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden),
              (status = 404, response = NotFound), (status = 409, response = Conflict),
              (status = 413, response = PayloadTooLarge), (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    WithRejection(Path(id), _): WithRejection<Path<String>, ApiError>,
    WithRejection(multipart, _): WithRejection<Multipart, ApiError>,
) -> ApiResult {
    check_csrf(&user, &headers)?;
    let sent = field::read_sent(multipart).await?;
    match field::record(&state, &user, Lang::Zh, &id, &sent).await? {
        Outcome::Saved(saved) => Ok((
            if saved.changed {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(VisitSaved {
                version: saved.visit.version(),
                household_id: saved.visit.household_id,
                cadre_id: saved.visit.cadre_id,
                date: saved.visit.date.to_string(),
                photos: saved.photos.iter().map(api_photo_url).collect(),
                fingerprint: saved.fingerprint,
                changed: saved.changed,
            }),
        )
            .into_response()),
        Outcome::Problems(fields) => Err(ApiError(WebError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: crate::error::FIELDS_REFUSED.into(),
            fields,
        })),
        Outcome::Conflict { message, current } => {
            let body = VisitConflict {
                kind: "/api/problems/conflict".into(),
                title: "Conflict".into(),
                status: 409,
                detail: message,
                current,
            };
            Ok((
                StatusCode::CONFLICT,
                [(header::CONTENT_TYPE, "application/problem+json")],
                serde_json::to_vec(&body).unwrap_or_default(),
            )
                .into_response())
        }
    }
}

/// A photo's address under the API.
fn api_photo_url(p: &records::PhotoMeta) -> String {
    format!("/api/v1{}", field::photo_url(p))
}

#[utoipa::path(get, path = "/api/v1/households/{id}/visits/{cadre}/{date}/photos/{seq}",
    params(("id" = String, Path, description = "household id"),
           ("cadre" = String, Path, description = "the visiting cadre's id"),
           ("date" = String, Path, description = "the visit's day, YYYY-MM-DD"),
           ("seq" = i64, Path, description = "the photo's number within the visit, from 1")),
    responses((status = 200, description = "the photo as kept (JPEG)", content_type = "image/jpeg", body = Vec<u8>),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 404, response = NotFound)))]
pub(super) async fn photo(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path((id, cadre, day, seq)), _): WithRejection<
        Path<(String, String, String, i64)>,
        ApiError,
    >,
) -> ApiResult {
    let key = records::VisitKey {
        cadre_id: cadre,
        household_id: id,
        date: date("date", &day)?,
    };
    Ok(field::photo_response(&state, &user, key, seq).await?)
}
