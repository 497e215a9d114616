//! The SQL of the 骨干 backbone operations and the rows it returns, by name: the operations in
//! this folder hold the rules, this module holds what is asked of the database — the
//! secretaries' overview here, the other operations in the file of the same name.

pub(super) mod activity;
pub(super) mod field_visits;
pub(super) mod pairings;
pub(super) mod party_building;
pub(super) mod postings;
pub(super) mod review;
pub(super) mod startups;
pub(super) mod village_cadres;
pub(super) mod visits;
pub(super) mod visits_due;

pub(in crate::records) use crate::session::rows::read_row;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::backbone::pairing::Span;
use xplus_core::backbone::{CheckUpResult, SecretaryTier};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// A secretary's term in office in a village.
pub(in crate::records) struct SecretaryTerm {
    pub village: RegionCode,
    pub span: Span,
    pub tier: Option<SecretaryTier>,
    /// The year the tier was rated (评定年度), when recorded.
    pub tier_year: Option<i32>,
    pub name: String,
}

impl FromRow for SecretaryTerm {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Secretaries,
        "secretary_terms",
        "书记任期",
        &[
            column("village_code", ColumnType::Region),
            column("start_date", ColumnType::Date),
            column("end_date", ColumnType::Date),
            column("tier", ColumnType::Enum(&SecretaryTier::SPEC)),
            column("tier_year", ColumnType::Year),
            column("name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(SecretaryTerm {
            village: r.region("village_code")?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
            tier: r.code("tier").and_then(SecretaryTier::parse),
            tier_year: r.int("tier_year").and_then(|y| i32::try_from(y).ok()),
            name: r.string("name"),
        })
    }
}

/// Terms in the villages between two codes (`village_bounds`), in order of village and start.
pub(in crate::records) const TERMS_IN: Query<SecretaryTerm> = Query::new(
    "SELECT village_code, start_date, end_date, tier, tier_year, name FROM secretaries \
     WHERE village_code BETWEEN ? AND ? ORDER BY village_code, start_date",
);

/// How many of a year's check-ups (体检) ended with each result.
pub(in crate::records) struct CheckCount {
    pub result: CheckUpResult,
    pub n: u64,
}

impl FromRow for CheckCount {
    const SHAPE: &'static FileSpec = &shape(
        FileId::SecretaryChecks,
        "secretary_check_counts",
        "书记体检",
        &[
            column("result", ColumnType::Enum(&CheckUpResult::SPEC)),
            column("n", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CheckCount {
            result: r.code("result").and_then(CheckUpResult::parse)?,
            n: r.count("n"),
        })
    }
}

/// Check-up results of a year (first argument) in the villages between two codes.
pub(in crate::records) const CHECK_COUNTS: Query<CheckCount> = Query::new(
    "SELECT c.result, count(*) FROM secretary_checks c \
     JOIN secretaries s ON s.secretary_id = c.secretary_id \
     WHERE c.year = ? AND s.village_code BETWEEN ? AND ? GROUP BY c.result",
);
