//! Attachments of the exit procedure's steps (book of record, issue 18): the scanned minutes of
//! the review, the 公示 photo, the signed approvals — kept with the village's batch, their
//! metadata in exit_attachments.csv, their content in the database (and so in every backup).
//! Core's `assessment::attachment` says what may be kept.

pub use super::queries::attachments::AttachmentMeta;
use super::queries::attachments::{BY_SEQ, CONTENT, SET_CONTENT};
use super::queries::exits::batch_key;
use crate::error::{Refusal, StoreError};
use crate::session::filter::Arg;
use crate::session::rows::select_rows;
use crate::store::{Row, Store};
use base64::Engine as _;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::assessment::attachment::{check, sha256_hex};
use xplus_core::assessment::procedure::ExitStep;
use xplus_core::interchange::schema::{EXIT_ATTACHMENTS, EXIT_BATCHES};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;

fn out_of_reach() -> StoreError {
    StoreError::Refused(Refusal::NotFound(
        "该村该年度没有退出批次，或不在您的范围内 / no exit batch of this village and year within your reach"
            .into(),
    ))
}

/// Keeps `bytes` as an attachment of `step` of the village's batch of `year`, added by `actor`
/// on `today`. Refused (nothing written) outside the account's reach, without a batch, or for
/// what core's rule refuses (kind, size, name).
#[allow(clippy::too_many_arguments)]
pub async fn attach_to_exit_step(
    store: &dyn Store,
    access: &Access,
    actor: &str,
    village: RegionCode,
    year: i32,
    step: ExitStep,
    file_name: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<AttachmentMeta, StoreError> {
    if !access.covers_region(village) {
        return Err(out_of_reach());
    }
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "您的账号只能查看 / your account reads only".into(),
        )));
    }
    let file_name = file_name.trim();
    let kind = check(file_name, bytes).map_err(|e| StoreError::Refused(Refusal::Invalid(e)))?;
    let mut s = store.write_session().await?;
    let key = batch_key(village, year);
    if s.select(&EXIT_BATCHES, &key, "", None).await?.is_empty() {
        return Err(out_of_reach());
    }
    let earlier: Vec<AttachmentMeta> = select_rows(s.as_mut(), &key, BY_SEQ).await?;
    let meta = AttachmentMeta {
        village,
        year,
        seq: earlier.iter().map(|a| a.seq).max().unwrap_or(0) + 1,
        step,
        file_name: file_name.to_string(),
        kind,
        size: bytes.len() as i64,
        sha256: sha256_hex(bytes),
        uploaded_by: actor.to_string(),
        uploaded_on: today,
    };
    let row = vec![
        Value::Region(village),
        Value::Int(i64::from(year)),
        Value::Int(meta.seq),
        Value::Code(step.code()),
        Value::Text(meta.file_name.clone()),
        Value::Code(kind.code()),
        Value::Int(meta.size),
        Value::Text(meta.sha256.clone()),
        Value::Text(actor.to_string()),
        Value::Date(today),
    ];
    let audit = crate::audit::row_change(actor, &EXIT_ATTACHMENTS, None, &row);
    s.upsert(
        &EXIT_ATTACHMENTS,
        Row {
            values: row,
            county: village.county(),
        },
    )
    .await?;
    let content = base64::engine::general_purpose::STANDARD.encode(bytes);
    s.execute(
        SET_CONTENT,
        &[
            Arg::Text(content),
            Arg::Int(village.as_u64() as i64),
            Arg::Int(i64::from(year)),
            Arg::Int(meta.seq),
        ],
    )
    .await?;
    s.append_audit(audit.into_iter().collect()).await?;
    s.commit().await?;
    Ok(meta)
}

/// The attachments of a village's batch of `year`, in number order (empty out of reach).
pub async fn exit_attachments(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
) -> Result<Vec<AttachmentMeta>, StoreError> {
    if !access.covers_region(village) {
        return Ok(Vec::new());
    }
    let mut s = store.read_session().await?;
    select_rows(s.as_mut(), &batch_key(village, year), BY_SEQ).await
}

/// One attachment and its content, checked against its SHA-256; None out of reach or when
/// there is no such attachment. The content is None in a copy imported from a bundle (which
/// carries the metadata only) — a backup carries it.
pub async fn exit_attachment(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
    seq: i64,
) -> Result<Option<(AttachmentMeta, Option<Vec<u8>>)>, StoreError> {
    let Some(meta) = exit_attachments(store, access, village, year)
        .await?
        .into_iter()
        .find(|a| a.seq == seq)
    else {
        return Ok(None);
    };
    let mut s = store.read_session().await?;
    let args = [
        Arg::Int(village.as_u64() as i64),
        Arg::Int(i64::from(year)),
        Arg::Int(seq),
    ];
    let stored = CONTENT.fetch(s.as_mut(), &args).await?;
    let Some(text) = stored.into_iter().next().and_then(|c| c.base64) else {
        return Ok(Some((meta, None)));
    };
    let damaged = || {
        StoreError::Refused(Refusal::Conflict(format!(
            "附件 {} 的内容与其 SHA-256 不符，未发送 / the content of attachment {} does not match its SHA-256; not sent",
            meta.seq, meta.seq
        )))
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|_| damaged())?;
    if sha256_hex(&bytes) != meta.sha256 {
        return Err(damaged());
    }
    Ok(Some((meta, Some(bytes))))
}
