//! The yearly report (issue 7; interchange.md `xplus report`): the headline figures of the case
//! report for one year within an account's reach — households and persons poor and exited,
//! villages exited and remaining, the coverage of each link of rules.md §6, the collective
//! economy, industry and jobs, training, and the official rural income per head with its growth.
//! Every figure is counted from the records; nothing is typed in.

use crate::error::StoreError;
use crate::records::assessment::chain::chain_in;
use crate::records::collective::overview::collective_overview;
use crate::records::industry::overview::industry_overview;
use crate::records::registry::read::{household_scope, within_scope, year_bounds};
use crate::records::rules::rule_book;
use crate::records::shape::{column, count_of, shape, village_bounds, COUNT};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Scope};
use xplus_core::assessment::chain::Link;
use xplus_core::collective::economy::{is_empty_shell, is_strong};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::report::Growth;
use xplus_core::rules::RuleSet;
use xplus_core::Fen;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdFigures {
    /// `poor` or `returned` as recorded (interchange.md).
    pub poor: u64,
    /// Exit year is the year.
    pub exited_in_year: u64,
    pub monitored: u64,
    pub returned: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonFigures {
    pub poor: u64,
    pub exited_in_year: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VillageFigures {
    /// Poor villages not exited before the year.
    pub poor: u64,
    pub exited_in_year: u64,
    /// Poor villages not exited by the end of the year.
    pub remaining: u64,
}

/// rules.md §6, each a count of the households poor at the start of the year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageFigures {
    pub poor_at_start: u64,
    pub trained_in_year: u64,
    pub paired_cadre: u64,
    pub paired_unit_village: u64,
    pub holding_shares: u64,
    pub in_industry: u64,
    pub full_chain: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectiveFigures {
    /// Villages that reported an operating income for the year.
    pub villages_reported: u64,
    pub empty_shell_villages: u64,
    pub villages_over_100k: u64,
    /// The threshold of "over 100k" as configured (rules.md §9).
    pub strong_income: Fen,
    pub dividends_paid: Fen,
    pub dividend_households: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndustryFigures {
    /// Party organisations (党组织) in reach.
    pub organisations: u64,
    /// 一村一品 projects started in the year or before.
    pub projects: u64,
    /// Job placements running in the year, and the persons placed.
    pub placements: u64,
    pub placed_persons: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingFigures {
    /// Sessions dated in the year attended by a household in reach.
    pub sessions: u64,
    /// Attendances of households in reach at those sessions.
    pub attendance: u64,
}

/// The official rural income per head of one region (statistics.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuralIncome {
    pub region: RegionCode,
    pub name: String,
    pub per_capita: Option<Fen>,
    pub previous: Option<Fen>,
    pub growth: Option<Growth>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearReport {
    pub year: i32,
    /// The region reported on; None for the whole registry.
    pub region: Option<RegionCode>,
    pub households: HouseholdFigures,
    pub persons: PersonFigures,
    pub villages: VillageFigures,
    pub coverage: CoverageFigures,
    pub collective: CollectiveFigures,
    pub industry: IndustryFigures,
    pub training: TrainingFigures,
    pub rural_income: Vec<RuralIncome>,
}

static COUNTS6: FileSpec = shape(
    FileId::Households,
    "report_households",
    "报告户数",
    &[
        column("poor", COUNT),
        column("poor_persons", COUNT),
        column("exited", COUNT),
        column("exited_persons", COUNT),
        column("monitored", COUNT),
        column("returned", COUNT),
    ],
);

static COUNTS3: FileSpec = shape(
    FileId::Villages,
    "report_counts",
    "报告计数",
    &[column("a", COUNT), column("b", COUNT), column("c", COUNT)],
);

static STATISTICS: FileSpec = shape(
    FileId::Statistics,
    "report_statistics",
    "报告统计",
    &[
        column("region_code", ColumnType::Region),
        column("name", ColumnType::Text),
        column("year", ColumnType::Year),
        column(
            "rural_income_per_capita",
            ColumnType::Money { negative: false },
        ),
    ],
);

/// A sum as BIGINT, zero over no rows (on PostgreSQL a bare sum of bigint is numeric).
fn sum(expr: &str) -> String {
    format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)")
}

/// The report of `year` within `access`'s reach (`region` only labels it).
pub async fn year_report(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
    year: i32,
    today: NaiveDate,
) -> Result<YearReport, StoreError> {
    let y = i64::from(year);
    let scope = household_scope(access, today);
    let mut s = store.read_session().await?;
    let s = s.as_mut();

    let persons = "(SELECT COUNT(*) FROM members m WHERE m.household_id = households.household_id)";
    // interchange.md: `households.poor` counts households `poor` or `returned`.
    let poor = "status IN ('poor', 'returned')";
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {} FROM households{}",
        sum(&format!("CASE WHEN {poor} THEN 1 ELSE 0 END")),
        sum(&format!("CASE WHEN {poor} THEN {persons} ELSE 0 END")),
        sum("CASE WHEN exit_year = ? THEN 1 ELSE 0 END"),
        sum(&format!(
            "CASE WHEN exit_year = ? THEN {persons} ELSE 0 END"
        )),
        sum("CASE WHEN status = 'monitored' THEN 1 ELSE 0 END"),
        sum("CASE WHEN status = 'returned' THEN 1 ELSE 0 END"),
        scope.render_where(&mut || "?".into())
    );
    let mut args = vec![Arg::Int(y), Arg::Int(y)];
    args.extend(scope.args().cloned());
    let row = first(s.query(&COUNTS6, &sql, &args).await?);
    let households = HouseholdFigures {
        poor: count_of(&row[0]),
        exited_in_year: count_of(&row[2]),
        monitored: count_of(&row[4]),
        returned: count_of(&row[5]),
    };
    let persons = PersonFigures {
        poor: count_of(&row[1]),
        exited_in_year: count_of(&row[3]),
    };

    let bounds = village_bounds(access);
    let row = first(
        s.query(
            &COUNTS3,
            &format!(
                "SELECT {}, {}, {} FROM villages \
                 WHERE poor_village = TRUE AND village_code BETWEEN ? AND ?",
                sum("CASE WHEN exit_year IS NULL OR exit_year >= ? THEN 1 ELSE 0 END"),
                sum("CASE WHEN exit_year = ? THEN 1 ELSE 0 END"),
                sum("CASE WHEN exit_year IS NULL OR exit_year > ? THEN 1 ELSE 0 END"),
            ),
            &[
                Arg::Int(y),
                Arg::Int(y),
                Arg::Int(y),
                bounds[0].clone(),
                bounds[1].clone(),
            ],
        )
        .await?,
    );
    let villages = VillageFigures {
        poor: count_of(&row[0]),
        exited_in_year: count_of(&row[1]),
        remaining: count_of(&row[2]),
    };

    let chain = chain_in(s, &scope, year, today).await?;
    let coverage = CoverageFigures {
        poor_at_start: chain.households.len() as u64,
        trained_in_year: chain.count(Link::Trained),
        paired_cadre: chain.count(Link::PairedCadre),
        paired_unit_village: chain.count(Link::PairedUnit),
        holding_shares: chain.count(Link::HoldingShares),
        in_industry: chain.count(Link::InIndustry),
        full_chain: chain.full(),
    };
    drop(chain);

    let training = training_figures(s, &scope, year).await?;
    let (dividends_paid, dividend_households) = dividends_paid(s, &scope, year).await?;
    let projects = first(
        s.query(
            &COUNTS3,
            "SELECT COUNT(*), CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM ovop_projects \
             WHERE (year IS NULL OR year <= ?) AND village_code BETWEEN ? AND ?",
            &[Arg::Int(y), bounds[0].clone(), bounds[1].clone()],
        )
        .await?,
    );
    let rural_income = rural_income(s, &bounds, year).await?;

    // Each village is judged by its own county's lines (rules.md §9 may be set per county), so
    // that a city's figure is the sum of its counties'.
    let book = rule_book(store).await?;
    let place = match access.scope() {
        Scope::Region(r) => r.county(),
        _ => None,
    };
    let rules = book.for_place(place, year).set;
    let economy = collective_overview(store, access, &rules, year, today).await?;
    let judged = |test: fn(Fen, &RuleSet) -> bool| {
        economy
            .villages
            .iter()
            .filter(|v| {
                v.income
                    .is_some_and(|i| test(i, &book.for_place(v.code.county(), year).set))
            })
            .count() as u64
    };
    let collective = CollectiveFigures {
        villages_reported: economy.reported,
        empty_shell_villages: judged(is_empty_shell),
        villages_over_100k: judged(is_strong),
        strong_income: rules.collective_strong_income.value,
        dividends_paid,
        dividend_households,
    };
    let industry = industry_overview(store, access, year, today).await?;
    let industry = IndustryFigures {
        organisations: industry.orgs.iter().map(|o| o.orgs).sum(),
        projects: count_of(&projects[0]),
        placements: industry.placements.n,
        placed_persons: industry.placements.a,
    };
    Ok(YearReport {
        year,
        region,
        households,
        persons,
        villages,
        coverage,
        collective,
        industry,
        training,
        rural_income,
    })
}

/// The one row of an aggregate (zeros when there is none).
fn first(rows: Vec<Vec<xplus_core::interchange::Value>>) -> Vec<xplus_core::interchange::Value> {
    rows.into_iter()
        .next()
        .unwrap_or_else(|| vec![xplus_core::interchange::Value::Null; 6])
}

async fn training_figures(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<TrainingFigures, StoreError> {
    let (jan1, dec31) = year_bounds(year);
    let (sql, args) = within_scope(
        scope,
        "SELECT COUNT(DISTINCT a.session_id), COUNT(*), CAST(0 AS BIGINT) FROM attendance a \
         JOIN training_sessions t ON t.session_id = a.session_id \
         WHERE t.date BETWEEN ? AND ?{within}",
        "a",
        vec![Arg::Date(jan1), Arg::Date(dec31)],
    );
    let row = first(s.query(&COUNTS3, &sql, &args).await?);
    Ok(TrainingFigures {
        sessions: count_of(&row[0]),
        attendance: count_of(&row[1]),
    })
}

async fn dividends_paid(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<(Fen, u64), StoreError> {
    let (sql, args) = within_scope(
        scope,
        &format!(
            "SELECT {}, COUNT(DISTINCT d.household_id), CAST(0 AS BIGINT) FROM dividend_payments d \
             WHERE d.year = ?{{within}}",
            sum("d.amount")
        ),
        "d",
        vec![Arg::Int(i64::from(year))],
    );
    let row = first(s.query(&COUNTS3, &sql, &args).await?);
    Ok((Fen(count_of(&row[0]) as i64), count_of(&row[1])))
}

/// The official figures of the regions in reach for the year and the one before.
async fn rural_income(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
) -> Result<Vec<RuralIncome>, StoreError> {
    let rows = s
        .query(
            &STATISTICS,
            "SELECT s.region_code, r.name, s.year, s.rural_income_per_capita FROM statistics s \
             LEFT JOIN regions r ON r.code = s.region_code \
             WHERE (s.year = ? OR s.year = ?) AND s.region_code BETWEEN ? AND ? \
             ORDER BY s.region_code, s.year",
            &[
                Arg::Int(i64::from(year)),
                Arg::Int(i64::from(year - 1)),
                bounds[0].clone(),
                bounds[1].clone(),
            ],
        )
        .await?;
    let mut out: Vec<RuralIncome> = Vec::new();
    for r in rows {
        let (Some(region), Some(y), Some(income)) =
            (r[0].as_region(), r[2].as_int(), r[3].as_money())
        else {
            continue;
        };
        if out.last().is_none_or(|last| last.region != region) {
            out.push(RuralIncome {
                region,
                name: r[1].as_text().unwrap_or_default().to_string(),
                per_capita: None,
                previous: None,
                growth: None,
            });
        }
        let last = out.last_mut().expect("pushed above");
        if y == i64::from(year) {
            last.per_capita = Some(income);
        } else {
            last.previous = Some(income);
        }
    }
    for r in &mut out {
        r.growth = r
            .previous
            .zip(r.per_capita)
            .and_then(|(p, c)| Growth::between(p, c));
    }
    Ok(out)
}
