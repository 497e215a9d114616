//! The SQL of 选派干部驻村 coverage (postings.rs): the villages of a reach, the selected cadres'
//! postings in them begun by a day, and those cadres' recalls decided by it.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::backbone::pairing::Span;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::values::Date;

/// A village as coverage reads it: whether it is poor and when it exited.
pub(in crate::records) struct VillageRow {
    pub village: RegionCode,
    pub poor: bool,
    pub exit_year: Option<i32>,
}

impl FromRow for VillageRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Villages,
        "posting_villages",
        "村",
        &[
            column("village_code", ColumnType::Region),
            column("poor_village", ColumnType::Bool),
            column("exit_year", ColumnType::Year),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageRow {
            village: r.region("village_code")?,
            poor: r.boolean("poor_village").unwrap_or(false),
            exit_year: r.int("exit_year").and_then(|y| i32::try_from(y).ok()),
        })
    }
}

/// The villages between two codes.
pub(in crate::records) const VILLAGES_IN: Query<VillageRow> = Query::new(
    "SELECT village_code, poor_village, exit_year FROM villages \
     WHERE village_code BETWEEN ? AND ? ORDER BY village_code",
);

/// One posting of a selected cadre.
pub(in crate::records) struct PostingRow {
    pub cadre: String,
    pub village: RegionCode,
    pub span: Span,
}

impl FromRow for PostingRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Postings,
        "posting_spans",
        "选派干部驻村",
        &[
            column("cadre_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PostingRow {
            cadre: r.text("cadre_id")?.to_string(),
            village: r.region("village_code")?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
        })
    }
}

/// The postings of selected cadres begun by a day in the villages between two codes; `?`: the
/// day, then the two codes. The role is read as it stands, so that a cadre whose role was
/// changed since no longer counts.
pub(in crate::records) const POSTINGS_IN: Query<PostingRow> = Query::new(
    "SELECT cadre_id, village_code, start_date, end_date FROM postings \
     WHERE start_date <= ? AND village_code BETWEEN ? AND ? AND cadre_id IN \
     (SELECT cadre_id FROM cadres WHERE role IN ('first_secretary', 'work_team'))",
);

/// A recall's cadre and decision day.
pub(in crate::records) struct RecallRow {
    pub cadre: String,
    pub day: Date,
}

impl FromRow for RecallRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Recalls,
        "posting_recalls",
        "召回",
        &[
            column("cadre_id", ColumnType::Text),
            column("decision_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(RecallRow {
            cadre: r.text("cadre_id")?.to_string(),
            day: r.date("decision_date")?,
        })
    }
}

/// Recalls decided by a day of the cadres posted in the villages between two codes; `?`: the
/// day, then the two codes.
pub(in crate::records) const RECALLS_IN: Query<RecallRow> = Query::new(
    "SELECT cadre_id, decision_date FROM recalls WHERE decision_date <= ? \
     AND cadre_id IN (SELECT cadre_id FROM postings WHERE village_code BETWEEN ? AND ?)",
);
