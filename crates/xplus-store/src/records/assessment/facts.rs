//! Reading what the yearly assessment judges: a county's (or a few) households with their
//! members, the year's income and the outcomes applied for the year or later. A county is three
//! index range scans (migration 0010) read into one reused buffer (`CompactRows`), joined here in
//! household order.

use super::queries::facts as q;
use super::queries::facts::OutcomeRow;
use super::queries::judge::{VillageRow, COUNTY_VILLAGES};
use crate::error::StoreError;
use crate::records::assessment::exit_batches::{batch_states, BatchState};
use crate::records::registry::membership::MemberChangeNote;
use crate::records::{CompactRows, ReadSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{fetch_sql, select_rows};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use xplus_core::assessment::household::{HouseholdFacts, MemberFacts};
use xplus_core::assessment::procedure::ExitStage;
use xplus_core::registry::membership::{members_on, year_end, MembershipChange};
use xplus_core::registry::{HouseholdStatus, IdNumber, RegionCode, Schooling, YearlyIncome};
use xplus_core::Fen;

pub use xplus_core::registry::Standing;

/// What an applied assessment decided for a household in a year (`assessment_outcomes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOutcome {
    pub year: i32,
    pub outcome: String,
    pub reasons: String,
    pub before: Standing,
    pub after: Standing,
}

/// One household as the assessment reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::records) struct Facts {
    pub id: String,
    pub village: RegionCode,
    pub identified_year: i32,
    /// As stored now.
    pub current: Standing,
    /// The earliest applied outcome of the year or later: its `before` is the standing at the
    /// start of the year.
    pub later_outcome: Option<StoredOutcome>,
    pub household: HouseholdFacts,
    pub income: Option<YearlyIncome>,
    /// A department warning open for a member at the end of the year (rules.md §5).
    pub open_warning: bool,
    /// A monitoring case is open for the household at the year's end.
    pub open_case: bool,
}

impl Facts {
    /// The standing at the start of the assessed year.
    pub fn at_start(&self) -> Standing {
        self.later_outcome
            .as_ref()
            .map_or(self.current, |o| o.before)
    }

    /// The outcome applied for exactly `year`, if any.
    pub fn outcome_of(&self, year: i32) -> Option<&StoredOutcome> {
        self.later_outcome.as_ref().filter(|o| o.year == year)
    }
}

/// One county as read: everything its judgement needs, whatever the rules.
pub(in crate::records) struct CountyFacts {
    pub county: RegionCode,
    /// Households in the year's exit batches: (batch stage, their state in it).
    pub batched: HashMap<String, (ExitStage, BatchState)>,
    pub facts: Vec<Facts>,
    pub villages: Vec<VillageRow>,
}

/// Reads one county's households, exit batches and villages for `year`.
pub(in crate::records) async fn read_county(
    s: &mut dyn ReadSession,
    county: RegionCode,
    year: i32,
) -> Result<CountyFacts, StoreError> {
    let facts = read_facts(s, &FactsScope::County(county), year).await?;
    let batched = batch_states(s, county, year).await?;
    let villages = COUNTY_VILLAGES
        .fetch(
            s,
            &[Arg::Int(i64::from(year)), Arg::Int(county.as_u64() as i64)],
        )
        .await?;
    Ok(CountyFacts {
        county,
        batched,
        facts,
        villages,
    })
}

/// Which households the assessment reads.
pub(in crate::records) enum FactsScope {
    /// A whole county: its households, members and the year's incomes are each one range of
    /// an index made for this (migration 0010), without a search per household.
    County(RegionCode),
    /// Households matching conditions over `households h` (a village, one household).
    Matching(Filter),
}

impl FactsScope {
    fn households(&self) -> Filter {
        match self {
            FactsScope::County(county) => q::in_county("h", *county),
            FactsScope::Matching(filter) => filter.clone(),
        }
    }

    /// The same households' rows of a table under `alias` (members, incomes).
    fn related(&self, alias: &str) -> Filter {
        match self {
            FactsScope::County(county) => q::in_county(alias, *county),
            FactsScope::Matching(filter) => q::of_households(alias, filter),
        }
    }
}

/// The households in `scope` with their members, the year's income and the outcomes applied
/// for the year or later, in household order.
pub(in crate::records) async fn read_facts(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    year: i32,
) -> Result<Vec<Facts>, StoreError> {
    // One buffer serves the three reads, sized for a county's households, then for its members.
    let expected = match scope {
        FactsScope::County(_) => 16_384,
        FactsScope::Matching(_) => 64,
    };
    let rows = CompactRows::with_capacity(9, expected, expected * 24);
    let (mut facts, rows) = read_households(s, scope, rows).await?;
    let rows = read_incomes(s, scope, year, &mut facts, rows).await?;
    let later = later_changes(s, scope, year).await?;
    let rows = read_members(s, scope, &mut facts, rows, (later, year_end(year))).await?;
    drop(rows);
    read_outcomes(s, scope, year, &mut facts).await?;
    let end = year_end(year);
    let warnings = super::queries::findings::warnings_by(scope.related("f"), end);
    let warned = super::findings::open_at_end(s, warnings, end).await?;
    let cases = super::queries::cases::cases_by(scope.related("c"), end);
    let cased = super::findings::open_at_end(s, cases, end).await?;
    for f in &mut facts {
        f.open_warning = warned.contains(&f.id);
        f.open_case = cased.contains(&f.id);
    }
    Ok(facts)
}

/// The households of `scope` without members, income or outcomes yet, sorted by id; and the
/// buffer back for the next read.
async fn read_households(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    rows: CompactRows,
) -> Result<(Vec<Facts>, CompactRows), StoreError> {
    let households = scope.households();
    let args: Vec<Arg> = households.args().cloned().collect();
    let rows = s
        .query_compact(
            "读取评估户 / reading households to assess",
            &q::households(&households),
            &args,
            rows,
        )
        .await?;
    let mut facts = Vec::with_capacity(rows.len());
    for r in rows.rows() {
        let (Some(id), Some(village), Some(identified), Some(status)) = (
            r.text(0),
            r.int(1).and_then(|v| RegionCode::from_u64(v as u64).ok()),
            r.int(2),
            r.text(3).and_then(HouseholdStatus::parse),
        ) else {
            continue;
        };
        facts.push(Facts {
            id: id.to_string(),
            village,
            identified_year: identified as i32,
            current: Standing {
                status,
                exit_year: r.int(4).map(|y| y as i32),
            },
            later_outcome: None,
            household: HouseholdFacts {
                members: Vec::new(),
                net_income: None,
                // Unknown is not proven: an empty cell fails its criterion.
                food_secure: r.bool(5) == Some(true),
                clothing_secure: r.bool(6) == Some(true),
                housing_safe: r.bool(7) == Some(true),
                water_safe: r.bool(8) == Some(true),
            },
            income: None,
            open_warning: false,
            open_case: false,
        });
    }
    // Sorted here, not in SQL: PostgreSQL's locale would order text keys unlike SQLite.
    facts.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Ok((facts, rows))
}

/// The year's income of each household in `facts` (and its net income); the buffer back.
async fn read_incomes(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    year: i32,
    facts: &mut [Facts],
    rows: CompactRows,
) -> Result<CompactRows, StoreError> {
    let mut last = 0;
    let of_year = q::incomes_of_year(scope.related("i"), year);
    let args: Vec<Arg> = of_year.args().cloned().collect();
    let rows = s
        .query_compact(
            "读取评估收入 / reading incomes to assess",
            &q::incomes(&of_year),
            &args,
            rows.reuse(7),
        )
        .await?;
    for r in rows.rows() {
        let Some(i) = r.text(0).and_then(|id| locate(facts, &mut last, id)) else {
            continue;
        };
        let money = |i: usize| Fen(r.int(i).unwrap_or_default());
        let income = YearlyIncome {
            wage: money(1),
            production: money(2),
            property: money(3),
            transfer: money(4),
            production_cost: money(5),
            medical_cost: r.int(6).map(Fen),
        };
        facts[i].household.net_income = Some(income.net());
        facts[i].income = Some(income);
    }
    Ok(rows)
}

/// A member as the assessment reads them, with the identity number that tells them apart.
type Member = (String, MemberFacts);

/// Per household, its changes after the year: (day, change, the member as recorded).
type Later = HashMap<String, Vec<(NaiveDate, MembershipChange, Member)>>;

/// Per household, the membership changes recorded after the end of `year` (day, change, the
/// member as recorded): the year is judged with the members it ended with (book of record) —
/// a birth in January of the next year, when the assessment is usually run, does not lower the
/// year's income per head.
async fn later_changes(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    year: i32,
) -> Result<Later, StoreError> {
    let filter = q::of_households("member_changes", &scope.households())
        .and("changed_on > ?", vec![Arg::Date(year_end(year))]);
    let mut later: HashMap<String, Vec<_>> = HashMap::new();
    for c in select_rows::<MemberChangeNote>(s, &filter, "household_id, seq").await? {
        let m = &c.member;
        let member = MemberFacts {
            name: m.name.clone(),
            birth_year: m.id_number.birth_date().year(),
            schooling: m.schooling,
            medical_insured: m.medical_insured == Some(true),
        };
        let entry = (c.changed_on, c.change, (m.id_number.to_string(), member));
        later.entry(c.household_id).or_default().push(entry);
    }
    Ok(later)
}

/// The members of each household in `facts` on `end`, the last day of the year (today's, with
/// the `later` changes undone), in id number order; the buffer back.
async fn read_members(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    facts: &mut [Facts],
    rows: CompactRows,
    (later, end): (Later, NaiveDate),
) -> Result<CompactRows, StoreError> {
    let related = scope.related("m");
    let args: Vec<Arg> = related.args().cloned().collect();
    let mut rows = rows.reuse(5);
    rows.reserve(facts.len() * 4, facts.len() * 4 * 40);
    let rows = s
        .query_compact(
            "读取评估成员 / reading members to assess",
            &q::members(&related),
            &args,
            rows,
        )
        .await?;
    let mut last = 0;
    // Households with later changes are gathered with their members' numbers and put right
    // below; the others (nearly all) go straight in.
    let mut changed: HashMap<usize, Vec<Member>> = HashMap::new();
    // The query gives the rows by household only (see `q::members`): each household's few
    // are put in id number order here.
    let mut ordered: Vec<_> = rows.rows().collect();
    for household in ordered.chunk_by_mut(|a, b| a.text(0) == b.text(0)) {
        household.sort_unstable_by(|a, b| a.text(1).cmp(&b.text(1)));
    }
    for r in ordered {
        let (Some(household), Some(birth_year)) =
            (r.text(0), r.text(1).and_then(IdNumber::stored_birth_year))
        else {
            continue;
        };
        let Some(i) = locate(facts, &mut last, household) else {
            continue;
        };
        let member = MemberFacts {
            name: r.text(4).unwrap_or_default().to_string(),
            birth_year,
            schooling: r
                .text(2)
                .and_then(Schooling::parse)
                .unwrap_or(Schooling::None),
            // Unknown is not proven insured.
            medical_insured: r.bool(3) == Some(true),
        };
        if later.contains_key(household) {
            let id = r.text(1).unwrap_or_default().to_string();
            changed.entry(i).or_default().push((id, member));
        } else {
            facts[i].household.members.push(member);
        }
    }
    for (household, changes) in later {
        let Some(i) = locate(facts, &mut last, &household) else {
            continue;
        };
        let today = changed.remove(&i).unwrap_or_default();
        let mut members = members_on(today, &changes, end, |m: &Member| m.0.clone());
        members.sort_by(|a, b| a.0.cmp(&b.0));
        facts[i].household.members = members.into_iter().map(|(_, m)| m).collect();
    }
    Ok(rows)
}

/// The earliest outcome applied for `year` or later of each household in `facts`.
async fn read_outcomes(
    s: &mut dyn ReadSession,
    scope: &FactsScope,
    year: i32,
    facts: &mut [Facts],
) -> Result<(), StoreError> {
    let of_year = q::outcomes_from_year(scope.households(), year);
    let args: Vec<Arg> = of_year.args().cloned().collect();
    let outcomes: Vec<OutcomeRow> = fetch_sql(s, &q::outcomes(&of_year), &args).await?;
    for o in outcomes {
        let Some(f) = facts
            .binary_search_by(|f| f.id.as_str().cmp(&o.household_id))
            .ok()
            .map(|i| &mut facts[i])
        else {
            continue;
        };
        // The earliest outcome of the year or later tells the standing at its start.
        if f.later_outcome.as_ref().is_none_or(|e| o.year < e.year) {
            f.later_outcome = Some(StoredOutcome {
                year: o.year,
                outcome: o.outcome,
                reasons: o.reasons,
                before: Standing {
                    status: o.previous_status,
                    exit_year: o.previous_exit_year,
                },
                after: Standing {
                    status: o.status,
                    exit_year: o.exit_year,
                },
            });
        }
    }
    Ok(())
}

/// The household `id` in `facts` (sorted by id). Rows of members and incomes come in household
/// order — SQLite's is Rust's; PostgreSQL's locale may differ — so the last household found and
/// the one after it are tried before a binary search.
fn locate(facts: &[Facts], last: &mut usize, id: &str) -> Option<usize> {
    let i = [*last, *last + 1]
        .into_iter()
        .find(|&i| facts.get(i).is_some_and(|f| f.id == id))
        .or_else(|| facts.binary_search_by(|f| f.id.as_str().cmp(id)).ok())?;
    *last = i;
    Some(i)
}
