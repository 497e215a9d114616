//! Roll-ups (issue 7): the dashboard's figures per village, summed up to town, county, city and
//! province, kept in the `rollups` table so that a dashboard reads a few hundred stored numbers.
//!
//! Every write of a record marks its county in `rollup_dirty` (the backends do it in the
//! writer's transaction; see `sql::Touched`). [`refresh_rollups`] recomputes each marked
//! county from the records — in a write transaction, so no change slips in between reading and
//! storing — and the sums of its town, county, city and province. [`verify_rollups`] recomputes
//! every county from scratch and compares (`xplus report --verify`).

pub(in crate::records) use super::queries::rollup::CountyStamp;
use super::queries::rollup::{
    insert_figures, tally_visit_months, StoredFigure, ADD_VISIT_REACH, ANALYZE_KEPT, COUNTY_STAMPS,
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

/// The counties within `region` (None: everywhere) with the stamp each one's last refresh left
/// and whether it is marked for another: while a county is not marked and its stamp is the one
/// a value was kept under, its records have not changed since (every write marks its county,
/// and its refresh moves the stamp). What the web keeps per county (overdue visits, the
/// what-if's households) is checked against it.
pub(in crate::records) async fn county_stamps(
    s: &mut dyn ReadSession,
    region: Option<RegionCode>,
) -> Result<Vec<CountyStamp>, StoreError> {
    let (lo, hi) = match region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, i64::MAX as u64),
    };
    let args = [Arg::Int(lo as i64), Arg::Int(hi as i64)];
    COUNTY_STAMPS.fetch(s, &args).await
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

/// Counties recomputed side by side in one write transaction: as many as the machine has cores,
/// at most four. Their records are read over separate connections (most of a refresh is the
/// database reading them); the writes stay one after another on the writer's.
fn counties_at_once() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Recomputes the roll-ups of every marked county, a few counties per write transaction. It
/// reads the primary even where the caller may read a replica: the figures are stored there, and
/// a lagging replica's records would be stored as current.
pub async fn refresh_rollups(store: &dyn Store) -> Result<Refreshed, StoreError> {
    crate::routed::reading_primary(refresh_on_primary(store)).await
}

async fn refresh_on_primary(store: &dyn Store) -> Result<Refreshed, StoreError> {
    let mut done = Refreshed::default();
    let mut marked = dirty_counties(store).await?;
    if marked.is_empty() {
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
        // Every county now, not only those marked before.
        marked = dirty_counties(store).await?;
    }
    for group in marked.chunks(counties_at_once()) {
        let before = done.counties;
        let (counties, rows) = refresh_group(store, group).await?;
        done.counties += counties;
        done.rows += rows;
        // As the kept tables grow in a refresh of many counties (after 2, 4, 8 … of them: six
        // times in a province's 105), not after the one county of an edit.
        let grown = (before + 1..=done.counties).any(|n| n > 1 && n.is_power_of_two());
        if store.backend() == Backend::Postgres && grown {
            let mut s = store.write_session().await?;
            s.execute(ANALYZE_KEPT, &[]).await?;
            s.commit().await?;
        }
    }
    Ok(done)
}

/// Recomputes `group`'s counties still marked in one write transaction: (counties, figures).
///
/// The writer holds the write lock before anything is read, so nothing is committed until it
/// commits. The other counties are read over readers opened after its first read: they see what
/// the writer sees, no change slips in between reading and storing, and the figures read on
/// several connections at once are those of one state of the records.
async fn refresh_group(
    store: &dyn Store,
    group: &[RegionCode],
) -> Result<(usize, usize), StoreError> {
    let mut s = store.write_session().await?;
    let mut still = Vec::with_capacity(group.len());
    for county in group {
        // Another refresh may have taken it meanwhile.
        let c = Arg::Int(county.as_u64() as i64);
        if !STILL_MARKED.fetch(s.as_mut(), &[c]).await?.is_empty() {
            still.push(*county);
        }
    }
    let Some((first, others)) = still.split_first() else {
        return Ok((0, 0));
    };
    let book = rule_book(store).await?;
    let until = stored_coverage_until(s.as_mut()).await?;
    let read_others = others.iter().map(|county| {
        let book = &book;
        async move {
            let mut r = store.read_session().await?;
            county_figures(r.as_mut(), *county, book, until).await
        }
    });
    let (mine, theirs) = futures_util::future::join(
        county_figures(s.as_mut(), *first, &book, until),
        futures_util::future::try_join_all(read_others),
    )
    .await;
    let mut rows = 0;
    for (county, villages) in still.iter().zip(std::iter::once(mine?).chain(theirs?)) {
        rows += store_county(s.as_mut(), *county, &villages).await?;
    }
    s.commit().await?;
    Ok((still.len(), rows))
}

/// Replaces `county`'s kept figures by `villages`' and their sums, its visit tallies, and the
/// sums above it; takes its mark away and moves the generation on: the figures stored.
async fn store_county(
    s: &mut dyn WriteSession,
    county: RegionCode,
    villages: &Figures,
) -> Result<usize, StoreError> {
    let c = Arg::Int(county.as_u64() as i64);
    let figures = with_sums(villages, Level::County);
    let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
    s.execute(
        DELETE_FIGURES_BETWEEN,
        &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
    .await?;
    let rows = store_figures(s, &figures).await?;
    retally_visits(s, county).await?;
    // The city and the province are their children's sums.
    for region in county.ancestors() {
        resum(s, region.as_u64()).await?;
    }
    s.execute(UNMARK_COUNTY, std::slice::from_ref(&c)).await?;
    s.execute(STAMP_COUNTY, &[c]).await?;
    s.execute(crate::sql::NEXT_GENERATION, &[]).await?;
    Ok(rows)
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
