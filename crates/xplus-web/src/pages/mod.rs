//! The pages: Chinese first (English with `?lang=en`), an admin layout with a side menu, filter
//! bars and paged tables; htmx swaps the list when a filter changes.

mod account;
mod activity;
pub(crate) mod assessment;
pub(crate) mod assessment_run;
mod attendance;
mod audit;
mod backbone;
mod cases;
mod cases_export;
pub(crate) mod chain;
pub(crate) mod collective;
pub(crate) mod crosscheck;
mod dashboard;
mod edit;
mod education;
pub(crate) mod entries;
mod exit_attachments;
mod exit_notice;
mod exits;
pub(crate) mod field;
mod funds;
mod head;
mod household_history;
pub(crate) mod households;
mod import_files;
pub(crate) mod imports;
pub(crate) mod industry;
pub(crate) mod industry_workers;
mod lectures;
pub(crate) mod membership;
mod mine;
mod monitoring;
pub(crate) mod paging;
mod party_building;
mod postings;
pub(crate) mod ranking;
mod regions;
mod register;
mod remember;
mod responsibility;
pub(crate) mod review;
pub(crate) mod search;
mod startups;
mod targets;
pub(crate) mod tasks;
mod tasks_export;
mod users;
mod village_cadres;
mod visit_form;
mod what_if;
mod workbench;
mod year_report;

use crate::auth::{self, Signed};
use crate::error::WebError;
use crate::i18n::{Lang, LANG_COOKIE};
use crate::state::AppState;
use askama::Template;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

/// 部门数据比对 and 核查任务 (issue 21): the check of an upload, the findings it recorded, and
/// monitoring — the year's list and the cases through the year.
fn finding_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/crosscheck",
            get(crosscheck::form)
                .post(crosscheck::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_BODY_BYTES)),
        )
        .route("/crosscheck/{token}", get(crosscheck::show))
        .route("/crosscheck/{token}/apply", post(crosscheck::apply))
        .route("/crosscheck/{token}/{file}", get(crosscheck::download))
        .route("/tasks", get(tasks::list))
        .route("/tasks.xlsx", get(tasks_export::export))
        .route(
            "/households/{id}/findings/{seq}",
            get(tasks::one)
                .post(tasks::record)
                .layer(axum::extract::DefaultBodyLimit::max(
                    tasks::MAX_OUTCOME_BODY,
                )),
        )
        .route(
            "/households/{id}/findings/{seq}/attachment",
            get(tasks::attachment),
        )
        // Monitoring: the year's list, and the cases through the year (防返贫动态监测).
        .route("/monitoring", get(monitoring::page))
        .route("/monitoring.xlsx", get(monitoring::export))
        .route("/monitoring/cases", get(cases::list))
        .route("/monitoring/cases.xlsx", get(cases_export::export))
        .route(
            "/monitoring/cases/new",
            get(cases::new_form).post(cases::open),
        )
        .route("/monitoring/cases/{case}", get(cases::one))
        .route("/monitoring/cases/{case}/measures", post(cases::measure))
        .route("/monitoring/cases/{case}/close", post(cases::close))
}

/// The four links' pages: 远教 coverage, 骨干 helpers, secretaries, postings, start-ups and the
/// review, the party organisations (weak ones, the standard), village cadres and the pool,
/// 集体 economy, funds and projects, 产业 and jobs.
fn module_routes() -> Router<AppState> {
    Router::new()
        .route("/coverage", get(education::page))
        .route("/coverage.xlsx", get(education::export))
        .route("/lectures", get(lectures::page))
        .route(
            "/pairings/{id}",
            get(backbone::pairings).post(backbone::save),
        )
        .route("/helpers", get(backbone::helpers))
        .route("/secretaries", get(backbone::secretaries))
        .route("/postings", get(postings::page))
        .route("/village-cadres", get(village_cadres::page))
        .route("/startups", get(startups::page))
        .route("/secretaries/review", get(review::page))
        .route("/secretaries/review.xlsx", get(review::export))
        .route("/secretaries/review/{id}", post(review::save))
        .route("/secretaries/{id}", get(activity::secretary))
        .route("/cadres/{id}/recalls", get(activity::recalls_of))
        .route("/units", get(activity::units).post(activity::save_unit))
        .route("/visits", get(activity::visits))
        .route("/attendance", get(attendance::form).post(attendance::save))
        .route("/collective", get(collective::overview))
        .route("/collective.xlsx", get(collective::export))
        .route("/funds", get(funds::page))
        .route("/funds.xlsx", get(funds::export))
        .route("/collective/villages/{code}", get(collective::village))
        .route("/assets", get(collective::assets))
        .route("/projects/{id}", get(collective::project))
        .route("/households/{id}/shares", get(collective::household))
        .route("/industry", get(industry::overview))
        .route("/industry/villages", get(industry::villages))
        .route("/industry/workers", get(industry_workers::workers))
        .route("/industry.xlsx", get(industry::export))
        .route("/party-building", get(party_building::page))
        .route("/party-building.xlsx", get(party_building::export))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/mine", get(mine::page))
        .route("/offline", get(mine::offline))
        .route("/workbench", get(workbench::page))
        .route("/workbench/visits", get(workbench::visits_due))
        .route("/workbench/tile/visits", get(workbench::visits_tile))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            auth::PASSWORD_PATH,
            get(account::form).post(account::change),
        )
        .route("/users", get(users::list).post(users::add))
        .route("/users/{name}", get(users::one))
        .route("/users/{name}/disable", post(users::disable))
        .route("/users/{name}/enable", post(users::enable))
        .route("/users/{name}/password", post(users::reset))
        .route("/users/{name}/tokens", post(users::add_token))
        .route("/users/{name}/tokens/revoke", post(users::revoke))
        .route("/lang/{code}", get(switch_lang))
        .route("/dashboard", get(dashboard::page))
        .route("/ranking", get(ranking::page))
        .route("/ranking.xlsx", get(ranking::export))
        .route("/regions", get(regions::top))
        .route("/regions/{code}", get(regions::one))
        .route("/search", get(search::page))
        .route("/regions/pick", get(search::pick))
        .route(
            "/households",
            get(households::list).post(register::create_household),
        )
        .route("/households/export.xlsx", get(households::export))
        .route("/households/new", get(register::new_household))
        .route("/households/{id}", get(households::one))
        .route("/households/{id}/assessment", get(assessment::page))
        .route("/households/{id}/card", get(responsibility::card))
        .route("/households/{id}/history", get(household_history::page))
        .route(
            "/households/{id}/visit",
            get(visit_form::form)
                .post(visit_form::save)
                .layer(axum::extract::DefaultBodyLimit::max(field::MAX_VISIT_BODY)),
        )
        .route(
            "/households/{id}/visits/{cadre}/{date}/photos/{seq}",
            get(visit_form::photo),
        )
        .route(
            "/households/{id}/corrections",
            post(household_history::correct),
        )
        .route("/responsibility/{village}", get(responsibility::list))
        .route(
            "/responsibility/{village}/cards",
            get(responsibility::cards),
        )
        .route(
            "/responsibility/{village}/export.xlsx",
            get(responsibility::export),
        )
        .merge(finding_routes())
        .route("/chain", get(chain::page))
        .route("/chain.xlsx", get(chain::export))
        .route("/report", get(year_report::page))
        .route("/report/print", get(year_report::print))
        .route("/report.xlsx", get(year_report::export))
        .route(
            "/households/{id}/edit",
            get(edit::edit_household).post(edit::save_household),
        )
        .route("/households/{id}/head", get(head::form).post(head::save))
        .route(
            "/households/{id}/leave",
            get(membership::form).post(membership::save),
        )
        .route("/households/{id}/{file}", post(edit::save_part))
        .route("/households/{id}/{file}/new", get(edit::new_part))
        .route("/households/{id}/{file}/{key}/edit", get(edit::edit_part))
        .route(
            "/imports",
            get(imports::form)
                .post(imports::upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::MAX_BODY_BYTES)),
        )
        .route("/imports/{token}", get(imports::show))
        .route("/imports/{token}/progress", get(imports::progress))
        .route("/imports/{token}/confirm", post(imports::confirm))
        .route("/imports/{token}/{file}", get(import_files::download))
        .route("/audit", get(audit::page))
        .merge(module_routes())
        .route("/records", get(entries::index))
        .route("/records/{file}", get(entries::list).post(entries::save))
        .merge(exit_routes())
        .layer(axum::middleware::from_fn(remember::year))
}

/// The exit procedure's pages: the batches, the web assessment, a village's batch, its steps,
/// its printable notice and its attachments.
fn exit_routes() -> Router<AppState> {
    Router::new()
        .route("/exits", get(exits::list))
        .route(
            "/assessment/run",
            get(assessment_run::page).post(assessment_run::start),
        )
        .route("/assessment/what-if", get(what_if::page))
        .route("/assessment/what-if.xlsx", get(what_if::export))
        .route("/exits/open", get(exits::open))
        .route("/exits/{village}/{year}", get(exits::batch))
        .route("/exits/{village}/{year}/print", get(exit_notice::page))
        .route("/exits/{village}/{year}/{step}", post(exits::step))
        .route(
            "/exits/{village}/{year}/attachments",
            // An attachment and its form fields: a little over core's limit, which the handler
            // enforces with its own message.
            post(exit_attachments::upload).layer(axum::extract::DefaultBodyLimit::max(
                xplus_core::assessment::attachment::MAX_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/exits/{village}/{year}/attachments/{seq}",
            get(exit_attachments::download),
        )
}

/// Where an account lands: a helper and a village secretary on their households (the field's
/// work starts there), everyone else on the workbench.
async fn home(auth::PageUser(user): auth::PageUser) -> Redirect {
    match user.access.role() {
        xplus_core::accounts::Role::Helper | xplus_core::accounts::Role::Secretary => {
            Redirect::to("/mine")
        }
        _ => Redirect::to("/workbench"),
    }
}

/// What the layout shows around every page.
pub struct Chrome {
    pub l: Lang,
    pub user: String,
    pub role: String,
    pub csrf: String,
    pub may_import: bool,
    pub may_audit: bool,
    pub may_accounts: bool,
    pub may_create: bool,
    /// Officials and administrators match other departments' lists (部门数据比对).
    pub may_crosscheck: bool,
    /// A dashboard is by region: not for a helper, whose reach is households.
    pub may_dashboard: bool,
    /// The menu entry to highlight.
    pub section: &'static str,
    /// The menu's name of the households page of a helper (我的帮扶户) or a secretary (本村农户);
    /// empty for other accounts, whose menu has the household list.
    pub mine: &'static str,
    /// The day, for the printed header.
    pub printed_on: String,
}

impl Chrome {
    pub fn new(l: Lang, user: &Signed, section: &'static str) -> Chrome {
        let role = user.access.role();
        use xplus_core::accounts::Role;
        Chrome {
            l,
            user: user.account.name.clone(),
            role: l.label(role.code(), role.label_zh()),
            csrf: user.csrf.clone(),
            may_import: user.access.may_import(),
            may_audit: user.access.may_read_audit_log(),
            may_accounts: user.access.may_manage_accounts(),
            may_create: user.access.may_create_households(),
            may_crosscheck: user.access.may_apply_crosscheck(),
            may_dashboard: !matches!(
                user.access.scope(),
                xplus_core::accounts::Scope::PairedWith(_)
            ),
            section,
            mine: match role {
                Role::Helper | Role::Secretary => mine::mine_title(l, role),
                _ => "",
            },
            printed_on: today().to_string(),
        }
    }
}

/// The full page, or only the part htmx asked for.
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

pub fn html(t: &impl Template) -> Result<Response, WebError> {
    Ok(Html(t.render()?).into_response())
}

/// A workbook built off the async threads (a large one takes a while), sent as a download.
/// A one-sheet workbook of a list: a bold header, then the rows, every cell written as text (a
/// value a user typed never runs as a formula in Excel).
pub fn text_workbook(
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, WebError> {
    text_sheets(&[(sheet_name, header, rows)])
}

/// One sheet of text: its name, header and rows.
pub type TextSheet<'a> = (&'a str, &'a [&'a str], &'a [Vec<String>]);

/// A workbook of text sheets.
pub fn text_sheets(sheets: &[TextSheet<'_>]) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        WebError::from(xplus_store::StoreError::Interrupted(e.to_string()))
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for (sheet_name, header, rows) in sheets {
        let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
        sheet.set_name(*sheet_name).map_err(failed)?;
        for (c, h) in header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(failed)?;
        }
        for (i, r) in rows.iter().enumerate() {
            for (c, v) in r.iter().enumerate() {
                sheet
                    .write_string(i as u32 + 1, c as u16, v.as_str())
                    .map_err(failed)?;
            }
        }
    }
    book.save_to_buffer().map_err(failed)
}

pub async fn xlsx_download<F>(name: String, build: F) -> Result<Response, WebError>
where
    F: FnOnce() -> Result<Vec<u8>, WebError> + Send + 'static,
{
    let bytes = tokio::task::spawn_blocking(build)
        .await
        .map_err(|e| WebError::from(xplus_store::StoreError::Interrupted(e.to_string())))??;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `?year=` of the pages that show one year.
#[derive(serde::Deserialize)]
pub struct YearParam {
    pub year: Option<String>,
    /// A region within the account's reach to narrow the page to (a dashboard's drill-down).
    #[serde(default)]
    pub region: Option<String>,
}

impl YearParam {
    /// The region asked for, "" for none (for links that keep it).
    pub fn region_text(&self) -> String {
        self.region.clone().unwrap_or_default().trim().to_string()
    }
}

/// One region's line on a page of figures per region (postings, start-ups, lectures, party
/// organisations): its figures `f`, and whether its name opens the regions below it.
pub struct RegionRow<T> {
    pub code: xplus_core::registry::RegionCode,
    pub name: String,
    pub level: xplus_core::registry::Level,
    pub f: T,
    /// A village has no regions below it to open.
    pub opens: bool,
}

/// The lines of `by_region` in code order, each named by `name`.
pub fn region_rows<T: Clone>(
    by_region: &std::collections::BTreeMap<xplus_core::registry::RegionCode, T>,
    name: impl Fn(&xplus_core::registry::RegionCode) -> String,
) -> Vec<RegionRow<T>> {
    by_region
        .iter()
        .map(|(code, f)| RegionRow {
            code: *code,
            name: name(code),
            level: code.level(),
            f: f.clone(),
            opens: code.level() != xplus_core::registry::Level::Village,
        })
        .collect()
}

/// `access` narrowed to `region` (a dashboard's drill-down); 403 outside the account's reach.
pub fn narrowed(
    access: &xplus_core::accounts::Access,
    region: Option<&str>,
) -> Result<xplus_core::accounts::Access, WebError> {
    let Some(code) = region.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(access.clone());
    };
    let code = region_of(code)?;
    access.narrowed_to(code).ok_or_else(|| {
        WebError::forbidden(format!(
            "区划 {code} 不在您的范围内 / region {code} is outside your reach"
        ))
    })
}

/// A village (or any region) code from a path, or 400.
pub fn region_of(code: &str) -> Result<xplus_core::registry::RegionCode, WebError> {
    xplus_core::registry::RegionCode::parse(code)
        .map_err(|_| WebError::bad_request(format!("区划代码 {code} 无效 / invalid region code")))
}

/// The rows of page `page` (from 1) of `per_page` (default 1,000, at most 10,000) as
/// (skip, take), for the APIs' paged lists.
pub fn page_window(page: Option<u64>, per_page: Option<u64>) -> (usize, usize) {
    let per_page = per_page.unwrap_or(1_000).clamp(1, 10_000);
    let skip = (page.unwrap_or(1).max(1) - 1).saturating_mul(per_page);
    (
        usize::try_from(skip).unwrap_or(usize::MAX),
        per_page as usize,
    )
}

/// A year asked for (default: this year), within the years the programme's records can hold.
pub fn checked_year(year: Option<i32>) -> Result<i32, WebError> {
    let year = year.unwrap_or_else(|| chrono::Datelike::year(&today()));
    if (1949..=2100).contains(&year) {
        Ok(year)
    } else {
        Err(WebError::bad_request(format!(
            "年度 {year} 无效 / invalid year {year}"
        )))
    }
}

/// A year typed in a form (empty: this year).
pub fn year_of(text: Option<&str>) -> Result<i32, WebError> {
    match text.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .map(|y| checked_year(Some(y)))
            .unwrap_or_else(|| {
                Err(WebError::bad_request(format!(
                    "年度 {y} 无效 / invalid year {y}"
                )))
            }),
        None => checked_year(None),
    }
}

/// A day typed in a form or query (empty: today).
pub fn day_of(text: Option<&str>) -> Result<chrono::NaiveDate, WebError> {
    match text.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            xplus_core::values::parse_date(d).map_err(|e| WebError::bad_request(e.to_string()))
        }
        None => Ok(today()),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Lang,
    status: u16,
    message: String,
}

/// An error as a page: only the half of the message in the request's language.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let l = crate::i18n::current();
        let page = ErrorPage {
            l,
            status: self.status.as_u16(),
            message: l.pick(&self.message),
        };
        let body = page.render().unwrap_or_else(|_| "error".to_string());
        (self.status, Html(body)).into_response()
    }
}

async fn switch_lang(
    jar: CookieJar,
    axum::extract::Path(code): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = if code == "en" { "en" } else { "zh" };
    let back = headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            r.find("//")
                .and_then(|i| r[i + 2..].find('/').map(|j| &r[i + 2 + j..]))
        })
        .unwrap_or("/");
    let back = auth::safe_next(Some(back));
    let cookie = Cookie::build((LANG_COOKIE, lang))
        .path("/")
        .same_site(SameSite::Lax)
        .build();
    (jar.add(cookie), Redirect::to(&back)).into_response()
}

/// A stored attachment sent as a file to save under its own name (RFC 6266, UTF-8), never
/// shown in place and never cached: the exit procedure's and the department findings' alike.
pub(crate) fn attachment_download(
    bytes: Vec<u8>,
    content_type: &str,
    name: &str,
    seq: i64,
) -> Response {
    use axum::http::{header, HeaderValue};
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(kind) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, kind);
    }
    let encoded = crate::forms::url_encode(name);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"attachment-{seq}\"; filename*=UTF-8''{encoded}"
    )) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}
