//! 排名 (issue 23, "a province ranking"): the regions below an official's, side by side on a
//! year's headline indicators, each ranked. Every indicator is a share of two figures the
//! roll-ups keep, rounded to the nearest basis point by the same division as a village's
//! incidence (`assessment::village::incidence_bp`), so a ranking never disagrees with the
//! dashboard it is read beside. Which way is better belongs to the indicator: a lower incidence
//! ranks first.

use crate::assessment::village::incidence_bp;

crate::labelled_enum! {
    /// What regions are ranked by.
    pub enum Indicator {
        ExitRate = ("exit_rate", "脱贫率"),
        VillagesExited = ("villages_exited", "贫困村出列率"),
        Incidence = ("incidence", "年末贫困发生率"),
        FullChain = ("full_chain", "全链条覆盖率（适用环节）"),
        Trained = ("trained", "远教培训覆盖率"),
        InIndustry = ("in_industry", "产业就业覆盖率"),
        OneWorker = ("one_worker", "一户一工人"),
    }
}

/// The kept figures of one region in a year that the indicators divide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegionCounts {
    /// Households poor or returned at the start of the year (rules.md §6).
    pub poor_at_start: i64,
    /// Households that exited in the year.
    pub exited: i64,
    /// Poor villages at the start of the year (not exited before it), and those exited in it.
    pub poor_villages_at_start: i64,
    pub villages_exited: i64,
    /// Persons of the households poor or returned at the end of the year, and the registered
    /// population the incidence divides by.
    pub poor_persons_at_end: i64,
    pub population: i64,
    /// Of the households poor at the start: with every link that applies, trained in the
    /// year, taking part in industry or jobs.
    pub full_applicable: i64,
    pub trained: i64,
    pub in_industry: i64,
    /// Households poor or returned on Dec 31, and those with a member in work that day.
    pub poor_at_end: i64,
    pub with_worker: i64,
}

impl Indicator {
    /// The numerator and denominator of the indicator for `c`.
    pub fn parts(self, c: &RegionCounts) -> (i64, i64) {
        match self {
            Indicator::ExitRate => (c.exited, c.poor_at_start),
            Indicator::VillagesExited => (c.villages_exited, c.poor_villages_at_start),
            Indicator::Incidence => (c.poor_persons_at_end, c.population),
            Indicator::FullChain => (c.full_applicable, c.poor_at_start),
            Indicator::Trained => (c.trained, c.poor_at_start),
            Indicator::InIndustry => (c.in_industry, c.poor_at_start),
            Indicator::OneWorker => (c.with_worker, c.poor_at_end),
        }
    }

    /// The share in basis points, rounded to the nearest; None when nothing is divided (a
    /// region without poor villages has no village exit rate, and is not ranked on it).
    pub fn value_bp(self, c: &RegionCounts) -> Option<i64> {
        let (n, of) = self.parts(c);
        incidence_bp(n, of)
    }

    /// Whether a higher value ranks first: every share but the incidence.
    pub fn higher_is_better(self) -> bool {
        self != Indicator::Incidence
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Indicator::ExitRate => "Households exited",
            Indicator::VillagesExited => "Poor villages exited",
            Indicator::Incidence => "Incidence at year end",
            Indicator::FullChain => "Full chain (links that apply)",
            Indicator::Trained => "Trained (distance education)",
            Indicator::InIndustry => "In industry or jobs",
            Indicator::OneWorker => "A worker in every household",
        }
    }
}

/// Competition ranks ("1, 2, 2, 4") of `values` in their order, the best first by `indicator`'s
/// direction; a region without a value has no rank.
pub fn ranks(values: &[Option<i64>], indicator: Indicator) -> Vec<Option<usize>> {
    let better = |a: i64, b: i64| {
        if indicator.higher_is_better() {
            a > b
        } else {
            a < b
        }
    };
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                1 + values
                    .iter()
                    .flatten()
                    .filter(|other| better(**other, v))
                    .count()
            })
        })
        .collect()
}

/// One indicator of one region: its parts, its value and its rank among the regions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub numerator: i64,
    pub denominator: i64,
    pub value_bp: Option<i64>,
    pub rank: Option<usize>,
}

/// One region's line of a ranking: where it was in the list given, and each indicator in
/// `Indicator::ALL` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedLine {
    pub index: usize,
    pub standings: Vec<Standing>,
}

impl RankedLine {
    pub fn of(&self, indicator: Indicator) -> Option<&Standing> {
        let i = Indicator::ALL.iter().position(|x| *x == indicator)?;
        self.standings.get(i)
    }
}

/// The regions' lines ranked on every indicator, listed in the order of `by`: best first, ties
/// and regions without a value (last) in the order given.
pub fn rank_regions(counts: &[RegionCounts], by: Indicator) -> Vec<RankedLine> {
    let per_indicator: Vec<Vec<Option<usize>>> = Indicator::ALL
        .iter()
        .map(|i| {
            let values: Vec<Option<i64>> = counts.iter().map(|c| i.value_bp(c)).collect();
            ranks(&values, *i)
        })
        .collect();
    let mut lines: Vec<RankedLine> = counts
        .iter()
        .enumerate()
        .map(|(index, c)| RankedLine {
            index,
            standings: Indicator::ALL
                .iter()
                .zip(&per_indicator)
                .map(|(i, r)| {
                    let (numerator, denominator) = i.parts(c);
                    Standing {
                        numerator,
                        denominator,
                        value_bp: i.value_bp(c),
                        rank: r[index],
                    }
                })
                .collect(),
        })
        .collect();
    lines.sort_by_key(|l| {
        let rank = l.of(by).and_then(|s| s.rank);
        (rank.is_none(), rank, l.index)
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_the_nearest_basis_point() {
        let c = RegionCounts {
            exited: 1,
            poor_at_start: 3,
            ..RegionCounts::default()
        };
        assert_eq!(Indicator::ExitRate.value_bp(&c), Some(3_333));
        assert_eq!(Indicator::Trained.value_bp(&c), Some(0));
        assert_eq!(Indicator::VillagesExited.value_bp(&c), None);
    }

    #[test]
    fn ties_share_a_rank_and_the_lowest_incidence_ranks_first() {
        let values = [Some(50), None, Some(80), Some(50), Some(10)];
        assert_eq!(
            ranks(&values, Indicator::ExitRate),
            vec![Some(2), None, Some(1), Some(2), Some(4)]
        );
        assert_eq!(
            ranks(&values, Indicator::Incidence),
            vec![Some(2), None, Some(4), Some(2), Some(1)]
        );
    }

    #[test]
    fn lines_are_listed_by_the_chosen_indicator() {
        let region = |exited, poor_persons| RegionCounts {
            exited,
            poor_at_start: 100,
            poor_persons_at_end: poor_persons,
            population: 1_000,
            ..RegionCounts::default()
        };
        let counts = [region(10, 50), region(30, 90), region(20, 10)];
        let order =
            |by| -> Vec<usize> { rank_regions(&counts, by).iter().map(|l| l.index).collect() };
        assert_eq!(order(Indicator::ExitRate), vec![1, 2, 0]);
        assert_eq!(order(Indicator::Incidence), vec![2, 0, 1]);
        let first = &rank_regions(&counts, Indicator::ExitRate)[0];
        let exit = first.of(Indicator::ExitRate).unwrap();
        assert_eq!(
            (exit.numerator, exit.denominator, exit.value_bp, exit.rank),
            (30, 100, Some(3_000), Some(1))
        );
        assert_eq!(first.of(Indicator::Incidence).unwrap().rank, Some(3));
    }
}
