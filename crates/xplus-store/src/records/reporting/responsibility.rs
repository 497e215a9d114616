//! 扶持谁、怎么扶、谁来扶: the responsibility list of the households poor at the start of a
//! year — who the household is, the measures it receives from every module (远教 training, 集体
//! shares and dividends, 产业 industry and jobs, its full chain), and the people and units
//! responsible (its helper cadres, the units paired with its village, the village secretary).
//! One household (the 明白卡) or a whole village (its list and workbook), within reach.

use crate::error::StoreError;
use crate::records::assessment::chain::{chain_in, unit_pairings, ChainHousehold};
use crate::records::registry::read::{household_scope, names_of, within_scope, year_bounds};
use crate::records::shape::{column, shape, SIGNED};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::{HOUSEHOLDS, MEMBERS};
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::income::per_capita;
use xplus_core::registry::{HouseholdStatus, PovertyCause, RegionCode, YearlyIncome};
use xplus_core::Fen;

static TRAININGS: FileSpec = shape(
    FileId::Attendance,
    "card_trainings",
    "参训",
    &[
        column("household_id", ColumnType::Text),
        column("date", ColumnType::Date),
        column("title", ColumnType::Text),
    ],
);

static HOLDINGS: FileSpec = shape(
    FileId::ShareEvents,
    "card_holdings",
    "持股",
    &[
        column("household_id", ColumnType::Text),
        column("name", ColumnType::Text),
        column("shares", SIGNED),
    ],
);

static PAID: FileSpec = shape(
    FileId::DividendPayments,
    "card_dividends",
    "分红",
    &[
        column("household_id", ColumnType::Text),
        column("amount", ColumnType::Money { negative: true }),
    ],
);

static HELPERS: FileSpec = shape(
    FileId::CadreHouseholdPairings,
    "card_helpers",
    "帮扶干部",
    &[
        column("household_id", ColumnType::Text),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("name", ColumnType::Text),
        column("unit", ColumnType::Text),
        column("phone", ColumnType::Text),
    ],
);

static SECRETARIES: FileSpec = shape(
    FileId::Secretaries,
    "card_secretaries",
    "村书记",
    &[
        column("village_code", ColumnType::Region),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("name", ColumnType::Text),
        column("phone", ColumnType::Text),
    ],
);

static UNIT_NAMES: FileSpec = shape(
    FileId::Units,
    "card_units",
    "单位",
    &[
        column("unit_id", ColumnType::Text),
        column("name", ColumnType::Text),
    ],
);

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
    pub units: Vec<String>,
    pub secretary: Option<Responsible>,
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
    let (first, dec31) = year_bounds(year);
    let chain = chain_in(s, scope, year, today).await?;
    if chain.households.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<&str> = chain
        .households
        .iter()
        .map(|h| h.household_id.as_str())
        .collect();
    let households: HashMap<String, Vec<Value>> = s
        .select(&HOUSEHOLDS, scope, "", None)
        .await?
        .into_iter()
        .filter_map(|r| Some((r[0].as_text()?.to_string(), r)))
        .filter(|(id, _)| ids.contains(id.as_str()))
        .collect();
    let mut members: HashMap<String, Vec<CardMember>> = HashMap::new();
    let member_scope = crate::records::registry::read::households_in(scope, "household_id");
    for r in s.select(&MEMBERS, &member_scope, "", None).await? {
        let Some(h) = r[0].as_text().filter(|h| ids.contains(h)) else {
            continue;
        };
        let Value::Id(id) = &r[1] else { continue };
        members.entry(h.to_string()).or_default().push(CardMember {
            name: r[2].as_text().unwrap_or_default().to_string(),
            id_number: access.id_number(*id),
            relation: r[3].as_code().unwrap_or(""),
            age: year - id.birth_date().year(),
            health: r[4].as_code().unwrap_or(""),
            labour: r[5].as_code().unwrap_or(""),
            schooling: r[6].as_code().unwrap_or(""),
        });
    }
    let incomes: HashMap<String, YearlyIncome> = s
        .select(
            &xplus_core::interchange::schema::INCOMES,
            &member_scope
                .clone()
                .and("year = ?", vec![Arg::Int(i64::from(year))]),
            "",
            None,
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            let money = |i: usize| r[i].as_money().unwrap_or_default();
            Some((
                r[0].as_text()?.to_string(),
                YearlyIncome {
                    wage: money(2),
                    production: money(3),
                    property: money(4),
                    transfer: money(5),
                    production_cost: money(6),
                    medical_cost: r[7].as_money(),
                },
            ))
        })
        .collect();

    let mut trainings: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    let (sql, args) = within_scope(
        scope,
        "SELECT x.household_id, t.date, t.title FROM \
         (SELECT household_id, session_id FROM attendance \
          UNION SELECT household_id, session_id FROM attendance_members) x \
         JOIN training_sessions t ON t.session_id = x.session_id \
         WHERE t.date BETWEEN ? AND ?{within}",
        "x",
        vec![Arg::Date(first), Arg::Date(dec31)],
    );
    for r in s.query(&TRAININGS, &sql, &args).await? {
        if let (Some(h), Some(d)) = (r[0].as_text(), r[1].as_date()) {
            trainings
                .entry(h.to_string())
                .or_default()
                .push((d, r[2].as_text().unwrap_or_default().to_string()));
        }
    }
    // In date order (the database's order of text differs between backends).
    for list in trainings.values_mut() {
        list.sort();
    }
    let mut holdings: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    let (sql, args) = within_scope(
        scope,
        &format!(
            "SELECT e.household_id, p.name, {} FROM share_events e \
             JOIN projects p ON p.project_id = e.project_id \
             WHERE e.date <= ?{{within}} GROUP BY e.household_id, p.project_id, p.name",
            crate::records::shape::HELD_SUM
        ),
        "e",
        vec![Arg::Date(dec31)],
    );
    for r in s.query(&HOLDINGS, &sql, &args).await? {
        if let (Some(h), Some(name), Some(n)) = (r[0].as_text(), r[1].as_text(), r[2].as_int()) {
            if n > 0 {
                holdings
                    .entry(h.to_string())
                    .or_default()
                    .push((name.to_string(), n));
            }
        }
    }
    let mut dividends: HashMap<String, Fen> = HashMap::new();
    let (sql, args) = within_scope(
        scope,
        "SELECT d.household_id, d.amount FROM dividend_payments d WHERE d.year = ?{within}",
        "d",
        vec![Arg::Int(i64::from(year))],
    );
    for r in s.query(&PAID, &sql, &args).await? {
        if let (Some(h), Some(a)) = (r[0].as_text(), r[1].as_money()) {
            let e = dividends.entry(h.to_string()).or_default();
            *e = *e + a;
        }
    }
    let mut helpers: HashMap<String, Vec<Responsible>> = HashMap::new();
    let (sql, args) = within_scope(
        scope,
        "SELECT p.household_id, p.start_date, p.end_date, c.name, u.name, c.phone \
         FROM cadre_household_pairings p JOIN cadres c ON c.cadre_id = p.cadre_id \
         LEFT JOIN units u ON u.unit_id = c.unit_id WHERE p.start_date <= ?{within}",
        "p",
        vec![Arg::Date(dec31)],
    );
    for r in s.query(&HELPERS, &sql, &args).await? {
        let (Some(h), Some(start)) = (r[0].as_text(), r[1].as_date()) else {
            continue;
        };
        let span = xplus_core::backbone::pairing::Span {
            start,
            end: r[2].as_date(),
        };
        if span.is_active_on(dec31) {
            helpers.entry(h.to_string()).or_default().push(Responsible {
                name: r[3].as_text().unwrap_or_default().to_string(),
                unit: r[4].as_text().unwrap_or_default().to_string(),
                phone: r[5].as_text().unwrap_or_default().to_string(),
            });
        }
    }
    for list in holdings.values_mut() {
        list.sort();
    }
    for list in helpers.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    for list in members.values_mut() {
        // The head first, then as the identity numbers run.
        list.sort_by(|a, b| {
            (a.relation != "head", &a.id_number).cmp(&(b.relation != "head", &b.id_number))
        });
    }
    let villages: BTreeSet<RegionCode> = chain.households.iter().map(|h| h.village).collect();
    let units = unit_pairings(s, &villages, dec31).await?;
    let unit_ids: Vec<&String> = units.values().flatten().collect();
    let mut unit_names: HashMap<String, String> = HashMap::new();
    for chunk in unit_ids.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|u| Arg::Text((*u).clone())).collect();
        let sql = format!(
            "SELECT unit_id, name FROM units WHERE unit_id IN ({})",
            crate::session::filter::marks(args.len())
        );
        for r in s.query(&UNIT_NAMES, &sql, &args).await? {
            if let (Some(id), Some(name)) = (r[0].as_text(), r[1].as_text()) {
                unit_names.insert(id.to_string(), name.to_string());
            }
        }
    }
    // Per village: (took office, the secretary).
    let mut secretaries: BTreeMap<RegionCode, (NaiveDate, Responsible)> = BTreeMap::new();
    let list: Vec<&RegionCode> = villages.iter().collect();
    for chunk in list.chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|v| Arg::Int(v.as_u64() as i64)).collect();
        let sql = format!(
            "SELECT village_code, start_date, end_date, name, phone FROM secretaries \
             WHERE village_code IN ({})",
            crate::session::filter::marks(args.len())
        );
        for r in s.query(&SECRETARIES, &sql, &args).await? {
            let (Some(v), Some(start)) = (r[0].as_region(), r[1].as_date()) else {
                continue;
            };
            let span = xplus_core::backbone::pairing::Span {
                start,
                end: r[2].as_date(),
            };
            let secretary = Responsible {
                name: r[3].as_text().unwrap_or_default().to_string(),
                unit: "村党组织书记".into(),
                phone: r[4].as_text().unwrap_or_default().to_string(),
            };
            // The latest to take office, if two are in office on Dec 31 (a handover day).
            let newer = secretaries
                .get(&v)
                .is_none_or(|(s, o)| (start, &secretary.name) > (*s, &o.name));
            if span.is_active_on(dec31) && newer {
                secretaries.insert(v, (start, secretary));
            }
        }
    }
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
    let name = |c: Option<RegionCode>| {
        c.and_then(|c| names.get(&c.as_u64()).cloned())
            .unwrap_or_default()
    };

    let mut cards = Vec::new();
    for h in chain.households {
        let Some(row) = households.get(&h.household_id) else {
            continue;
        };
        let members_of = members.remove(&h.household_id).unwrap_or_default();
        let income = incomes.get(&h.household_id);
        let net = income.map(|i| i.net());
        cards.push(Card {
            year,
            village: h.village,
            place: [
                name(Some(h.village)),
                name(h.village.parent()),
                name(h.village.county()),
            ],
            status: row[3]
                .as_code()
                .and_then(HouseholdStatus::parse)
                .unwrap_or(HouseholdStatus::Poor),
            identified_year: row[2].as_int(),
            causes: match &row[5] {
                Value::Codes(cs) => cs.iter().filter_map(|c| PovertyCause::parse(c)).collect(),
                _ => Vec::new(),
            },
            net_income: net,
            per_capita: net.and_then(|n| per_capita(n, members_of.len() as i64)),
            members: members_of,
            trainings: trainings.remove(&h.household_id).unwrap_or_default(),
            holdings: holdings.remove(&h.household_id).unwrap_or_default(),
            dividends: dividends.remove(&h.household_id).unwrap_or_default(),
            helpers: helpers.remove(&h.household_id).unwrap_or_default(),
            units: units
                .get(&h.village)
                .into_iter()
                .flatten()
                .map(|u| unit_names.get(u).cloned().unwrap_or_else(|| u.clone()))
                .collect(),
            secretary: secretaries.get(&h.village).map(|(_, s)| s.clone()),
            household_id: h.household_id.clone(),
            chain: h,
        });
    }
    cards.sort_by(|a, b| a.household_id.cmp(&b.household_id));
    Ok(cards)
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
