//! `xplus report --verify`: every county's roll-ups recomputed from its records and compared
//! with the stored ones (see rollup.rs).

use super::queries::rollup::DIRTY_COUNTIES;
use super::queries::rollup_verify::{COUNTIES_IN_ORDER, FIGURES_BETWEEN};
use crate::error::StoreError;
use crate::records::reporting::rollup::with_sums;
use crate::records::reporting::rollup::{counties_in, read_figures, FigureKey, Figures};
use crate::records::reporting::rollup_figures::{county_figures, stored_coverage_until};
use crate::records::rules::rule_book;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
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
}

/// Recomputes every county's roll-ups from its records and compares them with the stored ones;
/// the regions above counties are compared with the sums of their stored children.
pub async fn verify_rollups(
    store: &dyn Store,
    today: NaiveDate,
) -> Result<Verification, StoreError> {
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
            &county_figures(s, *county, &book, until, today).await?,
            Level::County,
        );
        let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
        let stored = stored_between(s, lo, hi).await?;
        compare(&stored, &fresh, &mut out);
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
    }
    Ok(out)
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
