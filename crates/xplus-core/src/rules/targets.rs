//! The targets of the case report as rule settings (rules.md §9, the "312" plan, 远教 and 产业
//! coverage): each is a [`Parameter`] set per region and year like every other number, so a county
//! is measured against its own target — its own setting, else its city's, its province's, one for
//! everywhere, else the default below — never against a constant of the city.
//!
//! A target also says where it came from ([`Origin`]): a page shows the target in force for the
//! region it views and the region the target was set for, so that a county inheriting its city's
//! "123" numbers can be told from one with numbers of its own.

use super::{Parameter, Setting};
use crate::registry::RegionCode;
use std::borrow::Cow;

/// Where a target in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The xplus default (the case report's number, or xplus's where it gives none).
    Default,
    /// A setting for every region.
    Everywhere,
    /// A setting for this province, city or county (the viewed region or one above it).
    Region(RegionCode),
}

impl Origin {
    /// Where a target was set, in words, for the pages (in their language) and the workbooks.
    pub fn describe(self, english: bool) -> String {
        match (self, english) {
            (Origin::Default, false) => "默认值".into(),
            (Origin::Default, true) => "default".into(),
            (Origin::Everywhere, false) => "全部地区设置".into(),
            (Origin::Everywhere, true) => "set for every region".into(),
            (Origin::Region(r), false) => format!("{r} 设置"),
            (Origin::Region(r), true) => format!("set for {r}"),
        }
    }
}

/// One target in force: its value (a count, a share in basis points or a year), its source and
/// where it was set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub value: i64,
    pub source: Cow<'static, str>,
    pub origin: Origin,
}

impl Target {
    const fn default(value: i64, source: &'static str) -> Target {
        Target {
            value,
            source: Cow::Borrowed(source),
            origin: Origin::Default,
        }
    }

    pub(super) fn of(s: &Setting) -> Target {
        Target {
            value: s.value,
            source: Cow::Owned(s.source.clone()),
            origin: s.region.map_or(Origin::Everywhere, Origin::Region),
        }
    }

    /// Whether an actual share (numerator over denominator) reaches the target share in basis
    /// points, exactly (n × 10000 ≥ target × d); nothing to count meets no target.
    pub fn share_met(&self, n: u64, d: u64) -> bool {
        d > 0 && u128::from(n) * 10_000 >= u128::from(d) * self.value.max(0) as u128
    }
}

const SOURCE_312: &str = "滁州“312”工程：力争3年内培育30名省级、100名市级和200名县级示范村党组织书记 / Chuzhou \"312\" plan, case report";
const SOURCE_123: &str = "滁州村级集体经济“123”工程：2015、2016、2017年分别减少100个以上、200个以上、300个以上空壳村 / Chuzhou \"123\" plan, case report";

/// §9 the "123" plan's default: the empty-shell villages fewer than the year before required in
/// `year` (None: the plan names no number for that year, so there is no target unless one is set).
pub fn default_empty_shell_reduction(year: i32) -> Option<Target> {
    let n = match year {
        2015 => 100,
        2016 => 200,
        2017 => 300,
        _ => return None,
    };
    Some(Target::default(n, SOURCE_123))
}

/// The targets in force for a place and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// "312": model village party secretaries to have, in the order of `SecretaryTier::ALL`
    /// (provincial, municipal, county).
    pub secretary_tiers: [Target; 3],
    /// "3年消灭空壳村": the year by whose end no village is to be empty-shell.
    pub empty_shell_zero_year: Target,
    /// The share of villages (basis points) at the strong income …
    pub strong_villages_bp: Target,
    /// … by this year.
    pub strong_villages_year: Target,
    /// Poor households in an industry project or a job in the year (basis points).
    pub industry_coverage_bp: Target,
    /// Poor households attending a 远教 session in the year (basis points).
    pub training_coverage_bp: Target,
}

impl Default for Targets {
    /// The defaults of a place with no setting. The "123" number, whose default differs by
    /// year, is beside the set like the poverty line (`YearRules::empty_shell_reduction`).
    fn default() -> Self {
        Targets {
            secretary_tiers: [
                Target::default(30, SOURCE_312),
                Target::default(100, SOURCE_312),
                Target::default(200, SOURCE_312),
            ],
            empty_shell_zero_year: Target::default(
                2017,
                "滁州村级集体经济“123”工程：3年（2015–2017）消灭空壳村 / Chuzhou \"123\" plan: no empty-shell village after three years, case report",
            ),
            strong_villages_bp: Target::default(
                5_000,
                "5年力争50%的村集体经营性收益达到10万元 / case report: 50% of villages at 100,000 yuan within five years",
            ),
            strong_villages_year: Target::default(
                2019,
                "5年（2015–2019）力争50%的村达到10万元 / case report: five years from 2015",
            ),
            industry_coverage_bp: Target::default(
                10_000,
                "xplus默认：有劳动能力的贫困户产业、就业全覆盖，请按本地文件设置 / xplus default: every poor household in industry or a job; set it from the local document",
            ),
            training_coverage_bp: Target::default(
                10_000,
                "远教：每个贫困户每年至少参加一次培训（全覆盖培训） / distance education: every poor household attends at least once a year (rules.md §10)",
            ),
        }
    }
}

impl Targets {
    /// The targets given the most specific setting of each parameter for a place and year
    /// (`pick`, the rule book's one lookup), the defaults where none applies.
    pub(super) fn resolve<'a>(pick: impl Fn(Parameter) -> Option<&'a Setting>) -> Self {
        let d = Targets::default();
        let or = |p: Parameter, default: Target| pick(p).map_or(default, Target::of);
        let [provincial, city, county] = d.secretary_tiers;
        Targets {
            secretary_tiers: [
                or(Parameter::SecretaryTierProvincial, provincial),
                or(Parameter::SecretaryTierCity, city),
                or(Parameter::SecretaryTierCounty, county),
            ],
            empty_shell_zero_year: or(Parameter::EmptyShellZeroYear, d.empty_shell_zero_year),
            strong_villages_bp: or(Parameter::StrongVillagesTargetBp, d.strong_villages_bp),
            strong_villages_year: or(Parameter::StrongVillagesTargetYear, d.strong_villages_year),
            industry_coverage_bp: or(Parameter::IndustryCoverageTargetBp, d.industry_coverage_bp),
            training_coverage_bp: or(Parameter::TrainingCoverageTargetBp, d.training_coverage_bp),
        }
    }

    /// The "312" targets as counts, in the order of `SecretaryTier::ALL`.
    pub fn secretary_counts(&self) -> [u32; 3] {
        self.secretary_tiers
            .each_ref()
            .map(|t| u32::try_from(t.value).unwrap_or(u32::MAX))
    }

    /// Every target with its parameter, value and source: what `RuleSet::listed` adds (the
    /// "123" number of a year is listed with it, `YearRules::empty_shell_reduction`).
    pub fn listed(&self) -> Vec<(Parameter, String, &str)> {
        let [p, c, k] = &self.secretary_tiers;
        [
            (Parameter::SecretaryTierProvincial, p),
            (Parameter::SecretaryTierCity, c),
            (Parameter::SecretaryTierCounty, k),
            (Parameter::EmptyShellZeroYear, &self.empty_shell_zero_year),
            (Parameter::StrongVillagesTargetBp, &self.strong_villages_bp),
            (
                Parameter::StrongVillagesTargetYear,
                &self.strong_villages_year,
            ),
            (
                Parameter::IndustryCoverageTargetBp,
                &self.industry_coverage_bp,
            ),
            (
                Parameter::TrainingCoverageTargetBp,
                &self.training_coverage_bp,
            ),
        ]
        .into_iter()
        .map(|(p, t)| (p, t.value.to_string(), &*t.source))
        .collect()
    }
}
