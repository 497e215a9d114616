//! What the assessment reads of a county's (or a few) households: the households, the year's
//! incomes and the members — three large reads kept compact (`CompactRows`), whose SQL is here and
//! whose reading stays in `facts.rs` — and the outcomes applied for the year or later, read from
//! the stored table `assessment_outcomes` (declared here, written by `apply.rs` and
//! `exit_steps.rs`).

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named};
use crate::session::shape::column;
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec};
use xplus_core::registry::{HouseholdStatus, RegionCode};

const STATUS: ColumnType = ColumnType::Enum(&HouseholdStatus::SPEC);

/// The outcomes an applied assessment recorded, as the assessment reads them back: per household
/// and year, what it decided and the standing (status, exit year) before and after. They are
/// written as the bundle's file (core's `schema::ASSESSMENT_OUTCOMES`, with who decided).
pub(in crate::records) static ASSESSMENT_OUTCOMES: FileSpec = FileSpec {
    id: FileId::Households,
    name: "assessment_outcomes",
    zh: "评估结果",
    columns: &[
        column("household_id", ColumnType::Text),
        column("year", ColumnType::Year),
        column("outcome", ColumnType::Text),
        column("reasons", ColumnType::Text),
        column("previous_status", STATUS),
        column("previous_exit_year", ColumnType::Year),
        column("status", STATUS),
        column("exit_year", ColumnType::Year),
        column("decided_on", ColumnType::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};

/// Conditions naming the rows of a county under `alias` (`h` for the households, `i` or `m` for
/// their incomes or members): its code is the argument.
pub(in crate::records) fn in_county(alias: &str, county: RegionCode) -> Filter {
    Filter::new().and(
        format!("{alias}.county_code = ?"),
        vec![Arg::Int(county.as_u64() as i64)],
    )
}

/// Conditions naming the rows under `alias` of the households matching `households`
/// (conditions over `households h`), whose arguments they take.
pub(in crate::records) fn of_households(alias: &str, households: &Filter) -> Filter {
    Filter::new().and(
        format!(
            "{alias}.household_id IN (SELECT h.household_id FROM households h{})",
            households.render_where(&mut || "?".into())
        ),
        households.args().cloned().collect(),
    )
}

/// `incomes` (conditions over `incomes i`) narrowed to a year, the last argument.
pub(in crate::records) fn incomes_of_year(incomes: Filter, year: i32) -> Filter {
    incomes.and("i.year = ?", vec![Arg::Int(i64::from(year))])
}

/// `households` (conditions over `households h`, the outcomes joined as `o`) narrowed to the
/// outcomes of a year or later, the last argument.
pub(in crate::records) fn outcomes_from_year(households: Filter, year: i32) -> Filter {
    households.and("o.year >= ?", vec![Arg::Int(i64::from(year))])
}

/// The households matching `filter` (conditions over `households h`, its arguments in order):
/// id, village, year identified, status, exit year and the four "two assurances" flags — nine
/// columns, read compact.
pub(in crate::records) fn households(filter: &Filter) -> String {
    format!(
        "SELECT h.household_id, h.village_code, h.identified_year, h.status, h.exit_year, \
         h.food_secure, h.clothing_secure, h.housing_safe, h.water_safe FROM households h{}",
        filter.render_where(&mut || "?".into())
    )
}

/// The incomes matching `filter` (conditions over `incomes i`, its arguments in order): the
/// household, then wage, production, property, transfer, production cost and medical cost —
/// seven columns, read compact.
pub(in crate::records) fn incomes(filter: &Filter) -> String {
    format!(
        "SELECT i.household_id, i.wage, i.production, i.property, i.transfer, \
         i.production_cost, i.medical_cost FROM incomes i{}",
        filter.render_where(&mut || "?".into())
    )
}

/// The members matching `filter` (conditions over `members m`, its arguments in order), by
/// household: household, id number, schooling, insured, and the name only of one failing a
/// criterion — five columns, read compact. A household's members are put in id number order by
/// the reader: PostgreSQL's index of a county's members (migration 0010) holds the id number as
/// an included column, not a key, so ordering by it too made PostgreSQL scan and sort the whole
/// table (99 ms for a city county, 17 ms in index order).
pub(in crate::records) fn members(filter: &Filter) -> String {
    format!(
        // A name is shown only for a member failing a criterion (a dropout, the uninsured):
        // the others' (most members) are not read.
        "SELECT m.household_id, m.id_number, m.schooling, m.medical_insured, \
         CASE WHEN m.schooling = 'dropout' OR m.medical_insured IS NOT TRUE THEN m.name END \
         FROM members m{} ORDER BY m.household_id",
        filter.render_where(&mut || "?".into())
    )
}

/// An outcome applied for a household, as `assessment_outcomes` stores it (its last column,
/// decided_on, is not used by the assessment).
pub(in crate::records) struct OutcomeRow {
    pub household_id: String,
    pub year: i32,
    pub outcome: String,
    pub reasons: String,
    pub previous_status: HouseholdStatus,
    pub previous_exit_year: Option<i32>,
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
}

impl FromRow for OutcomeRow {
    const SHAPE: &'static FileSpec = &ASSESSMENT_OUTCOMES;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let year = |name| r.int(name).map(|y| y as i32);
        Some(OutcomeRow {
            household_id: r.text("household_id")?.to_string(),
            year: year("year")?,
            outcome: r.text("outcome")?.to_string(),
            reasons: r.string("reasons"),
            previous_status: r.code("previous_status").and_then(HouseholdStatus::parse)?,
            previous_exit_year: year("previous_exit_year"),
            status: r.code("status").and_then(HouseholdStatus::parse)?,
            exit_year: year("exit_year"),
        })
    }
}

/// The outcomes of the households matching `filter` (conditions over `households h` and the
/// outcomes `o`, its arguments in order), in the columns of `assessment_outcomes`.
pub(in crate::records) fn outcomes(filter: &Filter) -> String {
    format!(
        "SELECT o.household_id, o.year, o.outcome, o.reasons, o.previous_status, \
         o.previous_exit_year, o.status, o.exit_year, o.decided_on \
         FROM assessment_outcomes o JOIN households h ON h.household_id = o.household_id{}",
        filter.render_where(&mut || "?".into())
    )
}
