//! What the attachments of the exit procedure ask of the database (attachments.rs): their
//! metadata as typed rows, their content (base64 text, see migration 0016), and its writing.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use chrono::NaiveDate;
use xplus_core::assessment::attachment::AttachmentKind;
use xplus_core::assessment::procedure::ExitStep;
use xplus_core::interchange::schema::EXIT_ATTACHMENTS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// An attachment as its bundle row describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub village: RegionCode,
    pub year: i32,
    /// The batch's n-th attachment, from 1.
    pub seq: i64,
    pub step: ExitStep,
    pub file_name: String,
    pub kind: AttachmentKind,
    pub size: i64,
    /// Hex SHA-256 of the content: what a restored or downloaded copy is checked against.
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_on: NaiveDate,
}

impl FromRow for AttachmentMeta {
    const SHAPE: &'static FileSpec = &EXIT_ATTACHMENTS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(AttachmentMeta {
            village: r.region("village_code")?,
            year: r.int("year")? as i32,
            seq: r.int("seq")?,
            step: r.code("step").and_then(ExitStep::parse)?,
            file_name: r.string("file_name"),
            kind: r.code("content_type").and_then(AttachmentKind::parse)?,
            size: r.int("size")?,
            sha256: r.string("sha256"),
            uploaded_by: r.string("uploaded_by"),
            uploaded_on: r.date("uploaded_on")?,
        })
    }
}

/// The stored content of one attachment (None: a copy imported from a bundle, without it).
pub(in crate::records) struct Content {
    pub base64: Option<String>,
}

impl FromRow for Content {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ExitAttachments,
        "attachment_content",
        "附件内容",
        &[column("content", ColumnType::Text)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Content {
            base64: r.text("content").map(str::to_string),
        })
    }
}

/// The content of an attachment (`?`: the village, the year, the number).
pub(in crate::records) const CONTENT: Query<Content> = Query::new(
    "SELECT content FROM exit_attachments WHERE village_code = ? AND year = ? AND seq = ?",
);

/// Stores the content of an attachment (`?`: the content, the village, the year, the number).
pub(in crate::records) const SET_CONTENT: &str =
    "UPDATE exit_attachments SET content = ? WHERE village_code = ? AND year = ? AND seq = ?";

/// In number order.
pub(in crate::records) const BY_SEQ: &str = "seq";
