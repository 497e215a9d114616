//! The SQL of the projects' investors (社会资本入股): per county, what they invested by a day in
//! the projects of the villages within reach.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

const MONEY: ColumnType = ColumnType::Money { negative: false };

/// A county's investors: projects with any, investors, the money and the shares.
pub(in crate::records) struct CountyInvestorRow {
    pub county: RegionCode,
    pub name: String,
    pub projects: u64,
    pub investors: u64,
    pub amount: Fen,
    pub shares: u64,
}

impl FromRow for CountyInvestorRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ProjectInvestors,
        "county_investors",
        "社会资本入股",
        &[
            column("county_code", ColumnType::Region),
            column("name", ColumnType::Text),
            column("projects", COUNT),
            column("investors", COUNT),
            column("amount", MONEY),
            column("shares", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CountyInvestorRow {
            county: r.region("county_code")?,
            name: r.string("name"),
            projects: r.count("projects"),
            investors: r.count("investors"),
            amount: r.money("amount").unwrap_or_default(),
            shares: r.count("shares"),
        })
    }
}

/// Investors dated on or before a day in projects of the villages between two codes, per county
/// of the project; arguments: the day, the two codes.
pub(in crate::records) const COUNTY_INVESTORS: Query<CountyInvestorRow> = Query::new(
    "SELECT p.county_code, r.name, count(DISTINCT i.project_id), count(*), \
     CAST(sum(i.amount) AS BIGINT), CAST(COALESCE(sum(i.shares), 0) AS BIGINT) \
     FROM project_investors i JOIN projects p ON p.project_id = i.project_id \
     LEFT JOIN regions r ON r.code = p.county_code \
     WHERE i.date <= ? AND p.village_code BETWEEN ? AND ? \
     GROUP BY p.county_code, r.name ORDER BY p.county_code",
);
