//! The registry's rules on a household, its members and its incomes, written once. The importer
//! (which judges a whole bundle), the web form, the API and the CLI all ask these functions and
//! so refuse the same thing in the same words; only where a rule needs the rest of the registry
//! (a person in another household, a village that exists) does the caller gather the facts.

use super::household::{check_years, status_change_problem, YearField};
use super::{HouseholdStatus, Relation};

/// The field of a household row a rule points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdField {
    IdentifiedYear,
    Status,
    ExitYear,
}

impl HouseholdField {
    /// The column's name in the bundle format (households.csv).
    pub fn column(self) -> &'static str {
        match self {
            HouseholdField::IdentifiedYear => "identified_year",
            HouseholdField::Status => "status",
            HouseholdField::ExitYear => "exit_year",
        }
    }
}

/// What the rules read of a household row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub status: HouseholdStatus,
    pub identified_year: i64,
    pub exit_year: Option<i64>,
}

/// A household as it would be stored: its status may move only along the lifecycle from the
/// stored one (`old`, None for a new household), and its years must fit its status and today.
pub fn check_household(
    old: Option<HouseholdStatus>,
    new: &HouseholdFacts,
    this_year: i64,
) -> Vec<(HouseholdField, String)> {
    let mut problems = Vec::new();
    if let Some(p) = old.and_then(|o| status_change_problem(o, new.status)) {
        problems.push((HouseholdField::Status, p));
    }
    for (field, message) in check_years(new.status, new.identified_year, new.exit_year, this_year) {
        let field = match field {
            YearField::IdentifiedYear => HouseholdField::IdentifiedYear,
            YearField::ExitYear => HouseholdField::ExitYear,
        };
        problems.push((field, message));
    }
    problems
}

/// Exactly one head per household (interchange.md: "a household without exactly one head" is an
/// error), given the relations of all its members as they would be stored.
pub fn check_heads(
    household_id: &str,
    relations: impl IntoIterator<Item = Relation>,
) -> Option<String> {
    let heads = relations
        .into_iter()
        .filter(|r| *r == Relation::Head)
        .count();
    head_count_problem(household_id, heads)
}

/// The head rule given a count (the importer counts while streaming).
pub fn head_count_problem(household_id: &str, heads: usize) -> Option<String> {
    (heads != 1).then(|| {
        format!(
            "户 {household_id} 有{heads}名户主，应恰好1名 / household {household_id} has {heads} heads; it must have exactly one"
        )
    })
}

/// One person, one household. `other` names the household the person is already in, when the
/// one asking may know it (an import of the whole registry); a form or the API outside that
/// household's region is not told which it is.
pub fn one_household_problem(other: Option<&str>) -> String {
    match other {
        Some(other) => format!(
            "此人已是户 {other} 的成员（一人只能属于一户）/ this person already belongs to household {other} (one person, one household)"
        ),
        None => "此人已是另一户的成员（一人只能属于一户）/ this person is already a member of another household (one person, one household)".into(),
    }
}

/// An income is recorded for a year that has begun, not for a future one.
pub fn income_year_problem(year: i64, this_year: i64) -> Option<String> {
    (year > this_year).then(|| "年度晚于今年 / the year is in the future".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use HouseholdStatus::*;

    #[test]
    fn a_household_needs_exactly_one_head() {
        assert!(check_heads("H1", [Relation::Head, Relation::Child]).is_none());
        let none = check_heads("H1", [Relation::Spouse]).unwrap();
        assert!(none.starts_with("户 H1 有0名户主，应恰好1名"), "{none}");
        let two = check_heads("H1", [Relation::Head, Relation::Head]).unwrap();
        assert!(two.contains("有2名户主"), "{two}");
        assert!(check_heads("H1", []).unwrap().contains("0名"));
    }

    #[test]
    fn household_rules_point_at_their_fields() {
        let facts = |status, exit_year| HouseholdFacts {
            status,
            identified_year: 2016,
            exit_year,
        };
        assert!(check_household(None, &facts(Poor, None), 2016).is_empty());
        let back = check_household(Some(Exited), &facts(Poor, None), 2020);
        assert_eq!(back[0].0, HouseholdField::Status);
        let early = check_household(None, &facts(Exited, Some(2015)), 2020);
        assert_eq!(early[0].0.column(), "exit_year");
        let future = check_household(None, &facts(Poor, None), 2015);
        assert_eq!(future[0].0.column(), "identified_year");
    }

    #[test]
    fn incomes_and_people() {
        assert!(income_year_problem(2016, 2016).is_none());
        assert!(income_year_problem(2017, 2016).is_some());
        assert!(one_household_problem(Some("H2")).contains("户 H2"));
        assert!(!one_household_problem(None).contains("H2"));
        assert!(one_household_problem(None).contains("一人只能属于一户"));
    }
}
