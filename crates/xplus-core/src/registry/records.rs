//! The registry's records as typed values: a household, a member, a year's income.
//!
//! A bundle row (and a stored row, which is a checked bundle row) is a list of [`Value`]s in the
//! file's column order; the schema stays the one description of the files, forms and API. These
//! types are what code *reads*: each is built from a row by column name through the schema, so a
//! reader writes `member.relation` rather than `row[3].as_code()`, and a column added to a file
//! changes one `from_row` here instead of every reader. `to_row` gives the row back for the
//! schema-driven paths (export, forms, fingerprints); `from_row(to_row(x)) == x`.

use super::{Health, HouseholdStatus, IdNumber, Labour, PovertyCause, Relation, Schooling};
use super::{RegionCode, YearlyIncome};
use crate::interchange::named::column_of;
use crate::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use crate::interchange::{FileSpec, Named, Value};
use crate::Fen;
use std::fmt;

/// A row that is not a well-formed record of its file: a required column is empty or holds a
/// value of another type. Stored rows were checked on the way in, so for them this means the
/// database was changed behind xplus's back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: &'static str,
    pub column: &'static str,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 的 {} 列取值无效", self.file, self.column)
    }
}

impl std::error::Error for RowError {}

/// Reads required columns of one row, naming the column of the first that is missing.
struct Reader<'a>(Named<'a>);

impl<'a> Reader<'a> {
    fn need<T>(&self, column: &'static str, v: Option<T>) -> Result<T, RowError> {
        v.ok_or(RowError {
            file: self.0.shape().name,
            column,
        })
    }

    fn text(&self, column: &'static str) -> Result<String, RowError> {
        self.need(column, self.0.text(column).map(str::to_string))
    }

    fn year(&self, column: &'static str) -> Result<i32, RowError> {
        self.need(column, self.0.int(column).map(|y| y as i32))
    }

    fn enumerated<T>(
        &self,
        column: &'static str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, RowError> {
        self.need(column, self.0.code(column).and_then(parse))
    }

    fn money(&self, column: &'static str) -> Result<Fen, RowError> {
        self.need(column, self.0.money(column))
    }
}

/// A row of `shape` with `set` columns filled and the rest empty.
fn row_of(shape: &FileSpec, set: &[(&str, Value)]) -> Vec<Value> {
    let mut row = vec![Value::Null; shape.columns.len()];
    for (name, value) in set {
        row[column_of(shape, name)] = value.clone();
    }
    row
}

fn maybe<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map(f).unwrap_or(Value::Null)
}

/// A poor household (households.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Household {
    pub id: String,
    pub village: RegionCode,
    pub identified_year: i32,
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
    pub causes: Vec<PovertyCause>,
    pub food_secure: Option<bool>,
    pub clothing_secure: Option<bool>,
    pub housing_safe: Option<bool>,
    pub water_safe: Option<bool>,
}

impl Household {
    pub fn from_row(values: &[Value]) -> Result<Household, RowError> {
        let row = Named::new(&HOUSEHOLDS, values);
        let r = Reader(row);
        let causes = match row.get("causes") {
            Value::Codes(codes) => codes
                .iter()
                .filter_map(|c| PovertyCause::parse(c))
                .collect(),
            Value::Code(code) => PovertyCause::parse(code).into_iter().collect(),
            _ => Vec::new(),
        };
        Ok(Household {
            id: r.text("household_id")?,
            village: r.need("village_code", row.region("village_code"))?,
            identified_year: r.year("identified_year")?,
            status: r.enumerated("status", HouseholdStatus::parse)?,
            exit_year: row.int("exit_year").map(|y| y as i32),
            causes,
            food_secure: row.boolean("food_secure"),
            clothing_secure: row.boolean("clothing_secure"),
            housing_safe: row.boolean("housing_safe"),
            water_safe: row.boolean("water_safe"),
        })
    }

    pub fn to_row(&self) -> Vec<Value> {
        let causes = if self.causes.is_empty() {
            Value::Null
        } else {
            Value::Codes(self.causes.iter().map(|c| c.code()).collect())
        };
        row_of(
            &HOUSEHOLDS,
            &[
                ("household_id", Value::Text(self.id.clone())),
                ("village_code", Value::Region(self.village)),
                ("identified_year", Value::Int(self.identified_year.into())),
                ("status", Value::Code(self.status.code())),
                ("exit_year", maybe(self.exit_year, |y| Value::Int(y.into()))),
                ("causes", causes),
                ("food_secure", maybe(self.food_secure, Value::Bool)),
                ("clothing_secure", maybe(self.clothing_secure, Value::Bool)),
                ("housing_safe", maybe(self.housing_safe, Value::Bool)),
                ("water_safe", maybe(self.water_safe, Value::Bool)),
            ],
        )
    }
}

/// A member of a household (members.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub household: String,
    pub id_number: IdNumber,
    pub name: String,
    pub relation: Relation,
    pub health: Health,
    pub labour: Labour,
    pub schooling: Schooling,
    pub medical_insured: Option<bool>,
    pub pension_insured: Option<bool>,
    pub migrant_months: Option<i64>,
}

impl Member {
    pub fn from_row(values: &[Value]) -> Result<Member, RowError> {
        let row = Named::new(&MEMBERS, values);
        let r = Reader(row);
        let id_number = match row.get("id_number") {
            Value::Id(n) => Some(*n),
            _ => None,
        };
        Ok(Member {
            household: r.text("household_id")?,
            id_number: r.need("id_number", id_number)?,
            name: r.text("name")?,
            relation: r.enumerated("relation", Relation::parse)?,
            health: r.enumerated("health", Health::parse)?,
            labour: r.enumerated("labour", Labour::parse)?,
            schooling: r.enumerated("schooling", Schooling::parse)?,
            medical_insured: row.boolean("medical_insured"),
            pension_insured: row.boolean("pension_insured"),
            migrant_months: row.int("migrant_months"),
        })
    }

    pub fn to_row(&self) -> Vec<Value> {
        row_of(
            &MEMBERS,
            &[
                ("household_id", Value::Text(self.household.clone())),
                ("id_number", Value::Id(self.id_number)),
                ("name", Value::Text(self.name.clone())),
                ("relation", Value::Code(self.relation.code())),
                ("health", Value::Code(self.health.code())),
                ("labour", Value::Code(self.labour.code())),
                ("schooling", Value::Code(self.schooling.code())),
                ("medical_insured", maybe(self.medical_insured, Value::Bool)),
                ("pension_insured", maybe(self.pension_insured, Value::Bool)),
                ("migrant_months", maybe(self.migrant_months, Value::Int)),
            ],
        )
    }

    pub fn is_head(&self) -> bool {
        self.relation == Relation::Head
    }
}

/// One household's income for one year (incomes.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Income {
    pub household: String,
    pub year: i32,
    pub amounts: YearlyIncome,
}

impl Income {
    pub fn from_row(values: &[Value]) -> Result<Income, RowError> {
        let row = Named::new(&INCOMES, values);
        let r = Reader(row);
        Ok(Income {
            household: r.text("household_id")?,
            year: r.year("year")?,
            amounts: YearlyIncome {
                wage: r.money("wage")?,
                production: r.money("production")?,
                property: r.money("property")?,
                transfer: r.money("transfer")?,
                production_cost: r.money("production_cost")?,
                medical_cost: row.money("medical_cost"),
            },
        })
    }

    pub fn to_row(&self) -> Vec<Value> {
        let a = &self.amounts;
        row_of(
            &INCOMES,
            &[
                ("household_id", Value::Text(self.household.clone())),
                ("year", Value::Int(self.year.into())),
                ("wage", Value::Money(a.wage)),
                ("production", Value::Money(a.production)),
                ("property", Value::Money(a.property)),
                ("transfer", Value::Money(a.transfer)),
                ("production_cost", Value::Money(a.production_cost)),
                ("medical_cost", maybe(a.medical_cost, Value::Money)),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn pick<T: Copy>(all: &[T], i: usize) -> T {
        all[i % all.len()]
    }

    prop_compose! {
        fn household()(
            id in "[A-Z0-9]{1,12}", year in 2000i32..2030, status in 0usize..8,
            exit in proptest::option::of(2000i32..2030), causes in proptest::collection::vec(0usize..20, 0..4),
            flags in proptest::collection::vec(proptest::option::of(any::<bool>()), 4),
        ) -> Household {
            let mut c: Vec<PovertyCause> = causes.iter().map(|&i| pick(PovertyCause::ALL, i)).collect();
            c.dedup();
            Household {
                id,
                village: RegionCode::from_u64(341_122_100_201).expect("a village"),
                identified_year: year,
                status: pick(HouseholdStatus::ALL, status),
                exit_year: exit,
                causes: c,
                food_secure: flags[0],
                clothing_secure: flags[1],
                housing_safe: flags[2],
                water_safe: flags[3],
            }
        }
    }

    prop_compose! {
        fn member()(
            name in "[a-z]{1,8}", e in proptest::collection::vec(0usize..10, 4),
            seq in 0u16..999, months in proptest::option::of(0i64..=12), insured in any::<Option<bool>>(),
        ) -> Member {
            let birth = NaiveDate::from_ymd_opt(1980, 5, 17).expect("a date");
            Member {
                household: "H1".into(),
                id_number: IdNumber::from_parts(341_122, birth, seq),
                name,
                relation: pick(Relation::ALL, e[0]),
                health: pick(Health::ALL, e[1]),
                labour: pick(Labour::ALL, e[2]),
                schooling: pick(Schooling::ALL, e[3]),
                medical_insured: insured,
                pension_insured: None,
                migrant_months: months,
            }
        }
    }

    proptest! {
        #[test]
        fn records_survive_their_rows(h in household(), m in member(), fen in -1_000_000i64..1_000_000) {
            prop_assert_eq!(Household::from_row(&h.to_row()), Ok(h.clone()));
            prop_assert_eq!(Member::from_row(&m.to_row()), Ok(m.clone()));
            let i = Income {
                household: h.id.clone(),
                year: h.identified_year,
                amounts: YearlyIncome { wage: Fen(fen), medical_cost: Some(Fen(-fen)), ..Default::default() },
            };
            prop_assert_eq!(Income::from_row(&i.to_row()), Ok(i.clone()));
        }
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let bad = vec![Value::Null; MEMBERS.columns.len()];
        assert_eq!(
            Member::from_row(&bad),
            Err(RowError {
                file: "members",
                column: "household_id"
            })
        );
    }
}
