//! Uploading a bundle: a zip archive, one workbook or a set of CSV files. The upload is checked
//! completely in the background (nothing written) while the page shows the progress; only when
//! the uploader confirms is the bundle imported, again in the background, all or nothing, in
//! their name. The upload is found by its token, by its uploader only, so a reloaded page
//! carries on; one upload of an account runs at a time.

use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::{AppState, ProgressNow, Upload, UploadStage, UploadState};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use xplus_core::rules::RuleSet;
use xplus_store::bundle::source::{unpack_zip, Encoding, ZipLimits};
use xplus_store::{import_bundle, ImportOptions, ImportReport, Issue, StoreError};

/// Findings listed on the page, of each kind; all of them are in the download.
const SHOWN: usize = 200;

/// Uploads of one account kept at once, the newest; older reports are dropped.
const KEPT_PER_ACCOUNT: usize = 5;

/// What the progress shows, worded for the page.
pub(super) struct ProgressView {
    stage: &'static str,
    file: String,
    files_started: usize,
    files_total: usize,
    rows: u64,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    c: Chrome,
    /// The token of the upload shown ("" on the bare form).
    job: String,
    name: String,
    /// Set while the upload is checked or imported: the page polls it.
    p: Option<ProgressView>,
    checked: bool,
    committed: bool,
    may_confirm: bool,
    files: Vec<xplus_store::FileRead>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    errors_total: u64,
    warnings_total: u64,
    /// Findings beyond those listed, in the download only.
    errors_more: u64,
    warnings_more: u64,
    message: Option<String>,
    /// The token of another upload of this account that still runs: no new one until it ends.
    busy: Option<String>,
}

/// The progress alone, polled once a second.
#[derive(Template)]
#[template(path = "import_progress.html")]
struct ProgressFragment {
    c: Chrome,
    job: String,
    p: Option<ProgressView>,
}

fn may_import(user: &Signed) -> Result<(), WebError> {
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
        job: String::new(),
        name: String::new(),
        p: None,
        checked: false,
        committed: false,
        may_confirm: false,
        files: Vec::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        errors_total: 0,
        warnings_total: 0,
        errors_more: 0,
        warnings_more: 0,
        message: None,
        busy: None,
    }
}

/// The account's upload that still runs, if any.
fn running_of(state: &AppState, user: &str) -> Option<String> {
    running_in(&state.uploads.lock().expect("uploads"), user)
}

/// [`running_of`] over the uploads, for a caller holding their lock.
fn running_in(
    uploads: &std::collections::HashMap<String, Arc<Upload>>,
    user: &str,
) -> Option<String> {
    uploads
        .iter()
        .find(|(_, u)| u.user == user && u.running())
        .map(|(t, _)| t.clone())
}

/// The upload of `token`, if it is this account's (anyone else's is not found).
pub(super) fn find(state: &AppState, user: &Signed, token: &str) -> Result<Arc<Upload>, WebError> {
    let mut uploads = state.uploads.lock().expect("uploads");
    uploads.retain(|_, u| !u.expired());
    match uploads.get(token) {
        Some(u) if u.user == user.account.name => Ok(u.clone()),
        _ => Err(WebError::not_found()),
    }
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
) -> Result<Response, WebError> {
    may_import(&user)?;
    let mut p = page(Chrome::new(l, &user, "imports"));
    p.busy = running_of(&state, &user.account.name);
    html(&p)
}

fn options(actor: &str, dry_run: bool, upload: &Upload) -> ImportOptions {
    ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today: today(),
        actor: actor.to_string(),
        rules: RuleSet::default(),
        dry_run,
        uploaded_as: Some(upload.name.clone()),
    }
}

/// Keeps only a plain file name: an upload cannot write outside its folder.
pub(crate) fn safe_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next()?.trim();
    let lower = base.to_ascii_lowercase();
    (!base.is_empty()
        && !base.starts_with('.')
        && [".csv", ".xlsx", ".zip"].iter().any(|e| lower.ends_with(e)))
    .then(|| base.to_string())
}

pub(crate) fn io(e: std::io::Error) -> WebError {
    WebError::from(StoreError::Interrupted(e.to_string()))
}

/// What an upload form sent: its CSRF token, the files' names (the files are in the folder) and
/// its other short fields (a date, a choice).
pub(crate) struct Received {
    pub csrf: Option<String>,
    pub names: Vec<String>,
    pub fields: Vec<(String, String)>,
}

impl Received {
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        (self.fields.iter())
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The short fields an upload form may carry besides its files (anything else is ignored).
const UPLOAD_FIELDS: &[&str] = &["as_of", "apply"];

/// Streams the uploaded files into `into` (a city's workbook need not sit in memory); returns
/// the form's CSRF token, the files' names and its other fields.
pub(crate) async fn receive(
    mut multipart: Multipart,
    into: &std::path::Path,
) -> Result<Received, WebError> {
    let bad = |m: &str| WebError::bad_request(m.to_string());
    let mut csrf = None;
    let mut fields = Vec::new();
    let mut names: Vec<String> = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("上传中断或格式有误 / the upload was interrupted or malformed"))?
    {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.ok(),
            Some(name) if UPLOAD_FIELDS.contains(&name) => {
                let name = name.to_string();
                let value = field.text().await.unwrap_or_default();
                // A date or a choice: anything longer is not what the form sends.
                if value.len() <= 64 {
                    fields.push((name, value));
                }
            }
            Some("files") => {
                let Some(name) = field.file_name().and_then(safe_name) else {
                    if field.file_name().is_some_and(|n| !n.is_empty()) {
                        return Err(bad("只能上传 .zip、.xlsx 或 .csv 文件 / only .zip, .xlsx or .csv files can be uploaded"));
                    }
                    continue;
                };
                if names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    return Err(bad(&format!("{name} 选了两次 / {name} was chosen twice")));
                }
                let mut file = tokio::fs::File::create(into.join(&name))
                    .await
                    .map_err(io)?;
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
    Ok(Received {
        csrf,
        names,
        fields,
    })
}

/// What was uploaded, to be read as a bundle.
enum Input {
    /// A folder of CSV files, or one workbook.
    Bundle(PathBuf),
    Zip(PathBuf),
}

/// The bundle the uploaded files make, or what to tell the user ("中文 / English").
fn classify(into: &std::path::Path, names: &[String]) -> Result<Input, &'static str> {
    let ends = |n: &String, e: &str| n.to_ascii_lowercase().ends_with(e);
    let zips = names.iter().filter(|n| ends(n, ".zip")).count();
    let books = names.iter().filter(|n| ends(n, ".xlsx")).count();
    match (names, zips, books) {
        ([], _, _) => Err("请选择要上传的文件 / choose the files to upload"),
        ([one], 1, _) => Ok(Input::Zip(into.join(one))),
        ([one], _, 1) => Ok(Input::Bundle(into.join(one))),
        (_, 0, 0) => Ok(Input::Bundle(into.to_path_buf())),
        _ => Err("请上传一个 .zip 压缩包、一个 .xlsx 工作簿，或一组 .csv 文件 / upload one .zip archive, one .xlsx workbook or a set of .csv files"),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    multipart: Multipart,
) -> Result<Response, WebError> {
    may_import(&user)?;
    if let Some(token) = running_of(&state, &user.account.name) {
        return Ok(Redirect::to(&format!("/imports/{token}")).into_response());
    }
    let dir = tempfile::tempdir().map_err(io)?;
    let into = dir.path().join("upload");
    std::fs::create_dir(&into).map_err(io)?;
    let Received { csrf, names, .. } = receive(multipart, &into).await?;
    user.check_csrf(csrf.as_deref())?;
    let input = match classify(&into, &names) {
        Ok(input) => input,
        Err(message) => {
            let mut p = page(Chrome::new(l, &user, "imports"));
            p.message = Some(l.pick(message));
            return html(&p);
        }
    };
    let upload = Arc::new(Upload {
        user: user.account.name.clone(),
        name: names.join(", "),
        dir,
        progress: Arc::default(),
        state: Mutex::new(UploadState::Checking),
        at: Mutex::new(Instant::now()),
    });
    let token = xplus_store::accounts::random_secret(16);
    {
        // Checked again under the lock: two uploads sent at once do not both start.
        let mut uploads = state.uploads.lock().expect("uploads");
        if let Some(running) = running_in(&uploads, &upload.user) {
            return Ok(Redirect::to(&format!("/imports/{running}")).into_response());
        }
        // An account keeps its few latest reports: each may hold 200,000 findings.
        let mut finished: Vec<(Instant, String)> = uploads
            .iter()
            .filter(|(_, u)| u.user == upload.user)
            .map(|(t, u)| (*u.at.lock().expect("upload"), t.clone()))
            .collect();
        finished.sort();
        let excess = finished.len().saturating_sub(KEPT_PER_ACCOUNT - 1);
        for (_, old) in finished.into_iter().take(excess) {
            uploads.remove(&old);
        }
        uploads.insert(token.clone(), upload.clone());
    }
    let actor = user.account.name.clone();
    background(upload.clone(), check(state, upload, input, actor));
    Ok(Redirect::to(&format!("/imports/{token}")).into_response())
}

/// Runs `work` on its own task; should it panic, the upload says so instead of running forever.
fn background(upload: Arc<Upload>, work: impl std::future::Future<Output = ()> + Send + 'static) {
    tokio::spawn(async move {
        if tokio::spawn(work).await.is_err() {
            upload.set(UploadState::Failed(
                "服务器内部错误，已记录 / internal error (logged)".into(),
            ));
        }
    });
}

/// A store error as the user may see it: never the server's folder the upload sits in.
fn message_of(e: StoreError, upload: &Upload) -> String {
    let message = WebError::from(e).message;
    let dir = upload.dir.path().display().to_string();
    message
        .replace(&format!("{dir}/upload/"), "")
        .replace(&format!("{dir}/bundle/"), "")
        .replace(&format!("{dir}/upload"), &upload.name)
        .replace(&format!("{dir}/bundle"), &upload.name)
        .replace(&dir, &upload.name)
}

async fn check(state: AppState, upload: Arc<Upload>, input: Input, actor: String) {
    let path = match input {
        Input::Bundle(path) => Ok(path),
        Input::Zip(zip) => {
            let into = upload.dir.path().join("bundle");
            tokio::task::spawn_blocking(move || {
                std::fs::create_dir(&into).map_err(|e| StoreError::Interrupted(e.to_string()))?;
                Ok::<PathBuf, StoreError>(unpack_zip(&zip, &into, ZipLimits::default())?)
            })
            .await
            .unwrap_or_else(|e| Err(StoreError::Interrupted(e.to_string())))
        }
    };
    let result = match path {
        Ok(path) => import_bundle(
            state.store.as_ref(),
            &path,
            &options(&actor, true, &upload),
            upload.progress.clone(),
        )
        .await
        .map(|report| (path, report)),
        Err(e) => Err(e),
    };
    upload.set(match result {
        Ok((path, report)) => UploadState::Checked {
            path,
            report: Arc::new(report),
            notice: None,
        },
        Err(e) => UploadState::Failed(message_of(e, &upload)),
    });
}

pub async fn show(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    may_import(&user)?;
    let upload = find(&state, &user, &token)?;
    let mut p = page(Chrome::new(l, &user, "imports"));
    p.job = token;
    p.name = upload.name.clone();
    let mut running = false;
    match &*upload.state.lock().expect("upload") {
        UploadState::Checking | UploadState::Importing => running = true,
        UploadState::Checked { report, notice, .. } => {
            fill(&mut p, report);
            p.may_confirm = report.errors_total == 0;
            p.message = notice.as_ref().map(|m| l.pick(m));
        }
        UploadState::Imported(report) => fill(&mut p, report),
        UploadState::Failed(message) => p.message = Some(l.pick(message)),
    }
    if running {
        p.p = Some(progress_view(l, &upload));
        p.busy = Some(p.job.clone());
    } else {
        p.busy = running_of(&state, &user.account.name);
    }
    html(&p)
}

fn progress_view(l: Lang, upload: &Upload) -> ProgressView {
    let importing = matches!(
        *upload.state.lock().expect("upload"),
        UploadState::Importing
    );
    let ProgressNow {
        stage,
        file,
        files_started,
        files_total,
        rows,
    } = upload.progress.now();
    let stage = match stage {
        UploadStage::Unpacking if importing => l.t("正在开始导入", "Starting the import"),
        UploadStage::Unpacking => l.t("正在解压和打开", "Opening the upload"),
        UploadStage::Stored => l.t("正在读取库中已有的记录", "Reading the stored records"),
        UploadStage::Checking if importing => l.t("正在导入", "Importing"),
        UploadStage::Checking => l.t("正在检查", "Checking"),
        UploadStage::Finishing if importing => l.t(
            "正在检查跨文件规则并写入",
            "Checking rules across files and writing",
        ),
        UploadStage::Finishing => l.t("正在检查跨文件规则", "Checking rules across files"),
    };
    ProgressView {
        stage,
        file,
        files_started,
        files_total,
        rows,
    }
}

/// The progress fragment; once the upload has finished, htmx is told to reload the page,
/// which then shows the report.
pub async fn progress(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    may_import(&user)?;
    let upload = find(&state, &user, &token)?;
    if !upload.running() {
        return Ok(([("HX-Refresh", "true")], "").into_response());
    }
    html(&ProgressFragment {
        c: Chrome::new(l, &user, "imports"),
        p: Some(progress_view(l, &upload)),
        job: token,
    })
}

fn fill(p: &mut ImportPage, report: &ImportReport) {
    p.checked = true;
    p.files = report.files.clone();
    // Reasons are written "中文 / English": the page shows the user's half.
    let l = p.c.l;
    let shown = |issues: &[Issue]| -> Vec<Issue> {
        issues
            .iter()
            .take(SHOWN)
            .map(|i| Issue {
                reason: l.pick(&i.reason),
                ..i.clone()
            })
            .collect()
    };
    p.errors = shown(&report.errors);
    p.warnings = shown(&report.warnings);
    p.errors_total = report.errors_total;
    p.warnings_total = report.warnings_total;
    p.errors_more = report.errors_total - p.errors.len() as u64;
    p.warnings_more = report.warnings_total - p.warnings.len() as u64;
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
    Path(token): Path<String>,
    Form(form): Form<Confirm>,
) -> Result<Response, WebError> {
    may_import(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let upload = find(&state, &user, &token)?;
    let (path, check) = {
        let mut now = upload.state.lock().expect("upload");
        let taken = match &*now {
            UploadState::Checked { path, report, .. } if report.errors_total == 0 => {
                (path.clone(), report.clone())
            }
            UploadState::Importing | UploadState::Imported(_) => {
                return Err(WebError::new(
                    StatusCode::CONFLICT,
                    "这个数据包正在导入或已经导入，不会再导入一次 / this bundle is being imported or has been imported already; it is not imported twice",
                ));
            }
            _ => {
                return Err(WebError::new(
                    StatusCode::CONFLICT,
                    "这个数据包没有通过检查，不能导入 / this bundle did not pass the checks and cannot be imported",
                ));
            }
        };
        // Under the same lock as the test above: a second confirmation sent at once is refused.
        upload.set_in(&mut now, UploadState::Importing);
        taken
    };
    let actor = user.account.name.clone();
    let job = upload.clone();
    background(upload, async move {
        let result = import_bundle(
            state.store.as_ref(),
            &path,
            &options(&actor, false, &job),
            job.progress.clone(),
        )
        .await;
        state.counts.changed();
        job.set(match result {
            Ok(report) => UploadState::Imported(Arc::new(report)),
            // Nothing was written (the database busy, say): the checked bundle may be confirmed
            // again.
            Err(e) => UploadState::Checked {
                path,
                report: check,
                notice: Some(message_of(e, &job)),
            },
        });
    });
    Ok(Redirect::to(&format!("/imports/{token}")).into_response())
}
