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

#[cfg(test)]
mod tests {
    use super::HouseholdStatus::*;

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
