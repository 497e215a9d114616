//! rules.md §6 full-chain coverage (全链条) of a household poor or returned at the start of Y:
//! 想 trained in the year, 能 a cadre paired with it and a unit paired with its village on Dec 31,
//! 稳 shares held on Dec 31, 不返 in an industry or a job in the year — full chain when all five
//! hold; each missing link is a gap to close.
//!
//! Two links depend on the village, not the household: units are paired with poor villages
//! (单位包村), and shares come from a village's collective project. A poor household in a village
//! that is not poor, or whose village has no project yet, can never have them, so the case
//! report's chain — complete when every link *that applies to the household* is in place — is
//! counted beside the strict one (docs/assessment.md): a link that neither holds nor applies is
//! 不适用, with its reason, and is not a gap anyone can close.

crate::labelled_enum! {
    /// The five links, with the codes of `report`'s `coverage` and the gap lists.
    pub enum Link {
        Trained = ("trained_in_year", "想：年内参加培训"),
        PairedCadre = ("paired_cadre", "能：结对帮扶干部"),
        PairedUnit = ("paired_unit_village", "能：单位包村"),
        HoldingShares = ("holding_shares", "稳：持有集体股权"),
        InIndustry = ("in_industry", "不返：参与产业或就业"),
    }
}

crate::labelled_enum! {
    /// Why a link does not apply to a household (不适用).
    pub enum NotApplicable {
        NotPoorVillage = ("village_not_poor", "所在村不是贫困村，不安排单位包村"),
        NoProject = ("no_collective_project", "所在村年底前没有配股的集体经济项目"),
    }
}

/// Which links hold for one household in the year, and what its village offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainLinks {
    pub trained: bool,
    pub paired_cadre: bool,
    pub paired_unit: bool,
    pub holding_shares: bool,
    pub in_industry: bool,
    /// The household's village is a poor village (贫困村): units are paired with those.
    pub village_poor: bool,
    /// The village has a collective project that granted shares by Dec 31 of the year.
    pub village_project: bool,
}

impl ChainLinks {
    pub fn holds(&self, link: Link) -> bool {
        match link {
            Link::Trained => self.trained,
            Link::PairedCadre => self.paired_cadre,
            Link::PairedUnit => self.paired_unit,
            Link::HoldingShares => self.holding_shares,
            Link::InIndustry => self.in_industry,
        }
    }

    /// Why `link` is 不适用 for the household: None when it holds (a link in place always
    /// counts) or applies.
    pub fn not_applicable(&self, link: Link) -> Option<NotApplicable> {
        if self.holds(link) {
            return None;
        }
        match link {
            Link::PairedUnit if !self.village_poor => Some(NotApplicable::NotPoorVillage),
            Link::HoldingShares if !self.village_project => Some(NotApplicable::NoProject),
            _ => None,
        }
    }

    /// `full_chain` (strict): all five.
    pub fn full(&self) -> bool {
        Link::ALL.iter().all(|l| self.holds(*l))
    }

    /// The case report's chain: every link that applies to the household holds.
    pub fn full_applicable(&self) -> bool {
        self.gaps().is_empty()
    }

    /// The links missing, in the order of rules.md §6 (the strict chain's gaps).
    pub fn missing(&self) -> Vec<Link> {
        Link::ALL
            .iter()
            .copied()
            .filter(|l| !self.holds(*l))
            .collect()
    }

    /// The links missing that do not apply, with why (不适用), in the order of rules.md §6.
    pub fn not_applicable_links(&self) -> Vec<(Link, NotApplicable)> {
        Link::ALL
            .iter()
            .filter_map(|l| self.not_applicable(*l).map(|why| (*l, why)))
            .collect()
    }

    /// The links missing that apply: what can actually be done for the household.
    pub fn gaps(&self) -> Vec<Link> {
        Link::ALL
            .iter()
            .copied()
            .filter(|l| !self.holds(*l) && self.not_applicable(*l).is_none())
            .collect()
    }
}

/// "Holds more than zero shares": a holding of zero (everything reclaimed) is no holding.
pub fn holds_shares(shares_on_dec31: i64) -> bool {
    shares_on_dec31 > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_only_with_all_five_and_gaps_in_order() {
        let all = ChainLinks {
            trained: true,
            paired_cadre: true,
            paired_unit: true,
            holding_shares: true,
            in_industry: true,
            ..ChainLinks::default()
        };
        assert!(all.full());
        assert!(all.missing().is_empty());
        let no_shares = ChainLinks {
            holding_shares: false,
            ..all
        };
        assert!(!no_shares.full());
        assert_eq!(no_shares.missing(), [Link::HoldingShares]);
        assert_eq!(ChainLinks::default().missing(), Link::ALL);
    }

    #[test]
    fn a_link_the_village_cannot_offer_is_not_a_gap() {
        // A poor household in a village that is neither poor nor has a project: trained,
        // paired, in work — the strict chain is broken, the applicable one complete.
        let elsewhere = ChainLinks {
            trained: true,
            paired_cadre: true,
            in_industry: true,
            ..ChainLinks::default()
        };
        assert!(!elsewhere.full());
        assert!(elsewhere.full_applicable());
        assert_eq!(elsewhere.missing(), [Link::PairedUnit, Link::HoldingShares]);
        assert!(elsewhere.gaps().is_empty());
        assert_eq!(
            elsewhere.not_applicable(Link::PairedUnit),
            Some(NotApplicable::NotPoorVillage)
        );
        assert_eq!(
            elsewhere.not_applicable(Link::HoldingShares),
            Some(NotApplicable::NoProject)
        );
        // In a poor village with a project both apply again and are gaps.
        let poor_village = ChainLinks {
            village_poor: true,
            village_project: true,
            ..elsewhere
        };
        assert!(!poor_village.full_applicable());
        assert_eq!(poor_village.gaps(), [Link::PairedUnit, Link::HoldingShares]);
        // A link in place counts wherever the household lives (shares of a neighbour's project).
        let holding = ChainLinks {
            holding_shares: true,
            paired_unit: true,
            ..elsewhere
        };
        assert_eq!(holding.not_applicable(Link::HoldingShares), None);
        assert!(holding.full() && holding.full_applicable());
        // Training, a cadre and industry apply to every poor household.
        let idle = ChainLinks::default();
        assert_eq!(
            idle.gaps(),
            [Link::Trained, Link::PairedCadre, Link::InIndustry]
        );
    }

    #[test]
    fn a_holding_of_zero_is_no_holding() {
        assert!(!holds_shares(0));
        assert!(holds_shares(1));
        assert!(!holds_shares(-1));
    }
}
