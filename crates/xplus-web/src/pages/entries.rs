//! The module ledgers as pages: one page per file (stations, 抓规范 checks, sessions, attendance,
//! services, units, cadres, bindings, visits, recalls, start-ups, secretaries and their history),
//! filtered by any column, with a form that writes a row through the store's entry checks — the
//! importer's own — and the list as a workbook.

use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::{self, form_value, url_encode, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::accounts::Access;
use xplus_core::interchange::{cell, ColumnType, FileId, FileSpec, Value};
use xplus_core::labels::EnumSpec;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, FieldProblem, Page, ENTRY_FILES};
use xplus_store::Refusal;
use xplus_store::StoreError;

const PAGE_ROWS: u64 = 100;
/// The most rows a workbook of one list holds (a county's visits of several years fit).
const EXPORT_ROWS: u64 = 200_000;

/// A cell as the list shows it, with a link where the value names a household or a secretary.
pub struct Shown {
    pub text: String,
    pub link: Option<String>,
}

pub struct ShownRow {
    pub cells: Vec<Shown>,
    /// The list filtered to this row's key, with its form filled in.
    pub edit: String,
    /// A page that works on this row (a session's quick attendance), with its label.
    pub more: Option<(String, String)>,
}

/// A stored value as a person reads it: labels for codes, 是/否, yuan, masked identity numbers
/// for those who see them masked.
pub fn shown(
    l: Lang,
    column: &xplus_core::interchange::Column,
    v: &Value,
    access: &Access,
) -> String {
    match v {
        Value::Id(id) => access.id_number(*id),
        v => shown_no_id(l, column, v),
    }
}

/// A stored value that is not an identity number (one would be masked) as a person reads it.
pub fn shown_no_id(l: Lang, column: &xplus_core::interchange::Column, v: &Value) -> String {
    match (&column.ty, v) {
        (_, Value::Null) => String::new(),
        (ColumnType::Enum(e), Value::Code(code)) => label(l, e, code),
        (ColumnType::Multi(e), Value::Codes(codes)) => codes
            .iter()
            .map(|c| label(l, e, c))
            .collect::<Vec<_>>()
            .join("、"),
        (_, Value::Bool(b)) => l
            .t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
            .into(),
        (_, Value::Id(id)) => id.masked(),
        _ => cell::format(column, v, false),
    }
}

fn label(l: Lang, e: &EnumSpec, code: &str) -> String {
    e.values
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(c, zh)| l.label(c, zh))
        .unwrap_or_else(|| code.to_string())
}

fn link_of(column: &xplus_core::interchange::Column, text: &str) -> Option<String> {
    match (column.refers, column.en) {
        (Some(FileId::Households), _) => Some(format!("/households/{}", url_encode(text))),
        (Some(FileId::Secretaries), _) | (None, "secretary_id") => {
            Some(format!("/secretaries/{}", url_encode(text)))
        }
        (Some(FileId::Villages), _) => Some(format!("/regions/{text}")),
        (Some(FileId::Projects), _) | (None, "project_id") => {
            Some(format!("/projects/{}", url_encode(text)))
        }
        _ => None,
    }
}

fn spec_of(file: &str) -> Result<&'static FileSpec, WebError> {
    records::entry_file(file).ok_or_else(WebError::not_found)
}

/// Filters of the query string: `column=value` pairs for the file's columns (others ignored).
fn filters(spec: &FileSpec, query: &[(String, String)]) -> Vec<(String, String)> {
    query
        .iter()
        .filter(|(k, v)| spec.column_index(k).is_some() && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect()
}

fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The ledgers, grouped by module, for the index page and the menu.
pub fn groups() -> [(&'static str, &'static str, Vec<&'static FileSpec>); 4] {
    let of = |ids: &[FileId]| -> Vec<&'static FileSpec> {
        ids.iter()
            .map(|id| xplus_core::interchange::schema::spec(*id))
            .collect()
    };
    // The weak organisations, the standardisation checks, the village cadres and the pool of
    // future leaders came last to the list; they are the 骨干's.
    let mut backbone = of(&ENTRY_FILES[7..19]);
    backbone.extend(of(&ENTRY_FILES[42..]));
    [
        ("远教", "Distance education", of(&ENTRY_FILES[..7])),
        ("骨干", "Backbone", backbone),
        ("集体", "Collective", of(&ENTRY_FILES[19..29])),
        ("产业", "Industry and jobs", of(&ENTRY_FILES[29..42])),
    ]
}

#[derive(Template)]
#[template(path = "entries_index.html")]
struct IndexPage {
    c: Chrome,
    groups: [(&'static str, &'static str, Vec<&'static FileSpec>); 4],
}

pub async fn index(PageUser(user): PageUser, l: Lang) -> Result<Response, WebError> {
    html(&IndexPage {
        c: Chrome::new(l, &user, "records"),
        groups: groups(),
    })
}

#[derive(Template)]
#[template(path = "entries.html")]
struct ListPage {
    c: Chrome,
    spec: &'static FileSpec,
    title: String,
    headers: Vec<String>,
    rows: Vec<ShownRow>,
    total: u64,
    page: u64,
    pages: u64,
    /// The filters as a query string (without the page).
    query: String,
    filters: Vec<(String, String, String)>,
    fields: Vec<Field>,
    may_write: bool,
    may_edit: bool,
    editing: bool,
    message: Option<String>,
    /// The importer's doubtful-value notes of a save that went through.
    notes: Vec<String>,
    saved: bool,
}

impl ListPage {
    fn page_link(&self, page: u64) -> String {
        let sep = if self.query.is_empty() { "" } else { "&" };
        format!("/records/{}?{}{sep}page={page}", self.spec.name, self.query)
    }
}

fn title(l: Lang, spec: &FileSpec) -> String {
    l.t(spec.zh, spec.name).replace('_', " ")
}

/// Whether an account may use the form of `spec` at all (the store decides row by row).
fn may_write(user: &Signed, spec: &FileSpec) -> bool {
    use xplus_core::accounts::{Role, Scope};
    let a = &user.access;
    if !a.may_write() || !records::is_writable(spec.id) {
        return false;
    }
    match (a.scope(), spec.id) {
        (Scope::PairedWith(_), id) => id == FileId::Visits,
        (_, FileId::Units | FileId::Cadres) => a.role() == Role::Admin,
        _ => true,
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &Signed,
    l: Lang,
    spec: &'static FileSpec,
    query: &[(String, String)],
    typed: Option<Vec<String>>,
    problems: &[FieldProblem],
    message: Option<String>,
    notes: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let notes_empty = notes.is_empty();
    let equal = filters(spec, query);
    let page_no: u64 = form_value(query, "page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let page = Page {
        limit: PAGE_ROWS,
        offset: (page_no - 1) * PAGE_ROWS,
    };
    let list = records::list_entries(
        state.store.as_ref(),
        &user.access,
        spec,
        &equal,
        page,
        today(),
    )
    .await?;
    let full_ids = user.access.sees_full_id_numbers();
    // A row keyed by an identity number is not offered for editing to those who see numbers
    // masked: the link and the form would carry the whole number.
    let may_edit = may_write(user, spec)
        && (full_ids || !spec.columns.iter().any(|c| c.ty == ColumnType::IdNumber));
    let rows: Vec<ShownRow> = list
        .rows
        .iter()
        .map(|r| shown_row(l, spec, &user.access, r))
        .collect();
    // Editing: the one row the key filter found fills the form; otherwise the filters fill the
    // columns they name (adding a check to the station on screen, say).
    let editing = may_edit && form_value(query, "edit").is_some() && list.total == 1;
    let text = form_text(spec, typed, editing, &list.rows, &equal);
    let readonly: Vec<usize> = if editing {
        spec.key.to_vec()
    } else {
        Vec::new()
    };
    let fields = forms::fields(l, spec, &text, &readonly, problems);
    let filters = filter_labels(l, spec, &equal);
    let pages = list.total.div_ceil(PAGE_ROWS).max(1);
    let page = ListPage {
        c: Chrome::new(l, user, "records"),
        spec,
        title: title(l, spec),
        headers: spec
            .columns
            .iter()
            .map(|c| forms::column_label(l, c.zh, c.en))
            .collect(),
        rows,
        total: list.total,
        page: page_no,
        pages,
        query: query_string(&equal),
        filters,
        fields,
        may_write: may_write(user, spec),
        may_edit,
        editing,
        message,
        notes,
        saved: form_value(query, "saved").is_some() || !notes_empty,
    };
    let mut response = html(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// One listed row as shown: its cells with their links, the link that opens it in the form,
/// and for a training session the link to its quick attendance.
fn shown_row(l: Lang, spec: &FileSpec, access: &Access, r: &[Value]) -> ShownRow {
    let key: Vec<(String, String)> = spec
        .key
        .iter()
        .map(|&k| {
            (
                spec.columns[k].en.to_string(),
                cell::format(&spec.columns[k], &r[k], false),
            )
        })
        .collect();
    ShownRow {
        cells: spec
            .columns
            .iter()
            .zip(r)
            .map(|(c, v)| {
                let text = shown(l, c, v, access);
                let link = (!v.is_null())
                    .then(|| link_of(c, &cell::format(c, v, false)))
                    .flatten();
                Shown { text, link }
            })
            .collect(),
        edit: format!("/records/{}?{}&edit=1#form", spec.name, query_string(&key)),
        more: (spec.id == FileId::TrainingSessions).then(|| {
            let session = [("session".to_string(), key[0].1.clone())];
            (
                format!("/attendance?{}", query_string(&session)),
                l.t("登记参训", "Attendance").to_string(),
            )
        }),
    }
}

/// What the form holds: the values just typed, or the row being edited, or else the filters'
/// values in the columns they name.
fn form_text(
    spec: &FileSpec,
    typed: Option<Vec<String>>,
    editing: bool,
    rows: &[Vec<Value>],
    equal: &[(String, String)],
) -> Vec<String> {
    match typed {
        Some(t) => t,
        None if editing => forms::row_text(spec, &rows[0]),
        None => spec
            .columns
            .iter()
            .map(|c| {
                equal
                    .iter()
                    .find(|(k, _)| k == c.en)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect(),
    }
}

/// The filters in force as (column, its label, value), for the list's filter line.
fn filter_labels(
    l: Lang,
    spec: &FileSpec,
    equal: &[(String, String)],
) -> Vec<(String, String, String)> {
    equal
        .iter()
        .map(|(k, v)| {
            let i = spec.column_index(k).unwrap_or(0);
            (
                k.clone(),
                forms::column_label(l, spec.columns[i].zh, spec.columns[i].en),
                v.clone(),
            )
        })
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    if let Some(name) = file.strip_suffix(".xlsx") {
        return export(&state, &user, l, spec_of(name)?, &query).await;
    }
    render(
        &state,
        &user,
        l,
        spec_of(&file)?,
        &query,
        None,
        &[],
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// Writes the submitted row; on a refusal the page comes back with the refusals beside the
/// fields and everything typed kept.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(file): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let spec = spec_of(&file)?;
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let text = forms::submitted(spec, &pairs);
    let again = |problems: Vec<FieldProblem>, message: Option<String>, status: StatusCode| {
        let text = text.clone();
        let state = state.clone();
        let user = user.clone();
        let query = query.clone();
        async move {
            render(
                &state,
                &user,
                l,
                spec,
                &query,
                Some(text),
                &problems,
                message,
                Vec::new(),
                status,
            )
            .await
        }
    };
    let values = match forms::parse(spec, &text, today()) {
        Ok(v) => v,
        Err(problems) => {
            let message = l
                .t(
                    "有内容不符合要求，请按提示修改",
                    "some values are not accepted; see the notes beside them",
                )
                .to_string();
            return again(problems, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = records::save_entries(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        vec![(spec, vec![values.clone()])],
        today(),
    )
    .await;
    match result {
        Ok(saved) if !saved.warnings.is_empty() => {
            let notes = saved.warnings.iter().map(|w| l.pick(w)).collect();
            render(
                &state,
                &user,
                l,
                spec,
                &query,
                None,
                &[],
                None,
                notes,
                StatusCode::OK,
            )
            .await
        }
        Ok(_) => {
            let key: Vec<(String, String)> = spec
                .key
                .iter()
                .map(|&k| (spec.columns[k].en.to_string(), text[k].clone()))
                .collect();
            let to = format!("/records/{}?{}&saved=1", spec.name, query_string(&key));
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            let message = problems
                .iter()
                .filter(|p| spec.column_index(&p.field).is_none())
                .map(|p| l.pick(&p.message))
                .chain(std::iter::once(
                    l.t(
                        "未保存：请按提示修改",
                        "not saved: see the notes beside the fields",
                    )
                    .to_string(),
                ))
                .collect::<Vec<_>>()
                .join("；");
            again(problems, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(StoreError::Refused(Refusal::Forbidden(m))) => {
            again(Vec::new(), Some(l.pick(&m)), StatusCode::FORBIDDEN).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn export(
    state: &AppState,
    user: &Signed,
    l: Lang,
    spec: &'static FileSpec,
    query: &[(String, String)],
) -> Result<Response, WebError> {
    let equal = filters(spec, query);
    let list = records::list_entries(
        state.store.as_ref(),
        &user.access,
        spec,
        &equal,
        Page {
            limit: EXPORT_ROWS,
            offset: 0,
        },
        today(),
    )
    .await?;
    let access = user.access.clone();
    let name = format!("{}-{}.xlsx", spec.name, today().format("%Y%m%d"));
    super::xlsx_download(name, move || workbook(l, spec, &list.rows, &access)).await
}

/// The list as a workbook: Chinese headings (English beside), labels for codes, numbers as
/// numbers, money in yuan.
fn workbook(
    l: Lang,
    spec: &'static FileSpec,
    rows: &[Vec<Value>],
    access: &Access,
) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed =
        |e: rust_xlsxwriter::XlsxError| WebError::from(StoreError::Interrupted(e.to_string()));
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(spec.zh).map_err(failed)?;
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("#,##0.00");
    for (c, column) in spec.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, format!("{} {}", column.zh, column.en), &bold)
            .map_err(failed)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, (column, v)) in spec.columns.iter().zip(row).enumerate() {
            let c = c as u16;
            match v {
                Value::Null => {}
                Value::Int(i) => {
                    sheet.write_number(r, c, *i as f64).map_err(failed)?;
                }
                Value::Money(f) => {
                    sheet
                        .write_number_with_format(r, c, f.0 as f64 / 100.0, &yuan)
                        .map_err(failed)?;
                }
                v => {
                    sheet
                        .write_string(r, c, shown(l, column, v, access))
                        .map_err(failed)?;
                }
            }
        }
    }
    book.save_to_buffer().map_err(failed)
}
