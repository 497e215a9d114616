//! The tables and SQL of 述职评议考核: the criteria set per region and year, the scores given,
//! and the secretaries' terms they are checked against, read by name.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::backbone::pairing::Span;
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec};
use xplus_core::registry::RegionCode;

const ANY: ColumnType = ColumnType::Int {
    min: i64::MIN,
    max: i64::MAX,
};

/// The review_criteria table: a region's (0: everywhere) criteria of a year (0: every year).
pub(in crate::records) static CRITERIA: FileSpec = FileSpec {
    id: FileId::Secretaries,
    name: "review_criteria",
    zh: "考核指标",
    columns: &[
        column("region_code", ANY),
        column("year", ANY),
        column("code", ColumnType::Text),
        column("name", ColumnType::Text),
        column("weight", COUNT),
        column("source", ColumnType::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

/// The secretary_reviews table: an official's score of a secretary on a criterion of a year.
pub(in crate::records) static SCORES: FileSpec = FileSpec {
    id: FileId::Secretaries,
    name: "secretary_reviews",
    zh: "述职评议",
    columns: &[
        column("secretary_id", ColumnType::Text),
        column("year", ColumnType::Year),
        column("criterion", ColumnType::Text),
        column("score", COUNT),
        column("reviewer", ColumnType::Text),
        column("reviewed_on", ColumnType::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(0),
};

/// A criterion as stored; rows missing any column are skipped.
pub(in crate::records) struct StoredCriterion {
    pub region: i64,
    pub year: i64,
    pub code: String,
    pub name: String,
    pub weight: i64,
    pub source: String,
}

impl FromRow for StoredCriterion {
    const SHAPE: &'static FileSpec = &CRITERIA;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StoredCriterion {
            region: r.int("region_code")?,
            year: r.int("year")?,
            code: r.text("code")?.to_string(),
            name: r.text("name")?.to_string(),
            weight: r.int("weight")?,
            source: r.text("source")?.to_string(),
        })
    }
}

/// A criterion's code and weight, each when stored.
pub(in crate::records) struct CriterionWeight {
    pub code: Option<String>,
    pub weight: Option<i64>,
}

impl FromRow for CriterionWeight {
    const SHAPE: &'static FileSpec = &CRITERIA;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CriterionWeight {
            code: r.text("code").map(str::to_string),
            weight: r.int("weight"),
        })
    }
}

/// A score given; rows without secretary, criterion or score are skipped.
pub(in crate::records) struct Score {
    pub secretary_id: String,
    pub criterion: String,
    pub score: u32,
}

impl FromRow for Score {
    const SHAPE: &'static FileSpec = &SCORES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Score {
            secretary_id: r.text("secretary_id")?.to_string(),
            criterion: r.text("criterion")?.to_string(),
            score: r.int("score")? as u32,
        })
    }
}

/// A secretary's term, each part when stored (the span when it has a start).
pub(in crate::records) struct ReviewTerm {
    pub secretary_id: Option<String>,
    pub village: Option<RegionCode>,
    pub name: String,
    pub span: Option<Span>,
}

impl FromRow for ReviewTerm {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Secretaries,
        "review_terms",
        "村书记",
        &[
            column("secretary_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(ReviewTerm {
            secretary_id: r.text("secretary_id").map(str::to_string),
            village: r.region("village_code"),
            name: r.string("name"),
            span: r.date("start_date").map(|start| Span {
                start,
                end: r.date("end_date"),
            }),
        })
    }
}

/// The terms of the secretaries of the villages between two codes.
pub(in crate::records) const TERMS_BETWEEN: Query<ReviewTerm> = Query::new(
    "SELECT secretary_id, village_code, name, start_date, end_date FROM secretaries \
     WHERE village_code BETWEEN ? AND ?",
);

/// The term of one secretary (its id).
pub(in crate::records) const TERM_OF: Query<ReviewTerm> = Query::new(
    "SELECT secretary_id, village_code, name, start_date, end_date FROM secretaries \
     WHERE secretary_id = ?",
);
