//! The latest year a roll-up measure has figures for within an account's reach: the default
//! year of the pages that show one year (issue 19: not a fixed year, not today's year when the
//! records end earlier). One row of the roll-ups' key, whatever the size of the registry.

use crate::error::StoreError;
use crate::session::filter::Arg;
use crate::session::rows::{fetch_sql, FromRow, Named};
use crate::session::shape::{column, shape, SIGNED};
use crate::store::Store;
use xplus_core::accounts::{Access, Scope};
use xplus_core::interchange::{FileId, FileSpec};
use xplus_core::rollup::Measure;

pub(in crate::records) struct LatestYear {
    pub year: i32,
}

impl FromRow for LatestYear {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Households,
        "latest_rollup_year",
        "最近年度",
        &[column("year", SIGNED)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LatestYear {
            year: i32::try_from(r.int("year")?).ok()?,
        })
    }
}

/// The latest year with a non-zero figure of `measure` (kept per year) for the account's
/// region (for the whole registry: any province), None without any or for a helper, whose
/// reach is households rather than a region.
pub async fn latest_year_of(
    store: &dyn Store,
    access: &Access,
    measure: Measure,
) -> Result<Option<i32>, StoreError> {
    let (sql, region) = match access.scope() {
        Scope::Everywhere => (
            "SELECT CAST(max(year) AS BIGINT) AS year FROM rollups \
             WHERE parent_code = ? AND measure = ? AND year <> 0 AND value <> 0",
            0,
        ),
        Scope::Region(r) => (
            "SELECT CAST(max(year) AS BIGINT) AS year FROM rollups \
             WHERE region_code = ? AND measure = ? AND year <> 0 AND value <> 0",
            r.as_u64() as i64,
        ),
        Scope::PairedWith(_) => return Ok(None),
    };
    let mut s = store.read_session().await?;
    let rows: Vec<LatestYear> = fetch_sql(
        &mut *s,
        sql,
        &[Arg::Int(region), Arg::Text(measure.code().into())],
    )
    .await?;
    Ok(rows.first().map(|r| r.year))
}
