//! The JSON API of 讲学授课: a year's sessions held at the stations within reach and their
//! person-times (attendances), by lecturer kind, in all and per region one level below — what
//! `/lectures` shows.

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
use xplus_core::education::lectures::Lectures;
use xplus_core::education::LecturerKind;
use xplus_store::records;

#[derive(OpenApi)]
#[openapi(
    paths(lectures),
    components(schemas(LecturesBody, LectureCounts, LectureKindItem, LectureRegionItem))
)]
pub struct LecturesDoc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LecturesQuery {
    /// The year (default: this year); others are refused with 400.
    #[param(minimum = 1949, maximum = 2100)]
    year: Option<i32>,
    /// A region within reach (12 digits; default: the caller's own); outside reach is 403.
    region: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LectureKindItem {
    /// training_sessions.csv `lecturer_kind`: cadre, party_school, expert, entrepreneur.
    lecturer_kind: String,
    sessions: u64,
    person_times: u64,
}

#[derive(Serialize, ToSchema)]
pub struct LectureCounts {
    sessions: u64,
    /// Attendances (a household at a session).
    person_times: u64,
    by_lecturer_kind: Vec<LectureKindItem>,
}

impl From<&Lectures> for LectureCounts {
    fn from(l: &Lectures) -> LectureCounts {
        LectureCounts {
            sessions: l.total_sessions(),
            person_times: l.total_person_times(),
            by_lecturer_kind: (LecturerKind::ALL.iter())
                .map(|&k| LectureKindItem {
                    lecturer_kind: k.code().to_string(),
                    sessions: l.sessions_of(k),
                    person_times: l.person_times_of(k),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LectureRegionItem {
    region_code: String,
    name: String,
    counts: LectureCounts,
}

#[derive(Serialize, ToSchema)]
pub struct LecturesBody {
    year: i32,
    total: LectureCounts,
    regions: Vec<LectureRegionItem>,
}

/// 讲学授课 within reach: the year's sessions held at the stations and their person-times, by
/// lecturer kind, in all and per region one level below the one asked for.
#[utoipa::path(get, path = "/api/v1/lectures", params(LecturesQuery),
    responses((status = 200, body = LecturesBody), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 403, response = Forbidden)))]
pub(super) async fn lectures(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<LecturesQuery>, ApiError>,
) -> ApiResult {
    let year = crate::pages::checked_year(q.year)?;
    let access = crate::pages::narrowed(&user.access, q.region.as_deref())?;
    let v = records::lecture_view(state.store.as_ref(), &access, year).await?;
    Ok(Json(LecturesBody {
        year,
        total: (&v.report.total).into(),
        regions: (v.report.by_region.iter())
            .map(|(code, t)| LectureRegionItem {
                region_code: code.to_string(),
                name: v.name(code).to_string(),
                counts: t.into(),
            })
            .collect(),
    })
    .into_response())
}
