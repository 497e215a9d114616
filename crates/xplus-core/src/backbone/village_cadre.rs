//! 村干部与村级带头人后备力量 (issue 23): the village cadres beside the party secretary, their
//! development, the training of every poor village's secretary, and the pool of future village
//! leaders. The case report: "全覆盖培训贫困村党组织书记，组织47名贫困村干部参加大专以上学历教育"
//! and "注重从外出务工返乡人员、复员退伍军人以及乡村医生、乡村教师等优秀分子中寻找生力军".
//!
//! Every figure is taken on Dec 31 of the year: a cadre counts when in office that day; a degree
//! course counts when begun by then; a pool member counts when in the pool that day — entered by
//! then, not left before it, and not yet a secretary (the secretary's term beginning ends their
//! time in the pool); a promotion counts when the secretary's term began by then.

use super::pairing::Span;
use super::posting::row_of;
use crate::registry::RegionCode;
use crate::values::Date;
use std::collections::BTreeMap;

crate::labelled_enum! {
    /// The post a village cadre holds (the secretary's own post is in secretaries.csv).
    pub enum VillageCadrePost {
        DeputySecretary = ("deputy_secretary", "村党组织副书记"),
        CommitteeDirector = ("committee_director", "村委会主任"),
        CommitteeMember = ("committee_member", "村两委委员"),
        SupervisionDirector = ("supervision_director", "村务监督委员会主任"),
        GroupLeader = ("group_leader", "村民小组长"),
        GraduateOfficial = ("graduate_official", "大学生村官"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    /// The highest schooling completed.
    pub enum EducationLevel {
        Primary = ("primary", "小学及以下"),
        Junior = ("junior", "初中"),
        Senior = ("senior", "高中或中专"),
        College = ("college", "大专"),
        Bachelor = ("bachelor", "本科及以上"),
    }
}

crate::labelled_enum! {
    /// Where a future village leader (村级带头人后备力量) was found.
    pub enum PoolSource {
        Returnee = ("returnee", "外出务工返乡人员"),
        Veteran = ("veteran", "复员退伍军人"),
        VillageDoctor = ("village_doctor", "乡村医生"),
        VillageTeacher = ("village_teacher", "乡村教师"),
        Entrepreneur = ("entrepreneur", "致富能手"),
        Graduate = ("graduate", "高校毕业生"),
        Other = ("other", "其他"),
    }
}

crate::labelled_enum! {
    /// The kind of leader a pool member is groomed to be.
    pub enum LeaderType {
        Industry = ("industry", "产业型"),
        Venture = ("venture", "创业型"),
        Market = ("market", "市场型"),
    }
}

/// A pool member who became a village secretary must have become one in their own county: the
/// pool is kept by the county's organisation department.
pub fn promotion_problem(
    pool_village: RegionCode,
    secretary_village: RegionCode,
) -> Option<String> {
    (pool_village.county() != secretary_village.county()).then(|| {
        format!(
            "该书记所在村 {secretary_village} 不在后备人员所在村 {pool_village} 的县（市、区）内 / the secretary's village {secretary_village} is not in the county of the pool member's village {pool_village}"
        )
    })
}

/// A pool member becomes a secretary after entering the pool: a term that began before the day
/// they entered would make them a secretary who was never in the pool, counted as promoted from
/// it all the same.
pub fn promotion_date_problem(entered: Date, term_start: Date) -> Option<String> {
    (term_start < entered).then(|| {
        format!(
            "该书记任期开始于 {term_start}，早于入库日期 {entered} / the secretary's term began on {term_start}, before the day the member entered the pool ({entered})"
        )
    })
}

/// Whether a pool member is in the pool on `day`: entered by then, not left before it (the
/// day left is their last), and not yet a secretary (`promoted_on`: the day the secretary's
/// term began).
pub fn in_pool_on(span: Span, promoted_on: Option<Date>, day: Date) -> bool {
    span.is_active_on(day) && !promoted_by(promoted_on, day)
}

/// Whether a pool member had become a secretary by `day`.
pub fn promoted_by(promoted_on: Option<Date>, day: Date) -> bool {
    promoted_on.is_some_and(|p| p <= day)
}

/// One village as the figures read it, on Dec 31 of the year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VillageFacts {
    pub village: Option<RegionCode>,
    /// Poor and not exited by the end of the year (`posting::poor_at_end`).
    pub poor: bool,
    /// A secretary in office on the day had a training in the year.
    pub secretary_trained: bool,
    /// The posts of the village cadres in office on the day.
    pub posts: Vec<VillageCadrePost>,
    /// Village cadres with a degree course begun by the day, each once.
    pub degree: u64,
    /// The sources of the pool members in the pool on the day.
    pub pool: Vec<PoolSource>,
    /// Pool members who had become secretaries by the day.
    pub promoted: u64,
}

/// The figures of a set of villages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CadreFigures {
    /// Village cadres in office, per post (every post present, zero included).
    pub by_post: BTreeMap<VillageCadrePost, u64>,
    pub in_office: u64,
    pub degree: u64,
    /// Poor villages not exited by the end of the year.
    pub poor_villages: u64,
    /// Of those, villages whose secretary in office on the day had a training in the year.
    pub trained: u64,
    /// Pool members per source (every source present).
    pub by_source: BTreeMap<PoolSource, u64>,
    pub pool: u64,
    pub promoted: u64,
}

impl CadreFigures {
    fn add(&mut self, v: &VillageFacts) {
        if self.by_post.is_empty() {
            self.by_post = VillageCadrePost::ALL.iter().map(|&p| (p, 0)).collect();
            self.by_source = PoolSource::ALL.iter().map(|&s| (s, 0)).collect();
        }
        for p in &v.posts {
            *self.by_post.entry(*p).or_default() += 1;
        }
        for s in &v.pool {
            *self.by_source.entry(*s).or_default() += 1;
        }
        self.in_office += v.posts.len() as u64;
        self.pool += v.pool.len() as u64;
        self.degree += v.degree;
        self.promoted += v.promoted;
        if v.poor {
            self.poor_villages += 1;
            self.trained += u64::from(v.secretary_trained);
        }
    }

    pub fn untrained(&self) -> u64 {
        self.poor_villages - self.trained
    }
}

/// The figures in all, per row region (`posting::row_of`), and the poor villages whose
/// secretary had no training in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CadreReport {
    pub total: CadreFigures,
    pub by_region: BTreeMap<RegionCode, CadreFigures>,
    pub untrained: Vec<RegionCode>,
}

impl CadreReport {
    pub fn of(villages: &[VillageFacts], root: Option<RegionCode>) -> CadreReport {
        let mut report = CadreReport::default();
        report.total.add(&VillageFacts::default());
        for v in villages {
            let Some(code) = v.village else { continue };
            report.total.add(v);
            report
                .by_region
                .entry(row_of(code, root))
                .or_default()
                .add(v);
            if v.poor && !v.secretary_trained {
                report.untrained.push(code);
            }
        }
        report.untrained.sort_unstable();
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

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn a_promotion_ends_pool_membership_on_the_first_day_of_the_term() {
        let span = Span {
            start: d("2015-04-01"),
            end: None,
        };
        assert!(!in_pool_on(span, None, d("2014-12-31")));
        assert!(in_pool_on(span, None, d("2015-12-31")));
        let promoted = Some(d("2016-05-01"));
        assert!(in_pool_on(span, promoted, d("2016-04-30")));
        assert!(!in_pool_on(span, promoted, d("2016-12-31")));
        assert!(!promoted_by(promoted, d("2015-12-31")));
        assert!(promoted_by(promoted, d("2016-05-01")));
        let left = Span {
            start: d("2015-04-01"),
            end: Some(d("2015-12-31")),
        };
        assert!(in_pool_on(left, None, d("2015-12-31")));
        assert!(!in_pool_on(left, None, d("2016-12-31")));
    }

    #[test]
    fn a_promotion_stays_in_the_county() {
        assert!(promotion_problem(code("341181100201"), code("341181101201")).is_none());
        let other = promotion_problem(code("341181100201"), code("341182100201")).unwrap();
        assert!(other.contains("341182100201"), "{other}");
    }

    #[test]
    fn a_promotion_comes_after_entering_the_pool() {
        assert!(promotion_date_problem(d("2015-03-01"), d("2016-05-01")).is_none());
        assert!(promotion_date_problem(d("2015-03-01"), d("2015-03-01")).is_none());
        let early = promotion_date_problem(d("2015-03-01"), d("2015-02-28")).unwrap();
        assert!(
            early.contains("2015-02-28") && early.contains("2015-03-01"),
            "{early}"
        );
    }

    #[test]
    fn figures_by_region_and_the_untrained_poor_villages() {
        let v = |c: &str, poor: bool, trained: bool| VillageFacts {
            village: Some(code(c)),
            poor,
            secretary_trained: trained,
            posts: vec![
                VillageCadrePost::CommitteeDirector,
                VillageCadrePost::GroupLeader,
            ],
            degree: 1,
            pool: vec![PoolSource::Veteran],
            promoted: u64::from(poor),
        };
        let villages = [
            v("341181100201", true, true),
            v("341181100202", true, false),
            v("341181101201", false, false),
            v("341182100201", true, false),
        ];
        let all = CadreReport::of(&villages, None);
        assert_eq!(all.total.in_office, 8);
        assert_eq!(all.total.by_post[&VillageCadrePost::GroupLeader], 4);
        assert_eq!(all.total.by_post[&VillageCadrePost::Other], 0);
        assert_eq!(all.total.by_source[&PoolSource::Veteran], 4);
        assert_eq!((all.total.poor_villages, all.total.trained), (3, 1));
        assert_eq!(all.total.promoted, 3);
        assert_eq!(
            all.untrained,
            vec![code("341181100202"), code("341182100201")]
        );
        assert_eq!(all.by_region.len(), 2);
        assert_eq!(all.by_region[&code("341181000000")].untrained(), 1);
        let county = CadreReport::of(&villages[..3], Some(code("341181000000")));
        assert_eq!(county.by_region[&code("341181100000")].degree, 2);
        // Nothing at all still lists every post and source.
        let none = CadreReport::of(&[], None);
        assert_eq!(none.total.by_post.len(), VillageCadrePost::ALL.len());
    }
}
