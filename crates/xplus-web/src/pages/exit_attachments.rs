//! The attachments of a village's exit procedure over HTTP: an upload (multipart, read in
//! chunks and stopped as soon as it passes core's size limit) and a download that sends the
//! stored bytes with their own type, as a file to save, never to be shown in place.

use super::exits::render;
use super::{region_of, today, year_of};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use xplus_core::assessment::attachment::MAX_BYTES;
use xplus_core::assessment::procedure::ExitStep;
use xplus_store::records;
use xplus_store::{Refusal, StoreError};

/// What the form sent.
#[derive(Default)]
struct Sent {
    csrf: Option<String>,
    step: Option<String>,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

async fn read_form(mut multipart: Multipart) -> Result<Sent, WebError> {
    let bad =
        || WebError::bad_request("上传中断或格式有误 / the upload was interrupted or malformed");
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("_csrf") => sent.csrf = field.text().await.ok(),
            Some("step") => sent.step = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                    // Past the limit by one byte is enough to refuse: the rest is not read.
                    if bytes.len() + chunk.len() > MAX_BYTES + 1 {
                        sent.too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                sent.file = Some((name, bytes));
            }
            _ => {}
        }
        if sent.too_large {
            break;
        }
    }
    Ok(sent)
}

pub async fn upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((village, year)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let village = region_of(&village)?;
    let year = year_of(Some(&year))?;
    let sent = read_form(multipart).await?;
    user.check_csrf(sent.csrf.as_deref())?;
    let step = sent
        .step
        .as_deref()
        .and_then(ExitStep::parse)
        .ok_or_else(|| WebError::bad_request("请选择附件所属的环节 / choose the step"))?;
    let refused = |e: String| StoreError::Refused(Refusal::Invalid(e));
    let result = match (&sent.file, sent.too_large) {
        (_, true) => Err(refused(format!(
            "附件超过 {} MB / the attachment is over {} MB",
            MAX_BYTES >> 20,
            MAX_BYTES >> 20
        ))),
        (None, _) => Err(refused("请选择要上传的文件 / choose a file".into())),
        (Some((name, bytes)), _) => {
            records::attach_to_exit_step(
                state.store.as_ref(),
                &user.access,
                &user.account.name,
                village,
                year,
                step,
                name,
                bytes,
                today(),
            )
            .await
        }
    };
    match result {
        Ok(meta) => Ok(Redirect::to(&format!(
            "/exits/{village}/{year}?attached={}#attachments",
            meta.seq
        ))
        .into_response()),
        Err(StoreError::Refused(Refusal::NotFound(_))) => Err(WebError::not_found()),
        Err(StoreError::Refused(r @ (Refusal::Invalid(_) | Refusal::Forbidden(_)))) => {
            let status = match r {
                Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(
                &state,
                &user,
                l,
                village,
                year,
                Some((false, r.to_string())),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((village, year, seq)): Path<(String, String, String)>,
) -> Result<Response, WebError> {
    let village = region_of(&village)?;
    let year = year_of(Some(&year))?;
    let seq: i64 = seq.parse().map_err(|_| WebError::not_found())?;
    let found = records::exit_attachment(state.store.as_ref(), &user.access, village, year, seq)
        .await?
        .ok_or_else(WebError::not_found)?;
    let (meta, Some(bytes)) = found else {
        return Ok((
            StatusCode::GONE,
            "本副本只有附件的登记信息，没有附件内容（从备份恢复的数据库才有） / this copy holds the attachment's record but not its content (a database restored from a backup does)",
        )
            .into_response());
    };
    Ok(super::attachment_download(
        bytes,
        meta.kind.code(),
        &meta.file_name,
        seq,
    ))
}
