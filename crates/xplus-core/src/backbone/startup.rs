//! 大学生村官创业带动贫困户 (issue 23): which poor households a graduate official's start-up
//! brings along (startup_households.csv). The case report: "安排1600多万元支持大学生村官创业，
//! 建立创业示范基地54个，带动近300名贫困户致富".
//!
//! A link names the start-up and the household, the day the household joined and, when it
//! left, the day it did. The household must be a registered poor household (建档立卡) of the
//! start-up's county, poor in the year it joined; it cannot join before the start-up began.
//! A year's figure counts each household linked by Dec 31 to a start-up begun by then, once;
//! a link that ended still counts: the household was brought along.

use super::posting::row_of;
use crate::education::coverage::poor_at_start_of;
use crate::money::Fen;
use crate::registry::{HouseholdStatus, RegionCode};
use crate::values::Date;
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet};

/// The household must live in the county of the start-up's village: a start-up brings along
/// the poor of its own county (its officials see both), not of another.
pub fn county_problem(
    household_village: RegionCode,
    startup_village: RegionCode,
) -> Option<String> {
    let (h, s) = (household_village.county(), startup_village.county());
    (h != s).then(|| {
        format!(
            "该户（村 {household_village}）不在创业项目所在县（村 {startup_village}）/ the household (village {household_village}) is not in the county of the start-up's village ({startup_village})"
        )
    })
}

/// The household must be a registered poor household in the year it joined (core
/// `poor_at_start_of`: identified by then, not removed, not exited before that year).
pub fn poor_problem(
    status: HouseholdStatus,
    identified_year: i32,
    exit_year: Option<i32>,
    joined: Date,
) -> Option<String> {
    let year = joined.year();
    (!poor_at_start_of(status, identified_year, exit_year, year)).then(|| {
        format!(
            "该户{year}年不是建档立卡贫困户（状态“{}”，识别年度 {identified_year}）/ the household was not a registered poor household in {year} (status {}, identified {identified_year})",
            status.label_zh(),
            status.code()
        )
    })
}

/// A household cannot join a start-up before it began (a start-up without a start date is
/// not judged).
pub fn join_problem(startup_start: Option<Date>, joined: Date) -> Option<String> {
    let start = startup_start.filter(|&s| joined < s)?;
    Some(format!(
        "加入日期早于创业项目开始日期 {start} / joins before the start-up began ({start})"
    ))
}

/// Whether a start-up counts for the year ending on `day`: begun by then (one without a date
/// counts, as the case figures read it).
pub fn begun_by(start: Option<Date>, day: Date) -> bool {
    start.is_none_or(|s| s <= day)
}

/// One start-up as the page reads it: its funds, base and the households linked by the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupLine {
    pub id: String,
    pub village: RegionCode,
    pub name: String,
    pub base: Option<String>,
    pub funding: Fen,
    pub start: Option<Date>,
    pub households: BTreeSet<String>,
}

/// Start-ups of a region: how many, their funds, distinct bases and distinct households.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StartupTotals {
    pub startups: u64,
    pub funding: Fen,
    pub bases: u64,
    pub households: u64,
}

/// In all and per row region (`posting::row_of`: a county below a city, a town below a
/// county, a village below a town).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StartupReport {
    pub total: StartupTotals,
    pub by_region: BTreeMap<RegionCode, StartupTotals>,
}

impl StartupReport {
    pub fn of(lines: &[StartupLine], root: Option<RegionCode>) -> StartupReport {
        #[derive(Default)]
        struct Seen<'a> {
            t: StartupTotals,
            bases: BTreeSet<&'a str>,
            households: BTreeSet<&'a str>,
        }
        fn add<'a>(seen: &mut Seen<'a>, l: &'a StartupLine) {
            seen.t.startups += 1;
            seen.t.funding = seen.t.funding + l.funding;
            seen.bases.extend(l.base.as_deref());
            seen.households
                .extend(l.households.iter().map(String::as_str));
        }
        fn done(seen: Seen<'_>) -> StartupTotals {
            StartupTotals {
                bases: seen.bases.len() as u64,
                households: seen.households.len() as u64,
                ..seen.t
            }
        }
        let mut all = Seen::default();
        let mut rows: BTreeMap<RegionCode, Seen> = BTreeMap::new();
        for l in lines {
            add(&mut all, l);
            add(rows.entry(row_of(l.village, root)).or_default(), l);
        }
        StartupReport {
            total: done(all),
            by_region: rows.into_iter().map(|(r, s)| (r, done(s))).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn a_household_joins_a_startup_of_its_county_while_poor() {
        assert!(county_problem(code("341181100201"), code("341181101202")).is_none());
        assert!(county_problem(code("341182100201"), code("341181100201")).is_some());
        let joined = d("2016-05-01");
        assert!(poor_problem(HouseholdStatus::Poor, 2014, None, joined).is_none());
        // Exited in the year it joined: poor at its start.
        assert!(poor_problem(HouseholdStatus::Exited, 2014, Some(2016), joined).is_none());
        assert!(poor_problem(HouseholdStatus::Exited, 2014, Some(2015), joined).is_some());
        assert!(poor_problem(HouseholdStatus::Poor, 2017, None, joined).is_some());
        assert!(poor_problem(HouseholdStatus::Removed, 2014, None, joined).is_some());
        assert!(join_problem(Some(d("2016-05-02")), joined).is_some());
        assert!(join_problem(Some(d("2016-05-01")), joined).is_none());
        assert!(join_problem(None, joined).is_none());
        assert!(begun_by(None, joined) && !begun_by(Some(d("2016-05-02")), joined));
    }

    #[test]
    fn households_and_bases_are_counted_once_per_region() {
        let line = |id: &str, v: &str, base: Option<&str>, yuan: i64, hs: &[&str]| StartupLine {
            id: id.into(),
            village: code(v),
            name: id.into(),
            base: base.map(str::to_string),
            funding: Fen::from_yuan(yuan),
            start: None,
            households: hs.iter().map(|s| s.to_string()).collect(),
        };
        let lines = [
            line("A", "341181100201", Some("甲基地"), 100, &["H1", "H2"]),
            line("B", "341181100202", Some("甲基地"), 50, &["H2", "H3"]),
            line("C", "341182100201", None, 10, &[]),
        ];
        let r = StartupReport::of(&lines, None);
        let want = StartupTotals {
            startups: 3,
            funding: Fen::from_yuan(160),
            bases: 1,
            households: 3,
        };
        assert_eq!(r.total, want);
        assert_eq!(r.by_region[&code("341181000000")].households, 3);
        assert_eq!(r.by_region[&code("341182000000")].bases, 0);
        let town = StartupReport::of(&lines[..2], Some(code("341181100000")));
        assert_eq!(town.by_region.len(), 2);
        assert_eq!(town.by_region[&code("341181100201")].households, 2);
    }
}
