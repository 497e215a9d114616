//! The yearly report (issue 7; interchange.md `xplus report`): the headline figures of the case
//! report for one year within an account's reach — households and persons poor and exited,
//! villages exited and remaining, the coverage of each link of rules.md §6, the collective
//! economy, industry and jobs, training, and the official rural income per head with its growth.
//! Every figure is counted from the records; nothing is typed in.

use super::case_figures::{case_figures, Ask, CaseFigures, Counted};
use super::queries::fetch_within;
use super::queries::report::{
    household_counts, DividendTotals, HouseholdCounts, Later, TrainingCounts, DIVIDEND_TOTALS,
    PROJECT_COUNT, RURAL_INCOMES, TRAINING_COUNTS, VILLAGE_COUNTS,
};
use crate::error::StoreError;
use crate::records::assessment::chain::{chain_in, ChainView};
use crate::records::assessment::correction::{corrections_of_year, CorrectionNote};
use crate::records::backbone::party_building::party_building_in;
use crate::records::backbone::postings::coverage_in;
use crate::records::backbone::startups::startups_in;
use crate::records::backbone::village_cadres::{cadre_figures_in, VillageCadreFigures};
use crate::records::collective::funds::{funds_of_year, FundsOverview};
use crate::records::collective::overview::collective_overview;
use crate::records::education::lectures::lectures_in;
use crate::records::industry::page::industry_activity;
use crate::records::industry::targets::industry_targets;
use crate::records::industry::workers::one_worker;
use crate::records::registry::income_correction::{
    income_corrections_of_year, IncomeCorrectionNote,
};
use crate::records::registry::membership::{late_member_changes, MemberChangeNote};
use crate::records::registry::read::{household_scope, year_bounds};
use crate::records::rules::rule_book;
use crate::records::shape::village_bounds;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Scope};
use xplus_core::assessment::chain::Link;
use xplus_core::backbone::party_building::PartyFigures;
use xplus_core::collective::economy::{is_empty_shell, is_strong};
use xplus_core::education::lectures::Lectures;
use xplus_core::registry::membership::year_end;
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
    /// The strict chain: all five links.
    pub full_chain: u64,
    /// The case report's chain: every link that applies to the household (a unit pairing only
    /// in a poor village, shares only where the village has a project).
    pub full_chain_applicable: u64,
}

/// 选派干部驻村 on Dec 31 of the year (core `backbone::posting`): the poor villages not exited
/// by then, those with a selected cadre posted, and the selected cadres posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackboneFigures {
    pub poor_villages: u64,
    pub covered: u64,
    pub cadres_posted: u64,
}

/// 大学生村官创业 on Dec 31 of the year (core `backbone::startup`): the start-ups begun by then
/// in the villages within reach, their funds, distinct bases, and the poor households linked to
/// them by then, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupFigures {
    pub startups: u64,
    pub funding: Fen,
    pub bases: u64,
    pub households: u64,
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
    /// 社会资本入股 by the end of the year: what investors put into the projects within reach,
    /// and the projects with any investor.
    pub social_capital: Fen,
    pub projects_with_investors: u64,
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
    /// Households chosen as industry and start-up support targets in the year or before, and
    /// their persons at its end (industry/targets.rs).
    pub targets: u64,
    pub target_persons: u64,
    /// 一户一工人: households poor on Dec 31 of the year with a member in work that day, and
    /// those without (industry/workers.rs).
    pub with_worker: u64,
    pub without_worker: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrainingFigures {
    /// Sessions dated in the year attended by a household in reach.
    pub sessions: u64,
    /// Attendances of households in reach at those sessions.
    pub attendance: u64,
    /// 讲学授课: the year's sessions held at the stations within reach and their attendances,
    /// by lecturer kind (core `education::lectures`).
    pub lectures: Lectures,
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
    /// A report as of a day (`report --as-of D`): the households as the assessments decided by
    /// that day left them; None for the end of the year.
    pub as_of: Option<NaiveDate>,
    /// The region reported on; None for the whole registry.
    pub region: Option<RegionCode>,
    pub households: HouseholdFigures,
    pub persons: PersonFigures,
    pub villages: VillageFigures,
    pub coverage: CoverageFigures,
    pub backbone: BackboneFigures,
    /// 村干部 and the leader pool on Dec 31 of the year (core `backbone::village_cadre`).
    pub village_cadres: VillageCadreFigures,
    pub startups: StartupFigures,
    pub collective: CollectiveFigures,
    pub industry: IndustryFigures,
    pub training: TrainingFigures,
    pub rural_income: Vec<RuralIncome>,
    /// 多元投入: funds.csv's funds of the year within reach, by source, link and region.
    pub funds: FundsOverview,
    /// The case report's headline figures as the records give them (core `case_figures`).
    pub case: CaseFigures,
    /// The corrections of the year's outcomes (book of record): when there is any, the
    /// figures above are the corrected ones, and the report says so.
    pub corrections: Vec<CorrectionNote>,
    /// Membership changes of the year recorded after it ended (补录): the persons above count
    /// them, and the report says so.
    pub member_corrections: Vec<MemberChangeNote>,
    /// Stored incomes of the year changed after it (registry/income_correction.rs): the income
    /// figures count the corrected amounts, and the report says so.
    pub income_corrections: Vec<IncomeCorrectionNote>,
    /// 基层党组织建设 on Dec 31 of the year (core `backbone::party_building`): weak
    /// organisations listed, rectified and open; villages checked against the standard, meeting
    /// it, and the poor villages among them.
    pub party_building: PartyFigures,
}

/// The report of `year` within `access`'s reach (`region` only labels it), its households as
/// they stood at the end of the year.
pub async fn year_report(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
    year: i32,
    today: NaiveDate,
) -> Result<YearReport, StoreError> {
    report_of(store, access, region, year, today, None).await
}

/// The report as of `day` (the year of the day, its households as the assessments decided by
/// then left them, pairings and the like as on that day).
pub async fn report_as_of(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
    day: NaiveDate,
) -> Result<YearReport, StoreError> {
    use chrono::Datelike;
    report_of(store, access, region, day.year(), day, Some(day)).await
}

async fn report_of(
    store: &dyn Store,
    access: &Access,
    region: Option<RegionCode>,
    year: i32,
    today: NaiveDate,
    as_of: Option<NaiveDate>,
) -> Result<YearReport, StoreError> {
    let scope = household_scope(access, today);
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let (households, persons) = household_figures(s, &scope, year, as_of).await?;
    let bounds = village_bounds(access);
    let villages = village_figures(s, &bounds, year).await?;
    let chain = chain_in(s, &scope, year, today).await?;
    let coverage = coverage_figures(&chain);
    let mut training = training_figures(s, &scope, year).await?;
    training.lectures = lectures_in(s, &bounds, year, None).await?.total;
    let posted = coverage_in(s, &bounds, year, None).await?.total;
    let backbone = BackboneFigures {
        poor_villages: posted.poor_villages,
        covered: posted.covered,
        cadres_posted: posted.cadres,
    };
    let party_building = party_building_in(s, &bounds, year, None).await?.total;
    let village_cadres = cadre_figures_in(s, &bounds, year).await?;
    let begun = startups_in(s, &bounds, year).await?;
    let t = xplus_core::backbone::startup::StartupReport::of(&begun, None).total;
    let startups = StartupFigures {
        startups: t.startups,
        funding: t.funding,
        bases: t.bases,
        households: t.households,
    };
    let dividends = dividends_paid(s, &scope, year).await?;
    let projects = PROJECT_COUNT
        .fetch(
            s,
            &[
                Arg::Int(i64::from(year)),
                bounds[0].clone(),
                bounds[1].clone(),
            ],
        )
        .await?
        .into_iter()
        .next()
        .unwrap_or_default();
    let rural_income = rural_income(s, &bounds, year).await?;
    let collective = collective_figures(store, access, year, today, dividends).await?;
    let industry = industry_activity(store, access, year, today).await?;
    let targets = industry_targets(store, access, year, today).await?.total;
    let none = crate::records::Page {
        offset: 0,
        limit: 0,
    };
    let workers = one_worker(store, access, year, none, today).await?.total;
    let corrections = corrections_of_year(store, access, None, year, today).await?;
    let member_corrections = late_member_changes(store, access, year, today).await?;
    let income_corrections = income_corrections_of_year(store, access, year, today).await?;
    let funds = funds_of_year(store, access, year).await?;
    let industry = IndustryFigures {
        organisations: industry.orgs.iter().map(|o| o.orgs).sum(),
        projects: projects.n,
        placements: industry.placements.n,
        placed_persons: industry.placements.a,
        targets: targets.households,
        target_persons: targets.persons,
        with_worker: workers.with_worker,
        without_worker: workers.without(),
    };
    let ask = Ask {
        access,
        year,
        today,
        chain: &chain,
        counted: Counted {
            villages_exited: villages.exited_in_year,
            persons_exited: persons.exited_in_year,
            ovop_projects: industry.projects,
            placed_persons: industry.placed_persons,
        },
    };
    let case = case_figures(s, ask).await?;
    Ok(YearReport {
        year,
        as_of,
        region,
        households,
        persons,
        villages,
        coverage,
        backbone,
        village_cadres,
        startups,
        collective,
        industry,
        training,
        rural_income,
        funds,
        case,
        corrections,
        member_corrections,
        income_corrections,
        party_building,
    })
}

/// The one row of an aggregate (zeros when there is none).
fn first<T: Default>(rows: Vec<T>) -> T {
    rows.into_iter().next().unwrap_or_default()
}

/// Households and persons poor, exited in the year, monitored and returned, within `scope`, as
/// they stood at the end of the year (recording a later year does not change them).
async fn household_figures(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    as_of: Option<NaiveDate>,
) -> Result<(HouseholdFigures, PersonFigures), StoreError> {
    let y = i64::from(year);
    let later = match as_of {
        None => Later::Year(Arg::Int(y)),
        Some(day) => Later::Decided(Arg::Date(day)),
    };
    // As the registry stood at the end of the year: only households identified by then.
    let scope = Filter::new()
        .and("identified_year <= ?", vec![Arg::Int(y)])
        .merge(scope.clone());
    let mut args = vec![Arg::Int(y), Arg::Int(y)];
    args.extend(scope.args().cloned());
    args.push(later.arg());
    // The day whose members are counted: the end of the year, or the day asked for.
    let day = as_of.unwrap_or_else(|| year_end(year));
    args.push(Arg::Date(day));
    let sql = household_counts(&scope, &later);
    let counts: HouseholdCounts = first(fetch_sql(s, &sql, &args).await?);
    let households = HouseholdFigures {
        poor: counts.poor,
        exited_in_year: counts.exited,
        monitored: counts.monitored,
        returned: counts.returned,
    };
    let persons = PersonFigures {
        poor: counts.poor_persons,
        exited_in_year: counts.exited_persons,
    };
    Ok((households, persons))
}

/// Poor villages between `bounds`: at the start of the year, exited in it, remaining at its end.
async fn village_figures(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
) -> Result<VillageFigures, StoreError> {
    let y = i64::from(year);
    let counts = first(
        VILLAGE_COUNTS
            .fetch(
                s,
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
    Ok(VillageFigures {
        poor: counts.poor,
        exited_in_year: counts.exited,
        remaining: counts.remaining,
    })
}

/// rules.md §6: each link of the full chain among the households poor at the start of the year.
fn coverage_figures(chain: &ChainView) -> CoverageFigures {
    CoverageFigures {
        poor_at_start: chain.households.len() as u64,
        trained_in_year: chain.count(Link::Trained),
        paired_cadre: chain.count(Link::PairedCadre),
        paired_unit_village: chain.count(Link::PairedUnit),
        holding_shares: chain.count(Link::HoldingShares),
        in_industry: chain.count(Link::InIndustry),
        full_chain: chain.full(),
        full_chain_applicable: chain.full_applicable(),
    }
}

/// The collective economy of the year in reach, with the dividends paid (`dividends`).
async fn collective_figures(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
    dividends: DividendTotals,
) -> Result<CollectiveFigures, StoreError> {
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
    Ok(CollectiveFigures {
        villages_reported: economy.reported,
        empty_shell_villages: judged(is_empty_shell),
        villages_over_100k: judged(is_strong),
        strong_income: rules.collective_strong_income.value,
        dividends_paid: dividends.paid,
        dividend_households: dividends.households,
        social_capital: Fen(economy.investors.iter().map(|c| c.amount.0).sum()),
        projects_with_investors: economy.investors.iter().map(|c| c.projects).sum(),
    })
}

/// Training sessions of the year attended by households within `scope`, and their attendances.
async fn training_figures(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<TrainingFigures, StoreError> {
    let (jan1, dec31) = year_bounds(year);
    let counts: TrainingCounts = first(
        fetch_within(
            s,
            TRAINING_COUNTS.sql,
            scope,
            "a",
            vec![Arg::Date(jan1), Arg::Date(dec31)],
        )
        .await?,
    );
    Ok(TrainingFigures {
        sessions: counts.sessions,
        attendance: counts.attendance,
        lectures: Lectures::default(),
    })
}

/// Dividends paid in the year to households within `scope`, and the households paid.
async fn dividends_paid(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<DividendTotals, StoreError> {
    let rows = fetch_within(
        s,
        DIVIDEND_TOTALS.sql,
        scope,
        "d",
        vec![Arg::Int(i64::from(year))],
    )
    .await?;
    Ok(first(rows))
}

/// The official figures of the regions in reach for the year and the one before.
async fn rural_income(
    s: &mut dyn ReadSession,
    bounds: &[Arg; 2],
    year: i32,
) -> Result<Vec<RuralIncome>, StoreError> {
    let rows = RURAL_INCOMES
        .fetch(
            s,
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
        if out.last().is_none_or(|last| last.region != r.region) {
            out.push(RuralIncome {
                region: r.region,
                name: r.name,
                per_capita: None,
                previous: None,
                growth: None,
            });
        }
        let last = out.last_mut().expect("pushed above");
        if r.year == i64::from(year) {
            last.per_capita = Some(r.income);
        } else {
            last.previous = Some(r.income);
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
