//! 基层党组织建设 (issue 23): the case report's "大力整顿软弱涣散基层党组织，推进标准化建设".
//! Two registers: the weak village party organisations (软弱涣散村党组织) of a year with their
//! rectification (整顿转化), and the standardisation checks (标准化建设) of a village's party
//! organisation against the standard's checklist.
//!
//! The rules, used alike by the importer, the /records forms and the figures:
//! - a village is listed at most once a year (the file's key), and listed again only when its
//!   earlier listing was judged rectified by the end of the later year (`relisting_problem`);
//! - the planned date and the day judged rectified are not before the year of listing (a
//!   listing names only its year, so the bound is Jan 1 of it), and the day judged rectified
//!   is not after today (it records what happened);
//! - a check of year Y is dated within Y: a check made after the year is the next year's;
//! - a village meets the standard in Y when every item of the checklist has a check of Y, the
//!   latest dated on or before Dec 31 of Y, that is met.

use super::posting::row_of;
use crate::registry::membership::year_end;
use crate::registry::RegionCode;
use crate::values::Date;
use chrono::Datelike;
use std::collections::BTreeMap;

crate::labelled_enum! {
    /// Why a village's party organisation was listed as weak and lax (the usual headings of a
    /// county's 软弱涣散 list).
    pub enum WeakReason {
        SecretaryVacant = ("secretary_vacant", "书记长期缺职"),
        UnfitSecretary = ("unfit_secretary", "书记不胜任"),
        Disunited = ("disunited", "班子不团结"),
        IrregularLife = ("irregular_life", "组织生活不正常"),
        WeakEconomy = ("weak_economy", "集体经济薄弱"),
        Disputes = ("disputes", "矛盾纠纷突出"),
        Interference = ("interference", "宗族宗教黑恶势力干扰"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    /// The items of the village party organisation's standard (标准化建设), each checked once a
    /// year.
    pub enum StandardItem {
        Setting = ("setting", "组织设置"),
        Leadership = ("leadership", "班子建设"),
        Members = ("members", "党员队伍"),
        Venue = ("venue", "阵地建设"),
        Life = ("life", "组织生活"),
        Systems = ("systems", "制度机制"),
        Support = ("support", "工作保障"),
    }
}

impl StandardItem {
    /// The English name people read beside the Chinese label.
    pub fn en(self) -> &'static str {
        match self {
            StandardItem::Setting => "Organisation set-up",
            StandardItem::Leadership => "Leading group",
            StandardItem::Members => "Party members",
            StandardItem::Venue => "Premises",
            StandardItem::Life => "Organisational life",
            StandardItem::Systems => "Rules and mechanisms",
            StandardItem::Support => "Working support",
        }
    }
}

/// The planned date of a rectification may not fall before the year the village was listed.
pub fn planned_problem(year: i32, planned: Date) -> Option<String> {
    (planned.year() < year).then(|| {
        format!(
            "计划完成日期早于列入年度 {year} / the planned date is before the year listed ({year})"
        )
    })
}

/// The day a weak organisation was judged rectified: not before the year it was listed, and
/// not after `today` (it records what happened).
pub fn rectified_problem(year: i32, rectified: Date, today: Date) -> Option<String> {
    if rectified.year() < year {
        return Some(format!(
            "整顿转化日期早于列入年度 {year} / judged rectified before the year listed ({year})"
        ));
    }
    (rectified > today)
        .then(|| format!("整顿转化日期晚于今天 {today} / judged rectified after today ({today})"))
}

/// A village listed again in `later` while its listing of `earlier` is still open: that listing
/// must have been judged rectified by Dec 31 of `later`, or the year's figures would count one
/// organisation as two weak ones, both open.
pub fn relisting_problem(earlier: i32, rectified: Option<Date>, later: i32) -> Option<String> {
    let end = year_end(later);
    let open = rectified.is_none_or(|d| d > end);
    (earlier < later && open).then(|| {
        format!(
            "该村 {earlier} 年列入的软弱涣散党组织到 {later} 年底仍未整顿转化，不能再次列入 / the village's listing of {earlier} is not judged rectified by the end of {later}, so it cannot be listed again"
        )
    })
}

/// A standardisation check of year `year` is dated within that year.
pub fn checked_problem(year: i32, checked: Date) -> Option<String> {
    (checked.year() != year).then(|| {
        format!("检查日期不在检查年度 {year} 内 / the check is not dated within its year ({year})")
    })
}

/// One listing of a weak organisation as the figures read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakListing {
    pub village: RegionCode,
    pub year: i32,
    pub leader: String,
    pub rectified: Option<Date>,
}

impl WeakListing {
    /// Judged rectified by Dec 31 of `year` (a later day does not count then).
    pub fn rectified_by(&self, year: i32) -> bool {
        self.rectified.is_some_and(|d| d <= year_end(year))
    }
}

/// One check of the checklist as the figures read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    pub item: StandardItem,
    pub met: bool,
    pub checked_on: Date,
}

/// Whether a village meets the standard in `year`, from its checks of that year: each item's
/// latest check dated on or before Dec 31 is met, and no item is left unchecked.
pub fn meets_standard(checks: &[Check], year: i32) -> bool {
    let end = year_end(year);
    StandardItem::ALL.iter().all(|&item| {
        checks
            .iter()
            .filter(|c| c.item == item && c.checked_on <= end)
            .max_by_key(|c| c.checked_on)
            .is_some_and(|c| c.met)
    })
}

/// One village as the figures of a year read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageParty {
    pub village: RegionCode,
    /// Poor and not exited by the end of the year (`posting::poor_at_end`).
    pub poor: bool,
    /// Its listings of the year or before.
    pub weak: Vec<WeakListing>,
    /// Its checks of the year.
    pub checks: Vec<Check>,
}

/// The figures of a set of villages for a year, as of its Dec 31.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartyFigures {
    /// Weak organisations listed in the year or before.
    pub weak: u64,
    /// Of those, judged rectified by Dec 31.
    pub rectified: u64,
    /// Villages with a check of the year dated by Dec 31.
    pub checked: u64,
    /// Of those, meeting the standard.
    pub meeting: u64,
    pub poor_checked: u64,
    pub poor_meeting: u64,
}

impl PartyFigures {
    /// Weak organisations still open on Dec 31.
    pub fn open(&self) -> u64 {
        self.weak - self.rectified
    }

    /// The share of the villages checked that meet the standard, in basis points (None when
    /// none was checked).
    pub fn meeting_bp(&self) -> Option<i64> {
        (self.checked > 0).then(|| (self.meeting * 10_000 / self.checked) as i64)
    }
}

/// A weak organisation still open at the end of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenListing {
    pub village: RegionCode,
    pub year: i32,
    pub leader: String,
}

/// The figures in all, per row region (`posting::row_of`), and the open listings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyReport {
    pub total: PartyFigures,
    pub by_region: BTreeMap<RegionCode, PartyFigures>,
    pub open: Vec<OpenListing>,
}

impl PartyReport {
    pub fn of(villages: &[VillageParty], year: i32, root: Option<RegionCode>) -> PartyReport {
        let mut report = PartyReport::default();
        let end = year_end(year);
        for v in villages {
            let mut f = PartyFigures::default();
            for l in v.weak.iter().filter(|l| l.year <= year) {
                f.weak += 1;
                if l.rectified_by(year) {
                    f.rectified += 1;
                } else {
                    report.open.push(OpenListing {
                        village: l.village,
                        year: l.year,
                        leader: l.leader.clone(),
                    });
                }
            }
            if v.checks.iter().any(|c| c.checked_on <= end) {
                let meets = meets_standard(&v.checks, year);
                f.checked = 1;
                f.meeting = u64::from(meets);
                f.poor_checked = u64::from(v.poor);
                f.poor_meeting = u64::from(v.poor && meets);
            }
            add(
                report.by_region.entry(row_of(v.village, root)).or_default(),
                f,
            );
            add(&mut report.total, f);
        }
        report.open.sort_by_key(|o| (o.village, o.year));
        report
    }
}

fn add(to: &mut PartyFigures, f: PartyFigures) {
    to.weak += f.weak;
    to.rectified += f.rectified;
    to.checked += f.checked;
    to.meeting += f.meeting;
    to.poor_checked += f.poor_checked;
    to.poor_meeting += f.poor_meeting;
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

    fn all_met(on: &str) -> Vec<Check> {
        (StandardItem::ALL.iter())
            .map(|&item| Check {
                item,
                met: true,
                checked_on: d(on),
            })
            .collect()
    }

    #[test]
    fn a_village_is_listed_again_only_once_its_listing_is_rectified() {
        assert!(relisting_problem(2015, Some(d("2015-11-01")), 2016).is_none());
        // Rectified early in the later year, then found weak again in it.
        assert!(relisting_problem(2015, Some(d("2016-12-31")), 2016).is_none());
        let open = relisting_problem(2015, None, 2016).unwrap();
        assert!(open.contains("2015") && open.contains("2016"), "{open}");
        assert!(relisting_problem(2015, Some(d("2017-01-01")), 2016).is_some());
        // Only a later year is a listing again (the same year is the file's key).
        assert!(relisting_problem(2016, None, 2016).is_none());
    }

    #[test]
    fn dates_keep_to_the_year_listed_and_checked() {
        assert!(planned_problem(2015, d("2015-01-01")).is_none());
        assert!(planned_problem(2015, d("2014-12-31")).is_some());
        let today = d("2016-06-01");
        assert!(rectified_problem(2015, d("2015-08-01"), today).is_none());
        let early = rectified_problem(2015, d("2014-12-31"), today).unwrap();
        assert!(
            early.contains("早于") && early.contains("before"),
            "{early}"
        );
        assert!(rectified_problem(2015, d("2016-06-02"), today).is_some());
        assert!(checked_problem(2016, d("2016-12-31")).is_none());
        assert!(checked_problem(2016, d("2017-01-01")).is_some());
        assert!(checked_problem(2016, d("2015-12-31")).is_some());
    }

    #[test]
    fn the_standard_needs_every_item_met_by_its_latest_check() {
        let mut checks = all_met("2016-05-01");
        assert!(meets_standard(&checks, 2016));
        // An item unchecked, or its latest check unmet, fails it.
        let last = checks.pop().unwrap();
        assert!(!meets_standard(&checks, 2016));
        checks.push(Check { met: false, ..last });
        assert!(!meets_standard(&checks, 2016));
        checks.push(Check {
            checked_on: d("2016-10-01"),
            ..last
        });
        assert!(meets_standard(&checks, 2016));
        // A check dated after Dec 31 does not count for the year.
        checks.push(Check {
            met: false,
            checked_on: d("2017-01-05"),
            ..last
        });
        assert!(meets_standard(&checks, 2016));
        assert_eq!(StandardItem::parse("阵地建设"), Some(StandardItem::Venue));
        assert_eq!(WeakReason::parse("班子不团结"), Some(WeakReason::Disunited));
    }

    #[test]
    fn figures_per_region_as_of_dec_31() {
        let listing = |v: &str, year: i32, rectified: Option<&str>| WeakListing {
            village: code(v),
            year,
            leader: "张书记".into(),
            rectified: rectified.map(d),
        };
        let mut half = all_met("2016-05-01");
        half[0].met = false;
        let villages = [
            VillageParty {
                village: code("341181100201"),
                poor: true,
                weak: vec![listing("341181100201", 2015, Some("2016-03-01"))],
                checks: all_met("2016-05-01"),
            },
            VillageParty {
                village: code("341181100202"),
                poor: false,
                weak: vec![listing("341181100202", 2016, Some("2017-02-01"))],
                checks: half,
            },
            VillageParty {
                village: code("341182100201"),
                poor: true,
                weak: vec![],
                checks: vec![],
            },
        ];
        let r = PartyReport::of(&villages, 2016, None);
        assert_eq!(
            r.total,
            PartyFigures {
                weak: 2,
                rectified: 1,
                checked: 2,
                meeting: 1,
                poor_checked: 1,
                poor_meeting: 1,
            }
        );
        assert_eq!(r.total.open(), 1);
        assert_eq!(r.total.meeting_bp(), Some(5_000));
        assert_eq!(r.open.len(), 1);
        assert_eq!(r.open[0].village, code("341181100202"));
        assert_eq!(r.by_region[&code("341181000000")].weak, 2);
        assert_eq!(r.by_region[&code("341182000000")].checked, 0);
        assert_eq!(r.by_region[&code("341182000000")].meeting_bp(), None);
        // At the end of 2015 only the first was listed, and still open.
        let r = PartyReport::of(&villages, 2015, Some(code("341181000000")));
        assert_eq!((r.total.weak, r.total.rectified), (1, 0));
        assert!(r.by_region.contains_key(&code("341181100000")));
    }
}
