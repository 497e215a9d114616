//! Valid time for a household's status (book of record): what a household was at the start or
//! the end of a year, whatever later years recorded since. The registry keeps today's status and
//! exit year; each applied assessment keeps the standing it replaced (assessment_outcomes.csv).
//! So the standing at the start of year Y is the one the earliest outcome of Y or later replaced,
//! or today's when no outcome of Y or later exists.

use super::HouseholdStatus;

/// A status with its exit year: what a household is at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: HouseholdStatus,
    pub exit_year: Option<i32>,
}

/// The standing at the start of `year`: `replaced` holds, for each applied outcome, its year and
/// the standing it replaced; `current` is today's.
pub fn standing_at_start(
    current: Standing,
    replaced: impl IntoIterator<Item = (i32, Standing)>,
    year: i32,
) -> Standing {
    replaced
        .into_iter()
        .filter(|(y, _)| *y >= year)
        .min_by_key(|(y, _)| *y)
        .map_or(current, |(_, before)| before)
}

/// The standing at the end of `year` (what `report --year Y` counts): the one at the start of
/// the next year.
pub fn standing_at_end(
    current: Standing,
    replaced: impl IntoIterator<Item = (i32, Standing)>,
    year: i32,
) -> Standing {
    standing_at_start(current, replaced, year + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use HouseholdStatus::*;

    fn st(status: HouseholdStatus, exit_year: Option<i32>) -> Standing {
        Standing { status, exit_year }
    }

    #[test]
    fn later_years_do_not_move_an_earlier_one() {
        // Poor until 2015's assessment, monitored by 2016's, returned by 2017's.
        let history = [
            (2015, st(Poor, None)),
            (2016, st(Exited, Some(2015))),
            (2017, st(Monitored, Some(2015))),
        ];
        let today = st(Returned, Some(2015));
        assert_eq!(standing_at_start(today, history, 2015), st(Poor, None));
        assert_eq!(
            standing_at_end(today, history, 2015),
            st(Exited, Some(2015))
        );
        assert_eq!(
            standing_at_end(today, history, 2016),
            st(Monitored, Some(2015))
        );
        assert_eq!(standing_at_end(today, history, 2017), today);
        assert_eq!(standing_at_start(today, history, 2014), st(Poor, None));
        // No outcome at all: today's standing answers every year.
        assert_eq!(standing_at_end(today, [], 2015), today);
    }
}
