//! 部门数据比对 in the API (issue 21, departments.md): an official's upload of department files,
//! checked against the registry within their reach and, when asked, recorded once. The rules
//! are the store's and core's, the same that the page (`pages/crosscheck.rs`) follows.

use super::doc::{
    BadRequest, Forbidden, PayloadTooLarge, Unauthorized, Unprocessable, UnsupportedMediaType,
};
use super::{check_csrf, date, ApiError, ApiResult};
use crate::auth::{ApiUser, Signed};
use crate::error::WebError;
use crate::pages::imports::{io, receive};
use crate::pages::today;
use crate::state::AppState;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use xplus_core::accounts::Access;
use xplus_store::records::{self, FieldProblem};

/// Department files to check (departments.md).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CrosscheckUpload {
    /// A set of CSV files (deaths.csv, vehicles.csv, …) or one .xlsx workbook.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
    /// The day checked (YYYY-MM-DD, not after today); today when left out.
    #[schema(format = Date)]
    as_of: Option<String>,
    /// "1" or "true" to record the findings (once: a second time records nothing new).
    #[schema(pattern = "^(1|true|0|false)?$")]
    apply: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CrosscheckFinding {
    household_id: String,
    /// Masked for the roles that see numbers masked.
    id_number: String,
    finding: String,
    file: String,
    /// The Excel row of the supporting line.
    row: u32,
    detail: String,
}

/// A row whose number is not a valid one: it matches nobody.
#[derive(Serialize, ToSchema)]
pub struct CrosscheckProblem {
    file: String,
    row: u32,
    value: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct CrosscheckApplied {
    /// Findings recorded now.
    recorded: u64,
    /// Findings an earlier check had recorded already.
    already: u64,
}

#[derive(Serialize, ToSchema)]
pub struct CrosscheckBody {
    as_of: String,
    members_checked: u64,
    rows_read: u64,
    /// Sorted by household, member and finding.
    findings: Vec<CrosscheckFinding>,
    problems: Vec<CrosscheckProblem>,
    /// What was recorded; null when `apply` was not asked.
    applied: Option<CrosscheckApplied>,
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError(WebError::new(StatusCode::UNPROCESSABLE_ENTITY, message))
}

/// The department files uploaded: a set of CSV files (the folder) or one workbook.
fn bundle_of(into: &std::path::Path, names: &[String]) -> Result<std::path::PathBuf, ApiError> {
    let ends = |n: &String, e: &str| n.to_ascii_lowercase().ends_with(e);
    match names {
        [] => Err(refused("请选择要比对的部门数据文件（files）/ send the department files (files)")),
        [one] if ends(one, ".xlsx") => Ok(into.join(one)),
        _ if names.iter().all(|n| ends(n, ".csv")) => Ok(into.to_path_buf()),
        _ => Err(refused("请上传一个 .xlsx 工作簿，或一组 .csv 文件 / upload one .xlsx workbook or a set of .csv files")),
    }
}

/// The day checked: today when left out, never after today.
fn as_of_of(text: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today()),
        Some(s) => {
            let day = date("as_of", s)?;
            if day > today() {
                return Err(refused(format!(
                    "比对日期 {day} 晚于今天 / the day checked, {day}, is after today"
                )));
            }
            Ok(day)
        }
    }
}

fn apply_of(text: Option<&str>) -> Result<bool, ApiError> {
    match text.map(str::trim).unwrap_or("") {
        "1" | "true" => Ok(true),
        "" | "0" | "false" => Ok(false),
        other => Err(ApiError(WebError::bad_request(format!(
            "apply 须为 1、true、0 或 false，而不是「{other}」/ apply is 1, true, 0 or false, not {other}"
        )))),
    }
}

/// The 422 of a malformed upload: each error at its file as its uploader named it — never the
/// server's folder, which is cut from the names and the messages alike.
fn malformed(access: &Access, errors: &[records::Malformed], folders: &[String]) -> ApiError {
    let strip = |text: &str| {
        let cut = folders.iter().fold(text.to_string(), |t, f| {
            t.replace(&format!("{f}/"), "")
                .replace(&format!("{f}\\"), "")
                .replace(f, "")
        });
        cut.trim_start_matches(['/', '\\']).to_string()
    };
    let fields = errors
        .iter()
        .map(|m| {
            let file = Some(strip(&m.file)).filter(|f| !f.is_empty());
            let file = file.unwrap_or_else(|| "上传的文件".to_string());
            let place = [
                (m.row > 0).then(|| format!("第{}行", m.row)),
                (!m.column.is_empty()).then(|| format!("{} 列", m.column)),
                (!m.value.is_empty()).then(|| format!("「{}」", access.id_numbers_in(&m.value))),
            ];
            let place: Vec<String> = place.into_iter().flatten().collect();
            FieldProblem {
                field: file,
                message: match place.is_empty() {
                    true => strip(&m.reason),
                    false => format!("{}：{}", place.join(" "), strip(&m.reason)),
                },
            }
        })
        .collect();
    ApiError(WebError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: "部门数据有错误，未登记任何结果 / the department files are malformed; nothing was recorded".into(),
        fields,
    })
}

/// Matches other departments' lists (CSV files, or one workbook) against the members of the
/// households within reach as of a day, and with `apply` records what they find as tasks and
/// warnings. County or city officials and administrators only. A malformed upload is 422 with
/// every error, and nothing is recorded.
#[utoipa::path(post, path = "/api/v1/crosscheck", operation_id = "crosscheck",
    request_body(content = CrosscheckUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = CrosscheckBody),
              (status = 400, response = BadRequest), (status = 401, response = Unauthorized),
              (status = 403, response = Forbidden), (status = 413, response = PayloadTooLarge),
              (status = 415, response = UnsupportedMediaType),
              (status = 422, response = Unprocessable)))]
pub(super) async fn crosscheck(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    request: Request,
) -> ApiResult {
    if !user.access.may_apply_crosscheck() {
        return Err(WebError::forbidden(
            "只有县、市级干部和管理员可以进行部门数据比对 / only county or city officials and administrators run cross-department checks",
        )
        .into());
    }
    check_csrf(&user, request.headers())?;
    let multipart = Multipart::from_request(request, &state).await?;
    let dir = tempfile::tempdir().map_err(io)?;
    let into = dir.path().join("upload");
    std::fs::create_dir(&into).map_err(io)?;
    let received = receive(multipart, &into).await?;
    let as_of = as_of_of(received.field("as_of"))?;
    let apply = apply_of(received.field("apply"))?;
    let path = bundle_of(&into, &received.names)?;
    let store = state.store.as_ref();
    let check = records::crosscheck(store, &user.access, &path, as_of, today()).await?;
    if !check.malformed.is_empty() {
        let folders = [into.display().to_string(), dir.path().display().to_string()];
        return Err(malformed(&user.access, &check.malformed, &folders));
    }
    let applied = if apply {
        let a = records::apply_findings(store, &user.access, &check, as_of, today()).await?;
        state.counts.changed();
        Some(a)
    } else {
        None
    };
    Ok(Json(answer(&user, &check, as_of, applied)).into_response())
}

fn answer(
    user: &Signed,
    check: &records::Crosscheck,
    as_of: chrono::NaiveDate,
    applied: Option<records::FindingsApplied>,
) -> CrosscheckBody {
    let access = &user.access;
    CrosscheckBody {
        as_of: as_of.to_string(),
        members_checked: check.members_checked,
        rows_read: check.rows_read,
        findings: (check.findings.iter())
            .map(|f| CrosscheckFinding {
                household_id: f.household_id.clone(),
                id_number: access.id_numbers_in(&f.id_number),
                finding: f.finding.code().to_string(),
                file: f.file.clone(),
                row: f.row,
                detail: access.id_numbers_in(&f.detail),
            })
            .collect(),
        problems: (check.problems.iter())
            .map(|p| CrosscheckProblem {
                file: p.file.clone(),
                row: p.row,
                value: access.id_numbers_in(&p.value),
                reason: p.reason.clone(),
            })
            .collect(),
        applied: applied.map(|a| CrosscheckApplied {
            recorded: a.recorded,
            already: a.already,
        }),
    }
}
