//! The SQL of the village cadres' and the leader pool's figures (village_cadres.rs): the village
//! cadres of a reach begun by a day, those with a degree course begun by it, the secretaries in
//! office and those trained in a year, and the pool's members entered by a day with the day
//! their secretary's term began when they became one.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use xplus_core::backbone::pairing::Span;
use xplus_core::backbone::village_cadre::{PoolSource, VillageCadrePost};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::values::Date;

/// A village cadre's post and term.
pub(in crate::records) struct CadreTerm {
    pub village: RegionCode,
    pub post: VillageCadrePost,
    pub span: Span,
}

impl FromRow for CadreTerm {
    const SHAPE: &'static FileSpec = &shape(
        FileId::VillageCadres,
        "village_cadre_terms",
        "村干部任期",
        &[
            column("village_code", ColumnType::Region),
            column("post", ColumnType::Enum(&VillageCadrePost::SPEC)),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CadreTerm {
            village: r.region("village_code")?,
            post: r.code("post").and_then(VillageCadrePost::parse)?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
        })
    }
}

/// The village cadres begun by a day in the villages between two codes; `?`: the day, then the
/// two codes.
pub(in crate::records) const CADRES_IN: Query<CadreTerm> = Query::new(
    "SELECT village_code, post, start_date, end_date FROM village_cadres \
     WHERE start_date <= ? AND village_code BETWEEN ? AND ?",
);

/// A record's village (one row per person).
pub(in crate::records) struct VillageOf {
    pub village: RegionCode,
}

impl FromRow for VillageOf {
    const SHAPE: &'static FileSpec = &shape(
        FileId::VillageCadres,
        "village_cadre_villages",
        "村干部所在村",
        &[column("village_code", ColumnType::Region)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(VillageOf {
            village: r.region("village_code")?,
        })
    }
}

/// The village cadres of the villages between two codes with a degree course (学历提升) begun
/// by a day, each once; `?`: the day, then the two codes.
pub(in crate::records) const DEGREE_CADRES_IN: Query<VillageOf> = Query::new(
    "SELECT village_code FROM village_cadres WHERE village_cadre_id IN \
     (SELECT village_cadre_id FROM village_cadre_development \
      WHERE kind = 'degree' AND start_date <= ?) AND village_code BETWEEN ? AND ?",
);

/// A secretary's term, with their id.
pub(in crate::records) struct SecretarySpan {
    pub id: String,
    pub village: RegionCode,
    pub span: Span,
}

impl FromRow for SecretarySpan {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Secretaries,
        "secretary_spans",
        "书记任期",
        &[
            column("secretary_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(SecretarySpan {
            id: r.text("secretary_id")?.to_string(),
            village: r.region("village_code")?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
        })
    }
}

/// The secretaries begun by a day in the villages between two codes; `?`: the day, then the
/// two codes.
pub(in crate::records) const SECRETARIES_IN: Query<SecretarySpan> = Query::new(
    "SELECT secretary_id, village_code, start_date, end_date FROM secretaries \
     WHERE start_date <= ? AND village_code BETWEEN ? AND ?",
);

/// A secretary's id.
pub(in crate::records) struct SecretaryId {
    pub id: String,
}

impl FromRow for SecretaryId {
    const SHAPE: &'static FileSpec = &shape(
        FileId::SecretaryDevelopment,
        "secretaries_trained",
        "受训书记",
        &[column("secretary_id", ColumnType::Text)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(SecretaryId {
            id: r.text("secretary_id")?.to_string(),
        })
    }
}

/// The secretaries of the villages between two codes with a training begun between two days;
/// `?`: the two days, then the two codes.
pub(in crate::records) const TRAINED_IN: Query<SecretaryId> = Query::new(
    "SELECT DISTINCT secretary_id FROM secretary_development \
     WHERE kind = 'training' AND start_date BETWEEN ? AND ? AND secretary_id IN \
     (SELECT secretary_id FROM secretaries WHERE village_code BETWEEN ? AND ?)",
);

/// A pool member's village, source and stay, and the day their secretary's term began.
pub(in crate::records) struct PoolStay {
    pub village: RegionCode,
    pub source: PoolSource,
    pub span: Span,
    pub promoted_on: Option<Date>,
}

impl FromRow for PoolStay {
    const SHAPE: &'static FileSpec = &shape(
        FileId::LeaderPool,
        "leader_pool_stays",
        "后备人员在库",
        &[
            column("village_code", ColumnType::Region),
            column("source", ColumnType::Enum(&PoolSource::SPEC)),
            column("entered_date", ColumnType::Date),
            column("left_date", ColumnType::Date),
            column("promoted_on", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PoolStay {
            village: r.region("village_code")?,
            source: r.code("source").and_then(PoolSource::parse)?,
            span: Span {
                start: r.date("entered_date")?,
                end: r.date("left_date"),
            },
            promoted_on: r.date("promoted_on"),
        })
    }
}

/// The pool's members entered by a day in the villages between two codes; `?`: the day, then
/// the two codes.
pub(in crate::records) const POOL_IN: Query<PoolStay> = Query::new(
    "SELECT p.village_code AS village_code, p.source AS source, p.entered_date AS entered_date, \
     p.left_date AS left_date, s.start_date AS promoted_on \
     FROM leader_pool p LEFT JOIN secretaries s ON s.secretary_id = p.secretary_id \
     WHERE p.entered_date <= ? AND p.village_code BETWEEN ? AND ?",
);
