//! 核查任务 in the API (issue 21, departments.md): the recorded department findings within
//! reach, a page at a time; the outcome a helper or secretary records (JSON, or multipart with
//! an attachment); that attachment. The upload of department files is `crosscheck.rs`. The rules
//! are the store's and core's, the same that the pages (`pages/tasks.rs`) follow.

use super::doc::{
    BadRequest, Conflicted, Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable,
    UnsupportedMediaType,
};
use super::{check_csrf, ApiError, ApiResult};
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::pages::today;
use crate::state::AppState;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use axum_extra::extract::WithRejection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use xplus_core::accounts::Access;
use xplus_core::assessment::attachment::MAX_BYTES;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::tasks::{handling, is_overdue, Handling, TaskOutcome};
use xplus_core::registry::RegionCode;
use xplus_core::values::parse_date;
use xplus_store::records::{
    self, FieldProblem, FindingFilter, FindingList, FindingState, OutcomeTold, StoredFinding,
};

/// The schemas are those the paths name (utoipa collects them, and what they hold, itself).
#[derive(OpenApi)]
#[openapi(paths(list, record, attachment, super::crosscheck::crosscheck))]
pub struct FindingsDoc;

/// The largest outcome body (the page's form and the API take the same).
pub(super) use crate::pages::tasks::MAX_OUTCOME_BODY;

/// The most findings one page lists.
const MAX_PER_PAGE: u64 = 200;

/// Query of the task list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasksQuery {
    /// open (default: waiting for an outcome), overdue, done or all.
    #[param(pattern = "^(open|overdue|done|all)$")]
    state: Option<String>,
    /// verify (核查任务), warning (部门预警) or note (兜底信息).
    #[param(pattern = "^(verify|warning|note)$")]
    handling: Option<String>,
    /// deceased, public_payroll, vehicle, business, property, medical_burden or assistance.
    #[param(
        pattern = "^(deceased|public_payroll|vehicle|business|property|medical_burden|assistance)$"
    )]
    finding: Option<String>,
    /// Within this region (12-digit code); 404 outside the caller's reach.
    #[param(pattern = "^[0-9]{12}$")]
    region: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 4294967296_u64)]
    page: Option<u64>,
    /// At most 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    per_page: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct TaskList {
    /// Every finding the filters match, over all pages.
    total: u64,
    page: u64,
    per_page: u64,
    /// Open first, the earliest due first.
    items: Vec<TaskItem>,
}

/// What is known of an outcome's attachment (`GET …/attachment` sends it).
#[derive(Serialize, ToSchema)]
pub struct TaskAttachment {
    name: String,
    /// application/pdf, image/jpeg or image/png, by the content.
    content_type: String,
    sha256: String,
}

/// One recorded finding.
#[derive(Serialize, ToSchema)]
pub struct TaskItem {
    household_id: String,
    /// The household's n-th recorded finding, from 1 (its address under `/api/v1/tasks`).
    seq: i64,
    village_code: String,
    village_name: String,
    /// The member's identity number, masked for the roles that see numbers masked.
    id_number: String,
    /// deceased, public_payroll, vehicle, business, property, medical_burden or assistance.
    finding: String,
    /// The finding in Chinese (死亡, 机动车, …).
    finding_label: String,
    /// verify (a task with a due day), warning (open for monitoring) or note (shown only).
    handling: String,
    detail: String,
    /// The department file and the Excel row of the supporting line.
    source_file: String,
    source_row: u32,
    /// The department's own day (the death, the registration), YYYY-MM-DD.
    fact_on: Option<String>,
    /// The day checked.
    as_of: String,
    recorded_on: String,
    /// helper or secretary; null when the household has neither.
    assignee_role: Option<String>,
    /// The helper's cadre id or the secretary's.
    assignee: Option<String>,
    due_on: Option<String>,
    overdue: bool,
    /// confirmed, refuted or closed; null while open.
    outcome: Option<String>,
    outcome_on: Option<String>,
    outcome_reason: Option<String>,
    outcome_by: Option<String>,
    attachment: Option<TaskAttachment>,
}

/// A finding as the API answers it, numbers in it as `access` is shown them.
fn item(access: &Access, f: StoredFinding, village: RegionCode, village_name: String) -> TaskItem {
    let text = |s: String| Some(s).filter(|s| !s.is_empty());
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    let (assignee_role, assignee) = match f.assignee {
        Some((role, who)) => (Some(role.code().to_string()), Some(who)),
        None => (None, None),
    };
    TaskItem {
        seq: f.seq,
        village_code: village.to_string(),
        village_name,
        id_number: access.id_number(f.id_number),
        finding: f.finding.code().to_string(),
        finding_label: f.finding.label_zh().to_string(),
        handling: handling(f.finding).code().to_string(),
        detail: access.id_numbers_in(&f.detail),
        source_row: f.source_row,
        fact_on: day(f.fact_on),
        as_of: f.as_of.to_string(),
        recorded_on: f.recorded_on.to_string(),
        assignee_role,
        assignee,
        due_on: day(f.due_on),
        overdue: is_overdue(f.due_on, f.outcome, today()),
        outcome: f.outcome.map(|o| o.code().to_string()),
        outcome_on: day(f.outcome_on),
        outcome_reason: text(access.id_numbers_in(&f.outcome_reason)),
        outcome_by: text(f.outcome_by),
        attachment: f.attachment.map(|a| TaskAttachment {
            name: a.name,
            content_type: a.content_type,
            sha256: a.sha256,
        }),
        household_id: f.household_id,
        source_file: f.source_file,
    }
}

/// A choice of the query, or 400 naming it: an unknown value is refused, not ignored.
pub(super) fn choice<T>(
    field: &str,
    text: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match text.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| {
            ApiError(WebError::bad_request(format!(
                "{field} 的取值「{s}」未知 / unknown value of {field}: {s}"
            )))
        }),
    }
}

/// The page asked for (from 1, default 1) and its rows (1 to `MAX_PER_PAGE`, default 50), or 400.
/// The store counts pages from 0 in a u32, so a page past that is refused, not wrapped.
pub(super) fn paging(page: Option<u64>, per_page: Option<u64>) -> Result<(u64, u64), ApiError> {
    let bad = |m: String| ApiError(WebError::bad_request(m));
    let page = page.unwrap_or(1);
    if page == 0 || page - 1 > u64::from(u32::MAX) {
        return Err(bad(format!("页码 {page} 无效 / invalid page {page}")));
    }
    let per_page = per_page.unwrap_or(50);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(bad(format!(
            "每页条数须在 1 至 {MAX_PER_PAGE} 之间 / per_page is 1 to {MAX_PER_PAGE}"
        )));
    }
    Ok((page, per_page))
}

impl TasksQuery {
    fn filter(&self) -> Result<FindingFilter, ApiError> {
        let (page, per_page) = paging(self.page, self.per_page)?;
        Ok(FindingFilter {
            state: choice("state", &self.state, FindingState::parse)?.unwrap_or_default(),
            handling: choice("handling", &self.handling, Handling::parse)?,
            finding: choice("finding", &self.finding, Finding::parse)?,
            page: (page - 1) as u32,
            per_page: per_page as u32,
        })
    }
}

/// `access` narrowed to `region`: 400 for a code that is none, 404 outside reach (the same
/// answer as for a region that does not exist).
fn narrowed(access: &Access, region: Option<&str>) -> Result<Access, ApiError> {
    let Some(text) = region.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(access.clone());
    };
    let code = RegionCode::parse(text).map_err(|_| {
        ApiError(WebError::bad_request(format!(
            "区划代码 {text} 无效 / invalid region code {text}"
        )))
    })?;
    access
        .narrowed_to(code)
        .ok_or_else(|| ApiError(WebError::not_found()))
}

/// The recorded department findings within the caller's reach: tasks to verify (核查任务),
/// department warnings and assistance notes, open first and the earliest due first.
#[utoipa::path(get, path = "/api/v1/tasks", operation_id = "list_tasks", params(TasksQuery),
    responses((status = 200, body = TaskList), (status = 400, response = BadRequest),
              (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
pub(super) async fn list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Query(q), _): WithRejection<Query<TasksQuery>, ApiError>,
) -> ApiResult {
    let filter = q.filter()?;
    let access = narrowed(&user.access, q.region.as_deref())?;
    let FindingList {
        entries,
        total,
        names,
    } = records::finding_list(state.store.as_ref(), &access, &filter, today()).await?;
    let items = entries
        .into_iter()
        .map(|e| {
            let name = names.get(&e.village.as_u64()).cloned().unwrap_or_default();
            item(&user.access, e.finding, e.village, name)
        })
        .collect();
    Ok(Json(TaskList {
        total,
        page: u64::from(filter.page) + 1,
        per_page: u64::from(filter.per_page),
        items,
    })
    .into_response())
}

/// An outcome sent as JSON.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeBody {
    /// confirmed (属实) or refuted (不属实) for a task; closed (风险消除) for a warning.
    #[schema(pattern = "^(confirmed|refuted|closed)$")]
    outcome: String,
    /// The day verified (YYYY-MM-DD), not after today.
    #[schema(format = Date)]
    on: String,
    /// Needed to refute or close; at most 1,000 characters.
    reason: Option<String>,
}

/// An outcome sent as `multipart/form-data`, with an attachment.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OutcomeUpload {
    /// confirmed, refuted or closed.
    #[schema(pattern = "^(confirmed|refuted|closed)$")]
    outcome: String,
    /// YYYY-MM-DD, not after today.
    #[schema(format = Date)]
    on: String,
    reason: Option<String>,
    /// A PDF, JPEG or PNG (by its content) of at most 5 MB, under its file name.
    #[schema(value_type = Option<String>, format = Binary)]
    attachment: Option<Vec<u8>>,
}

/// The outcome's text fields as sent, with the attachment.
#[derive(Default)]
struct Sent {
    outcome: Option<String>,
    on: Option<String>,
    reason: String,
    attachment: Option<(String, Vec<u8>)>,
}

fn upload_error(e: MultipartError) -> ApiError {
    ApiError(WebError::new(
        e.status(),
        format!(
            "上传中断或格式有误 / the upload was interrupted or malformed: {}",
            e.body_text()
        ),
    ))
}

async fn read_outcome(mut multipart: Multipart) -> Result<Sent, ApiError> {
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(upload_error)? {
        match field.name().unwrap_or("") {
            "outcome" => sent.outcome = Some(field.text().await.map_err(upload_error)?),
            "on" => sent.on = Some(field.text().await.map_err(upload_error)?),
            "reason" => sent.reason = field.text().await.map_err(upload_error)?,
            "attachment" => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
                    // Past the limit is refused before the rest is read.
                    if bytes.len() + chunk.len() > MAX_BYTES {
                        let mb = MAX_BYTES >> 20;
                        return Err(ApiError(WebError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            format!("附件超过 {mb} MB / the attachment is over {mb} MB"),
                        )));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // A form sent without choosing a file has an empty, nameless part.
                if !(name.is_empty() && bytes.is_empty()) {
                    sent.attachment = Some((name, bytes));
                }
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// What was sent as the store takes it, or 422 naming the fields that are not what they must be.
fn told_of(sent: Sent) -> Result<OutcomeTold, ApiError> {
    let outcome = (sent.outcome.as_deref()).and_then(|s| TaskOutcome::parse(s.trim()));
    let on = (sent.on.as_deref()).and_then(|s| parse_date(s.trim()).ok());
    if let (Some(outcome), Some(on)) = (outcome, on) {
        return Ok(OutcomeTold {
            outcome,
            on,
            reason: sent.reason,
            attachment: sent.attachment,
        });
    }
    let problems = [
        (outcome.is_none(), "outcome", "核查结果须为 confirmed、refuted 或 closed / the outcome is confirmed, refuted or closed"),
        (on.is_none(), "on", "请填写日期，格式 YYYY-MM-DD / the day, as YYYY-MM-DD"),
    ];
    Err(ApiError(WebError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: crate::error::FIELDS_REFUSED.into(),
        fields: (problems.into_iter().filter(|p| p.0))
            .map(|(_, field, message)| FieldProblem {
                field: field.into(),
                message: message.into(),
            })
            .collect(),
    }))
}

fn is_multipart(headers: &HeaderMap) -> bool {
    (headers.get(header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| (v.trim_start().to_ascii_lowercase()).starts_with("multipart/form-data"))
}

/// Records what the household's helper (or secretary) found when verifying a finding, once:
/// a confirmed death makes the member leave the household on the day of death. JSON, or
/// multipart with an attachment.
#[utoipa::path(post, path = "/api/v1/tasks/{household_id}/{seq}", operation_id = "record_outcome",
    request_body(content((OutcomeBody = "application/json"),
                         (OutcomeUpload = "multipart/form-data"))),
    params(("household_id" = String, Path, description = "household id"),
           ("seq" = i64, Path, description = "the household's n-th finding, from 1")),
    responses((status = 200, body = TaskItem, description = "recorded; the finding as it now stands"),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 404, response = NotFound),
              (status = 409, response = Conflicted), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn record(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path((id, seq)), _): WithRejection<Path<(String, i64)>, ApiError>,
    request: Request,
) -> ApiResult {
    check_csrf(&user, request.headers())?;
    let sent = if is_multipart(request.headers()) {
        let multipart = Multipart::from_request(request, &state).await?;
        read_outcome(multipart).await?
    } else {
        let Json(body) = Json::<OutcomeBody>::from_request(request, &state).await?;
        Sent {
            outcome: Some(body.outcome),
            on: Some(body.on),
            reason: body.reason.unwrap_or_default(),
            attachment: None,
        }
    };
    let store = state.store.as_ref();
    // Read first: the answer names the village, and a household out of reach is 404 either way.
    let household = records::household(store, &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let told = told_of(sent)?;
    let after = records::record_outcome(store, &user.access, &id, seq, &told, today()).await?;
    state.counts.changed();
    let village = household.household.village;
    Ok(Json(item(&user.access, after, village, household.village_name)).into_response())
}

/// The attachment of a finding's outcome, as kept; 404 when it has none.
#[utoipa::path(get, path = "/api/v1/tasks/{household_id}/{seq}/attachment",
    operation_id = "task_attachment",
    params(("household_id" = String, Path, description = "household id"),
           ("seq" = i64, Path, description = "the household's n-th finding, from 1")),
    responses((status = 200, description = "the attachment (PDF, JPEG or PNG)",
               content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/jpeg"),
                       (Vec<u8> = "image/png"))),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 404, response = NotFound), (status = 409, response = Conflicted)))]
pub(super) async fn attachment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    WithRejection(Path((id, seq)), _): WithRejection<Path<(String, i64)>, ApiError>,
) -> ApiResult {
    let (note, bytes) =
        records::finding_attachment(state.store.as_ref(), &user.access, &id, seq, today())
            .await?
            .ok_or_else(WebError::not_found)?;
    Ok(crate::pages::attachment_download(
        bytes,
        &note.content_type,
        &note.name,
        seq,
    ))
}
