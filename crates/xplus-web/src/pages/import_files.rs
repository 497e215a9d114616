//! The findings of an upload as files: every error (or warning) the check kept, as CSV (UTF-8
//! with a byte-order mark, so that Excel reads the Chinese) or as a workbook. An import keeps at
//! most `MAX_KEPT_ISSUES` of each kind; when it found more, the file's last row says how many
//! were left out.

use super::imports::find;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::{AppState, UploadState};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use xplus_core::text::guard_formula;
use xplus_store::bundle::import::MAX_KEPT_ISSUES;
use xplus_store::{ImportReport, Issue, StoreError};

/// One file's rows: the header, the findings, and the note on those left out.
struct Table {
    header: [&'static str; 5],
    rows: Vec<[String; 5]>,
    note: Option<String>,
}

fn table(l: Lang, report: &ImportReport, warnings: bool) -> Table {
    let (issues, total): (&[Issue], u64) = if warnings {
        (&report.warnings, report.warnings_total)
    } else {
        (&report.errors, report.errors_total)
    };
    let rows = issues
        .iter()
        .map(|i| {
            [
                i.file.clone(),
                if i.row == 0 {
                    String::new()
                } else {
                    i.row.to_string()
                },
                i.column.clone(),
                i.value.clone(),
                l.pick(&i.reason),
            ]
        })
        .collect();
    let left = total.saturating_sub(issues.len() as u64);
    let note = (left > 0).then(|| {
        l.pick(&format!(
            "另有 {left} 条未列出：超过 {MAX_KEPT_ISSUES} 条后不再收集，请先改正以上问题再检查 / \
             {left} more are not listed: no more than {MAX_KEPT_ISSUES} are collected; correct these and check again"
        ))
    });
    Table {
        header: [
            l.t("文件", "File"),
            l.t("行", "Row"),
            l.t("列", "Column"),
            l.t("值", "Value"),
            l.t("问题", "Problem"),
        ],
        rows,
        note,
    }
}

fn failed(e: impl std::fmt::Display) -> WebError {
    WebError::from(StoreError::Interrupted(e.to_string()))
}

fn csv_bytes(t: &Table) -> Result<Vec<u8>, WebError> {
    // The byte-order mark: Excel opens a UTF-8 file without it as the local code page.
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(t.header).map_err(failed)?;
    for r in &t.rows {
        // The values are what a user typed: none may run as a formula in Excel.
        w.write_record(r.iter().map(|c| guard_formula(c).into_owned()))
            .map_err(failed)?;
    }
    if let Some(note) = &t.note {
        w.write_record(["", "", "", "", note]).map_err(failed)?;
    }
    w.into_inner().map_err(failed)
}

fn workbook(t: &Table, sheet_name: &str) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
    sheet.set_name(sheet_name).map_err(failed)?;
    let bold = Format::new().set_bold();
    for (c, h) in t.header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    for (i, r) in t.rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            // Written as text: a workbook cell never runs as a formula.
            sheet
                .write_string(i as u32 + 1, c as u16, v)
                .map_err(failed)?;
        }
    }
    if let Some(note) = &t.note {
        sheet
            .write_string(t.rows.len() as u32 + 1, 4, note)
            .map_err(failed)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// `GET /imports/{token}/{file}`: `errors.csv`, `errors.xlsx`, `warnings.csv` or
/// `warnings.xlsx` of a checked or imported upload.
pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((token, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    if !user.access.may_import() {
        return Err(WebError::not_found());
    }
    let upload = find(&state, &user, &token)?;
    let report: Arc<ImportReport> = match &*upload.state.lock().expect("upload") {
        UploadState::Checked { report, .. } | UploadState::Imported(report) => report.clone(),
        _ => return Err(WebError::not_found()),
    };
    let (warnings, xlsx) = match file.as_str() {
        "errors.csv" => (false, false),
        "errors.xlsx" => (false, true),
        "warnings.csv" => (true, false),
        "warnings.xlsx" => (true, true),
        _ => return Err(WebError::not_found()),
    };
    let sheet = if warnings {
        l.t("提示", "warnings")
    } else {
        l.t("错误", "errors")
    };
    let (kind, bytes) = tokio::task::spawn_blocking(move || {
        let t = table(l, &report, warnings);
        if xlsx {
            Ok::<_, WebError>((
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                workbook(&t, sheet)?,
            ))
        } else {
            Ok(("text/csv; charset=utf-8", csv_bytes(&t)?))
        }
    })
    .await
    .map_err(failed)??;
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
