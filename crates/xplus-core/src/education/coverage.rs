//! rules.md §10 (and §6 `trained_in_year`): every poor household attends at least one training
//! session a year. Coverage is counted per village and rolled up to towns and counties; the gap
//! list names each household not reached, the stations that serve its village, and the next
//! session they hold.

use crate::registry::{HouseholdStatus, Level, RegionCode};
use crate::values::Date;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Whether a household was `poor` or `returned` at the start of `year`, from what the registry
/// keeps: still poor (or fallen back) today, or exited in `year` or later. A household
/// identified after `year` and a removed one (a wrong identification) were never poor then.
pub fn poor_at_start_of(
    status: HouseholdStatus,
    identified_year: i32,
    exit_year: Option<i32>,
    year: i32,
) -> bool {
    if identified_year > year {
        return false;
    }
    match status {
        HouseholdStatus::Poor | HouseholdStatus::Returned => true,
        HouseholdStatus::Exited | HouseholdStatus::Monitored => {
            exit_year.is_some_and(|e| e >= year)
        }
        HouseholdStatus::Removed => false,
    }
}

/// One household's training in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdTraining {
    pub household_id: String,
    pub village: RegionCode,
    /// Sessions dated in the year that the household attended.
    pub sessions: u32,
    /// Person-times (人次): per session, the members named, or one when none is named.
    pub person_times: u32,
}

/// Sessions and person-times (人次) per household, from attendance rows and named attendees: a
/// session counts the members named at it, or one when the household attended and nobody is
/// named; a named attendee also makes the household's attendance.
#[derive(Debug, Clone, Default)]
pub struct TrainingTally {
    /// Per household: (session, members named).
    by_household: HashMap<String, Vec<(String, u32)>>,
}

impl TrainingTally {
    // Takes the ids by value: a city's year is some 200,000 rows, read once.
    fn slot(&mut self, household: String, session: String) -> &mut u32 {
        let sessions = self.by_household.entry(household).or_default();
        // A household attends a few sessions a year: a scan beats a map here.
        let i = match sessions.iter().position(|(s, _)| *s == session) {
            Some(i) => i,
            None => {
                sessions.push((session, 0));
                sessions.len() - 1
            }
        };
        &mut sessions[i].1
    }

    pub fn attended(&mut self, household: String, session: String) {
        self.slot(household, session);
    }

    pub fn named(&mut self, household: String, session: String) {
        *self.slot(household, session) += 1;
    }

    /// (sessions attended, person-times) of a household.
    pub fn of(&self, household: &str) -> (u32, u32) {
        self.by_household
            .get(household)
            .map(|s| {
                let times = s.iter().map(|(_, named)| (*named).max(1)).sum();
                (s.len() as u32, times)
            })
            .unwrap_or((0, 0))
    }
}

/// Counts for one region.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Households poor at the start of the year.
    pub poor: u64,
    /// Of those, households that attended at least one session in the year.
    pub trained: u64,
    pub person_times: u64,
}

impl Coverage {
    pub fn gaps(&self) -> u64 {
        self.poor - self.trained
    }

    /// Share trained in basis points, rounded down (100% = 10,000); None with no poor household.
    pub fn rate_bp(&self) -> Option<u64> {
        (self.poor > 0).then(|| self.trained * 10_000 / self.poor)
    }

    fn add(&mut self, h: &HouseholdTraining) {
        self.poor += 1;
        self.trained += u64::from(h.sessions > 0);
        self.person_times += u64::from(h.person_times);
    }
}

/// Coverage of the poor households given (each poor at the start of the year), per village,
/// town and county, and in all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageReport {
    pub total: Coverage,
    pub by_region: BTreeMap<RegionCode, Coverage>,
}

impl CoverageReport {
    pub fn of<'a>(households: impl IntoIterator<Item = &'a HouseholdTraining>) -> CoverageReport {
        let mut report = CoverageReport::default();
        for h in households {
            report.total.add(h);
            let mut region = Some(h.village);
            while let Some(r) = region {
                if r.level() < Level::County {
                    break;
                }
                report.by_region.entry(r).or_default().add(h);
                region = r.parent();
            }
        }
        report
    }

    /// The regions of one level, in code order.
    pub fn level(&self, level: Level) -> impl Iterator<Item = (RegionCode, Coverage)> + '_ {
        self.by_region
            .iter()
            .filter(move |(r, _)| r.level() == level)
            .map(|(r, c)| (*r, *c))
    }
}

/// Which stations serve which villages (rules.md §10): each station its own village and the
/// villages of its coverage list; a central learning household its scattered village.
#[derive(Debug, Clone, Default)]
pub struct Serving {
    by_village: BTreeMap<RegionCode, BTreeSet<String>>,
    /// Sessions of each station by date.
    sessions: BTreeMap<String, BTreeSet<(Date, String)>>,
}

/// The next session of the stations serving a village.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextSession {
    pub session_id: String,
    pub station_id: String,
    pub date: Date,
}

impl Serving {
    pub fn serves(&mut self, station: &str, village: RegionCode) {
        self.by_village
            .entry(village)
            .or_default()
            .insert(station.to_string());
    }

    pub fn session(&mut self, station: &str, session: &str, date: Date) {
        self.sessions
            .entry(station.to_string())
            .or_default()
            .insert((date, session.to_string()));
    }

    pub fn stations_of(&self, village: RegionCode) -> Vec<&str> {
        self.by_village
            .get(&village)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The earliest session on or after `from` among the stations serving `village`; ties go
    /// to the smaller station and session id.
    pub fn next_session(&self, village: RegionCode, from: Date) -> Option<NextSession> {
        self.stations_of(village)
            .into_iter()
            .filter_map(|station| {
                let (date, id) = self
                    .sessions
                    .get(station)?
                    .range((from, String::new())..)
                    .next()?;
                Some((*date, station, id))
            })
            .min()
            .map(|(date, station, id)| NextSession {
                session_id: id.clone(),
                station_id: station.to_string(),
                date,
            })
    }
}

/// One line of the gap list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    pub household_id: String,
    pub village: RegionCode,
    pub stations: Vec<String>,
    pub next: Option<NextSession>,
}

/// The poor households not trained in the year, in village and household order, with who
/// should reach them and when.
pub fn gap_list(households: &[HouseholdTraining], serving: &Serving, from: Date) -> Vec<Gap> {
    let mut next_by_village: BTreeMap<RegionCode, Option<NextSession>> = BTreeMap::new();
    let mut gaps: Vec<Gap> = households
        .iter()
        .filter(|h| h.sessions == 0)
        .map(|h| Gap {
            household_id: h.household_id.clone(),
            village: h.village,
            stations: serving
                .stations_of(h.village)
                .into_iter()
                .map(str::to_string)
                .collect(),
            next: next_by_village
                .entry(h.village)
                .or_insert_with(|| serving.next_session(h.village, from))
                .clone(),
        })
        .collect();
    gaps.sort_by(|a, b| (a.village, &a.household_id).cmp(&(b.village, &b.household_id)));
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::parse_date;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn h(id: &str, village: &str, sessions: u32, person_times: u32) -> HouseholdTraining {
        HouseholdTraining {
            household_id: id.into(),
            village: code(village),
            sessions,
            person_times,
        }
    }

    #[test]
    fn poor_at_the_start_of_the_year() {
        use HouseholdStatus::*;
        assert!(poor_at_start_of(Poor, 2014, None, 2016));
        assert!(poor_at_start_of(Returned, 2014, None, 2016));
        // Exited during the year: poor on Jan 1; exited the year before: not.
        assert!(poor_at_start_of(Exited, 2014, Some(2016), 2016));
        assert!(!poor_at_start_of(Exited, 2014, Some(2015), 2016));
        assert!(poor_at_start_of(Monitored, 2014, Some(2016), 2016));
        assert!(!poor_at_start_of(Removed, 2014, None, 2016));
        // Identified in the year counts; identified after it does not.
        assert!(poor_at_start_of(Poor, 2016, None, 2016));
        assert!(!poor_at_start_of(Poor, 2017, None, 2016));
    }

    #[test]
    fn person_times_count_named_members_or_one() {
        let mut t = TrainingTally::default();
        let id = |s: &str| s.to_string();
        t.attended(id("A"), id("S1"));
        t.attended(id("A"), id("S2"));
        for _ in 0..3 {
            t.named(id("A"), id("S2"));
        }
        // Named without an attendance row: attended all the same.
        t.named(id("B"), id("S1"));
        assert_eq!(t.of("A"), (2, 4));
        assert_eq!(t.of("B"), (1, 1));
        assert_eq!(t.of("C"), (0, 0));
    }

    #[test]
    fn rolls_up_villages_to_towns_and_counties() {
        let hs = [
            h("A", "341181100201", 1, 2),
            h("B", "341181100201", 0, 0),
            h("C", "341181100202", 3, 3),
            h("D", "341182100201", 0, 0),
        ];
        let r = CoverageReport::of(&hs);
        assert_eq!(
            r.total,
            Coverage {
                poor: 4,
                trained: 2,
                person_times: 5
            }
        );
        assert_eq!(r.by_region[&code("341181100201")].trained, 1);
        assert_eq!(r.by_region[&code("341181100000")].poor, 3);
        assert_eq!(r.by_region[&code("341181000000")].gaps(), 1);
        assert_eq!(r.by_region[&code("341182000000")].rate_bp(), Some(0));
        assert!(!r.by_region.contains_key(&code("341100000000")));
        assert_eq!(r.level(Level::Town).count(), 2);
        assert_eq!(CoverageReport::of(&[]).total.rate_bp(), None);
        // One of three: 33.33%, rounded down.
        let third = Coverage {
            poor: 3,
            trained: 1,
            person_times: 1,
        };
        assert_eq!(third.rate_bp(), Some(3333));
    }

    #[test]
    fn gaps_name_the_stations_and_their_next_session() {
        let mut s = Serving::default();
        s.serves("ZD1", code("341181100201"));
        s.serves("ZD2", code("341181100201"));
        s.serves("ZD2", code("341181100202"));
        let d = |x: &str| parse_date(x).unwrap();
        s.session("ZD1", "S1", d("2016-03-01"));
        s.session("ZD1", "S2", d("2016-12-10"));
        s.session("ZD2", "S3", d("2016-12-05"));
        s.session("ZD2", "S4", d("2016-12-05"));
        let hs = [
            h("B", "341181100201", 0, 0),
            h("A", "341181100201", 0, 0),
            h("C", "341181100201", 1, 1),
            h("E", "341181100203", 0, 0),
        ];
        let gaps = gap_list(&hs, &s, d("2016-12-01"));
        assert_eq!(gaps.len(), 3);
        assert_eq!(gaps[0].household_id, "A");
        assert_eq!(gaps[0].stations, vec!["ZD1", "ZD2"]);
        // The earliest on or after the day; same day: the smaller session id.
        let next = gaps[0].next.clone().unwrap();
        assert_eq!(
            (next.session_id.as_str(), next.station_id.as_str()),
            ("S3", "ZD2")
        );
        // A session on the day itself is still to come.
        assert_eq!(
            s.next_session(code("341181100201"), d("2016-03-01"))
                .unwrap()
                .session_id,
            "S1"
        );
        assert_eq!(s.next_session(code("341181100201"), d("2016-12-11")), None);
        // A village nobody serves: no station, no session.
        assert!(gaps[2].stations.is_empty() && gaps[2].next.is_none());
    }
}
