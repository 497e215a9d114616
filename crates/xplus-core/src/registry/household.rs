//! Households, their status lifecycle and poverty causes.

crate::labelled_enum! {
    /// Where a household stands in the lifecycle identified → helped → exited → monitored → returned.
    pub enum HouseholdStatus {
        Poor = ("poor", "贫困"),
        Exited = ("exited", "已脱贫"),
        Monitored = ("monitored", "监测"),
        Returned = ("returned", "返贫"),
        Removed = ("removed", "清退"),
    }
}

crate::labelled_enum! {
    pub enum PovertyCause {
        Illness = ("illness", "因病"),
        Disability = ("disability", "因残"),
        Schooling = ("schooling", "因学"),
        Disaster = ("disaster", "因灾"),
        Land = ("land", "缺土地"),
        Water = ("water", "缺水"),
        Skills = ("skills", "缺技术"),
        Labour = ("labour", "缺劳力"),
        Capital = ("capital", "缺资金"),
        Transport = ("transport", "交通条件落后"),
        Motivation = ("motivation", "自身发展动力不足"),
    }
}

impl HouseholdStatus {
    /// Whether the household is still to be lifted out (and so assessed for exit, and may not be
    /// left without a helper).
    pub fn is_poor(self) -> bool {
        matches!(self, HouseholdStatus::Poor | HouseholdStatus::Returned)
    }

    /// rules.md §7: a helper may not walk away from these households.
    pub fn needs_helper(self) -> bool {
        matches!(
            self,
            HouseholdStatus::Poor | HouseholdStatus::Returned | HouseholdStatus::Monitored
        )
    }

    /// The legal moves of the lifecycle. Exit is recorded by the assessment; monitoring and
    /// return by the monitoring of rules.md §5; removal (清退) corrects a wrong identification and
    /// can be undone only by identifying the household again.
    pub fn can_become(self, next: HouseholdStatus) -> bool {
        use HouseholdStatus::*;
        matches!(
            (self, next),
            (Poor, Exited)
                | (Poor, Removed)
                | (Exited, Monitored)
                | (Exited, Returned)
                | (Monitored, Exited)
                | (Monitored, Returned)
                | (Returned, Exited)
                | (Returned, Removed)
                | (Removed, Poor)
        )
    }
}

/// The year fields of a household record that a rule can find wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearField {
    IdentifiedYear,
    ExitYear,
}

/// The rules that tie a household's years to its status: an exited or monitored household has
/// an exit year, no exit comes before the identification, and nobody is identified in the
/// future. Returns each broken rule with the field it points at and the reason (zh / en).
pub fn check_years(
    status: HouseholdStatus,
    identified_year: i64,
    exit_year: Option<i64>,
    this_year: i64,
) -> Vec<(YearField, String)> {
    let mut problems = Vec::new();
    if matches!(status, HouseholdStatus::Exited | HouseholdStatus::Monitored) && exit_year.is_none()
    {
        problems.push((
            YearField::ExitYear,
            format!(
                "状态为“{}”的户须填写脱贫年度 / a household that is {} needs its exit year",
                status.label_zh(),
                status.code()
            ),
        ));
    }
    if let Some(y) = exit_year.filter(|&y| y < identified_year) {
        problems.push((
            YearField::ExitYear,
            format!("脱贫年度 {y} 早于识别年度 {identified_year} / exit year before the identification year {identified_year}"),
        ));
    }
    if identified_year > this_year {
        problems.push((
            YearField::IdentifiedYear,
            "识别年度晚于今年 / identification year is in the future".into(),
        ));
    }
    problems
}

/// The reason a status change breaks the lifecycle, or `None` when it is allowed (staying put
/// is always allowed: editing other fields does not move the household).
pub fn status_change_problem(old: HouseholdStatus, new: HouseholdStatus) -> Option<String> {
    (old != new && !old.can_become(new)).then(|| {
        format!(
            "状态不能从“{}”直接改为“{}” / a household cannot go from {} to {} (the household lifecycle)",
            old.label_zh(),
            new.label_zh(),
            old.code(),
            new.code()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::HouseholdStatus::*;
    use super::{check_years, status_change_problem, YearField};

    #[test]
    fn years_on_the_line() {
        assert!(check_years(Poor, 2016, None, 2016).is_empty());
        assert_eq!(
            check_years(Poor, 2017, None, 2016)[0].0,
            YearField::IdentifiedYear
        );
        assert!(check_years(Exited, 2016, Some(2016), 2016).is_empty());
        assert_eq!(
            check_years(Exited, 2016, Some(2015), 2016)[0].0,
            YearField::ExitYear
        );
        assert_eq!(
            check_years(Monitored, 2016, None, 2020)[0].0,
            YearField::ExitYear
        );
        assert!(check_years(Poor, 2014, None, 2020).is_empty());
    }

    #[test]
    fn status_changes() {
        assert!(status_change_problem(Poor, Poor).is_none());
        assert!(status_change_problem(Poor, Exited).is_none());
        assert!(status_change_problem(Exited, Poor)
            .unwrap()
            .contains("exited to poor"));
    }

    #[test]
    fn lifecycle() {
        assert!(Poor.can_become(Exited));
        assert!(Exited.can_become(Monitored));
        assert!(Monitored.can_become(Returned));
        assert!(Returned.can_become(Exited));
        assert!(!Poor.can_become(Monitored));
        assert!(!Exited.can_become(Poor));
        assert!(!Poor.can_become(Poor));
        assert!(Returned.is_poor() && Poor.is_poor() && !Monitored.is_poor());
        assert!(Monitored.needs_helper() && !Exited.needs_helper());
    }
}
