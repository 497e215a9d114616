//! The SQL of the funds (多元投入): sums of a year by the region one level below the one viewed,
//! source and link; and the sums of every year by source.

use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use xplus_core::collective::funds::{FundLink, FundSource};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// The sum of the funds of one region below the one viewed, source and link.
pub(in crate::records) struct FundSum {
    pub child: RegionCode,
    pub source: FundSource,
    pub link: FundLink,
    pub amount: i64,
    pub funds: u64,
}

impl FromRow for FundSum {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Funds,
        "fund_sums",
        "投入汇总",
        &[
            column("child", ColumnType::Region),
            column("source", ColumnType::Enum(&FundSource::SPEC)),
            column("link", ColumnType::Enum(&FundLink::SPEC)),
            column("amount", COUNT),
            column("n", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(FundSum {
            child: r.region("child")?,
            source: FundSource::parse(r.code("source")?)?,
            link: FundLink::parse(r.code("link")?)?,
            amount: r.count("amount") as i64,
            funds: r.count("n"),
        })
    }
}

/// `?`: the divisor that turns a code into the code of the region one level below the one viewed
/// (twice), the year, the bounds of the codes viewed.
pub(in crate::records) const FUND_SUMS: Query<FundSum> = Query::new(
    "SELECT (f.region_code / ?) * ?, f.source, f.link, CAST(sum(f.amount) AS BIGINT), count(*) \
     FROM funds f WHERE f.year = ? AND f.region_code BETWEEN ? AND ? GROUP BY 1, 2, 3",
);

/// The sum of the funds of one year and source.
pub(in crate::records) struct YearSum {
    pub year: i32,
    pub source: FundSource,
    pub amount: i64,
}

impl FromRow for YearSum {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Funds,
        "fund_years",
        "投入年度汇总",
        &[
            column("year", ColumnType::Year),
            column("source", ColumnType::Enum(&FundSource::SPEC)),
            column("amount", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(YearSum {
            year: i32::try_from(r.int("year")?).ok()?,
            source: FundSource::parse(r.code("source")?)?,
            amount: r.count("amount") as i64,
        })
    }
}

/// `?`: the bounds of the codes viewed.
pub(in crate::records) const YEAR_SUMS: Query<YearSum> = Query::new(
    "SELECT f.year, f.source, CAST(sum(f.amount) AS BIGINT) FROM funds f \
     WHERE f.region_code BETWEEN ? AND ? GROUP BY f.year, f.source ORDER BY f.year",
);
