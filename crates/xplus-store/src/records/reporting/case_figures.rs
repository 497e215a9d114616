//! The case report's headline figures of a year within an account's reach (issue 23; core
//! `case_figures` says what each counts and what the case report quoted). A few are figures the
//! yearly report already holds (exits, projects, placements); the rest are counted here from the
//! registers of the four links, each within the reach its ledger has on the records page (the
//! selected cadres by the villages they are posted to, so that a county's figures add up to its
//! city's).

use super::queries::case_figures::{
    persons_of, CHAIN_ORGS, COMMISSIONERS, COMMISSIONER_TRAININGS, COURSES, DEVELOPMENT,
    INDUSTRY_TARGETS, JOB_FAIRS, JOINT_ORGS, LABOUR_BASES, LOANS, RECALLS, SELECTED_CADRES,
    SPECIALTY, STARTUPS, STARTUP_HOUSEHOLDS, STATIONS,
};
use crate::error::StoreError;
use crate::records::assessment::chain::ChainView;
use crate::records::entries::reach;
use crate::records::industry::queries::TallyRow;
use crate::records::registry::read::year_bounds;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use chrono::NaiveDate;
use xplus_core::accounts::Access;
use xplus_core::case_figures::CaseFigure;
use xplus_core::interchange::FileId;

/// Each headline figure with its counted value (fen for money), in `CaseFigure::ALL`'s order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFigures {
    pub values: Vec<(CaseFigure, i64)>,
}

impl CaseFigures {
    /// The counted value of `figure` (zero when not counted).
    pub fn get(&self, figure: CaseFigure) -> i64 {
        self.values
            .iter()
            .find(|(f, _)| *f == figure)
            .map_or(0, |(_, v)| *v)
    }
}

/// The figures the yearly report has already counted, as they are.
pub(super) struct Counted {
    pub villages_exited: u64,
    pub persons_exited: u64,
    pub ovop_projects: u64,
    pub placed_persons: u64,
}

/// What the report passes: who asks, for which year, and what it already holds.
pub(super) struct Ask<'a> {
    pub access: &'a Access,
    pub year: i32,
    pub today: NaiveDate,
    pub chain: &'a ChainView,
    pub counted: Counted,
}

pub(super) async fn case_figures(
    s: &mut dyn ReadSession,
    ask: Ask<'_>,
) -> Result<CaseFigures, StoreError> {
    use CaseFigure::*;
    let y = Arg::Int(i64::from(ask.year));
    let (jan1, dec31) = year_bounds(ask.year);
    let (first, last) = (Arg::Date(jan1), Arg::Date(dec31));
    let mut tally = Tally { s, ask: &ask };
    let stations = tally
        .of(FileId::Stations, STATIONS, vec![y.clone(), y.clone()])
        .await?;
    let joint = tally
        .of(FileId::UnitVillagePairings, JOINT_ORGS, vec![last.clone()])
        .await?;
    let cadres = tally
        .of(FileId::Postings, SELECTED_CADRES, vec![last.clone()])
        .await?;
    let recalls = tally
        .of(FileId::Recalls, RECALLS, vec![last.clone()])
        .await?;
    let development = tally
        .of(
            FileId::SecretaryDevelopment,
            DEVELOPMENT,
            vec![last.clone()],
        )
        .await?;
    let startups = tally
        .of(FileId::Startups, STARTUPS, vec![last.clone()])
        .await?;
    let brought = tally
        .of(
            FileId::StartupHouseholds,
            STARTUP_HOUSEHOLDS,
            vec![last.clone(), last.clone()],
        )
        .await?;
    let loans = tally.of(FileId::Loans, LOANS, vec![last.clone()]).await?;
    let orgs = tally
        .of(FileId::PartyOrgs, CHAIN_ORGS, vec![last.clone()])
        .await?;
    let specialty = tally
        .of(FileId::HouseholdIndustries, SPECIALTY, vec![y.clone()])
        .await?;
    let commissioners = tally
        .of(FileId::Commissioners, COMMISSIONERS, vec![])
        .await?;
    let trainings = tally
        .of(
            FileId::CommissionerTrainings,
            COMMISSIONER_TRAININGS,
            vec![first.clone(), last.clone()],
        )
        .await?;
    let bases = tally
        .of(FileId::LabourCourses, LABOUR_BASES, vec![last.clone()])
        .await?;
    let courses = tally
        .of(
            FileId::CourseAttendance,
            COURSES,
            vec![last.clone(), last.clone(), first.clone()],
        )
        .await?;
    let fairs = tally
        .of(FileId::JobFairs, JOB_FAIRS, vec![first, last])
        .await?;
    let targets = tally
        .of(FileId::IndustryTargets, INDUSTRY_TARGETS, vec![y.clone()])
        .await?;
    let industry_persons = industry_persons(tally.s, &ask).await?;
    let c = &ask.counted;
    let n = |v: u64| v as i64;
    let values = vec![
        (VillagesExited, n(c.villages_exited)),
        (PersonsExited, n(c.persons_exited)),
        (Stations, n(stations.n)),
        (StationInvestment, n(stations.a)),
        (LearningHouseholds, n(stations.b)),
        (JointPartyOrgs, n(joint.n)),
        (SelectedCadres, n(cadres.n)),
        (Recalls, n(recalls.n)),
        (DegreeCadres, n(development.n)),
        (ExchangeSecretaries, n(development.a)),
        (StartupFunding, n(startups.n)),
        (StartupBases, n(startups.a)),
        (StartupHouseholds, n(brought.n)),
        (Loans, n(loans.n)),
        (LoanAmount, n(loans.a)),
        (ChainOrgs, n(orgs.n)),
        (OvopProjects, n(c.ovop_projects)),
        (SpecialtyHouseholds, n(specialty.n)),
        (IndustryPersons, industry_persons),
        (Commissioners, n(commissioners.n)),
        (CommissionerParticipants, n(trainings.n)),
        (LabourBases, n(bases.n)),
        (CourseAttendance, n(courses.n)),
        (TrainedPlaced, n(courses.a)),
        (JobFairs, n(fairs.n)),
        (JobPosts, n(fairs.a)),
        (PlacedPersons, n(c.placed_persons)),
        (IndustryTargets, n(targets.n)),
    ];
    debug_assert!(values.iter().map(|(f, _)| *f).eq(CaseFigure::ALL));
    Ok(CaseFigures { values })
}

/// Counts one statement of queries/case_figures.rs within the asker's reach of a ledger.
struct Tally<'s, 'a> {
    s: &'s mut dyn ReadSession,
    ask: &'a Ask<'a>,
}

impl Tally<'_, '_> {
    async fn of(
        &mut self,
        file: FileId,
        sql: &str,
        args: Vec<Arg>,
    ) -> Result<TallyRow, StoreError> {
        let within = reach(file, self.ask.access, self.ask.today);
        let (sql, args) = and_within(sql, &within, args);
        let rows: Vec<TallyRow> = fetch_sql(self.s, &sql, &args).await?;
        Ok(rows
            .into_iter()
            .next()
            .unwrap_or(TallyRow { n: 0, a: 0, b: 0 }))
    }
}

/// A statement that ends in its own WHERE with `within`'s conditions added to it, and their
/// arguments after `args`.
fn and_within(sql: &str, within: &Filter, mut args: Vec<Arg>) -> (String, Vec<Arg>) {
    let mut sql = sql.to_string();
    let conditions = within.render_where(&mut || "?".into());
    if let Some(rest) = conditions.strip_prefix(" WHERE ") {
        sql.push_str(" AND ");
        sql.push_str(rest);
    }
    args.extend(within.args().cloned());
    (sql, args)
}

/// The persons, at the end of the year, of the households poor at its start that took part in
/// industry or jobs (the chain's `in_industry` link, rules.md §6). The chain has already chosen
/// them within reach; they are looked up by id, a few hundred at a time, rather than every
/// household of the region read.
async fn industry_persons(s: &mut dyn ReadSession, ask: &Ask<'_>) -> Result<i64, StoreError> {
    let taking_part: Vec<&str> = (ask.chain.households.iter())
        .filter(|h| h.links.in_industry)
        .map(|h| h.household_id.as_str())
        .collect();
    let (_, dec31) = year_bounds(ask.year);
    let mut persons = 0;
    for chunk in taking_part.chunks(500) {
        let mut args = vec![Arg::Date(dec31)];
        args.extend(chunk.iter().map(|id| Arg::Text(id.to_string())));
        let rows: Vec<TallyRow> = fetch_sql(s, &persons_of(chunk.len()), &args).await?;
        persons += rows.first().map_or(0, |r| r.n as i64);
    }
    Ok(persons)
}
