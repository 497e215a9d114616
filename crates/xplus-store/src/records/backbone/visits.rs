//! Visits per cadre and month, a page of cadres at a time, with the year's totals and the
//! latest year with visits (the page's default year).

use super::activity::{visits_by_month, CadreVisits};
use super::queries::visits::{
    last_day_sql, CadreMonths, Counted, LastDay, MonthTotals, KEPT_LAST_YEAR,
};
use crate::error::StoreError;
use crate::records::reporting::latest::LatestYear;
use crate::records::reporting::rollup::kept_for;
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::session::Page;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::{Access, Scope};
use xplus_core::registry::Level;

/// The year's visits within reach, all cadres together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitTotals {
    /// Cadres with at least one visit (the rows of the list).
    pub cadres: u64,
    pub total: u64,
    /// January first.
    pub months: [u32; 12],
}

/// Whether the account reaches whole counties (or everything), so the visits' county answers
/// for their households.
fn by_county(access: &Access) -> bool {
    match access.scope() {
        Scope::Everywhere => true,
        Scope::Region(r) => matches!(r.level(), Level::Province | Level::City | Level::County),
        Scope::PairedWith(_) => false,
    }
}

/// Where the account's visits are counted from, with the queries' arguments for `year`: the
/// kept tallies when it reaches whole counties and none of them is marked for a refresh; its
/// visits otherwise. A town or a village counts its own visits (a few thousand); so does a
/// reach with an edit not yet folded in.
async fn counted(
    s: &mut dyn ReadSession,
    access: &Access,
    year: i32,
) -> Result<(Counted, Vec<Arg>), StoreError> {
    let by_county = by_county(access);
    if by_county && kept_for(s, access).await? {
        let mut args = vec![Arg::Int(i64::from(year))];
        args.extend(village_bounds(access));
        // Above a county, each cadre's total of the reach is kept whole.
        let kept = match access.scope() {
            Scope::Everywhere => Counted::Reach { region: 0, year },
            Scope::Region(r) if r.level() < Level::County => Counted::Reach {
                region: r.as_u64(),
                year,
            },
            _ => Counted::Tallies,
        };
        return Ok((kept, args));
    }
    Ok((Counted::Visits { by_county }, arguments(access, year)))
}

/// The first day of each month of `year` and of the next month: the 24 bounds of the monthly
/// sums, then the year's first and last days and the reach.
fn arguments(access: &Access, year: i32) -> Vec<Arg> {
    let first = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN);
    let mut args = Vec::with_capacity(28);
    for m in 1..=12 {
        args.push(Arg::Date(first(year, m)));
        args.push(Arg::Date(if m == 12 {
            first(year + 1, 1)
        } else {
            first(year, m + 1)
        }));
    }
    args.push(Arg::Date(first(year, 1)));
    args.push(Arg::Date(
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    ));
    args.extend(village_bounds(access));
    args
}

/// The year's totals within reach (a helper: their own visits).
pub async fn visit_totals(
    store: &dyn Store,
    access: &Access,
    year: i32,
) -> Result<VisitTotals, StoreError> {
    if let Scope::PairedWith(_) = access.scope() {
        // One cadre: their own row is the whole list.
        let own = visits_by_month(store, access, year).await?;
        return Ok(VisitTotals {
            cadres: own.len() as u64,
            total: own.iter().map(|c| u64::from(c.total)).sum(),
            months: own.first().map(|c| c.months).unwrap_or_default(),
        });
    }
    let mut s = store.read_session().await?;
    let (from, args) = counted(s.as_mut(), access, year).await?;
    let (sql, args) = from.totals(args);
    let rows: Vec<MonthTotals> = fetch_sql(&mut *s, &sql, &args).await?;
    Ok(rows
        .into_iter()
        .next()
        .map(|t| VisitTotals {
            cadres: t.cadres,
            total: t.total,
            months: t.months,
        })
        .unwrap_or_default())
}

/// One page of the cadres with visits in `year` within reach, the busiest first (ties: the
/// smaller id) — the order of [`visits_by_month`].
pub async fn visits_page(
    store: &dyn Store,
    access: &Access,
    year: i32,
    page: Page,
) -> Result<Vec<CadreVisits>, StoreError> {
    if let Scope::PairedWith(_) = access.scope() {
        let own = visits_by_month(store, access, year).await?;
        let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
        return Ok(own.into_iter().skip(skip).take(take).collect());
    }
    let mut s = store.read_session().await?;
    let (from, args) = counted(s.as_mut(), access, year).await?;
    let (sql, args) = from.page(args, page);
    let rows: Vec<CadreMonths> = fetch_sql(&mut *s, &sql, &args).await?;
    Ok(rows
        .into_iter()
        .map(|r| CadreVisits {
            cadre_id: r.cadre_id,
            name: r.name,
            unit: r.unit,
            months: r.months,
            total: r.total,
        })
        .collect())
}

/// The latest year with a visit within reach, None without any.
pub async fn latest_visit_year(
    store: &dyn Store,
    access: &Access,
) -> Result<Option<i32>, StoreError> {
    if let Scope::PairedWith(cadre) = access.scope() {
        let mut s = store.read_session().await?;
        let rows: Vec<LastDay> = fetch_sql(
            &mut *s,
            "SELECT max(v.date) AS last FROM visits v WHERE v.cadre_id = ?",
            &[Arg::Text(cadre.clone())],
        )
        .await?;
        return Ok(rows.first().map(|d| d.last.year()));
    }
    let mut s = store.read_session().await?;
    if by_county(access) && kept_for(s.as_mut(), access).await? {
        let rows: Vec<LatestYear> =
            fetch_sql(&mut *s, KEPT_LAST_YEAR, &village_bounds(access)).await?;
        return Ok(rows.first().map(|r| r.year));
    }
    // Four-digit years: SQLite compares the dates as text.
    let day = |y, m, d| Arg::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default());
    let mut args = vec![day(1000, 1, 1), day(9999, 12, 31)];
    args.extend(village_bounds(access));
    let rows: Vec<LastDay> = fetch_sql(&mut *s, &last_day_sql(by_county(access)), &args).await?;
    Ok(rows.first().map(|d| d.last.year()))
}
