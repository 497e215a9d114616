//! 扶持谁、怎么扶、谁来扶: the responsibility list of the households poor at the start of a
//! year — who the household is, the measures it receives from every module (远教 training, 集体
//! shares and dividends, 产业 industry and jobs, its full chain), and the people and units
//! responsible (its helper cadres, the units paired with its village, the village secretary).
//! One household (the 明白卡) or a whole village (its list and workbook), within reach.

use super::queries::fetch_within;
use super::queries::responsibility::{
    holdings_on, secretaries_of, unit_names, CardDividend, CardHelper, CardHolding, CardHousehold,
    CardIncome, CardMemberRow, CardSecretary, CardTraining, CardVisits, UnitName, DIVIDENDS,
    HELPERS, TRAININGS, VISITS,
};
use crate::error::StoreError;
use crate::records::assessment::chain::{chain_in, unit_pairings, ChainHousehold};
use crate::records::registry::membership::MemberChangeNote;
use crate::records::registry::read::{
    household_scope, households_in, names_of, standings_at_end, year_bounds,
};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::session::rows::select_rows;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xplus_core::accounts::Access;
use xplus_core::registry::income::per_capita;
use xplus_core::registry::membership::{members_on, year_end};
use xplus_core::registry::{HouseholdStatus, PovertyCause, RegionCode, YearlyIncome};
use xplus_core::Fen;

/// One member as the card shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardMember {
    pub name: String,
    /// Masked unless the account sees whole numbers.
    pub id_number: String,
    /// Codes of members.csv: relation, health, labour, schooling.
    pub relation: &'static str,
    pub age: i32,
    pub health: &'static str,
    pub labour: &'static str,
    pub schooling: &'static str,
}

/// A person responsible: name, unit or role, phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsible {
    pub name: String,
    pub unit: String,
    pub phone: String,
}

/// One household's card: 扶持谁 (facts), 怎么扶 (measures), 谁来扶 (people and units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub year: i32,
    pub household_id: String,
    pub village: RegionCode,
    /// Village, town, county names.
    pub place: [String; 3],
    /// As it stood at the end of the year (registry::standing_at_end), not today.
    pub status: HouseholdStatus,
    pub identified_year: Option<i64>,
    pub causes: Vec<PovertyCause>,
    pub members: Vec<CardMember>,
    pub net_income: Option<Fen>,
    pub per_capita: Option<Fen>,
    /// The full chain of the year (rules.md §6).
    pub chain: ChainHousehold,
    pub trainings: Vec<(NaiveDate, String)>,
    /// (project name, shares held on Dec 31).
    pub holdings: Vec<(String, i64)>,
    pub dividends: Fen,
    pub helpers: Vec<Responsible>,
    /// The year's visits: how many, and the last day.
    pub visits: (i64, Option<NaiveDate>),
    pub units: Vec<String>,
    pub secretary: Option<Responsible>,
    /// What other departments' lists found for its members by the year's end (核查, 预警).
    pub findings: Vec<crate::records::assessment::findings::CardFinding>,
}

/// The cards of the households poor at the start of `year` within `scope` (conditions on
/// `households`), in household order.
async fn cards_in(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
    today: NaiveDate,
    access: &Access,
) -> Result<Vec<Card>, StoreError> {
    let (_, dec31) = year_bounds(year);
    let chain = chain_in(s, scope, year, today).await?;
    if chain.households.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<&str> = chain
        .households
        .iter()
        .map(|h| h.household_id.as_str())
        .collect();
    let households = households_of(s, scope, &ids).await?;
    // What the card says the household was: as it stood at the end of the year, whatever later
    // years recorded since (book of record).
    let standings = standings_at_end(s, scope, year).await?;
    let member_scope = households_in(scope, "household_id");
    let mut members = members_of(s, &member_scope, &ids, year, access).await?;
    let incomes = incomes_of(s, &member_scope, year).await?;
    let mut measures = measures_of(s, scope, year).await?;
    let villages: BTreeSet<RegionCode> = chain.households.iter().map(|h| h.village).collect();
    let people = responsibles_of(s, &villages, dec31).await?;
    let mut findings =
        crate::records::assessment::findings::findings_at_end(s, scope, dec31).await?;

    let mut cards = Vec::new();
    for h in chain.households {
        let Some(household) = households.get(&h.household_id) else {
            continue;
        };
        let members_of = members.remove(&h.household_id).unwrap_or_default();
        let income = incomes.get(&h.household_id);
        let net = income.map(|i| i.net());
        cards.push(Card {
            year,
            village: h.village,
            place: [
                people.name(Some(h.village)),
                people.name(h.village.parent()),
                people.name(h.village.county()),
            ],
            status: standings
                .get(&h.household_id)
                .map_or(household.status, |st| st.status),
            identified_year: household.identified_year,
            causes: household.causes.clone(),
            net_income: net,
            per_capita: net.and_then(|n| per_capita(n, members_of.len() as i64)),
            members: members_of,
            trainings: measures
                .trainings
                .remove(&h.household_id)
                .unwrap_or_default(),
            holdings: measures
                .holdings
                .remove(&h.household_id)
                .unwrap_or_default(),
            dividends: measures
                .dividends
                .remove(&h.household_id)
                .unwrap_or_default(),
            helpers: measures.helpers.remove(&h.household_id).unwrap_or_default(),
            visits: measures
                .visits
                .remove(&h.household_id)
                .map_or((0, None), |v| (v.visits, v.last)),
            units: people.units_of(h.village),
            secretary: people.secretaries.get(&h.village).map(|(_, s)| s.clone()),
            findings: findings.remove(&h.household_id).unwrap_or_default(),
            household_id: h.household_id.clone(),
            chain: h,
        });
    }
    cards.sort_by(|a, b| a.household_id.cmp(&b.household_id));
    Ok(cards)
}

/// The households of `ids` within `scope`, by id.
async fn households_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    ids: &BTreeSet<&str>,
) -> Result<HashMap<String, CardHousehold>, StoreError> {
    Ok(select_rows::<CardHousehold>(s, scope, "")
        .await?
        .into_iter()
        .filter(|h| ids.contains(h.household_id.as_str()))
        .map(|h| (h.household_id.clone(), h))
        .collect())
}

/// The members of the households of `ids` (`member_scope`: conditions on their household), by
/// household, as they were at the end of `year` (today's with the later changes undone, core
/// `registry::membership`): the head first, then as the identity numbers run; their age in
/// `year`.
async fn members_of(
    s: &mut dyn ReadSession,
    member_scope: &Filter,
    ids: &BTreeSet<&str>,
    year: i32,
    access: &Access,
) -> Result<HashMap<String, Vec<CardMember>>, StoreError> {
    let mut rows: HashMap<String, Vec<CardMemberRow>> = HashMap::new();
    for m in select_rows::<CardMemberRow>(s, member_scope, "").await? {
        if ids.contains(m.household_id.as_str()) {
            rows.entry(m.household_id.clone()).or_default().push(m);
        }
    }
    let end = year_end(year);
    let later = member_scope
        .clone()
        .and("changed_on > ?", vec![Arg::Date(end)]);
    let mut changes: HashMap<String, Vec<_>> = HashMap::new();
    for c in select_rows::<MemberChangeNote>(s, &later, "household_id, seq").await? {
        let row = CardMemberRow::of(&c.member);
        changes
            .entry(c.household_id)
            .or_default()
            .push((c.changed_on, c.change, row));
    }
    for (id, list) in changes {
        if ids.contains(id.as_str()) {
            let today = rows.remove(&id).unwrap_or_default();
            rows.insert(id, members_on(today, &list, end, |m| m.id));
        }
    }
    let mut members: HashMap<String, Vec<CardMember>> = HashMap::new();
    for (id, list) in rows {
        let mut list: Vec<CardMember> = (list.into_iter())
            .map(|m| CardMember {
                name: m.name,
                id_number: access.id_number(m.id),
                relation: m.relation,
                age: year - m.id.birth_date().year(),
                health: m.health,
                labour: m.labour,
                schooling: m.schooling,
            })
            .collect();
        list.sort_by(|a, b| {
            (a.relation != "head", &a.id_number).cmp(&(b.relation != "head", &b.id_number))
        });
        members.insert(id, list);
    }
    Ok(members)
}

/// The incomes of `year` of the households within `member_scope`, by household.
async fn incomes_of(
    s: &mut dyn ReadSession,
    member_scope: &Filter,
    year: i32,
) -> Result<HashMap<String, YearlyIncome>, StoreError> {
    let filter = member_scope
        .clone()
        .and("year = ?", vec![Arg::Int(i64::from(year))]);
    Ok(select_rows::<CardIncome>(s, &filter, "")
        .await?
        .into_iter()
        .map(|i| (i.household_id, i.income))
        .collect())
}

/// 怎么扶 and 谁来扶 per household: what each receives in the year and who helps it.
struct Measures {
    /// (date, title), in date order.
    trainings: HashMap<String, Vec<(NaiveDate, String)>>,
    /// (project name, shares held on Dec 31), in order of name.
    holdings: HashMap<String, Vec<(String, i64)>>,
    dividends: HashMap<String, Fen>,
    /// Cadres paired on Dec 31, in order of name.
    helpers: HashMap<String, Vec<Responsible>>,
    visits: HashMap<String, CardVisits>,
}

/// The [`Measures`] of the households within `scope` in `year`.
async fn measures_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    year: i32,
) -> Result<Measures, StoreError> {
    let (first, dec31) = year_bounds(year);
    let mut trainings: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    let rows: Vec<CardTraining> = fetch_within(
        s,
        TRAININGS.sql,
        scope,
        "x",
        vec![Arg::Date(first), Arg::Date(dec31)],
    )
    .await?;
    for t in rows {
        trainings
            .entry(t.household_id)
            .or_default()
            .push((t.date, t.title));
    }
    // In date order (the database's order of text differs between backends).
    for list in trainings.values_mut() {
        list.sort();
    }
    let mut holdings: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let rows: Vec<CardHolding> =
        fetch_within(s, &holdings_on(), scope, "e", vec![Arg::Date(dec31)]).await?;
    for h in rows.into_iter().filter(|h| h.shares > 0) {
        holdings
            .entry(h.household_id)
            .or_default()
            .push((h.project, h.shares));
    }
    for list in holdings.values_mut() {
        list.sort();
    }
    let mut dividends: HashMap<String, Fen> = HashMap::new();
    let rows: Vec<CardDividend> = fetch_within(
        s,
        DIVIDENDS.sql,
        scope,
        "d",
        vec![Arg::Int(i64::from(year))],
    )
    .await?;
    for d in rows {
        let e = dividends.entry(d.household_id).or_default();
        *e = *e + d.amount;
    }
    let helpers = helpers_of(s, scope, dec31).await?;
    let visits = fetch_within::<CardVisits>(
        s,
        VISITS.sql,
        scope,
        "v",
        vec![Arg::Date(first), Arg::Date(dec31)],
    )
    .await?
    .into_iter()
    .map(|v| (v.household_id.clone(), v))
    .collect();
    Ok(Measures {
        trainings,
        holdings,
        dividends,
        helpers,
        visits,
    })
}

/// The cadres paired with the households within `scope` on `dec31`, by household, in order of
/// name.
async fn helpers_of(
    s: &mut dyn ReadSession,
    scope: &Filter,
    dec31: NaiveDate,
) -> Result<HashMap<String, Vec<Responsible>>, StoreError> {
    let mut helpers: HashMap<String, Vec<Responsible>> = HashMap::new();
    let rows: Vec<CardHelper> =
        fetch_within(s, HELPERS.sql, scope, "p", vec![Arg::Date(dec31)]).await?;
    for h in rows {
        if h.span.is_active_on(dec31) {
            helpers
                .entry(h.household_id)
                .or_default()
                .push(Responsible {
                    name: h.name,
                    unit: h.unit,
                    phone: h.phone,
                });
        }
    }
    for list in helpers.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    Ok(helpers)
}

/// 谁来扶 per village: the units paired with it, its secretary, and the names of the places.
struct Responsibles {
    units: BTreeMap<RegionCode, BTreeSet<String>>,
    unit_names: HashMap<String, String>,
    /// Per village: (took office, the secretary).
    secretaries: BTreeMap<RegionCode, (NaiveDate, Responsible)>,
    names: HashMap<u64, String>,
}

impl Responsibles {
    /// A place's name (empty when unknown or none).
    fn name(&self, c: Option<RegionCode>) -> String {
        c.and_then(|c| self.names.get(&c.as_u64()).cloned())
            .unwrap_or_default()
    }

    /// The names of the units paired with `village` (the id of one without a name).
    fn units_of(&self, village: RegionCode) -> Vec<String> {
        self.units
            .get(&village)
            .into_iter()
            .flatten()
            .map(|u| self.unit_names.get(u).cloned().unwrap_or_else(|| u.clone()))
            .collect()
    }
}

/// The [`Responsibles`] of `villages` on `dec31`.
async fn responsibles_of(
    s: &mut dyn ReadSession,
    villages: &BTreeSet<RegionCode>,
    dec31: NaiveDate,
) -> Result<Responsibles, StoreError> {
    let units = unit_pairings(s, villages, dec31).await?;
    let unit_ids: Vec<&String> = units.values().flatten().collect();
    let mut names_of_units: HashMap<String, String> = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|u| Arg::Text((*u).clone())).collect();
        let rows: Vec<UnitName> = fetch_sql(s, &unit_names(args.len()), &args).await?;
        for u in rows {
            names_of_units.insert(u.unit_id, u.name);
        }
    }
    let secretaries = secretaries_on(s, villages, dec31).await?;
    let places: BTreeSet<u64> = villages
        .iter()
        .flat_map(|v| {
            [
                Some(v.as_u64()),
                v.parent().map(|t| t.as_u64()),
                v.county().map(|c| c.as_u64()),
            ]
        })
        .flatten()
        .collect();
    let names = names_of(s, places).await?;
    Ok(Responsibles {
        units,
        unit_names: names_of_units,
        secretaries,
        names,
    })
}

/// The secretary of each of `villages` in office on `dec31`, with the day they took office.
async fn secretaries_on(
    s: &mut dyn ReadSession,
    villages: &BTreeSet<RegionCode>,
    dec31: NaiveDate,
) -> Result<BTreeMap<RegionCode, (NaiveDate, Responsible)>, StoreError> {
    let mut secretaries: BTreeMap<RegionCode, (NaiveDate, Responsible)> = BTreeMap::new();
    let list: Vec<&RegionCode> = villages.iter().collect();
    for chunk in list.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|v| Arg::Int(v.as_u64() as i64)).collect();
        let rows: Vec<CardSecretary> = fetch_sql(s, &secretaries_of(args.len()), &args).await?;
        for r in rows {
            let start = r.span.start;
            let secretary = Responsible {
                name: r.name,
                unit: "村党组织书记".into(),
                phone: r.phone,
            };
            // The latest to take office, if two are in office on Dec 31 (a handover day).
            let newer = secretaries
                .get(&r.village)
                .is_none_or(|(s, o)| (start, &secretary.name) > (*s, &o.name));
            if r.span.is_active_on(dec31) && newer {
                secretaries.insert(r.village, (start, secretary));
            }
        }
    }
    Ok(secretaries)
}

/// One household's card (明白卡) for `year`; None when it is out of reach or was not poor at the
/// start of the year.
pub async fn household_card(
    store: &dyn Store,
    access: &Access,
    household_id: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Option<Card>, StoreError> {
    let scope = household_scope(access, today).and(
        "household_id = ?",
        vec![Arg::Text(household_id.to_string())],
    );
    let mut s = store.read_session().await?;
    Ok(cards_in(s.as_mut(), &scope, year, today, access)
        .await?
        .pop())
}

/// The cards of a village's households poor at the start of `year` (its responsibility list).
pub async fn village_cards(
    store: &dyn Store,
    access: &Access,
    village: RegionCode,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<Card>, StoreError> {
    let scope = household_scope(access, today)
        .and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)]);
    let mut s = store.read_session().await?;
    cards_in(s.as_mut(), &scope, year, today, access).await
}
