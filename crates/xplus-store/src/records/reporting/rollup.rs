//! Roll-ups (issue 7): the dashboard's figures per village, summed up to town, county, city and
//! province, kept in the `rollups` table so that a dashboard reads a few hundred stored numbers.
//!
//! Every write of a record marks its county in `rollup_dirty` (the backends do it in the
//! writer's transaction; see `sql::Touched`). [`refresh_rollups`] recomputes each marked
//! county from the records — in a write transaction, so no change slips in between reading and
//! storing — and the sums of its town, county, city and province. [`verify_rollups`] recomputes
//! every county from scratch and compares (`xplus report --verify`).

use super::queries::rollup::{
    insert_figures, tally_visit_months, StoredFigure, ADD_VISIT_REACH, ANALYZE_KEPT,
    DELETE_FIGURES_BETWEEN, DELETE_FIGURES_OF, DELETE_VISIT_MONTHS, DIRTY_COUNTIES, GENERATION,
    MARKED_BETWEEN, MARK_ALL_COUNTIES, MARK_COUNTIES_BETWEEN, MONTH_TOTALS, RESUM,
    SET_COVERAGE_UNTIL, STAMP_COUNTY, STILL_MARKED, SUBTRACT_VISIT_REACH, UNMARK_COUNTY,
};
use crate::error::StoreError;
pub(in crate::records) use crate::records::reporting::rollup_figures::counties_in;
use crate::records::reporting::rollup_figures::{
    county_figures, latest_income_year, stored_coverage_until,
};
pub use crate::records::reporting::rollup_figures::{FigureKey, Figures};
use crate::records::rules::rule_book;
use crate::records::ReadSession;
use crate::records::WriteSession;
use crate::session::filter::Arg;
use crate::session::rows::Query;
use crate::store::{Backend, Store};
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Scope};
use xplus_core::registry::{Level, RegionCode};

/// Rows per INSERT: six parameters each, well under both backends' limits.
const INSERT_ROWS: usize = 150;

/// The region above `code` in the stored hierarchy (0 above a province).
pub(in crate::records) fn parent_of(code: u64) -> u64 {
    RegionCode::from_u64(code)
        .ok()
        .and_then(|c| c.parent())
        .map_or(0, |p| p.as_u64())
}

/// `villages` with the sums of every region above them, up to `top` (its level included).
pub(in crate::records) fn with_sums(villages: &Figures, top: Level) -> Figures {
    let mut all = villages.clone();
    for ((region, measure, year, bucket), value) in villages {
        let mut code = RegionCode::from_u64(*region).ok();
        while let Some(parent) = code.and_then(|c| c.parent()) {
            *all.entry((parent.as_u64(), *measure, *year, bucket.clone()))
                .or_insert(0) += value;
            if parent.level() == top {
                break;
            }
            code = Some(parent);
        }
    }
    all
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub counties: usize,
    pub rows: usize,
}

/// Counties marked since their roll-ups were computed.
pub async fn dirty_counties(store: &dyn Store) -> Result<Vec<RegionCode>, StoreError> {
    let mut s = store.read_session().await?;
    counties_in(s.as_mut(), &DIRTY_COUNTIES).await
}

/// The roll-ups' generation (it grows with every refresh of a county) and whether any county is
/// marked for a refresh: what a reader of the roll-ups checks before trusting what it read.
pub async fn rollup_state(store: &dyn Store) -> Result<(i64, bool), StoreError> {
    let mut s = store.read_session().await?;
    let row = GENERATION.fetch(s.as_mut(), &[]).await?.into_iter().next();
    Ok(row.map_or((0, false), |r| (r.generation.unwrap_or(0), r.marked)))
}

/// Whether the kept figures of `access`'s reach are up to date: no county that holds part of it
/// is marked for a refresh (a helper's reach, households rather than a region, never is). Readers
/// that page from kept figures check this and read the records themselves otherwise, so an edit
/// is never hidden by a stale figure. A town or a village is looked up by its county, the unit a
/// refresh works in: its own code range holds no county code.
pub(in crate::records) async fn kept_for(
    s: &mut dyn ReadSession,
    access: &Access,
) -> Result<bool, StoreError> {
    let (lo, hi) = match access.scope() {
        Scope::Everywhere => (0, i64::MAX as u64),
        Scope::Region(r) => crate::sql::county_range_of(*r),
        Scope::PairedWith(_) => return Ok(false),
    };
    let args = [Arg::Int(lo as i64), Arg::Int(hi as i64)];
    Ok(MARKED_BETWEEN.fetch(s, &args).await?.is_empty())
}

/// Marks every county within `regions` for a refresh (after a verification found their figures
/// wrong); the number of counties marked.
pub async fn mark_for_refresh(
    store: &dyn Store,
    regions: &[RegionCode],
) -> Result<u64, StoreError> {
    let mut s = store.write_session().await?;
    let mut marked = 0;
    for region in regions {
        let (lo, hi) = crate::sql::range_of(region.as_u64(), region.level());
        marked += s
            .execute(
                MARK_COUNTIES_BETWEEN,
                &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
            )
            .await?;
    }
    s.commit().await?;
    Ok(marked)
}

/// Marks every county for a refresh: an imported rule setting may hold for a city, a province
/// or everywhere, and its lines judge the villages of every county below it (the rows alone
/// mark only the counties they name).
pub(crate) async fn mark_all_for_refresh(store: &dyn Store) -> Result<(), StoreError> {
    let mut s = store.write_session().await?;
    s.execute(MARK_ALL_COUNTIES, &[]).await?;
    s.commit().await
}

/// Recomputes the roll-ups of every marked county, one county per write transaction.
pub async fn refresh_rollups(store: &dyn Store, today: NaiveDate) -> Result<Refreshed, StoreError> {
    let mut done = Refreshed::default();
    if dirty_counties(store).await?.is_empty() {
        return Ok(done);
    }
    // When the latest year with incomes moves, every county's coverage window moves with it.
    // Looked at by a reader first: the usual refresh after an edit takes no extra write.
    let moved = {
        let mut r = store.read_session().await?;
        latest_income_year(r.as_mut()).await? != stored_coverage_until(r.as_mut()).await?
    };
    if moved {
        let mut s = store.write_session().await?;
        let until = latest_income_year(s.as_mut()).await?;
        if until != stored_coverage_until(s.as_mut()).await? {
            s.execute(MARK_ALL_COUNTIES, &[]).await?;
            s.execute(SET_COVERAGE_UNTIL, &[Arg::Int(i64::from(until))])
                .await?;
        }
        s.commit().await?;
    }
    for county in dirty_counties(store).await? {
        let mut s = store.write_session().await?;
        let c = Arg::Int(county.as_u64() as i64);
        // Another refresh may have taken it meanwhile.
        let still = STILL_MARKED
            .fetch(s.as_mut(), std::slice::from_ref(&c))
            .await?;
        if still.is_empty() {
            continue;
        }
        // Read while this transaction holds the write lock: no rule setting slips in between.
        let book = rule_book(store).await?;
        let until = stored_coverage_until(s.as_mut()).await?;
        let villages = county_figures(s.as_mut(), county, &book, until, today).await?;
        let figures = with_sums(&villages, Level::County);
        let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
        s.execute(
            DELETE_FIGURES_BETWEEN,
            &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
        )
        .await?;
        done.rows += store_figures(s.as_mut(), &figures).await?;
        retally_visits(s.as_mut(), county).await?;
        // The city and the province are their children's sums.
        for region in county.ancestors() {
            resum(s.as_mut(), region.as_u64()).await?;
        }
        s.execute(UNMARK_COUNTY, std::slice::from_ref(&c)).await?;
        s.execute(STAMP_COUNTY, &[c]).await?;
        s.execute(crate::sql::NEXT_GENERATION, &[]).await?;
        s.commit().await?;
        done.counties += 1;
        // As the kept tables grow in a refresh of many counties (after 2, 4, 8 … of them: seven
        // times in a province's), not after the one county of an edit.
        let grown = done.counties > 1 && done.counties.is_power_of_two();
        if store.backend() == Backend::Postgres && grown {
            let mut s = store.write_session().await?;
            s.execute(ANALYZE_KEPT, &[]).await?;
            s.commit().await?;
        }
    }
    Ok(done)
}

/// The visit list's tallies of `county`, set-based in the database, with the totals kept of
/// each region above it (its old tallies taken out, its new ones added) and its month totals.
async fn retally_visits(s: &mut dyn WriteSession, county: RegionCode) -> Result<(), StoreError> {
    let c = Arg::Int(county.as_u64() as i64);
    let above: Vec<u64> = std::iter::once(0)
        .chain(county.ancestors().map(|r| r.as_u64()))
        .collect();
    for region in &above {
        for sql in SUBTRACT_VISIT_REACH {
            s.execute(sql, &[Arg::Int(*region as i64), c.clone()])
                .await?;
        }
    }
    s.execute(DELETE_VISIT_MONTHS, std::slice::from_ref(&c))
        .await?;
    s.execute(&tally_visit_months(), std::slice::from_ref(&c))
        .await?;
    for region in &above {
        s.execute(ADD_VISIT_REACH, &[Arg::Int(*region as i64), c.clone()])
            .await?;
    }
    for sql in MONTH_TOTALS {
        s.execute(sql, std::slice::from_ref(&c)).await?;
    }
    Ok(())
}

async fn store_figures(s: &mut dyn WriteSession, figures: &Figures) -> Result<usize, StoreError> {
    let rows: Vec<(&FigureKey, &i64)> = figures.iter().collect();
    for chunk in rows.chunks(INSERT_ROWS) {
        let sql = insert_figures(chunk.len());
        let mut args = Vec::with_capacity(chunk.len() * 6);
        for ((region, measure, year, bucket), value) in chunk {
            args.extend([
                Arg::Int(*region as i64),
                Arg::Int(parent_of(*region) as i64),
                Arg::Text(measure.code().to_string()),
                Arg::Int(i64::from(*year)),
                Arg::Text(bucket.clone()),
                Arg::Int(**value),
            ]);
        }
        s.execute(&sql, &args).await?;
    }
    Ok(rows.len())
}

/// Sets `region`'s figures to the sums of its children's.
async fn resum(s: &mut dyn WriteSession, region: u64) -> Result<(), StoreError> {
    let r = Arg::Int(region as i64);
    s.execute(DELETE_FIGURES_OF, std::slice::from_ref(&r))
        .await?;
    s.execute(RESUM, &[r.clone(), Arg::Int(parent_of(region) as i64), r])
        .await?;
    Ok(())
}

/// Stored figures selected by `query` (`args` for its `?`).
pub(in crate::records) async fn read_figures(
    s: &mut dyn ReadSession,
    query: &Query<StoredFigure>,
    args: &[Arg],
) -> Result<Figures, StoreError> {
    let mut out = Figures::new();
    for f in query.fetch(s, args).await? {
        out.insert((f.region, f.measure, f.year, f.bucket), f.value);
    }
    Ok(out)
}
