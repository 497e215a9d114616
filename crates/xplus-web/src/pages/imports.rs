//! Uploading a bundle: the files are checked completely first (nothing written) and the report
//! shown; only when the uploader confirms is the bundle imported, all or nothing, in their name.

use super::{html, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::{AppState, Upload};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::Form;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xplus_core::rules::RuleSet;
use xplus_store::bundle::source::Encoding;
use xplus_store::{import_bundle, ImportOptions, ImportReport, Issue};

/// An unconfirmed upload is dropped after this.
const KEEP: Duration = Duration::from_secs(3600);

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    /// Set once checked: the token to confirm with, if the bundle may be imported.
    token: Option<String>,
    name: String,
    checked: bool,
    committed: bool,
    files: Vec<xplus_store::FileRead>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    message: Option<String>,
}

fn may_import(user: &crate::auth::Signed) -> Result<(), WebError> {
    if user.access.may_import() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "只有管理员可以导入数据包 / only administrators import bundles",
        ))
    }
}

fn page(c: Chrome) -> ImportPage {
    ImportPage {
        c,
        token: None,
        name: String::new(),
        checked: false,
        committed: false,
        files: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        message: None,
    }
}

pub async fn form(PageUser(user): PageUser, l: Lang) -> Result<Response, WebError> {
    may_import(&user)?;
    html(&page(Chrome::new(l, &user, "imports")))
}

fn options(actor: &str, dry_run: bool) -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today: today(),
        actor: actor.to_string(),
        rules: RuleSet::default(),
        dry_run,
    }
}

/// Keeps only a plain file name: an upload cannot write outside its folder.
fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let lower = base.to_ascii_lowercase();
    (!base.is_empty()
        && !base.starts_with('.')
        && (lower.ends_with(".csv") || lower.ends_with(".xlsx")))
    .then(|| base.to_string())
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    may_import(&user)?;
    let dir = tempfile::tempdir()
        .map_err(|e| WebError::from(xplus_store::StoreError::Interrupted(e.to_string())))?;
    let mut csrf = None;
    let mut names = Vec::new();
    let bad = |m: &str| WebError::bad_request(m.to_string());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("上传中断或格式有误 / the upload was interrupted or malformed"))?
    {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.ok(),
            Some("files") => {
                let Some(name) = field.file_name().and_then(safe_name) else {
                    if field.file_name().is_some_and(|n| !n.is_empty()) {
                        return Err(bad("只能上传 .csv 或 .xlsx 文件 / only .csv or .xlsx files can be uploaded"));
                    }
                    continue;
                };
                // Streamed to disk: a city's workbook need not sit in memory.
                let io = |e: std::io::Error| {
                    WebError::from(xplus_store::StoreError::Interrupted(e.to_string()))
                };
                let mut file = tokio::fs::File::create(dir.path().join(&name))
                    .await
                    .map_err(io)?;
                let mut field = field;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|_| bad("上传中断 / the upload was interrupted"))?
                {
                    tokio::io::AsyncWriteExt::write_all(&mut file, &chunk)
                        .await
                        .map_err(io)?;
                }
                tokio::io::AsyncWriteExt::flush(&mut file)
                    .await
                    .map_err(io)?;
                names.push(name);
            }
            _ => {}
        }
    }
    user.check_csrf(csrf.as_deref())?;
    let mut p = page(Chrome::new(l, &user, "imports"));
    let workbooks: Vec<&String> = names
        .iter()
        .filter(|n| n.to_ascii_lowercase().ends_with(".xlsx"))
        .collect();
    let path = match (workbooks.as_slice(), names.len()) {
        (_, 0) => {
            p.message = Some(l.pick("请选择要上传的文件 / choose the files to upload"));
            return html(&p);
        }
        ([one], 1) => dir.path().join(one),
        ([], _) => dir.path().to_path_buf(),
        _ => {
            p.message = Some(l.pick(
                "请上传一个 .xlsx 工作簿，或一组 .csv 文件 / upload one .xlsx workbook or a set of .csv files",
            ));
            return html(&p);
        }
    };
    let report = import_bundle(
        state.store.as_ref(),
        &path,
        &options(&user.account.name, true),
        Arc::new(xplus_store::bundle::import::Quiet),
    )
    .await?;
    let token = xplus_store::accounts::random_secret(16);
    let name = names.join(", ");
    fill(&mut p, &report, &name);
    if report.errors.is_empty() {
        let mut uploads = state.uploads.lock().expect("uploads");
        uploads.retain(|_, u| u.at.elapsed() < KEEP);
        uploads.insert(
            token.clone(),
            Upload {
                user: user.account.name.clone(),
                dir,
                path,
                name,
                at: Instant::now(),
            },
        );
        p.token = Some(token);
    }
    html(&p)
}

fn fill(p: &mut ImportPage, report: &ImportReport, name: &str) {
    p.checked = true;
    p.name = name.to_string();
    p.files = report.files.clone();
    // Reasons are written "中文 / English": the page shows the user's half.
    let l = p.c.l;
    let shown = |issues: &[xplus_store::Issue]| -> Vec<xplus_store::Issue> {
        issues
            .iter()
            .take(1000)
            .map(|i| xplus_store::Issue {
                reason: l.pick(&i.reason),
                ..i.clone()
            })
            .collect()
    };
    p.errors = shown(&report.errors);
    p.warnings = shown(&report.warnings);
    p.committed = report.committed;
}

#[derive(serde::Deserialize)]
pub struct Confirm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(token): Path<String>,
    Form(form): Form<Confirm>,
) -> Result<Response, WebError> {
    may_import(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let upload = {
        let mut uploads = state.uploads.lock().expect("uploads");
        match uploads.remove(&token) {
            Some(u) if u.user == user.account.name && u.at.elapsed() < KEEP => u,
            _ => return Err(WebError::not_found()),
        }
    };
    let report = import_bundle(
        state.store.as_ref(),
        &upload.path,
        &options(&user.account.name, false),
        Arc::new(xplus_store::bundle::import::Quiet),
    )
    .await?;
    state.counts.changed();
    let mut p = page(Chrome::new(l, &user, "imports"));
    fill(&mut p, &report, &upload.name);
    drop(upload);
    html(&p)
}
