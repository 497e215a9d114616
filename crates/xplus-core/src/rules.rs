//! The rules configuration: every number of rules.md is a parameter with a default and the
//! source it came from. A county may override its city, a city its province; the keyed lookup
//! comes with the assessment. The default set below is what applies when nothing is overridden.

use crate::money::Fen;

/// A parameter value with where it came from, so every decision can cite its threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: &'static str,
}

const fn sourced<T>(value: T, source: &'static str) -> Sourced<T> {
    Sourced { value, source }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    /// §7: the most households one helper cadre may be paired with at once.
    pub helper_capacity: Sourced<u32>,
    /// §8: a pledge loan may be at most this many times the pledged shares' value.
    pub loan_value_multiple: Sourced<i64>,
    /// §8: the longest pledge-loan term in months.
    pub loan_max_term_months: Sourced<i64>,
    /// §4: the highest village poverty incidence that still allows exit, in basis points (2% = 200).
    pub village_incidence_bp: Sourced<i64>,
    /// §4 and §9: collective operating income a village needs (exit) and below which it is empty-shell.
    pub collective_income_min: Sourced<Fen>,
    /// The "312" model village party secretaries to have within three years: provincial,
    /// municipal, county (in the order of `SecretaryTier::ALL`).
    pub secretary_tier_targets: Sourced<[u32; 3]>,
    /// §9 the "123" plan: at least this many fewer empty-shell villages than the year before.
    pub empty_shell_reduction: Sourced<[(i32, u32); 3]>,
    /// §9: the collective operating income of a strong village.
    pub collective_strong_income: Sourced<Fen>,
    /// §9: by this year, this share of villages (basis points) at the strong income.
    pub strong_villages_target: Sourced<(i32, u32)>,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet {
            helper_capacity: sourced(5, "rules.md §7 默认帮扶能力 / default helper capacity"),
            loan_value_multiple: sourced(
                8,
                "滁州“农权贷”：最高股权价值8倍 / Chuzhou 农权贷, case report",
            ),
            loan_max_term_months: sourced(
                60,
                "滁州“农权贷”：最长5年 / Chuzhou 农权贷, case report",
            ),
            village_incidence_bp: sourced(200, "厅字〔2016〕16号 贫困发生率2%以下 / central rule"),
            collective_income_min: sourced(
                Fen::from_yuan(50_000),
                "安徽实践 集体经营性收入5万元 / Anhui practice",
            ),
            secretary_tier_targets: sourced(
                [30, 100, 200],
                "滁州“312”工程：3年培养省级30名、市级100名、县级200名示范村书记 / Chuzhou \"312\" plan, case report",
            ),
            empty_shell_reduction: sourced(
                [(2015, 100), (2016, 200), (2017, 300)],
                "滁州村级集体经济“123”工程：2015、2016、2017年分别减少100、200、300个以上空壳村 / Chuzhou \"123\" plan, case report",
            ),
            collective_strong_income: sourced(
                Fen::from_yuan(100_000),
                "5年力争50%的村集体经营性收益达到10万元 / case report",
            ),
            strong_villages_target: sourced(
                (2019, 5_000),
                "5年（2015–2019）力争50%的村达到10万元 / case report",
            ),
        }
    }
}

/// National poverty line in yuan per person per year (rules.md §1), the commonly quoted
/// defaults; None outside the years the programme ran.
pub fn default_poverty_line(year: i32) -> Option<Sourced<Fen>> {
    let yuan = match year {
        2014 => 2800,
        2015 => 2855,
        2016 | 2017 => 2952,
        2018 => 2995,
        2019 => 3218,
        2020 => 4000,
        _ => return None,
    };
    Some(sourced(
        Fen::from_yuan(yuan),
        "国家扶贫标准（2010年不变价2300元）现价 / national line at current prices",
    ))
}
