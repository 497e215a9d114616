//! rules.md §6 full-chain coverage (全链条) of a household poor or returned at the start of Y:
//! 想 trained in the year, 能 a cadre paired with it and a unit paired with its village on Dec 31,
//! 稳 shares held on Dec 31, 不返 in an industry or a job in the year — full chain when all five
//! hold; each missing link is a gap to close.

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

/// Which links hold for one household in the year.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainLinks {
    pub trained: bool,
    pub paired_cadre: bool,
    pub paired_unit: bool,
    pub holding_shares: bool,
    pub in_industry: bool,
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

    /// `full_chain`: all five.
    pub fn full(&self) -> bool {
        Link::ALL.iter().all(|l| self.holds(*l))
    }

    /// The links missing, in the order of rules.md §6.
    pub fn missing(&self) -> Vec<Link> {
        Link::ALL
            .iter()
            .copied()
            .filter(|l| !self.holds(*l))
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
    fn a_holding_of_zero_is_no_holding() {
        assert!(!holds_shares(0));
        assert!(holds_shares(1));
        assert!(!holds_shares(-1));
    }
}
