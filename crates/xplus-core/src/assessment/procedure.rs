//! rules.md §3 exit procedure (贫困户退出程序): the village proposes the eligible households,
//! holds its democratic review (民主评议), publishes the list (公示, 7 days by default) and
//! records objections, then the town and the county approve; only then is the exit recorded.
//! Each step is taken by a named user whose role and region allow it, in this order.

use crate::accounts::{Access, Role, Scope};
use crate::registry::{Level, RegionCode};
use chrono::NaiveDate;

crate::labelled_enum! {
    /// Where a village's batch of a year stands.
    pub enum ExitStage {
        Proposed = ("proposed", "村提名"),
        Reviewed = ("reviewed", "民主评议"),
        Notice = ("notice", "公示中"),
        TownApproved = ("town_approved", "乡镇审核"),
        Approved = ("approved", "县级审定，已退出"),
    }
}

crate::labelled_enum! {
    /// The acts of the procedure.
    pub enum ExitStep {
        Propose = ("propose", "提名"),
        Review = ("review", "民主评议"),
        Notice = ("notice", "公示"),
        Object = ("object", "记录异议"),
        Resolve = ("resolve", "处理异议"),
        TownApproval = ("town_approval", "乡镇审核"),
        CountyApproval = ("county_approval", "县级审定"),
    }
}

crate::labelled_enum! {
    /// A household of a batch and where it stands in it: proposed and not reviewed yet; agreed
    /// by the democratic review (and not withdrawn since); not agreed (stays poor); withdrawn
    /// after an objection was upheld (stays poor); exited on the county's approval; or eligible
    /// but left out of the village's proposal (stays poor this year: the village decided).
    pub enum BatchState {
        Proposed = ("proposed", "已提名"),
        NotProposed = ("not_proposed", "符合标准但未提名"),
        Agreed = ("agreed", "评议通过"),
        Disagreed = ("disagreed", "评议未通过"),
        Withdrawn = ("withdrawn", "异议成立，撤回"),
        Exited = ("exited", "已退出"),
    }
}

/// Why a step cannot be taken now, in plain words (Chinese / English).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcedureError {
    #[error("{0}")]
    NotAllowed(String),
    #[error("{0}")]
    OutOfOrder(String),
    #[error("{0}")]
    Invalid(String),
}

/// The stage a step needs (None: no batch yet) and the stage it leads to.
pub fn transition(step: ExitStep) -> (Option<ExitStage>, ExitStage) {
    use ExitStage as S;
    match step {
        ExitStep::Propose => (None, S::Proposed),
        ExitStep::Review => (Some(S::Proposed), S::Reviewed),
        ExitStep::Notice => (Some(S::Reviewed), S::Notice),
        ExitStep::Object | ExitStep::Resolve => (Some(S::Notice), S::Notice),
        ExitStep::TownApproval => (Some(S::Notice), S::TownApproved),
        ExitStep::CountyApproval => (Some(S::TownApproved), S::Approved),
    }
}

/// Checks that `step` may follow `stage`.
pub fn check_order(stage: Option<ExitStage>, step: ExitStep) -> Result<ExitStage, ProcedureError> {
    let (needed, next) = transition(step);
    if stage == needed {
        return Ok(next);
    }
    let now = stage.map_or("尚未提名 / not proposed yet", |s| s.label_zh());
    Err(ProcedureError::OutOfOrder(format!(
        "“{}”须在“{}”之后，当前为“{now}” / {} must follow {}; the batch is at {}",
        step.label_zh(),
        needed.map_or("（无）", |s| s.label_zh()),
        step.code(),
        needed.map_or("nothing", |s| s.code()),
        stage.map_or("nothing", |s| s.code()),
    )))
}

/// Who may take a step for a village: the village's own staff (its secretary, or an official
/// whose region holds it) propose, review, publish and handle objections; an official of the
/// town approves for the town, one of the county (or above) for the county; an administrator
/// may take any step. Helpers and auditors take none.
pub fn may_take(access: &Access, step: ExitStep, village: RegionCode) -> bool {
    if !access.covers_region(village) {
        return false;
    }
    let level = match access.scope() {
        Scope::Region(r) => Some(r.level()),
        _ => None,
    };
    match (access.role(), step) {
        (Role::Admin, _) => true,
        (Role::Secretary | Role::Official, ExitStep::Propose)
        | (Role::Secretary | Role::Official, ExitStep::Review)
        | (Role::Secretary | Role::Official, ExitStep::Notice)
        | (Role::Secretary | Role::Official, ExitStep::Object)
        | (Role::Secretary | Role::Official, ExitStep::Resolve) => true,
        (Role::Official, ExitStep::TownApproval) => level == Some(Level::Town),
        (Role::Official, ExitStep::CountyApproval) => {
            matches!(level, Some(Level::County | Level::City | Level::Province))
        }
        _ => false,
    }
}

/// Who may run the year's assessment from the web (to see which households meet the exit
/// criteria before the villages propose them): an official of a county or above, for the
/// counties within reach, or an administrator. Recording the whole year's outcomes
/// (`assess --apply`) stays an administrator's.
pub fn may_run_assessment(access: &Access) -> bool {
    match (access.role(), access.scope()) {
        (Role::Admin, _) => true,
        (Role::Official, Scope::Region(r)) => {
            matches!(r.level(), Level::County | Level::City | Level::Province)
        }
        _ => false,
    }
}

/// Who may record the whole year's outcomes (exits outside the procedure, returns, monitoring,
/// village exits and the equity adjustment — `assess --apply`) from the web: an administrator,
/// since the year is recorded for every county at once.
pub fn may_apply_year(access: &Access) -> bool {
    access.role() == Role::Admin
}

/// The dates a batch's steps were taken, in the procedure's order (proposal, review, start of
/// the notice, its last day, the town's approval, the county's; a step not taken is None): the
/// first that is earlier than a step before it. Steps are recorded with the day they happened,
/// so a record whose days run backwards is wrong.
pub fn first_out_of_order(dates: &[Option<NaiveDate>]) -> Option<usize> {
    let mut latest: Option<NaiveDate> = None;
    for (i, d) in dates.iter().enumerate() {
        let Some(d) = *d else { continue };
        if latest.is_some_and(|l| d < l) {
            return Some(i);
        }
        latest = Some(d);
    }
    None
}

/// The last day of a notice of `days` days that starts on `start`.
pub fn notice_last_day(start: NaiveDate, days: i64) -> NaiveDate {
    start + chrono::Duration::days(days.max(1) - 1)
}

/// The town may approve once the notice has run its days (the day after its last) and every
/// objection is resolved.
pub fn check_notice_over(
    last_day: NaiveDate,
    today: NaiveDate,
    open_objections: usize,
) -> Result<(), ProcedureError> {
    if today <= last_day {
        return Err(ProcedureError::OutOfOrder(format!(
            "公示至 {last_day} 结束，之后才能审核 / the notice runs until {last_day}; approve after it"
        )));
    }
    if open_objections > 0 {
        return Err(ProcedureError::OutOfOrder(format!(
            "还有 {open_objections} 条异议未处理 / {open_objections} objections are not resolved yet"
        )));
    }
    Ok(())
}

/// The step a batch waits for on `today`, the one the workbench lists as someone's to take: the
/// review after the proposal, the notice after the review, the town's approval once the notice
/// is over with no objection open, the county's after the town's. None while the notice runs
/// (objections are handled as they come) and once approved.
pub fn waiting_step(
    stage: ExitStage,
    notice_last_day: Option<NaiveDate>,
    today: NaiveDate,
    open_objections: usize,
) -> Option<ExitStep> {
    match stage {
        ExitStage::Proposed => Some(ExitStep::Review),
        ExitStage::Reviewed => Some(ExitStep::Notice),
        ExitStage::Notice if open_objections > 0 => Some(ExitStep::Resolve),
        ExitStage::Notice => notice_last_day
            .filter(|last| check_notice_over(*last, today, 0).is_ok())
            .map(|_| ExitStep::TownApproval),
        ExitStage::TownApproved => Some(ExitStep::CountyApproval),
        ExitStage::Approved => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_waits_for_the_next_step_once_it_may_be_taken() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let last = Some(d("2016-10-07"));
        let w = |stage, today, open| waiting_step(stage, last, d(today), open);
        assert_eq!(
            w(ExitStage::Proposed, "2016-10-01", 0),
            Some(ExitStep::Review)
        );
        assert_eq!(
            w(ExitStage::Reviewed, "2016-10-01", 0),
            Some(ExitStep::Notice)
        );
        // The last day of the notice is still in it; the day after, the town may approve.
        assert_eq!(w(ExitStage::Notice, "2016-10-07", 0), None);
        assert_eq!(
            w(ExitStage::Notice, "2016-10-08", 0),
            Some(ExitStep::TownApproval)
        );
        assert_eq!(
            w(ExitStage::Notice, "2016-10-03", 1),
            Some(ExitStep::Resolve)
        );
        assert_eq!(
            w(ExitStage::TownApproved, "2016-10-09", 0),
            Some(ExitStep::CountyApproval)
        );
        assert_eq!(w(ExitStage::Approved, "2016-10-09", 0), None);
        // A waiting step is one the order allows.
        for stage in ExitStage::ALL {
            if let Some(step) = waiting_step(*stage, last, d("2016-12-01"), 0) {
                assert!(check_order(Some(*stage), step).is_ok(), "{stage:?}");
            }
        }
    }

    #[test]
    fn step_dates_run_forwards() {
        let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        assert_eq!(
            first_out_of_order(&[d("2016-10-01"), None, d("2016-10-01")]),
            None
        );
        assert_eq!(
            first_out_of_order(&[d("2016-10-01"), d("2016-10-05"), None, d("2016-10-03")]),
            Some(3)
        );
        assert_eq!(first_out_of_order(&[]), None);
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    fn official(region: &str) -> Access {
        Access::of_account("o", Role::Official, Some(code(region)), None)
    }

    #[test]
    fn steps_follow_each_other_in_order() {
        assert_eq!(
            check_order(None, ExitStep::Propose),
            Ok(ExitStage::Proposed)
        );
        assert!(check_order(None, ExitStep::Review).is_err());
        assert!(check_order(Some(ExitStage::Proposed), ExitStep::Notice).is_err());
        assert_eq!(
            check_order(Some(ExitStage::Notice), ExitStep::Object),
            Ok(ExitStage::Notice)
        );
        assert!(check_order(Some(ExitStage::Notice), ExitStep::CountyApproval).is_err());
        assert_eq!(
            check_order(Some(ExitStage::TownApproved), ExitStep::CountyApproval),
            Ok(ExitStage::Approved)
        );
        assert!(check_order(Some(ExitStage::Approved), ExitStep::Propose).is_err());
    }

    #[test]
    fn each_level_takes_its_own_steps() {
        let village = code("341181100201");
        let secretary = Access::of_account("s", Role::Secretary, Some(village), None);
        assert!(may_take(&secretary, ExitStep::Propose, village));
        assert!(!may_take(&secretary, ExitStep::TownApproval, village));
        let town = official("341181100000");
        assert!(may_take(&town, ExitStep::TownApproval, village));
        assert!(!may_take(&town, ExitStep::CountyApproval, village));
        let county = official("341181000000");
        assert!(may_take(&county, ExitStep::CountyApproval, village));
        assert!(!may_take(&county, ExitStep::TownApproval, village));
        let other_county = official("341182000000");
        assert!(!may_take(&other_county, ExitStep::Propose, village));
        let helper = Access::of_account("h", Role::Helper, None, Some("C1"));
        assert!(!may_take(&helper, ExitStep::Propose, village));
        let auditor = Access::of_account("a", Role::Auditor, None, None);
        assert!(!may_take(&auditor, ExitStep::Review, village));
    }

    #[test]
    fn the_town_approves_the_day_after_seven_days_of_notice() {
        let start = NaiveDate::from_ymd_opt(2016, 11, 1).unwrap();
        let last = notice_last_day(start, 7);
        assert_eq!(last, NaiveDate::from_ymd_opt(2016, 11, 7).unwrap());
        assert!(check_notice_over(last, last, 0).is_err(), "on the last day");
        assert!(check_notice_over(last, last.succ_opt().unwrap(), 0).is_ok());
        assert!(check_notice_over(last, last.succ_opt().unwrap(), 1).is_err());
    }
}
