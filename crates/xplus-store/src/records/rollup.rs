//! Roll-ups (issue 7): the dashboard's figures per village, summed up to town, county, city and
//! province, kept in the `rollups` table so that a dashboard reads a few hundred stored numbers.
//!
//! Every write of a record marks its county in `rollup_dirty` (the backends do it in the
//! writer's transaction; see `sql::touched_county`). [`refresh_rollups`] recomputes each marked
//! county from the records — in a write transaction, so no change slips in between reading and
//! storing — and the sums of its town, county, city and province. [`verify_rollups`] recomputes
//! every county from scratch and compares (`xplus report --verify`).

use super::chain::chain_in;
use super::filter::{Arg, Filter};
use super::rules::rule_book;
use super::shape::{column, shape, COUNT, SIGNED};
use super::{CompactRows, RecordSession};
use crate::error::StoreError;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xplus_core::assessment::chain::Link;
use xplus_core::collective::economy::{is_empty_shell, is_strong};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, Level, RegionCode};
use xplus_core::rollup::{income_band, Measure};
use xplus_core::rules::RuleBook;
use xplus_core::Fen;

/// One stored figure's key: (region, measure, year — 0 when not by year —, bucket).
pub type FigureKey = (u64, Measure, i32, String);

/// Figures by key; a missing key is zero.
pub type Figures = BTreeMap<FigureKey, i64>;

/// The years whose §6 coverage is kept: this many up to the latest year with income records in
/// the registry, the same for every county so that their sums are whole (each year is one
/// reading of the full chain).
const COVERAGE_YEARS: i32 = 6;

fn coverage_years(until: i32) -> impl Iterator<Item = i32> {
    (until - COVERAGE_YEARS + 1..=until).filter(move |_| until > 0)
}

/// The latest year with income records anywhere (0 without any): one index search per county.
async fn latest_income_year(s: &mut dyn RecordSession) -> Result<i32, StoreError> {
    let mut latest = 0;
    for county in counties_in(s, "SELECT code FROM regions WHERE level = 'county'").await? {
        let rows = s
            .query(
                &YEAR,
                "SELECT MAX(year) FROM incomes WHERE county_code = ?",
                &[Arg::Int(county.as_u64() as i64)],
            )
            .await?;
        if let Some(y) = rows.first().and_then(|r| r[0].as_int()) {
            latest = latest.max(y as i32);
        }
    }
    Ok(latest)
}

/// The coverage window the stored roll-ups were computed with.
async fn stored_coverage_until(s: &mut dyn RecordSession) -> Result<i32, StoreError> {
    Ok(s.query(
        &YEAR,
        "SELECT coverage_until FROM rollup_state WHERE id = 1",
        &[],
    )
    .await?
    .first()
    .and_then(|r| r[0].as_int())
    .unwrap_or(0) as i32)
}

/// Rows per INSERT: six parameters each, well under both backends' limits.
const INSERT_ROWS: usize = 150;

static STORED: FileSpec = shape(
    FileId::Households,
    "rollups",
    "汇总",
    &[
        column("region_code", ColumnType::Region),
        column("measure", ColumnType::Text),
        column("year", ColumnType::Year),
        column("bucket", ColumnType::Text),
        column("value", SIGNED),
    ],
);

static CODES: FileSpec = shape(
    FileId::Regions,
    "rollup_counties",
    "区县",
    &[column("county_code", COUNT)],
);

/// A year (INTEGER on both backends, unlike the BIGINT codes).
static YEAR: FileSpec = shape(
    FileId::Incomes,
    "rollup_year",
    "年度",
    &[column("year", ColumnType::Year)],
);

static COLLECTIVE: FileSpec = shape(
    FileId::CollectiveIncome,
    "rollup_collective",
    "集体收入",
    &[
        column("village_code", COUNT),
        column("year", ColumnType::Year),
        column("operating_income", SIGNED),
    ],
);

/// The region above `code` in the stored hierarchy (0 above a province).
pub(super) fn parent_of(code: u64) -> u64 {
    RegionCode::from_u64(code)
        .ok()
        .and_then(|c| c.parent())
        .map_or(0, |p| p.as_u64())
}

fn add(figures: &mut Figures, region: u64, measure: Measure, year: i32, bucket: &str, n: i64) {
    if n != 0 {
        *figures
            .entry((region, measure, year, bucket.to_string()))
            .or_insert(0) += n;
    }
}

/// The figures of one county's villages, computed from its records.
pub(super) async fn county_figures(
    s: &mut dyn RecordSession,
    county: RegionCode,
    book: &RuleBook,
    coverage_until: i32,
    today: NaiveDate,
) -> Result<Figures, StoreError> {
    let c = Arg::Int(county.as_u64() as i64);
    let mut out = Figures::new();

    // Members per household, then the households themselves.
    let rows = s
        .query_compact(
            "汇总成员 / counting members",
            "SELECT household_id, COUNT(*) FROM members WHERE county_code = ? GROUP BY household_id",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(2, 0, 0),
        )
        .await?;
    let members: HashMap<String, i64> = rows
        .rows()
        .filter_map(|r| Some((r.text(0)?.to_string(), r.int(1)?)))
        .collect();
    let rows = s
        .query_compact(
            "汇总贫困户 / counting households",
            "SELECT household_id, village_code, status, exit_year, causes FROM households \
             WHERE county_code = ?",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(5, 0, 0),
        )
        .await?;
    // Household → (village, members, registered: not removed).
    let mut homes: HashMap<String, (u64, i64, bool)> = HashMap::with_capacity(rows.len());
    for r in rows.rows() {
        let (Some(id), Some(village)) = (r.text(0), r.int(1)) else {
            continue;
        };
        let village = village as u64;
        let status = r.text(2).and_then(HouseholdStatus::parse);
        let persons = members.get(id).copied().unwrap_or(0);
        homes.insert(
            id.to_string(),
            (village, persons, status != Some(HouseholdStatus::Removed)),
        );
        let poor = matches!(
            status,
            Some(HouseholdStatus::Poor | HouseholdStatus::Returned)
        );
        if poor {
            add(&mut out, village, Measure::PoorHouseholds, 0, "", 1);
            add(&mut out, village, Measure::PoorPersons, 0, "", persons);
            for cause in r.text(4).unwrap_or_default().split(';') {
                if !cause.is_empty() {
                    add(&mut out, village, Measure::Cause, 0, cause, 1);
                }
            }
        }
        match status {
            Some(HouseholdStatus::Monitored) => {
                add(&mut out, village, Measure::MonitoredHouseholds, 0, "", 1)
            }
            Some(HouseholdStatus::Returned) => {
                add(&mut out, village, Measure::ReturnedHouseholds, 0, "", 1)
            }
            _ => {}
        }
        if let Some(exit) = r.int(3) {
            let exit = exit as i32;
            add(&mut out, village, Measure::ExitedHouseholds, exit, "", 1);
            add(&mut out, village, Measure::ExitedPersons, exit, "", persons);
        }
    }

    let rows = s
        .query_compact(
            "汇总收入 / counting incomes",
            "SELECT household_id, year, wage + production + property + transfer - production_cost \
             FROM incomes WHERE county_code = ?",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(3, 0, 0),
        )
        .await?;
    for r in rows.rows() {
        let (Some(id), Some(year), Some(net)) = (r.text(0), r.int(1), r.int(2)) else {
            continue;
        };
        let Some(&(village, persons, true)) = homes.get(id) else {
            continue;
        };
        if let Some(band) = income_band(Fen(net), persons.max(0) as u32) {
            add(
                &mut out,
                village,
                Measure::IncomeBand,
                year as i32,
                &band.to_string(),
                1,
            );
        }
    }

    let rows = s
        .query_compact(
            "汇总返贫 / counting returns",
            // By the households of the county now: an outcome keeps the county the household
            // had when it was recorded.
            "SELECT o.household_id, o.year FROM assessment_outcomes o \
             JOIN households h ON h.household_id = o.household_id \
             WHERE h.county_code = ? AND o.outcome = 'returned'",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(2, 0, 0),
        )
        .await?;
    for r in rows.rows() {
        if let (Some(&(village, ..)), Some(year)) =
            (r.text(0).and_then(|id| homes.get(id)), r.int(1))
        {
            add(
                &mut out,
                village,
                Measure::ReturnsRecorded,
                year as i32,
                "",
                1,
            );
        }
    }

    let rows = s
        .query_compact(
            "汇总村 / counting villages",
            "SELECT village_code, poor_village, population, exit_year FROM villages \
             WHERE county_code = ?",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(4, 0, 0),
        )
        .await?;
    for r in rows.rows() {
        let Some(village) = r.int(0).map(|v| v as u64) else {
            continue;
        };
        add(
            &mut out,
            village,
            Measure::Population,
            0,
            "",
            r.int(2).unwrap_or(0),
        );
        if r.bool(1) == Some(true) || r.int(1) == Some(1) {
            add(&mut out, village, Measure::PoorVillages, 0, "", 1);
            if let Some(exit) = r.int(3) {
                add(
                    &mut out,
                    village,
                    Measure::ExitedVillages,
                    exit as i32,
                    "",
                    1,
                );
            }
        }
    }

    let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
    for r in s
        .query(
            &COLLECTIVE,
            "SELECT village_code, year, operating_income FROM collective_income \
             WHERE village_code BETWEEN ? AND ?",
            &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
        )
        .await?
    {
        let (Some(village), Some(year), Some(income)) =
            (r[0].as_int(), r[1].as_int(), r[2].as_int())
        else {
            continue;
        };
        let (village, year) = (village as u64, year as i32);
        // Each village is judged by its own county's lines (rules.md §9 may be set per county).
        let rules = book.for_place(Some(county), year).set;
        add(&mut out, village, Measure::CollectiveReported, year, "", 1);
        add(
            &mut out,
            village,
            Measure::CollectiveIncome,
            year,
            "",
            income,
        );
        let judged = |test: fn(Fen, &xplus_core::rules::RuleSet) -> bool| {
            i64::from(test(Fen(income), &rules))
        };
        add(
            &mut out,
            village,
            Measure::EmptyShell,
            year,
            "",
            judged(is_empty_shell),
        );
        add(
            &mut out,
            village,
            Measure::Strong,
            year,
            "",
            judged(is_strong),
        );
    }

    let rows = s
        .query_compact(
            "汇总分红 / counting dividends",
            "SELECT d.household_id, d.year, d.amount FROM dividend_payments d \
             JOIN households h ON h.household_id = d.household_id WHERE h.county_code = ?",
            std::slice::from_ref(&c),
            CompactRows::with_capacity(3, 0, 0),
        )
        .await?;
    let mut paid: BTreeSet<(i64, &str)> = BTreeSet::new();
    for r in rows.rows() {
        let (Some(id), Some(year), Some(amount)) = (r.text(0), r.int(1), r.int(2)) else {
            continue;
        };
        let Some(&(village, ..)) = homes.get(id) else {
            continue;
        };
        add(
            &mut out,
            village,
            Measure::DividendsPaid,
            year as i32,
            "",
            amount,
        );
        if paid.insert((year, id)) {
            add(
                &mut out,
                village,
                Measure::DividendHouseholds,
                year as i32,
                "",
                1,
            );
        }
    }

    // No household is poor at the start of a year before the first identified (rules.md §6,
    // `poor_at_start_of`): those years of the window have nothing to read.
    let first_identified = s
        .query(
            &YEAR,
            "SELECT MIN(identified_year) FROM households WHERE county_code = ?",
            std::slice::from_ref(&c),
        )
        .await?
        .first()
        .and_then(|r| r[0].as_int())
        .map_or(i32::MAX, |y| y as i32);
    let scope = Filter::new().and("county_code = ?", vec![c.clone()]);
    for year in coverage_years(coverage_until).filter(|y| *y >= first_identified) {
        let chain = chain_in(s, &scope, year, today).await?;
        for h in &chain.households {
            let v = h.village.as_u64();
            add(&mut out, v, Measure::ChainPoor, year, "", 1);
            for link in Link::ALL {
                add(
                    &mut out,
                    v,
                    Measure::ChainLink,
                    year,
                    link.code(),
                    i64::from(h.links.holds(*link)),
                );
            }
            add(
                &mut out,
                v,
                Measure::ChainFull,
                year,
                "",
                i64::from(h.links.full()),
            );
        }
    }
    Ok(out)
}

/// `villages` with the sums of every region above them, up to `top` (its level included).
pub(super) fn with_sums(villages: &Figures, top: Level) -> Figures {
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
    counties_in(
        s.as_mut(),
        "SELECT county_code FROM rollup_dirty ORDER BY county_code",
    )
    .await
}

async fn counties_in(s: &mut dyn RecordSession, sql: &str) -> Result<Vec<RegionCode>, StoreError> {
    Ok(s.query(&CODES, sql, &[])
        .await?
        .iter()
        .filter_map(|r| r[0].as_int())
        .filter_map(|c| RegionCode::from_u64(c as u64).ok())
        .collect())
}

/// The roll-ups' generation (it grows with every refresh of a county) and whether any county is
/// marked for a refresh: what a reader of the roll-ups checks before trusting what it read.
pub async fn rollup_state(store: &dyn Store) -> Result<(i64, bool), StoreError> {
    let mut s = store.read_session().await?;
    let generation = s
        .query(
            &CODES,
            "SELECT generation FROM rollup_state WHERE id = 1",
            &[],
        )
        .await?
        .first()
        .and_then(|r| r[0].as_int())
        .unwrap_or(0);
    let dirty = !s
        .query(&CODES, "SELECT county_code FROM rollup_dirty LIMIT 1", &[])
        .await?
        .is_empty();
    Ok((generation, dirty))
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
                "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
                 WHERE level = 'county' AND code BETWEEN ? AND ? ON CONFLICT DO NOTHING",
                &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
            )
            .await?;
    }
    s.commit().await?;
    Ok(marked)
}

/// Recomputes the roll-ups of every marked county, one county per write transaction.
pub async fn refresh_rollups(store: &dyn Store, today: NaiveDate) -> Result<Refreshed, StoreError> {
    let mut done = Refreshed::default();
    if dirty_counties(store).await?.is_empty() {
        return Ok(done);
    }
    // When the latest year with incomes moves, every county's coverage window moves with it.
    {
        let mut s = store.write_session().await?;
        let until = latest_income_year(s.as_mut()).await?;
        if until != stored_coverage_until(s.as_mut()).await? {
            s.execute(
                "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
                 WHERE level = 'county' ON CONFLICT DO NOTHING",
                &[],
            )
            .await?;
            s.execute(
                "UPDATE rollup_state SET coverage_until = ? WHERE id = 1",
                &[Arg::Int(i64::from(until))],
            )
            .await?;
        }
        s.commit().await?;
    }
    for county in dirty_counties(store).await? {
        let mut s = store.write_session().await?;
        let c = Arg::Int(county.as_u64() as i64);
        // Another refresh may have taken it meanwhile.
        let still = s
            .query(
                &CODES,
                "SELECT county_code FROM rollup_dirty WHERE county_code = ?",
                std::slice::from_ref(&c),
            )
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
            "DELETE FROM rollups WHERE region_code BETWEEN ? AND ?",
            &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
        )
        .await?;
        done.rows += store_figures(s.as_mut(), &figures).await?;
        // The city and the province are their children's sums.
        let mut above = county.parent();
        while let Some(region) = above {
            resum(s.as_mut(), region.as_u64()).await?;
            above = region.parent();
        }
        s.execute("DELETE FROM rollup_dirty WHERE county_code = ?", &[c])
            .await?;
        s.execute(
            "UPDATE rollup_state SET generation = generation + 1 WHERE id = 1",
            &[],
        )
        .await?;
        s.commit().await?;
        done.counties += 1;
    }
    Ok(done)
}

async fn store_figures(s: &mut dyn RecordSession, figures: &Figures) -> Result<usize, StoreError> {
    let rows: Vec<(&FigureKey, &i64)> = figures.iter().collect();
    for chunk in rows.chunks(INSERT_ROWS) {
        let mut sql = String::from(
            "INSERT INTO rollups (region_code, parent_code, measure, year, bucket, value) VALUES ",
        );
        let mut args = Vec::with_capacity(chunk.len() * 6);
        for (i, ((region, measure, year, bucket), value)) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 {
                "(?, ?, ?, ?, ?, ?)"
            } else {
                ", (?, ?, ?, ?, ?, ?)"
            });
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
async fn resum(s: &mut dyn RecordSession, region: u64) -> Result<(), StoreError> {
    let r = Arg::Int(region as i64);
    s.execute(
        "DELETE FROM rollups WHERE region_code = ?",
        std::slice::from_ref(&r),
    )
    .await?;
    s.execute(
        "INSERT INTO rollups (region_code, parent_code, measure, year, bucket, value) \
         SELECT ?, ?, measure, year, bucket, CAST(SUM(value) AS BIGINT) FROM rollups \
         WHERE parent_code = ? GROUP BY measure, year, bucket",
        &[r.clone(), Arg::Int(parent_of(region) as i64), r],
    )
    .await?;
    Ok(())
}

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
            counties_in(
                s,
                "SELECT county_code FROM rollup_dirty ORDER BY county_code",
            )
            .await?,
            counties_in(
                s,
                "SELECT code FROM regions WHERE level = 'county' ORDER BY code",
            )
            .await?,
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
                let mut above = county.parent();
                while let Some(p) = above {
                    *upper
                        .entry((p.as_u64(), measure, year, bucket.clone()))
                        .or_insert(0) += value;
                    above = p.parent();
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

async fn stored_between(
    s: &mut dyn RecordSession,
    lo: u64,
    hi: u64,
) -> Result<Figures, StoreError> {
    read_figures(
        s,
        "SELECT region_code, measure, year, bucket, value FROM rollups \
         WHERE region_code BETWEEN ? AND ?",
        &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
    .await
}

/// Stored figures selected by `sql` (columns region_code, measure, year, bucket, value).
pub(super) async fn read_figures(
    s: &mut dyn RecordSession,
    sql: &str,
    args: &[Arg],
) -> Result<Figures, StoreError> {
    let mut out = Figures::new();
    for r in s.query(&STORED, sql, args).await? {
        let (Some(region), Some(measure), Some(year), Some(value)) = (
            r[0].as_region(),
            r[1].as_text().and_then(Measure::parse),
            r[2].as_int(),
            r[4].as_int(),
        ) else {
            continue;
        };
        let bucket = r[3].as_text().unwrap_or_default().to_string();
        out.insert((region.as_u64(), measure, year as i32, bucket), value);
    }
    Ok(out)
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
