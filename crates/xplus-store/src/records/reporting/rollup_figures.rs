//! The roll-ups of one county computed from its records (see rollup.rs): households, persons,
//! causes, exits and returns, income bands, villages, the collective economy, dividends, and the
//! §6 coverage of each year of the window.

use super::queries::rollup_figures::{
    net_incomes, County, COLLECTIVE_INCOMES, COUNTIES, COVERAGE_UNTIL, DIVIDENDS, FIRST_IDENTIFIED,
    HOUSEHOLDS, LATEST_INCOME_YEAR, MEMBER_CHANGES, MEMBER_COUNTS, OUTCOMES, VILLAGES,
};
use crate::error::StoreError;
use crate::records::assessment::chain::links_in;
use crate::records::industry::queries::WORKING_BY;
use crate::records::{CompactRows, ReadSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::Query;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::RangeInclusive;
use xplus_core::assessment::chain::Link;
use xplus_core::assessment::Outcome;
use xplus_core::collective::economy::{is_empty_shell, is_strong};
use xplus_core::industry::participation::{in_work_on, WAYS};
use xplus_core::registry::membership::{persons_on, year_end, MembershipChange};
use xplus_core::registry::{standing_at_end, HouseholdStatus, Level, RegionCode, Standing};
use xplus_core::rollup::{income_band, Measure};
use xplus_core::rules::RuleBook;
use xplus_core::Fen;

/// One stored figure's key: (region, measure, year — 0 when not by year —, bucket).
pub type FigureKey = (u64, Measure, i32, String);

/// Figures by key; a missing key is zero.
pub type Figures = BTreeMap<FigureKey, i64>;

/// The counties `query` selects (it takes no arguments), in its order.
pub(in crate::records) async fn counties_in(
    s: &mut dyn ReadSession,
    query: &Query<County>,
) -> Result<Vec<RegionCode>, StoreError> {
    Ok(query
        .fetch(s, &[])
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

/// The years whose §6 coverage is kept: this many up to the latest year with income records in
/// the registry, the same for every county so that their sums are whole (each year is one
/// reading of the full chain).
const COVERAGE_YEARS: i32 = 6;

pub(in crate::records) fn coverage_years(until: i32) -> impl Iterator<Item = i32> {
    (until - COVERAGE_YEARS + 1..=until).filter(move |_| until > 0)
}

/// The latest year with income records anywhere (0 without any): one index search per county.
pub(in crate::records) async fn latest_income_year(
    s: &mut dyn ReadSession,
) -> Result<i32, StoreError> {
    let mut latest = 0;
    for county in counties_in(s, &COUNTIES).await? {
        let rows = LATEST_INCOME_YEAR
            .fetch(s, &[Arg::Int(county.as_u64() as i64)])
            .await?;
        if let Some(y) = rows.first().and_then(|r| r.year) {
            latest = latest.max(y as i32);
        }
    }
    Ok(latest)
}

/// The coverage window the stored roll-ups were computed with.
pub(in crate::records) async fn stored_coverage_until(
    s: &mut dyn ReadSession,
) -> Result<i32, StoreError> {
    Ok(COVERAGE_UNTIL
        .fetch(s, &[])
        .await?
        .first()
        .and_then(|r| r.year)
        .unwrap_or(0) as i32)
}

fn add(figures: &mut Figures, region: u64, measure: Measure, year: i32, bucket: &str, n: i64) {
    if n != 0 {
        *figures
            .entry((region, measure, year, bucket.to_string()))
            .or_insert(0) += n;
    }
}

/// The figures of one county's villages, computed from its records.
pub(in crate::records) async fn county_figures(
    s: &mut dyn ReadSession,
    county: RegionCode,
    book: &RuleBook,
    coverage_until: i32,
) -> Result<Figures, StoreError> {
    let c = Arg::Int(county.as_u64() as i64);
    let mut out = Figures::new();
    let homes = households(s, county, coverage_until, &mut out).await?;
    incomes(s, &c, &homes, &mut out).await?;
    villages(s, &c, &mut out).await?;
    collective(s, county, book, &mut out).await?;
    dividends(s, &c, &homes, &mut out).await?;
    coverage(s, county, coverage_until, &mut out).await?;
    Ok(out)
}

/// What the figures of other records need of a household.
struct HomeFigures {
    village: u64,
    /// Members today.
    persons: i64,
    /// Registered: not removed.
    registered: bool,
    /// Its membership changes, as (day, change) (registry::membership).
    changes: Vec<(NaiveDate, MembershipChange)>,
}

impl HomeFigures {
    /// Its members at the end of `year`: today's with the later changes undone.
    fn persons_at_end(&self, year: i32) -> i64 {
        persons_on(self.persons, self.changes.iter().copied(), year_end(year))
    }
}

/// Household → what the other figures need of it.
type Homes = HashMap<String, HomeFigures>;

/// Household → its membership changes as (day, change).
type Changes = HashMap<String, Vec<(NaiveDate, MembershipChange)>>;

/// Household → the standings its outcomes replaced, as (year, standing).
type Replaced = HashMap<String, Vec<(i32, Standing)>>;

/// One household as `households` reads it.
struct Home<'a> {
    /// What the other figures keep of it afterwards.
    figures: HomeFigures,
    today: Standing,
    causes: &'a str,
    identified: i32,
    /// Its members' placements as (start, months), for 一户一工人.
    jobs: Vec<(NaiveDate, u32)>,
}

/// Households and persons poor, monitored, returned, by cause — now, and at the end of each
/// year of the window (book of record) —, exits by year, returns recorded by year.
async fn households(
    s: &mut dyn ReadSession,
    county: RegionCode,
    coverage_until: i32,
    out: &mut Figures,
) -> Result<Homes, StoreError> {
    let c = &Arg::Int(county.as_u64() as i64);
    // Members per household, the outcomes that replaced each one's standing, then the
    // households themselves.
    let rows = s
        .query_compact(
            "汇总成员 / counting members",
            MEMBER_COUNTS,
            std::slice::from_ref(c),
            CompactRows::with_capacity(2, 0, 0),
        )
        .await?;
    let members: HashMap<String, i64> = rows
        .rows()
        .filter_map(|r| Some((r.text(0)?.to_string(), r.int(1)?)))
        .collect();
    let mut changes = member_changes(s, c).await?;
    let (replaced, returns) = replaced_standings(s, c).await?;
    let mut jobs = placements(s, county, coverage_until).await?;
    let rows = s
        .query_compact(
            "汇总贫困户 / counting households",
            HOUSEHOLDS,
            std::slice::from_ref(c),
            CompactRows::with_capacity(6, 0, 0),
        )
        .await?;
    // The years kept at their end: from the county's first identified to the coverage window's
    // last, the same last year for every county so that the sums above are whole.
    let first = rows
        .rows()
        .filter_map(|r| r.int(5))
        .min()
        .unwrap_or(i64::MAX) as i32;
    let window = first..=coverage_until;
    let mut homes: Homes = HashMap::with_capacity(rows.len());
    for r in rows.rows() {
        let (Some(id), Some(village), Some(status)) = (
            r.text(0),
            r.int(1),
            r.text(2).and_then(HouseholdStatus::parse),
        ) else {
            continue;
        };
        let home = Home {
            figures: HomeFigures {
                village: village as u64,
                persons: members.get(id).copied().unwrap_or(0),
                registered: status != HouseholdStatus::Removed,
                changes: changes.remove(id).unwrap_or_default(),
            },
            jobs: jobs.remove(id).unwrap_or_default(),
            today: Standing {
                status,
                exit_year: r.int(3).map(|y| y as i32),
            },
            causes: r.text(4).unwrap_or_default(),
            identified: r.int(5).map_or(i32::MAX, |y| y as i32),
        };
        let history = replaced.get(id).map(Vec::as_slice).unwrap_or_default();
        count_household(&home, history, window.clone(), out);
        homes.insert(id.to_string(), home.figures);
    }
    // Returns recorded by the assessment, per year, in the village the household is in now.
    for (id, year) in returns {
        if let Some(home) = homes.get(&id) {
            add(out, home.village, Measure::ReturnsRecorded, year, "", 1);
        }
    }
    Ok(homes)
}

/// Per household of the county, its members' placements begun by the end of the window, as
/// (start, months): whether one is in work on a Dec 31 is core's `in_work_on`, as the page's.
async fn placements(
    s: &mut dyn ReadSession,
    county: RegionCode,
    coverage_until: i32,
) -> Result<HashMap<String, Vec<(NaiveDate, u32)>>, StoreError> {
    let scope = county_scope(county);
    let mut jobs: HashMap<String, Vec<(NaiveDate, u32)>> = HashMap::new();
    let last = Arg::Date(year_end(coverage_until.max(1)));
    for w in WORKING_BY.fetch(s, &scope, vec![last]).await? {
        jobs.entry(w.household)
            .or_default()
            .push((w.start, w.months));
    }
    Ok(jobs)
}

/// The records of one county (`c`: its code), as a household scope reads them.
fn county_scope(county: RegionCode) -> Filter {
    let code = county.as_u64() as i64;
    Filter::new()
        .and("county_code = ?", vec![Arg::Int(code)])
        .in_counties(code, code)
}

/// Per household of the county, its membership changes.
async fn member_changes(s: &mut dyn ReadSession, c: &Arg) -> Result<Changes, StoreError> {
    let rows = s
        .query_compact(
            "汇总成员变动 / counting membership changes",
            MEMBER_CHANGES,
            std::slice::from_ref(c),
            CompactRows::with_capacity(3, 0, 0),
        )
        .await?;
    let mut changes = Changes::new();
    for r in rows.rows() {
        let day = r
            .text(1)
            .and_then(|d| NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
        let change = r.text(2).and_then(MembershipChange::parse);
        if let (Some(id), Some(day), Some(change)) = (r.text(0), day, change) {
            changes
                .entry(id.to_string())
                .or_default()
                .push((day, change));
        }
    }
    Ok(changes)
}

/// Per household of the county, the outcomes recorded for it as (year, the standing replaced);
/// and the returns among them as (household, year).
async fn replaced_standings(
    s: &mut dyn ReadSession,
    c: &Arg,
) -> Result<(Replaced, Vec<(String, i32)>), StoreError> {
    let rows = s
        .query_compact(
            "汇总评估结果 / counting outcomes",
            OUTCOMES,
            std::slice::from_ref(c),
            CompactRows::with_capacity(5, 0, 0),
        )
        .await?;
    let mut replaced = Replaced::new();
    let mut returns: Vec<(String, i32)> = Vec::new();
    for r in rows.rows() {
        let (Some(id), Some(year), Some(before)) = (
            r.text(0),
            r.int(1),
            r.text(3).and_then(HouseholdStatus::parse),
        ) else {
            continue;
        };
        let year = year as i32;
        if r.text(2).and_then(Outcome::parse) == Some(Outcome::Returned) {
            returns.push((id.to_string(), year));
        }
        replaced.entry(id.to_string()).or_default().push((
            year,
            Standing {
                status: before,
                exit_year: r.int(4).map(|y| y as i32),
            },
        ));
    }
    Ok((replaced, returns))
}

/// One household's figures: as recorded now (year 0), and at the end of each year of `window`
/// it was identified by; its exit is counted in the year whose end it stood exited in that year
/// (`report --year`'s rule), or, outside the window, by today's exit year.
fn count_household(
    home: &Home<'_>,
    history: &[(i32, Standing)],
    window: RangeInclusive<i32>,
    out: &mut Figures,
) {
    let (v, f) = (home.figures.village, &home.figures);
    let poor =
        |st: HouseholdStatus| matches!(st, HouseholdStatus::Poor | HouseholdStatus::Returned);
    let causes = || home.causes.split(';').filter(|c| !c.is_empty());
    if poor(home.today.status) {
        add(out, v, Measure::PoorHouseholds, 0, "", 1);
        add(out, v, Measure::PoorPersons, 0, "", f.persons);
        for cause in causes() {
            add(out, v, Measure::Cause, 0, cause, 1);
        }
    }
    match home.today.status {
        HouseholdStatus::Monitored => add(out, v, Measure::MonitoredHouseholds, 0, "", 1),
        HouseholdStatus::Returned => add(out, v, Measure::ReturnedHouseholds, 0, "", 1),
        _ => {}
    }
    if let Some(exit) = home.today.exit_year.filter(|y| !window.contains(y)) {
        add(out, v, Measure::ExitedHouseholds, exit, "", 1);
        add(
            out,
            v,
            Measure::ExitedPersons,
            exit,
            "",
            f.persons_at_end(exit),
        );
    }
    for year in window.filter(|y| *y >= home.identified) {
        let st = standing_at_end(home.today, history.iter().copied(), year);
        let status = st.status.code();
        add(out, v, Measure::StandingAtEnd, year, status, 1);
        let persons = f.persons_at_end(year);
        add(out, v, Measure::PersonsAtEnd, year, status, persons);
        if poor(st.status) {
            for cause in causes() {
                add(out, v, Measure::CauseAtEnd, year, cause, 1);
            }
            let dec31 = year_end(year);
            let working = home.jobs.iter().any(|(s, m)| in_work_on(*s, *m, dec31));
            add(out, v, Measure::WithWorker, year, "", i64::from(working));
        }
        if st.exit_year == Some(year) {
            add(out, v, Measure::ExitedHouseholds, year, "", 1);
            add(out, v, Measure::ExitedPersons, year, "", persons);
        }
    }
}

/// Registered households by band of net income per head, per year.
async fn incomes(
    s: &mut dyn ReadSession,
    c: &Arg,
    homes: &Homes,
    out: &mut Figures,
) -> Result<(), StoreError> {
    let rows = s
        .query_compact(
            "汇总收入 / counting incomes",
            &net_incomes(),
            std::slice::from_ref(c),
            CompactRows::with_capacity(3, 0, 0),
        )
        .await?;
    for r in rows.rows() {
        let (Some(id), Some(year), Some(net)) = (r.text(0), r.int(1), r.int(2)) else {
            continue;
        };
        let Some(home) = homes.get(id).filter(|h| h.registered) else {
            continue;
        };
        // Per head of the household as it was at the end of the income's year.
        let persons = home.persons_at_end(year as i32);
        if let Some(band) = income_band(Fen(net), persons.max(0) as u32) {
            add(
                out,
                home.village,
                Measure::IncomeBand,
                year as i32,
                &band.to_string(),
                1,
            );
        }
    }

    Ok(())
}

/// Population, poor villages, villages exited per year.
async fn villages(s: &mut dyn ReadSession, c: &Arg, out: &mut Figures) -> Result<(), StoreError> {
    let rows = s
        .query_compact(
            "汇总村 / counting villages",
            VILLAGES,
            std::slice::from_ref(c),
            CompactRows::with_capacity(4, 0, 0),
        )
        .await?;
    for r in rows.rows() {
        let Some(village) = r.int(0).map(|v| v as u64) else {
            continue;
        };
        add(
            out,
            village,
            Measure::Population,
            0,
            "",
            r.int(2).unwrap_or(0),
        );
        if r.bool(1) == Some(true) || r.int(1) == Some(1) {
            add(out, village, Measure::PoorVillages, 0, "", 1);
            if let Some(exit) = r.int(3) {
                add(out, village, Measure::ExitedVillages, exit as i32, "", 1);
            }
        }
    }

    Ok(())
}

/// rules.md §9 per year, each village judged by its county's lines.
async fn collective(
    s: &mut dyn ReadSession,
    county: RegionCode,
    book: &RuleBook,
    out: &mut Figures,
) -> Result<(), StoreError> {
    let (lo, hi) = crate::sql::range_of(county.as_u64(), Level::County);
    let rows = COLLECTIVE_INCOMES
        .fetch(s, &[Arg::Int(lo as i64), Arg::Int(hi as i64)])
        .await?;
    for row in rows {
        let (village, year, income) = (row.village, row.year, row.income);
        // Each village is judged by its own county's lines (rules.md §9 may be set per county).
        let rules = book.for_place(Some(county), year).set;
        add(out, village, Measure::CollectiveReported, year, "", 1);
        add(out, village, Measure::CollectiveIncome, year, "", income);
        let judged = |test: fn(Fen, &xplus_core::rules::RuleSet) -> bool| {
            i64::from(test(Fen(income), &rules))
        };
        add(
            out,
            village,
            Measure::EmptyShell,
            year,
            "",
            judged(is_empty_shell),
        );
        add(out, village, Measure::Strong, year, "", judged(is_strong));
    }

    Ok(())
}

/// Dividends paid and households paid, per year.
async fn dividends(
    s: &mut dyn ReadSession,
    c: &Arg,
    homes: &Homes,
    out: &mut Figures,
) -> Result<(), StoreError> {
    let rows = s
        .query_compact(
            "汇总分红 / counting dividends",
            DIVIDENDS,
            std::slice::from_ref(c),
            CompactRows::with_capacity(3, 0, 0),
        )
        .await?;
    let mut paid: BTreeSet<(i64, &str)> = BTreeSet::new();
    for r in rows.rows() {
        let (Some(id), Some(year), Some(amount)) = (r.text(0), r.int(1), r.int(2)) else {
            continue;
        };
        let Some(village) = homes.get(id).map(|h| h.village) else {
            continue;
        };
        add(
            out,
            village,
            Measure::DividendsPaid,
            year as i32,
            "",
            amount,
        );
        if paid.insert((year, id)) {
            add(
                out,
                village,
                Measure::DividendHouseholds,
                year as i32,
                "",
                1,
            );
        }
    }

    Ok(())
}

/// rules.md §6 for each year of the window.
async fn coverage(
    s: &mut dyn ReadSession,
    county: RegionCode,
    coverage_until: i32,
    out: &mut Figures,
) -> Result<(), StoreError> {
    // No household is poor at the start of a year before the first identified (rules.md §6,
    // `poor_at_start_of`): those years of the window have nothing to read.
    let c = Arg::Int(county.as_u64() as i64);
    let first_identified = FIRST_IDENTIFIED
        .fetch(s, std::slice::from_ref(&c))
        .await?
        .first()
        .and_then(|r| r.year)
        .map_or(i32::MAX, |y| y as i32);
    let scope = county_scope(county);
    for year in coverage_years(coverage_until).filter(|y| *y >= first_identified) {
        let chain = links_in(s, &scope, year).await?;
        for h in &chain.households {
            let v = h.village.as_u64();
            add(out, v, Measure::ChainPoor, year, "", 1);
            for link in Link::ALL {
                add(
                    out,
                    v,
                    Measure::ChainLink,
                    year,
                    link.code(),
                    i64::from(h.links.holds(*link)),
                );
            }
            add(
                out,
                v,
                Measure::ChainFull,
                year,
                "",
                i64::from(h.links.full()),
            );
            add(
                out,
                v,
                Measure::ChainFullApplicable,
                year,
                "",
                i64::from(h.links.full_applicable()),
            );
            add(
                out,
                v,
                Measure::TrainingPersonTimes,
                year,
                "",
                i64::from(h.person_times),
            );
            for (way, on) in WAYS.iter().zip(h.industry.ways()) {
                add(out, v, Measure::IndustryWay, year, way, i64::from(on));
            }
        }
    }
    Ok(())
}
