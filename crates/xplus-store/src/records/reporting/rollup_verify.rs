//! `xplus report --verify`: every county's roll-ups recomputed from its records and compared
//! with the stored ones (see rollup.rs).

use super::queries::rollup::DIRTY_COUNTIES;
use super::queries::rollup_verify::{
    month_totals_differ, months_differ, reach_differs, COUNTIES_IN_ORDER, FIGURES_BETWEEN,
    REBUILD_REACH, REGIONS_ABOVE_COUNTIES,
};
use crate::error::StoreError;
use crate::records::reporting::rollup::with_sums;
use crate::records::reporting::rollup::{counties_in, read_figures, FigureKey, Figures};
use crate::records::reporting::rollup_figures::{county_figures, stored_coverage_until};
use crate::records::rules::rule_book;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::session::rows::{fetch_sql, Count};
use crate::store::Store;
use std::collections::BTreeSet;
use xplus_core::registry::{Level, RegionCode};

/// One figure that differs between the stored roll-ups and a recomputation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub key: FigureKey,
    pub stored: i64,
    pub recomputed: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Counties recomputed and compared.
    pub counties: usize,
    /// Figures compared (stored or recomputed, either side).
    pub figures: usize,
    pub differences: Vec<Difference>,
    /// Counties marked for a refresh, not compared (their roll-ups are known to be behind).
    pub pending: Vec<RegionCode>,
    /// Kept visit tables that differ from what they are kept from.
    pub visit_differences: Vec<VisitDifference>,
}

/// A kept visit table whose rows for a region differ from what it is kept from: a county's
/// tallies (`cadre_visit_months`, from its visits) or month totals (`visit_month_totals`, from
/// its tallies), or the totals per cadre of a region above counties (`cadre_visit_reach`, from
/// its counties' tallies; None: the whole registry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitDifference {
    pub region: Option<RegionCode>,
    pub table: &'static str,
    /// Rows on one side and not the other.
    pub rows: u64,
}

/// Recomputes every county's roll-ups from its records and compares them with the stored ones;
/// the regions above counties are compared with the sums of their stored children.
pub async fn verify_rollups(store: &dyn Store) -> Result<Verification, StoreError> {
    let (pending, counties, until) = {
        let mut s = store.read_session().await?;
        let s = s.as_mut();
        (
            counties_in(s, &DIRTY_COUNTIES).await?,
            counties_in(s, &COUNTIES_IN_ORDER).await?,
            stored_coverage_until(s).await?,
        )
    };
    let mut out = Verification {
        pending: pending.clone(),
        ..Verification::default()
    };
    let mut upper: Figures = Figures::new();
    for county in counties.iter().filter(|c| !pending.contains(c)) {
        // Each county is read in a transaction of its own (dropped, never committed), so a
        // write during the check cannot show as a difference.
        let mut s = store.write_session().await?;
        let s = s.as_mut();
        let book = rule_book(store).await?;
        let fresh = with_sums(
            &county_figures(s, *county, &book, until).await?,
            Level::County,
        );
        let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
        let stored = stored_between(s, lo, hi).await?;
        compare(&stored, &fresh, &mut out);
        county_visits(s, *county, &mut out).await?;
        out.counties += 1;
        for ((region, measure, year, bucket), value) in stored {
            if region == county.as_u64() {
                for p in county.ancestors() {
                    *upper
                        .entry((p.as_u64(), measure, year, bucket.clone()))
                        .or_insert(0) += value;
                }
            }
        }
    }
    if pending.is_empty() {
        // Cities and provinces hold the sums of every county below them.
        let mut s = store.write_session().await?;
        let mut stored = Figures::new();
        for (key, value) in stored_between(s.as_mut(), 0, u64::MAX >> 1).await? {
            if RegionCode::from_u64(key.0).is_ok_and(|r| r.level() < Level::County) {
                stored.insert(key, value);
            }
        }
        compare(&stored, &upper, &mut out);
        visit_reach(s.as_mut(), &mut out).await?;
    }
    Ok(out)
}

/// Rows that differ, counted by `sql` with `args`.
async fn differing(s: &mut dyn ReadSession, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
    let rows = fetch_sql::<Count>(s, sql, args).await?;
    Ok(rows.first().map_or(0, |c| c.n))
}

/// A county's kept visit tallies and month totals against their sources.
async fn county_visits(
    s: &mut dyn ReadSession,
    county: RegionCode,
    out: &mut Verification,
) -> Result<(), StoreError> {
    let c = Arg::Int(county.as_u64() as i64);
    let args = [c.clone(), c.clone(), c.clone(), c];
    for (table, sql) in [
        ("cadre_visit_months", months_differ()),
        ("visit_month_totals", month_totals_differ()),
    ] {
        let rows = differing(s, &sql, &args).await?;
        if rows > 0 {
            out.visit_differences.push(VisitDifference {
                region: Some(county),
                table,
                rows,
            });
        }
    }
    Ok(())
}

/// The region's code (0: the whole registry) and its counties' range.
fn reach_args(region: Option<RegionCode>) -> (Arg, Arg, Arg) {
    let (lo, hi) = match region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, i64::MAX as u64),
    };
    let code = region.map_or(0, |r| r.as_u64() as i64);
    (Arg::Int(code), Arg::Int(lo as i64), Arg::Int(hi as i64))
}

/// The kept visit totals per cadre of every region above counties against their counties'
/// tallies.
async fn visit_reach(s: &mut dyn ReadSession, out: &mut Verification) -> Result<(), StoreError> {
    let above = counties_in(s, &REGIONS_ABOVE_COUNTIES).await?;
    let regions = std::iter::once(None).chain(above.into_iter().map(Some));
    for region in regions {
        let (r, lo, hi) = reach_args(region);
        let args = [r.clone(), lo.clone(), hi.clone(), lo, hi, r];
        let rows = differing(s, &reach_differs(), &args).await?;
        if rows > 0 {
            out.visit_differences.push(VisitDifference {
                region,
                table: "cadre_visit_reach",
                rows,
            });
        }
    }
    Ok(())
}

/// Rebuilds the kept visit totals per cadre of `regions` (None: the whole registry) from their
/// counties' tallies — what a refresh cannot mend, as it takes a county's old tallies out of the
/// totals and adds its new ones. Moves the roll-ups' generation on: figures kept from the old
/// totals are dropped.
pub async fn rebuild_visit_reach(
    store: &dyn Store,
    regions: &[Option<RegionCode>],
) -> Result<(), StoreError> {
    let mut s = store.write_session().await?;
    for region in regions {
        let (r, lo, hi) = reach_args(*region);
        s.execute(REBUILD_REACH[0], std::slice::from_ref(&r))
            .await?;
        s.execute(REBUILD_REACH[1], &[r, lo, hi]).await?;
    }
    s.execute(crate::sql::NEXT_GENERATION, &[]).await?;
    s.commit().await
}

async fn stored_between(s: &mut dyn ReadSession, lo: u64, hi: u64) -> Result<Figures, StoreError> {
    read_figures(
        s,
        &FIGURES_BETWEEN,
        &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
    .await
}

fn compare(stored: &Figures, fresh: &Figures, out: &mut Verification) {
    let keys: BTreeSet<&FigureKey> = stored.keys().chain(fresh.keys()).collect();
    out.figures += keys.len();
    for key in keys {
        let (a, b) = (
            stored.get(key).copied().unwrap_or(0),
            fresh.get(key).copied().unwrap_or(0),
        );
        if a != b {
            out.differences.push(Difference {
                key: key.clone(),
                stored: a,
                recomputed: b,
            });
        }
    }
}
