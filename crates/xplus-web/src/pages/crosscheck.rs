//! 部门数据比对 page (departments.md): a county or city official uploads other departments'
//! lists, sees what they find among the households within reach (nothing recorded), and then
//! records them as tasks and warnings (登记) — once: a second time records nothing new. The
//! findings stay in memory under a token for their uploader only; the uploaded files are
//! dropped as soon as the check ends.

use super::imports::{io, receive, Received};
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xplus_core::accounts::Access;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::values::parse_date;
use xplus_store::records::{self, Crosscheck, FindingsApplied};

/// Findings listed on the page; the download has all of them.
const SHOWN: usize = 200;

/// How long a check's findings wait for their uploader to record them.
const KEPT_FOR: Duration = Duration::from_secs(4 * 3600);

/// One check of an official's upload.
pub struct CrosscheckRun {
    user: String,
    names: String,
    as_of: NaiveDate,
    at: Instant,
    check: Crosscheck,
    applied: Mutex<Option<FindingsApplied>>,
}

/// The checks kept, by token.
pub type CrosscheckRuns = Arc<Mutex<HashMap<String, Arc<CrosscheckRun>>>>;

pub struct Shown {
    household_id: String,
    id_number: String,
    finding: String,
    /// The supporting line, by the department list's own name.
    source: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "crosscheck.html")]
struct CrosscheckPage {
    c: Chrome,
    today: String,
    /// The token of the check shown, "" on the bare form.
    token: String,
    names: String,
    as_of: String,
    members_checked: u64,
    rows_read: u64,
    by_finding: Vec<(String, usize)>,
    rows: Vec<Shown>,
    total: usize,
    problems: Vec<records::ProblemRow>,
    /// The errors of a malformed upload (nothing checked).
    errors: Vec<String>,
    message: Option<String>,
    applied: Option<FindingsApplied>,
}

impl CrosscheckPage {
    /// A problem row's line, by the department list's own name.
    fn source(&self, p: &records::ProblemRow) -> String {
        super::tasks::source_of(self.c.l, &p.file, p.row)
    }
}

fn page(c: Chrome) -> CrosscheckPage {
    CrosscheckPage {
        c,
        today: today().to_string(),
        token: String::new(),
        names: String::new(),
        as_of: today().to_string(),
        members_checked: 0,
        rows_read: 0,
        by_finding: Vec::new(),
        rows: Vec::new(),
        total: 0,
        problems: Vec::new(),
        errors: Vec::new(),
        message: None,
        applied: None,
    }
}

fn may_check(user: &Signed) -> Result<(), WebError> {
    if user.access.may_apply_crosscheck() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "只有县、市级干部和管理员可以进行部门数据比对 / only county or city officials and administrators run cross-department checks",
        ))
    }
}

pub async fn form(PageUser(user): PageUser, l: Lang) -> Result<Response, WebError> {
    may_check(&user)?;
    html(&page(Chrome::new(l, &user, "crosscheck")))
}

/// The department files uploaded: a set of CSV files (the folder) or one workbook.
fn bundle_of(into: &std::path::Path, names: &[String]) -> Result<std::path::PathBuf, &'static str> {
    let ends = |n: &String, e: &str| n.to_ascii_lowercase().ends_with(e);
    match names {
        [] => Err("请选择要比对的部门数据文件 / choose the department files"),
        [one] if ends(one, ".xlsx") => Ok(into.join(one)),
        _ if names.iter().all(|n| ends(n, ".csv")) => Ok(into.to_path_buf()),
        _ => Err("请上传一个 .xlsx 工作簿，或一组 .csv 文件 / upload one .xlsx workbook or a set of .csv files"),
    }
}

/// A problem of a malformed upload as its uploader reads it: the file as they named it, never
/// the server's folder.
fn error_line(l: Lang, access: &Access, m: &records::Malformed, folder: &str) -> String {
    let file = m.file.replace(folder, "");
    let file = file.trim_start_matches(['/', '\\']);
    let file = if file.is_empty() {
        "上传的文件"
    } else {
        file
    };
    let place = match (m.row, m.column.is_empty()) {
        (0, _) => file.to_string(),
        (row, true) => format!("{file} 第{row}行"),
        (row, false) => format!("{file} 第{row}行 {} 列", m.column),
    };
    let value = if m.value.is_empty() {
        String::new()
    } else {
        format!("「{}」", access.id_numbers_in(&m.value))
    };
    format!("{place} {value}：{}", l.pick(&m.reason.replace(folder, "")))
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    multipart: Multipart,
) -> Result<Response, WebError> {
    may_check(&user)?;
    let dir = tempfile::tempdir().map_err(io)?;
    let into = dir.path().join("upload");
    std::fs::create_dir(&into).map_err(io)?;
    let received: Received = receive(multipart, &into).await?;
    user.check_csrf(received.csrf.as_deref())?;
    let mut p = page(Chrome::new(l, &user, "crosscheck"));
    let as_of = match received
        .field("as_of")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => today(),
        Some(s) => match parse_date(s) {
            Ok(d) if d <= today() => d,
            _ => {
                p.message = Some(l.pick("比对日期须为今天或以前的日期，格式 YYYY-MM-DD / the day checked is a date no later than today, YYYY-MM-DD"));
                return html(&p);
            }
        },
    };
    let path = match bundle_of(&into, &received.names) {
        Ok(path) => path,
        Err(message) => {
            p.message = Some(l.pick(message));
            return html(&p);
        }
    };
    let check =
        records::crosscheck(state.store.as_ref(), &user.access, &path, as_of, today()).await?;
    if !check.malformed.is_empty() {
        let folder = into.display().to_string();
        p.errors = check
            .malformed
            .iter()
            .map(|m| error_line(l, &user.access, m, &folder))
            .collect();
        p.names = received.names.join("、");
        return html(&p);
    }
    let run = Arc::new(CrosscheckRun {
        user: user.account.name.clone(),
        names: received.names.join("、"),
        as_of,
        at: Instant::now(),
        check,
        applied: Mutex::new(None),
    });
    let token = xplus_store::accounts::random_secret(16);
    {
        let mut runs = state.crosschecks.lock().expect("crosschecks");
        runs.retain(|_, r| r.at.elapsed() < KEPT_FOR);
        // An official keeps their latest few checks: each may hold a county's findings.
        let mut mine: Vec<(Instant, String)> = (runs.iter())
            .filter(|(_, r)| r.user == run.user)
            .map(|(t, r)| (r.at, t.clone()))
            .collect();
        mine.sort();
        for (_, old) in mine.iter().take(mine.len().saturating_sub(2)) {
            runs.remove(old);
        }
        runs.insert(token.clone(), run);
    }
    Ok(Redirect::to(&format!("/crosscheck/{token}")).into_response())
}

/// The check of `token`, if it is this account's (anyone else's is not found).
fn find(state: &AppState, user: &Signed, token: &str) -> Result<Arc<CrosscheckRun>, WebError> {
    let runs = state.crosschecks.lock().expect("crosschecks");
    match runs.get(token) {
        Some(r) if r.user == user.account.name && r.at.elapsed() < KEPT_FOR => Ok(r.clone()),
        _ => Err(WebError::not_found()),
    }
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    may_check(&user)?;
    let run = find(&state, &user, &token)?;
    let mut p = page(Chrome::new(l, &user, "crosscheck"));
    let check = &run.check;
    p.token = token;
    p.names = run.names.clone();
    p.as_of = run.as_of.to_string();
    p.members_checked = check.members_checked;
    p.rows_read = check.rows_read;
    p.by_finding = (Finding::ALL.iter())
        .map(|f| {
            let n = check.findings.iter().filter(|r| r.finding == *f).count();
            (l.label(f.code(), f.label_zh()), n)
        })
        .collect();
    p.rows = (check.findings.iter().take(SHOWN))
        .map(|f| Shown {
            household_id: f.household_id.clone(),
            id_number: user.access.id_numbers_in(&f.id_number),
            finding: l.label(f.finding.code(), f.finding.label_zh()),
            source: super::tasks::source_of(l, &f.file, f.row),
            detail: user.access.id_numbers_in(&f.detail),
        })
        .collect();
    p.total = check.findings.len();
    p.problems = (check.problems.iter().take(SHOWN))
        .map(|r| records::ProblemRow {
            value: user.access.id_numbers_in(&r.value),
            ..r.clone()
        })
        .collect();
    p.applied = *run.applied.lock().expect("crosscheck");
    html(&p)
}

#[derive(serde::Deserialize)]
pub struct ApplyForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn apply(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(token): Path<String>,
    Form(form): Form<ApplyForm>,
) -> Result<Response, WebError> {
    may_check(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let run = find(&state, &user, &token)?;
    let applied = records::apply_findings(
        state.store.as_ref(),
        &user.access,
        &run.check,
        run.as_of,
        today(),
    )
    .await?;
    *run.applied.lock().expect("crosscheck") = Some(applied);
    Ok(Redirect::to(&format!("/crosscheck/{token}")).into_response())
}

/// `GET /crosscheck/{token}/{file}`: findings.csv, findings.xlsx, problems.csv or problems.xlsx.
pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((token, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    may_check(&user)?;
    let run = find(&state, &user, &token)?;
    let access = user.access.clone();
    let (problems, workbook) = match file.as_str() {
        "findings.csv" => (false, false),
        "findings.xlsx" => (false, true),
        "problems.csv" => (true, false),
        "problems.xlsx" => (true, true),
        _ => return Err(WebError::not_found()),
    };
    let bytes = tokio::task::spawn_blocking(move || {
        // Numbers as the account is shown them everywhere else (officials see them masked).
        let check = &run.check;
        if problems {
            let rows: Vec<records::ProblemRow> = (check.problems.iter())
                .map(|r| records::ProblemRow {
                    value: access.id_numbers_in(&r.value),
                    ..r.clone()
                })
                .collect();
            xplus_output::crosscheck::problems_file(&rows, workbook)
        } else {
            let rows: Vec<records::FindingRow> = (check.findings.iter())
                .map(|f| records::FindingRow {
                    id_number: access.id_numbers_in(&f.id_number),
                    detail: access.id_numbers_in(&f.detail),
                    ..f.clone()
                })
                .collect();
            xplus_output::crosscheck::findings_file(&rows, workbook)
        }
    })
    .await
    .map_err(|e| WebError::from(xplus_store::StoreError::Interrupted(e.to_string())))??;
    let kind = if workbook {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
