//! The figures kept per village and summed up to town, county, city and province (issue 7's
//! roll-ups), so that a dashboard reads a few hundred stored numbers instead of rescanning the
//! registry. Every measure is a count or a sum of fen, so a region's figure is the sum of its
//! villages' and a village can be recomputed alone.
//!
//! A measure is kept either as recorded now (year 0) or per year; some are split into buckets
//! (a poverty cause, an income band).

crate::labelled_enum! {
    /// What a stored figure counts. The code is what the `rollups` table holds.
    pub enum Measure {
        PoorHouseholds = ("households.poor", "贫困户（贫困或返贫）"),
        PoorPersons = ("persons.poor", "贫困人口"),
        MonitoredHouseholds = ("households.monitored", "监测户"),
        ReturnedHouseholds = ("households.returned", "返贫户"),
        // Per exit year.
        ExitedHouseholds = ("households.exited", "脱贫户"),
        ExitedPersons = ("persons.exited", "脱贫人口"),
        // Per year of the assessment that recorded the return (assess --apply).
        ReturnsRecorded = ("households.returned_in", "当年返贫"),
        // Poor households by cause (bucket: the cause's code); a household counts once per cause.
        Cause = ("households.cause", "致贫原因"),
        // Registered households (not removed) by band of per-capita net income (bucket: band).
        IncomeBand = ("income.band", "人均纯收入分布"),
        PoorVillages = ("villages.poor", "贫困村"),
        // Per exit year.
        ExitedVillages = ("villages.exited", "出列村"),
        // Registered population of every village, for the incidence.
        Population = ("villages.population", "户籍人口"),
        // rules.md §6, per year: households poor or returned at the start of the year…
        ChainPoor = ("coverage.poor_at_start", "年初贫困户"),
        // …and those with each link (bucket: the link's code) and with all five.
        ChainLink = ("coverage.link", "环节覆盖"),
        ChainFull = ("coverage.full_chain", "五环全覆盖（严格）"),
        // …and those with every link that applies to them (chain::ChainLinks::full_applicable).
        ChainFullApplicable = ("coverage.full_chain_applicable", "适用环节全覆盖"),
        // rules.md §10, per year: the person-times of those households' training (the 远教
        // coverage table reads it with the two above instead of every attendance row).
        TrainingPersonTimes = ("coverage.person_times", "培训人次"),
        // rules.md §6 `in_industry` in detail, per year: of the households poor at the start
        // of the year, those taking part in each way (bucket: industry::participation::WAYS).
        IndustryWay = ("industry.way", "参与产业方式"),
        // rules.md §9, per year: villages reporting an operating income, its sum in fen, and the
        // villages under the empty-shell line or at or over the strong line of their county.
        CollectiveReported = ("collective.reported", "报告集体收入的村"),
        CollectiveIncome = ("collective.income", "集体经营性收入"),
        EmptyShell = ("collective.empty_shell", "空壳村"),
        Strong = ("collective.strong", "集体收入达标强村"),
        // Per year: dividends paid (fen) and the households paid.
        DividendsPaid = ("dividends.paid", "分红金额"),
        DividendHouseholds = ("dividends.households", "分红户数"),
        // Book of record, per year: the households identified by the year as they stood at its
        // end (registry::standing_at_end; bucket: the status's code), their persons, and the
        // causes of those poor or returned then — what a past year's dashboard shows, however
        // later years changed the statuses since.
        StandingAtEnd = ("households.at_end", "年末户数"),
        PersonsAtEnd = ("persons.at_end", "年末人数"),
        CauseAtEnd = ("households.cause_at_end", "年末致贫原因"),
        // 一户一工人, per year: of the households poor or returned at its end (the bucket
        // `poor` or `returned` above), those with a member in work on Dec 31
        // (industry::participation::in_work_on), so that the page's figures and the pages of
        // its gap list are read from here at province scale.
        WithWorker = ("industry.with_worker", "年末有一人在岗的贫困户"),
    }
}

impl Measure {
    /// Whether the figure is kept per year (otherwise year 0: as recorded now).
    pub fn by_year(self) -> bool {
        !matches!(
            self,
            Measure::PoorHouseholds
                | Measure::PoorPersons
                | Measure::MonitoredHouseholds
                | Measure::ReturnedHouseholds
                | Measure::Cause
                | Measure::PoorVillages
                | Measure::Population
        )
    }
}

/// The lower bounds, in yuan per head, of the income bands the dashboard shows (the first band
/// also takes negative incomes). They straddle the poverty lines of 2014–2020 (2,800–4,000 yuan)
/// and are a presentation choice, not a rule.
pub const INCOME_BAND_FLOORS_YUAN: [i64; 7] = [0, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000];

/// The band of a household's net income per head: the last band whose floor per head the income
/// reaches (compared as `net >= floor × members`, so no rounding of a division decides it). None
/// for a household without members, which has no income per head.
pub fn income_band(net: crate::Fen, members: u32) -> Option<usize> {
    if members == 0 {
        return None;
    }
    let members = i128::from(members);
    let band = INCOME_BAND_FLOORS_YUAN
        .iter()
        .rposition(|floor| i128::from(net.0) >= i128::from(*floor) * 100 * members)
        .unwrap_or(0);
    Some(band)
}

/// "3,000–4,000" (yuan per head) for band `i`, "10,000 以上 / and over" for the last.
pub fn income_band_label(i: usize) -> String {
    let yuan = |y: i64| {
        let s = y.to_string();
        let mut out = String::new();
        for (n, ch) in s.chars().enumerate() {
            if n > 0 && (s.len() - n).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        out
    };
    match (
        INCOME_BAND_FLOORS_YUAN.get(i),
        INCOME_BAND_FLOORS_YUAN.get(i + 1),
    ) {
        (Some(0), Some(hi)) => format!("<{}", yuan(*hi)),
        (Some(lo), Some(hi)) => format!("{}–{}", yuan(*lo), yuan(*hi)),
        (Some(lo), None) => format!("≥{}", yuan(*lo)),
        _ => String::new(),
    }
}

/// Poor persons per ten thousand of the population: the one incidence of
/// `assessment::village` (rounded half up), named here for the roll-up's readers.
pub use crate::assessment::village::incidence_bp as incidence_per_10k;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fen;
    use proptest::prelude::*;

    fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    #[test]
    fn a_band_starts_exactly_on_its_floor() {
        // Three members at exactly 3,000 yuan each: the second band; one fen less: the first.
        assert_eq!(income_band(yuan(9_000), 3), Some(1));
        assert_eq!(income_band(Fen(900_000 - 1), 3), Some(0));
        assert_eq!(income_band(yuan(30_000), 3), Some(6));
        assert_eq!(income_band(Fen(3_000_000 - 1), 3), Some(5));
    }

    #[test]
    fn negative_and_zero_incomes_fall_in_the_first_band() {
        assert_eq!(income_band(Fen(-1), 2), Some(0));
        assert_eq!(income_band(Fen(0), 2), Some(0));
    }

    #[test]
    fn an_empty_household_has_no_band() {
        assert_eq!(income_band(yuan(5_000), 0), None);
    }

    #[test]
    fn band_labels() {
        assert_eq!(income_band_label(0), "<3,000");
        assert_eq!(income_band_label(1), "3,000–4,000");
        assert_eq!(income_band_label(6), "≥10,000");
        assert_eq!(income_band_label(7), "");
    }

    #[test]
    fn incidence_rounds_half_up_per_ten_thousand() {
        // 2% exactly.
        assert_eq!(incidence_per_10k(20, 1_000), Some(200));
        // 1 in 20,000 is half of one per ten thousand: rounds up.
        assert_eq!(incidence_per_10k(1, 20_000), Some(1));
        assert_eq!(incidence_per_10k(1, 20_001), Some(0));
        assert_eq!(incidence_per_10k(5, 0), None);
    }

    #[test]
    fn by_year_measures() {
        assert!(!Measure::PoorHouseholds.by_year());
        assert!(Measure::ExitedHouseholds.by_year());
        assert!(Measure::ChainLink.by_year());
        assert_eq!(
            Measure::parse("households.exited"),
            Some(Measure::ExitedHouseholds)
        );
    }

    proptest! {
        /// The band's floor per head is reached and the next band's is not.
        #[test]
        fn band_brackets_the_income(net in -10_000_000i64..100_000_000, members in 1u32..12) {
            let band = income_band(Fen(net), members).unwrap();
            let m = i64::from(members);
            if band > 0 {
                prop_assert!(net >= INCOME_BAND_FLOORS_YUAN[band] * 100 * m);
            }
            if let Some(next) = INCOME_BAND_FLOORS_YUAN.get(band + 1) {
                prop_assert!(net < next * 100 * m);
            }
        }
    }
}
