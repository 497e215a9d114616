//! The SQL of the responsibility list (responsibility.rs) and the rows it reads: the
//! households, members and incomes of the bundle tables, and each household's trainings,
//! holdings, dividends and helpers, the units' names and the villages' secretaries.

use crate::records::shape::HELD_SUM;
use crate::session::filter::marks;
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, SIGNED};
use chrono::NaiveDate;
use xplus_core::backbone::pairing::Span;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::{HouseholdStatus, IdNumber, PovertyCause, RegionCode, YearlyIncome};
use xplus_core::Fen;

/// A household as the card shows it (a row without an id is skipped).
pub(in crate::records) struct CardHousehold {
    pub household_id: String,
    pub identified_year: Option<i64>,
    /// Poor when the stored status is not one of ours.
    pub status: HouseholdStatus,
    pub causes: Vec<PovertyCause>,
}

impl FromRow for CardHousehold {
    const SHAPE: &'static FileSpec = &HOUSEHOLDS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardHousehold {
            household_id: r.text("household_id")?.to_string(),
            identified_year: r.int("identified_year"),
            status: r
                .code("status")
                .and_then(HouseholdStatus::parse)
                .unwrap_or(HouseholdStatus::Poor),
            causes: match r.get("causes") {
                Value::Codes(cs) => cs.iter().filter_map(|c| PovertyCause::parse(c)).collect(),
                _ => Vec::new(),
            },
        })
    }
}

/// A member as the card shows them (a row without a household or an identity number is
/// skipped); the codes of members.csv, empty when there is none.
#[derive(Clone)]
pub(in crate::records) struct CardMemberRow {
    pub household_id: String,
    pub id: IdNumber,
    pub name: String,
    pub relation: &'static str,
    pub health: &'static str,
    pub labour: &'static str,
    pub schooling: &'static str,
}

impl CardMemberRow {
    /// A member as a membership change recorded them.
    pub fn of(m: &xplus_core::registry::Member) -> CardMemberRow {
        CardMemberRow {
            household_id: m.household.clone(),
            id: m.id_number,
            name: m.name.clone(),
            relation: m.relation.code(),
            health: m.health.code(),
            labour: m.labour.code(),
            schooling: m.schooling.code(),
        }
    }
}

impl FromRow for CardMemberRow {
    const SHAPE: &'static FileSpec = &MEMBERS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let household_id = r.text("household_id")?.to_string();
        let Value::Id(id) = r.get("id_number") else {
            return None;
        };
        Some(CardMemberRow {
            household_id,
            id: *id,
            name: r.string("name"),
            relation: r.code("relation").unwrap_or(""),
            health: r.code("health").unwrap_or(""),
            labour: r.code("labour").unwrap_or(""),
            schooling: r.code("schooling").unwrap_or(""),
        })
    }
}

/// A household's income of a year (a row without a household is skipped; a missing amount is
/// zero, a missing medical cost none).
pub(in crate::records) struct CardIncome {
    pub household_id: String,
    pub income: YearlyIncome,
}

impl FromRow for CardIncome {
    const SHAPE: &'static FileSpec = &INCOMES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let money = |name: &str| r.money(name).unwrap_or_default();
        Some(CardIncome {
            household_id: r.text("household_id")?.to_string(),
            income: YearlyIncome {
                wage: money("wage"),
                production: money("production"),
                property: money("property"),
                transfer: money("transfer"),
                production_cost: money("production_cost"),
                medical_cost: r.money("medical_cost"),
            },
        })
    }
}

/// A training session a household (or one of its members) attended (a row without the
/// household or the date is skipped).
pub(in crate::records) struct CardTraining {
    pub household_id: String,
    pub date: NaiveDate,
    pub title: String,
}

impl FromRow for CardTraining {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Attendance,
        "card_trainings",
        "参训",
        &[
            column("household_id", ColumnType::Text),
            column("date", ColumnType::Date),
            column("title", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardTraining {
            household_id: r.text("household_id")?.to_string(),
            date: r.date("date")?,
            title: r.string("title"),
        })
    }
}

/// Sessions dated between two days attended by a household or a member of it; a template for
/// `within_scope` (alias `x`): `?`: the first and last day, then the scope's arguments.
pub(in crate::records) const TRAININGS: Query<CardTraining> = Query::new(
    "SELECT x.household_id, t.date, t.title FROM \
     (SELECT household_id, session_id FROM attendance \
      UNION SELECT household_id, session_id FROM attendance_members) x \
     JOIN training_sessions t ON t.session_id = x.session_id \
     WHERE t.date BETWEEN ? AND ?{within}",
);

/// Shares a household holds in a project (a row without any of the three is skipped).
pub(in crate::records) struct CardHolding {
    pub household_id: String,
    pub project: String,
    pub shares: i64,
}

impl FromRow for CardHolding {
    const SHAPE: &'static FileSpec = &shape(
        FileId::ShareEvents,
        "card_holdings",
        "持股",
        &[
            column("household_id", ColumnType::Text),
            column("name", ColumnType::Text),
            column("shares", SIGNED),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardHolding {
            household_id: r.text("household_id")?.to_string(),
            project: r.text("name")?.to_string(),
            shares: r.int("shares")?,
        })
    }
}

/// Shares held per household and project on a day (rows: [`CardHolding`]); a template for
/// `within_scope` (alias `e`): `?`: the day, then the scope's arguments.
pub(in crate::records) fn holdings_on() -> String {
    format!(
        "SELECT e.household_id, p.name, {HELD_SUM} FROM share_events e \
         JOIN projects p ON p.project_id = e.project_id \
         WHERE e.date <= ?{{within}} GROUP BY e.household_id, p.project_id, p.name"
    )
}

/// A dividend paid to a household (a row without the household or the amount is skipped).
pub(in crate::records) struct CardDividend {
    pub household_id: String,
    pub amount: Fen,
}

impl FromRow for CardDividend {
    const SHAPE: &'static FileSpec = &shape(
        FileId::DividendPayments,
        "card_dividends",
        "分红",
        &[
            column("household_id", ColumnType::Text),
            column("amount", ColumnType::Money { negative: true }),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardDividend {
            household_id: r.text("household_id")?.to_string(),
            amount: r.money("amount")?,
        })
    }
}

/// The dividends of a year; a template for `within_scope` (alias `d`): `?`: the year, then the
/// scope's arguments.
pub(in crate::records) const DIVIDENDS: Query<CardDividend> =
    Query::new("SELECT d.household_id, d.amount FROM dividend_payments d WHERE d.year = ?{within}");

/// A cadre paired with a household, with their unit and phone (a row without the household or
/// the start is skipped).
pub(in crate::records) struct CardHelper {
    pub household_id: String,
    pub span: Span,
    pub name: String,
    pub unit: String,
    pub phone: String,
}

impl FromRow for CardHelper {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardHelper {
            household_id: r.text("household_id")?.to_string(),
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
            name: r.string("name"),
            unit: r.string("unit"),
            phone: r.string("phone"),
        })
    }
}

/// Pairings of cadres with households started by a day; a template for `within_scope` (alias
/// `p`): `?`: the day, then the scope's arguments.
pub(in crate::records) const HELPERS: Query<CardHelper> = Query::new(
    "SELECT p.household_id, p.start_date, p.end_date, c.name, u.name, c.phone \
     FROM cadre_household_pairings p JOIN cadres c ON c.cadre_id = p.cadre_id \
     LEFT JOIN units u ON u.unit_id = c.unit_id WHERE p.start_date <= ?{within}",
);

/// A unit's name (a row without either is skipped).
pub(in crate::records) struct UnitName {
    pub unit_id: String,
    pub name: String,
}

impl FromRow for UnitName {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Units,
        "card_units",
        "单位",
        &[
            column("unit_id", ColumnType::Text),
            column("name", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(UnitName {
            unit_id: r.text("unit_id")?.to_string(),
            name: r.text("name")?.to_string(),
        })
    }
}

/// The names of `n` units (rows: [`UnitName`]); `?`: their ids.
pub(in crate::records) fn unit_names(n: usize) -> String {
    format!(
        "SELECT unit_id, name FROM units WHERE unit_id IN ({})",
        marks(n)
    )
}

/// A village secretary's term (a row without the village or the start is skipped).
pub(in crate::records) struct CardSecretary {
    pub village: RegionCode,
    pub span: Span,
    pub name: String,
    pub phone: String,
}

impl FromRow for CardSecretary {
    const SHAPE: &'static FileSpec = &shape(
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

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardSecretary {
            village: r.region("village_code")?,
            span: Span {
                start: r.date("start_date")?,
                end: r.date("end_date"),
            },
            name: r.string("name"),
            phone: r.string("phone"),
        })
    }
}

/// The secretaries' terms of `n` villages (rows: [`CardSecretary`]); `?`: their codes.
pub(in crate::records) fn secretaries_of(n: usize) -> String {
    format!(
        "SELECT village_code, start_date, end_date, name, phone FROM secretaries \
         WHERE village_code IN ({})",
        marks(n)
    )
}

/// A household's visits of a year: how many, and the last day.
pub(in crate::records) struct CardVisits {
    pub household_id: String,
    pub visits: i64,
    pub last: Option<NaiveDate>,
}

impl FromRow for CardVisits {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "card_visits",
        "走访",
        &[
            column("household_id", ColumnType::Text),
            column("visits", SIGNED),
            column("last", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(CardVisits {
            household_id: r.text("household_id")?.to_string(),
            visits: r.int("visits")?,
            last: r.date("last"),
        })
    }
}

/// Visits dated between two days, per household; a template for `within_scope` (alias `v`):
/// `?`: the first and last day, then the scope's arguments.
pub(in crate::records) const VISITS: Query<CardVisits> = Query::new(
    "SELECT v.household_id, COUNT(*) AS visits, MAX(v.date) AS last FROM visits v \
     WHERE v.date BETWEEN ? AND ?{within} GROUP BY v.household_id",
);
