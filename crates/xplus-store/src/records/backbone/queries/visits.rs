//! The SQL of the visits per cadre and month, counted by the database a page of cadres at a
//! time (issue 19: the whole city's year was read into memory and sent as one 10 MB table).
//!
//! A visit counts for the households within reach. An account of a county or above reaches
//! whole counties, so the visits' own `county_code` answers it without reading the
//! households; an account of a town or village needs each visit's household's village.

use crate::session::filter::Arg;
use crate::session::rows::{FromRow, Named};
use crate::session::shape::{column, shape, COUNT};
use crate::session::Page;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};

/// The columns of the twelve months: `m1` … `m12`, each counting the visits of one month (two
/// arguments per month: its first day and the first day of the next).
fn month_sums() -> String {
    (1..=12)
        .map(|m| format!(", sum(CASE WHEN v.date >= ? AND v.date < ? THEN 1 ELSE 0 END) AS m{m}"))
        .collect()
}

/// `FROM … WHERE …` of the visits between two days (first, last) within a range of codes
/// (low, high): counties' codes when `by_county`, villages' otherwise.
fn visits_within(by_county: bool) -> &'static str {
    if by_county {
        " FROM visits v WHERE v.date BETWEEN ? AND ? AND v.county_code BETWEEN ? AND ?"
    } else {
        " FROM visits v JOIN households h ON h.household_id = v.household_id \
         WHERE v.date BETWEEN ? AND ? AND h.village_code BETWEEN ? AND ?"
    }
}

/// Where a visit list is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::records) enum Counted {
    /// The visits themselves, within a range of counties' codes (`by_county`) or villages'.
    /// Arguments: the 24 month bounds, the `visits_within` four.
    Visits { by_county: bool },
    /// The kept tallies of the counties within a range (`cadre_visit_months`, refreshed with
    /// the roll-ups): a county groups one row per cadre instead of every visit of the year.
    /// Arguments: the `KEPT_WITHIN` three.
    Tallies,
    /// The kept totals of a city, a province or everything (region 0) per cadre
    /// (`cadre_visit_reach`), read in the busiest-first order of their index: no grouping of a
    /// province's cadres. Arguments: the `KEPT_WITHIN` three, of the same reach and year.
    Reach { region: u64, year: i32 },
}

impl Counted {
    /// A cadre row's visits, its month columns, and `FROM … WHERE …` (a reach's come from the
    /// tallies of its counties).
    fn parts(self) -> (&'static str, String, &'static str) {
        match self {
            Counted::Visits { by_county } => ("count(*)", month_sums(), visits_within(by_county)),
            Counted::Tallies | Counted::Reach { .. } => {
                ("sum(v.total)", kept_month_sums(), KEPT_WITHIN)
            }
        }
    }

    /// One page of cadres with their visits, the busiest first (ties: the smaller id), and its
    /// arguments: `within` (those of the variant), then the page's.
    pub(in crate::records) fn page(self, mut within: Vec<Arg>, page: Page) -> (String, Vec<Arg>) {
        let limit = Arg::Int(page.limit.min(i64::MAX as u64) as i64);
        let offset = Arg::Int(page.offset.min(i64::MAX as u64) as i64);
        match self {
            Counted::Reach { region, year } => {
                let mut args = vec![
                    Arg::Int(region as i64),
                    Arg::Int(i64::from(year)),
                    limit,
                    offset,
                ];
                args.extend(within);
                (reach_page_sql(), args)
            }
            _ => {
                within.extend([limit, offset]);
                (cadres_page_sql(self), within)
            }
        }
    }

    /// The cadres with any visit, all visits and the visits of each month, and the arguments:
    /// `within` (those of the variant).
    pub(in crate::records) fn totals(self, within: Vec<Arg>) -> (String, Vec<Arg>) {
        match self {
            Counted::Reach { region, year } => {
                let mut args = vec![Arg::Int(region as i64), Arg::Int(i64::from(year))];
                args.extend(within);
                (reach_totals_sql(), args)
            }
            _ => (totals_sql(self), within),
        }
    }
}

/// A page of a reach's busiest cadres from `cadre_visit_reach`, with their months summed over
/// the tallies of the reach's counties (one index seek per cadre of the page). Arguments: the
/// region, the year, limit, offset, then the `KEPT_WITHIN` three.
fn reach_page_sql() -> String {
    let months = kept_month_sums();
    format!(
        "SELECT t.cadre_id, coalesce(c.name, '') AS name, coalesce(u.name, '') AS unit, \
         t.total{months} \
         FROM (SELECT r.cadre_id, r.total FROM cadre_visit_reach r \
         WHERE r.region_code = ? AND r.year = ? \
         ORDER BY r.total DESC, r.cadre_id LIMIT ? OFFSET ?) t \
         JOIN cadre_visit_months v ON v.cadre_id = t.cadre_id \
         AND v.year = ? AND v.county_code BETWEEN ? AND ? \
         LEFT JOIN cadres c ON c.cadre_id = t.cadre_id \
         LEFT JOIN units u ON u.unit_id = c.unit_id \
         GROUP BY t.cadre_id, t.total, c.name, u.name \
         ORDER BY t.total DESC, t.cadre_id"
    )
}

/// A reach's totals: its cadres counted in `cadre_visit_reach`, its months summed over its
/// counties' `visit_month_totals`. Arguments: the region, the year, then the `KEPT_WITHIN`
/// three.
fn reach_totals_sql() -> String {
    let months: String = (1..=12)
        .map(|m| format!(", coalesce(sum(t.m{m}), 0) AS m{m}"))
        .collect();
    format!(
        "SELECT (SELECT count(*) FROM cadre_visit_reach r \
         WHERE r.region_code = ? AND r.year = ?) AS cadres, \
         coalesce(sum(t.total), 0) AS total{months} \
         FROM visit_month_totals t WHERE t.year = ? AND t.county_code BETWEEN ? AND ?"
    )
}

/// One page of cadres with their visits, the busiest first (ties: the smaller id), named after
/// the page is chosen. Arguments: those of `counted`, then limit and offset.
fn cadres_page_sql(counted: Counted) -> String {
    let (total, months, within) = counted.parts();
    format!(
        "SELECT t.cadre_id, coalesce(c.name, '') AS name, coalesce(u.name, '') AS unit, \
         t.total, t.m1, t.m2, t.m3, t.m4, t.m5, t.m6, t.m7, t.m8, t.m9, t.m10, t.m11, t.m12 \
         FROM (SELECT v.cadre_id, {total} AS total{months}{within} \
         GROUP BY v.cadre_id ORDER BY {total} DESC, v.cadre_id LIMIT ? OFFSET ?) t \
         LEFT JOIN cadres c ON c.cadre_id = t.cadre_id \
         LEFT JOIN units u ON u.unit_id = c.unit_id \
         ORDER BY t.total DESC, t.cadre_id"
    )
}

/// The cadres with any visit, all visits and the visits of each month. Arguments: those of
/// `counted`.
fn totals_sql(counted: Counted) -> String {
    let (total, months, within) = counted.parts();
    format!("SELECT count(DISTINCT v.cadre_id) AS cadres, {total} AS total{months}{within}")
}

/// The last day with a visit within reach. Arguments: the `visits_within` range only, so the
/// days are bounded by the widest dates the records can hold.
pub(in crate::records) fn last_day_sql(by_county: bool) -> String {
    format!("SELECT max(v.date) AS last{}", visits_within(by_county))
}

/// `FROM … WHERE …` of the kept tallies (`cadre_visit_months`, refreshed with the roll-ups) of
/// one year of the counties between two codes. Arguments: the year, low, high.
const KEPT_WITHIN: &str =
    " FROM cadre_visit_months v WHERE v.year = ? AND v.county_code BETWEEN ? AND ?";

/// The twelve month columns of the kept tallies, summed over a cadre's counties.
fn kept_month_sums() -> String {
    (1..=12).map(|m| format!(", sum(v.m{m}) AS m{m}")).collect()
}

/// The latest year of the kept tallies of the counties between two codes.
pub(in crate::records) const KEPT_LAST_YEAR: &str =
    "SELECT CAST(max(v.year) AS BIGINT) AS year FROM cadre_visit_months v \
     WHERE v.county_code BETWEEN ? AND ?";

const MONTHS: [&str; 12] = [
    "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12",
];

/// The twelve month counts of a row.
fn months_of(r: &Named<'_>) -> [u32; 12] {
    MONTHS.map(|m| r.int(m).unwrap_or(0).max(0) as u32)
}

/// A cadre's row of the page.
pub(in crate::records) struct CadreMonths {
    pub cadre_id: String,
    pub name: String,
    pub unit: String,
    pub total: u32,
    pub months: [u32; 12],
}

impl FromRow for CadreMonths {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "cadre_months",
        "干部月度走访",
        &[
            column("cadre_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("unit", ColumnType::Text),
            column("total", COUNT),
            column("m1", COUNT),
            column("m2", COUNT),
            column("m3", COUNT),
            column("m4", COUNT),
            column("m5", COUNT),
            column("m6", COUNT),
            column("m7", COUNT),
            column("m8", COUNT),
            column("m9", COUNT),
            column("m10", COUNT),
            column("m11", COUNT),
            column("m12", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CadreMonths {
            cadre_id: r.text("cadre_id")?.to_string(),
            name: r.string("name"),
            unit: r.string("unit"),
            total: r.int("total").unwrap_or(0).max(0) as u32,
            months: months_of(&r),
        })
    }
}

/// The year's totals within reach.
pub(in crate::records) struct MonthTotals {
    pub cadres: u64,
    pub total: u64,
    pub months: [u32; 12],
}

impl FromRow for MonthTotals {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visit_month_totals",
        "月度走访合计",
        &[
            column("cadres", COUNT),
            column("total", COUNT),
            column("m1", COUNT),
            column("m2", COUNT),
            column("m3", COUNT),
            column("m4", COUNT),
            column("m5", COUNT),
            column("m6", COUNT),
            column("m7", COUNT),
            column("m8", COUNT),
            column("m9", COUNT),
            column("m10", COUNT),
            column("m11", COUNT),
            column("m12", COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(MonthTotals {
            cadres: r.int("cadres").unwrap_or(0).max(0) as u64,
            total: r.int("total").unwrap_or(0).max(0) as u64,
            months: months_of(&r),
        })
    }
}

/// The last day with a visit (none without visits).
pub(in crate::records) struct LastDay {
    pub last: chrono::NaiveDate,
}

impl FromRow for LastDay {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "last_visit_day",
        "最近走访日",
        &[column("last", ColumnType::Date)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LastDay {
            last: r.date("last")?,
        })
    }
}
