//! 选派干部驻村 (issue 23): selected cadres — first secretaries and work-team members — posted to
//! villages, and whether every poor village has one. The case report: "择优选派177名机关干部全覆盖
//! 帮扶贫困村", and one of them recalled (召回).
//!
//! A recall ends the recalled cadre's postings on its decision day: the posting's last day is the
//! earlier of its end date and the first recall decided on or after its start (a recall decided
//! before a posting began does not end it). Coverage is taken on Dec 31 of the year: a poor
//! village not exited by then is covered when some posting is active on that day.

use super::pairing::Span;
use super::CadreRole;
use crate::registry::{Level, RegionCode};
use crate::values::Date;
use std::collections::{BTreeMap, BTreeSet};

/// Only selected cadres are posted to villages; the importer and the forms refuse anyone else.
pub fn role_problem(role: CadreRole) -> Option<String> {
    (!role.is_selected()).then(|| {
        format!(
            "该干部角色为“{}”，只有选派第一书记和驻村工作队员可驻村 / only selected cadres (first secretaries, work-team members) are posted to villages, not a {}",
            role.label_zh(),
            role.code()
        )
    })
}

/// A cadre with postings keeps a selected role: another role would leave postings of someone
/// who cannot be posted. The importer and the forms check a cadre's changed row against the
/// postings already stored.
pub fn role_change_problem(role: CadreRole) -> Option<String> {
    (!role.is_selected()).then(|| {
        format!(
            "该干部有驻村记录，角色不能改为“{}”（只有选派第一书记和驻村工作队员可驻村）；请先结束或删除其驻村记录 / the cadre has postings to villages, so the role cannot become {} (only selected cadres are posted); end or remove the postings first",
            role.label_zh(),
            role.code()
        )
    })
}

/// The last day a posting is active once the cadre's recalls (their decision days) are applied:
/// the earlier of its own end and the first recall decided on or after it began.
pub fn effective_end(span: Span, recalls: &[Date]) -> Option<Date> {
    let recalled = recalls.iter().copied().filter(|&d| d >= span.start).min();
    match (span.end, recalled) {
        (Some(e), Some(r)) => Some(e.min(r)),
        (e, r) => e.or(r),
    }
}

/// Whether a posting is active on `day`, its cadre's recalls applied.
pub fn posted_on(span: Span, recalls: &[Date], day: Date) -> bool {
    Span {
        start: span.start,
        end: effective_end(span, recalls),
    }
    .is_active_on(day)
}

/// A village still poor at the end of `year`: marked poor and not exited in or before it.
pub fn poor_at_end(poor_village: bool, exit_year: Option<i32>, year: i32) -> bool {
    poor_village && exit_year.is_none_or(|exited| exited > year)
}

/// The region a village is counted under on a page rooted at `root` (None: everything): the
/// county below a province or city, the town below a county, the village itself below a town.
pub fn row_of(village: RegionCode, root: Option<RegionCode>) -> RegionCode {
    let county = village.county().unwrap_or(village);
    match root.map(RegionCode::level) {
        Some(Level::County) => village.parent().unwrap_or(county),
        Some(Level::Town) | Some(Level::Village) => village,
        _ => county,
    }
}

/// One village as coverage reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillagePostings {
    pub village: RegionCode,
    /// Poor and not exited by the end of the year (`poor_at_end`).
    pub poor: bool,
    /// The selected cadres posted there on the day coverage is taken.
    pub cadres: BTreeSet<String>,
}

/// Coverage of a set of villages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    pub poor_villages: u64,
    pub covered: u64,
    /// Distinct selected cadres posted in the villages on the day.
    pub cadres: u64,
}

impl Coverage {
    pub fn uncovered(&self) -> u64 {
        self.poor_villages - self.covered
    }
}

/// Coverage in all, per row region (`row_of`), and the poor villages without anyone posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CoverageReport {
    pub total: Coverage,
    pub by_region: BTreeMap<RegionCode, Coverage>,
    pub uncovered: Vec<RegionCode>,
}

impl CoverageReport {
    pub fn of(villages: &[VillagePostings], root: Option<RegionCode>) -> CoverageReport {
        let mut cadres_of: BTreeMap<RegionCode, BTreeSet<&str>> = BTreeMap::new();
        let mut all_cadres: BTreeSet<&str> = BTreeSet::new();
        let mut report = CoverageReport::default();
        for v in villages {
            let row = row_of(v.village, root);
            let entry = report.by_region.entry(row).or_default();
            let names = cadres_of.entry(row).or_default();
            names.extend(v.cadres.iter().map(String::as_str));
            all_cadres.extend(v.cadres.iter().map(String::as_str));
            if v.poor {
                entry.poor_villages += 1;
                report.total.poor_villages += 1;
                if v.cadres.is_empty() {
                    report.uncovered.push(v.village);
                } else {
                    entry.covered += 1;
                    report.total.covered += 1;
                }
            }
        }
        for (row, names) in cadres_of {
            if let Some(c) = report.by_region.get_mut(&row) {
                c.cadres = names.len() as u64;
            }
        }
        report.total.cadres = all_cadres.len() as u64;
        report.uncovered.sort_unstable();
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn span(start: &str, end: Option<&str>) -> Span {
        Span {
            start: d(start),
            end: end.map(d),
        }
    }

    #[test]
    fn a_recall_ends_the_posting_on_its_decision_day() {
        let open = span("2015-03-01", None);
        assert_eq!(effective_end(open, &[]), None);
        assert_eq!(
            effective_end(open, &[d("2016-05-01")]),
            Some(d("2016-05-01"))
        );
        assert!(posted_on(open, &[d("2016-05-01")], d("2016-05-01")));
        assert!(!posted_on(open, &[d("2016-05-01")], d("2016-12-31")));
        // An earlier end stands; a recall before the posting began does not end it.
        let ended = span("2015-03-01", Some("2016-02-01"));
        assert_eq!(
            effective_end(ended, &[d("2016-05-01")]),
            Some(d("2016-02-01"))
        );
        let later = span("2016-06-01", None);
        assert_eq!(effective_end(later, &[d("2016-05-01")]), None);
        assert!(posted_on(later, &[d("2016-05-01")], d("2016-12-31")));
        // The first of several recalls counts.
        assert_eq!(
            effective_end(open, &[d("2016-09-01"), d("2016-04-01")]),
            Some(d("2016-04-01"))
        );
    }

    #[test]
    fn only_selected_cadres_are_posted() {
        assert!(role_problem(CadreRole::FirstSecretary).is_none());
        assert!(role_problem(CadreRole::WorkTeam).is_none());
        assert!(role_problem(CadreRole::Helper).is_some());
        assert!(role_problem(CadreRole::GraduateOfficial).is_some());
    }

    #[test]
    fn poor_until_the_exit_year_ends() {
        assert!(poor_at_end(true, None, 2016));
        assert!(poor_at_end(true, Some(2017), 2016));
        assert!(!poor_at_end(true, Some(2016), 2016));
        assert!(!poor_at_end(false, None, 2016));
    }

    #[test]
    fn coverage_by_region_counts_each_cadre_once() {
        let code = |s: &str| RegionCode::parse(s).unwrap();
        let v = |c: &str, poor: bool, cadres: &[&str]| VillagePostings {
            village: code(c),
            poor,
            cadres: cadres.iter().map(|s| s.to_string()).collect(),
        };
        let villages = [
            v("341181100201", true, &["C1", "C2"]),
            v("341181100202", true, &[]),
            v("341181101201", false, &["C2"]),
            v("341182100201", true, &["C3"]),
        ];
        let all = CoverageReport::of(&villages, None);
        assert_eq!(
            all.total,
            Coverage {
                poor_villages: 3,
                covered: 2,
                cadres: 3
            }
        );
        assert_eq!(all.uncovered, vec![code("341181100202")]);
        assert_eq!(all.by_region[&code("341181000000")].cadres, 2);
        assert_eq!(all.by_region[&code("341181000000")].uncovered(), 1);
        let county = CoverageReport::of(&villages[..3], Some(code("341181000000")));
        assert_eq!(county.by_region.len(), 2);
        assert_eq!(county.by_region[&code("341181100000")].poor_villages, 2);
        assert_eq!(
            row_of(code("341181100201"), Some(code("341181100000"))),
            code("341181100201")
        );
        assert_eq!(
            row_of(code("341181100201"), Some(code("341100000000"))),
            code("341181000000")
        );
    }
}
