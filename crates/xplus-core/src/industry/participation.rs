//! rules.md §6 不返 `in_industry`: in year Y a household takes part in an industry project, or a
//! member has a recorded job placement. Taking part is any of: brought along by an industry party
//! organisation during Y, joined a one-village-one-product project by the end of Y, its own
//! industry recorded for Y, attended a labour-training course running during some part of Y. A
//! placement counts when it runs during some part of Y. Commissioners' trainings record a
//! number of participants per village, not who came, so they cannot place a household.

use crate::values::Date;

/// A span of days, open at the end when `end` is None.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Option<Date>,
}

impl Period {
    /// Whether the period has any day in `year`.
    pub fn touches_year(&self, year: i32) -> bool {
        use chrono::Datelike;
        self.start.year() <= year && self.end.is_none_or(|e| e.year() >= year)
    }
}

/// A placement of `months` from `start`: the period it runs (the end is the day before the
/// same day `months` later; zero months is the start day alone).
pub fn placement_period(start: Date, months: u32) -> Period {
    let end = start
        .checked_add_months(chrono::Months::new(months))
        .and_then(|d| d.pred_opt())
        .map(|d| d.max(start))
        .unwrap_or(start);
    Period {
        start,
        end: Some(end),
    }
}

/// 在岗 (in work) on `day`, as 一户一工人 counts a worker: a placement of `months` from `start`
/// holds from its start day up to, not including, the same day `months` later — `start ≤ day`
/// and `start + months > day`. A placement of zero months is no day's work (the period of
/// `placement_period` keeps its start day, so that the year it touches counts for §6).
pub fn in_work_on(start: Date, months: u32, day: Date) -> bool {
    start <= day
        && start
            .checked_add_months(chrono::Months::new(months))
            .is_none_or(|end| end > day)
}

/// What is recorded about one household's industry and jobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participation {
    /// Periods during which an industry party organisation brought the household along.
    pub brought_along: Vec<Period>,
    /// Days the household joined one-village-one-product projects.
    pub joined_projects: Vec<Date>,
    /// Years with the household's own industry recorded.
    pub own_industry_years: Vec<i32>,
    /// Labour-training courses a member attended (a course counts in each year it runs).
    pub courses: Vec<Period>,
    /// Members' placements.
    pub placements: Vec<Period>,
}

/// Which of the ways of taking part hold for a household in a year: the page says why a
/// household counts, not only whether.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndustryLinks {
    pub brought_along: bool,
    pub joined_project: bool,
    pub own_industry: bool,
    pub course: bool,
    pub placement: bool,
}

/// The codes of the ways of taking part, in `IndustryLinks::ways` order: the roll-ups keep the
/// households of each way under its code, so a province's page reads five numbers.
pub const WAYS: [&str; 5] = [
    "brought_along",
    "joined_project",
    "own_industry",
    "course",
    "placement",
];

impl IndustryLinks {
    /// Whether each way holds, in `WAYS` order.
    pub fn ways(&self) -> [bool; 5] {
        [
            self.brought_along,
            self.joined_project,
            self.own_industry,
            self.course,
            self.placement,
        ]
    }

    /// rules.md §6 `in_industry`: any of them.
    pub fn any(&self) -> bool {
        self.brought_along
            || self.joined_project
            || self.own_industry
            || self.course
            || self.placement
    }
}

/// One recorded way of taking part, as the records give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    BroughtAlong(Period),
    JoinedProject(Date),
    OwnIndustry(i32),
    Course(Period),
    Placement(Period),
}

impl IndustryLinks {
    /// Adds what `part` says about `year` (the records of a household can be noted one at a
    /// time, without keeping them).
    pub fn note(&mut self, part: Part, year: i32) {
        use chrono::Datelike;
        match part {
            Part::BroughtAlong(s) => self.brought_along |= s.touches_year(year),
            Part::JoinedProject(d) => self.joined_project |= d.year() <= year,
            Part::OwnIndustry(y) => self.own_industry |= y == year,
            Part::Course(s) => self.course |= s.touches_year(year),
            Part::Placement(s) => self.placement |= s.touches_year(year),
        }
    }
}

/// The ways `p` takes part in `year`.
pub fn links_in(p: &Participation, year: i32) -> IndustryLinks {
    let parts = (p.brought_along.iter().map(|s| Part::BroughtAlong(*s)))
        .chain(p.joined_projects.iter().map(|d| Part::JoinedProject(*d)))
        .chain(p.own_industry_years.iter().map(|y| Part::OwnIndustry(*y)))
        .chain(p.courses.iter().map(|s| Part::Course(*s)))
        .chain(p.placements.iter().map(|s| Part::Placement(*s)));
    let mut links = IndustryLinks::default();
    for part in parts {
        links.note(part, year);
    }
    links
}

/// rules.md §6 `in_industry` for `year`.
pub fn in_industry(p: &Participation, year: i32) -> bool {
    links_in(p, year).any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        crate::values::parse_date(s).unwrap()
    }

    #[test]
    fn in_work_on_a_day_is_from_the_start_until_the_months_are_up() {
        let dec31 = d("2016-12-31");
        assert!(in_work_on(d("2016-07-01"), 6, dec31));
        // Six months from June 30 end on Dec 30: not in work on Dec 31.
        assert!(!in_work_on(d("2016-06-30"), 6, dec31));
        assert!(in_work_on(d("2016-12-31"), 1, dec31));
        assert!(!in_work_on(d("2016-12-31"), 0, dec31));
        assert!(!in_work_on(d("2017-01-01"), 12, dec31));
        assert!(in_work_on(d("2010-01-01"), 600, dec31));
    }

    #[test]
    fn a_placement_counts_in_every_year_it_runs() {
        let p = Participation {
            placements: vec![placement_period(d("2015-11-01"), 3)],
            ..Default::default()
        };
        assert_eq!(
            placement_period(d("2015-11-01"), 3).end,
            Some(d("2016-01-31"))
        );
        assert!(in_industry(&p, 2015));
        assert!(in_industry(&p, 2016));
        assert!(!in_industry(&p, 2017));
        assert!(!in_industry(&p, 2014));
        // Zero months: the start day only.
        assert_eq!(
            placement_period(d("2016-12-31"), 0).end,
            Some(d("2016-12-31"))
        );
    }

    #[test]
    fn projects_joined_count_from_the_year_joined_courses_in_the_years_they_run() {
        let p = Participation {
            joined_projects: vec![d("2016-12-31")],
            courses: vec![Period {
                start: d("2015-12-28"),
                end: Some(d("2016-01-03")),
            }],
            ..Default::default()
        };
        assert!(in_industry(&p, 2016) && in_industry(&p, 2017));
        assert!(in_industry(&p, 2015), "the course that began in 2015");
        assert!(links_in(&p, 2016).course, "and ran into 2016");
        assert!(!links_in(&p, 2017).course);
        assert!(!in_industry(&p, 2014));
        assert!(
            !in_industry(&Participation::default(), 2016),
            "nothing recorded"
        );
        let own = Participation {
            own_industry_years: vec![2016],
            brought_along: vec![Period {
                start: d("2014-01-01"),
                end: Some(d("2014-12-31")),
            }],
            ..Default::default()
        };
        assert!(in_industry(&own, 2016) && in_industry(&own, 2014));
        assert!(!in_industry(&own, 2015));
    }
}
