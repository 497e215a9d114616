//! The rules configuration: every number of rules.md is a parameter with a default and the
//! source it came from. An administrator's setting, keyed by region and year, overrides it: a
//! county's its city's, a city's its province's, a setting for one year one for every year
//! ([`RuleBook`]). The default set below is what applies when nothing is set.

use crate::money::Fen;
use crate::registry::{Level, RegionCode};
use std::borrow::Cow;

pub mod targets;
pub use targets::{Origin, Target, Targets};

/// A parameter value with where it came from, so every decision can cite its threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Cow<'static, str>,
}

const fn sourced<T>(value: T, source: &'static str) -> Sourced<T> {
    Sourced {
        value,
        source: Cow::Borrowed(source),
    }
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
    /// §9: the collective operating income of a strong village.
    pub collective_strong_income: Sourced<Fen>,
    /// The "312", "123", strong-village and coverage targets (`targets.rs`).
    pub targets: Targets,
    /// §5: the monitoring line as a percentage of the poverty line (150 = 1.5 ×).
    pub monitoring_line_percent: Sourced<i64>,
    /// §3: the days an exit list is publicly noticed (公示) before the town may approve it.
    pub notice_days: Sourced<i64>,
    /// 骨干: the most days a paired household may go without a visit from its helper before the
    /// workbench lists it as overdue (once a month by default).
    pub visit_interval_days: Sourced<i64>,
    /// §12 (departments.md): a member's business registration counts from this capital.
    pub business_capital_min: Sourced<Fen>,
    /// §12: a member's self-paid medical costs of a year count from this sum (a warning for
    /// §5 monitoring).
    pub medical_self_paid_min: Sourced<Fen>,
    /// §12: the days a verification task (核查) of a cross-department finding has.
    pub verification_days: Sourced<i64>,
    /// §5 (2021 monitoring): a sudden rigid expense (illness, disaster, accident) from this sum
    /// may make a household 突发严重困难户.
    pub sudden_expense_min: Sourced<Fen>,
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet {
            helper_capacity: sourced(5, "结对帮扶规定：默认帮扶能力 / pairing rules: default helper capacity"),
            loan_value_multiple: sourced(
                8,
                "滁州“农权贷”：最高股权价值8倍 / Chuzhou equity-backed loans, case report",
            ),
            loan_max_term_months: sourced(
                60,
                "滁州“农权贷”：最长5年 / Chuzhou equity-backed loans, case report",
            ),
            village_incidence_bp: sourced(200, "厅字〔2016〕16号 贫困发生率2%以下 / central rule"),
            collective_income_min: sourced(
                Fen::from_yuan(50_000),
                "安徽实践 集体经营性收入5万元 / Anhui practice",
            ),
            collective_strong_income: sourced(
                Fen::from_yuan(100_000),
                "5年力争50%的村集体经营性收益达到10万元 / case report",
            ),
            targets: Targets::default(),
            monitoring_line_percent: sourced(
                150,
                "防返贫监测：收入低于扶贫标准1.5倍 / monitoring line: 1.5 × the poverty line",
            ),
            notice_days: sourced(
                7,
                "贫困户退出公示7天 / exit procedure: public notice, 7 days",
            ),
            visit_interval_days: sourced(
                31,
                "帮扶责任人每月至少走访结对户一次 / a helper visits each paired household at least once a month",
            ),
            business_capital_min: sourced(
                Fen::from_yuan(100_000),
                "部门数据比对：注册资本10万元以上 / cross-department checks: registered capital from 100,000 yuan",
            ),
            medical_self_paid_min: sourced(
                Fen::from_yuan(10_000),
                "部门数据比对：年度个人自付医疗费用1万元以上 / cross-department checks: self-paid medical costs from 10,000 yuan a year",
            ),
            verification_days: sourced(
                15,
                "部门比对疑点核查时限15天 / cross-department findings are verified within 15 days",
            ),
            sudden_expense_min: sourced(
                Fen::from_yuan(10_000),
                "xplus默认：突发刚性支出1万元以上，请按本地文件设置 / xplus default: a sudden rigid expense from 10,000 yuan; set it from the local document",
            ),
        }
    }
}

impl RuleSet {
    /// Every number of the set with its parameter and source, money shown in yuan: what
    /// `xplus rules list` prints.
    pub fn listed(&self) -> Vec<(Parameter, String, &str)> {
        let n = |v: i64| v.to_string();
        vec![
            (
                Parameter::MonitoringLinePercent,
                n(self.monitoring_line_percent.value),
                &*self.monitoring_line_percent.source,
            ),
            (
                Parameter::VillageIncidenceBp,
                n(self.village_incidence_bp.value),
                &*self.village_incidence_bp.source,
            ),
            (
                Parameter::CollectiveIncomeMin,
                self.collective_income_min.value.to_string(),
                &*self.collective_income_min.source,
            ),
            (
                Parameter::CollectiveStrongIncome,
                self.collective_strong_income.value.to_string(),
                &*self.collective_strong_income.source,
            ),
            (
                Parameter::HelperCapacity,
                n(i64::from(self.helper_capacity.value)),
                &*self.helper_capacity.source,
            ),
            (
                Parameter::LoanValueMultiple,
                n(self.loan_value_multiple.value),
                &*self.loan_value_multiple.source,
            ),
            (
                Parameter::LoanMaxTermMonths,
                n(self.loan_max_term_months.value),
                &*self.loan_max_term_months.source,
            ),
            (
                Parameter::NoticeDays,
                n(self.notice_days.value),
                &*self.notice_days.source,
            ),
            (
                Parameter::VisitIntervalDays,
                n(self.visit_interval_days.value),
                &*self.visit_interval_days.source,
            ),
            (
                Parameter::BusinessCapitalMin,
                self.business_capital_min.value.to_string(),
                &*self.business_capital_min.source,
            ),
            (
                Parameter::MedicalSelfPaidMin,
                self.medical_self_paid_min.value.to_string(),
                &*self.medical_self_paid_min.source,
            ),
            (
                Parameter::VerificationDays,
                n(self.verification_days.value),
                &*self.verification_days.source,
            ),
            (
                Parameter::SuddenExpenseMin,
                self.sudden_expense_min.value.to_string(),
                &*self.sudden_expense_min.source,
            ),
        ]
        .into_iter()
        .chain(self.targets.listed())
        .collect()
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

crate::labelled_enum! {
    /// The numbers an administrator may set per region and year.
    pub enum Parameter {
        PovertyLine = ("poverty_line", "扶贫标准（元/人·年）"),
        MonitoringLinePercent = ("monitoring_line_percent", "监测线（扶贫标准的百分比）"),
        VillageIncidenceBp = ("village_incidence_bp", "贫困村出列贫困发生率上限（万分之）"),
        CollectiveIncomeMin = ("collective_income_min", "村集体经营性收入下限（元）"),
        CollectiveStrongIncome = ("collective_strong_income", "集体经济强村收入（元）"),
        HelperCapacity = ("helper_capacity", "帮扶责任人最多结对户数"),
        LoanValueMultiple = ("loan_value_multiple", "农权贷最高股权价值倍数"),
        LoanMaxTermMonths = ("loan_max_term_months", "农权贷最长期限（月）"),
        NoticeDays = ("notice_days", "退出公示天数"),
        VisitIntervalDays = ("visit_interval_days", "结对户走访间隔上限（天）"),
        BusinessCapitalMin = ("business_capital_min", "部门比对：注册资本下限（元）"),
        MedicalSelfPaidMin = ("medical_self_paid_min", "部门比对：年度个人自付医疗费用下限（元）"),
        VerificationDays = ("verification_days", "部门比对疑点核查时限（天）"),
        SuddenExpenseMin = ("sudden_expense_min", "突发严重困难：刚性支出下限（元）"),
        SecretaryTierProvincial = ("secretary_tier_provincial", "“312”工程：省级示范村书记目标（名）"),
        SecretaryTierCity = ("secretary_tier_city", "“312”工程：市级示范村书记目标（名）"),
        SecretaryTierCounty = ("secretary_tier_county", "“312”工程：县级示范村书记目标（名）"),
        EmptyShellReduction = ("empty_shell_reduction", "“123”工程：当年比上年减少空壳村目标（个）"),
        EmptyShellZeroYear = ("empty_shell_zero_year", "消灭空壳村目标年度"),
        StrongVillagesTargetBp = ("strong_villages_target_bp", "集体经济强村占比目标（万分之）"),
        StrongVillagesTargetYear = ("strong_villages_target_year", "集体经济强村目标年度"),
        IndustryCoverageTargetBp = ("industry_coverage_target_bp", "贫困户产业就业覆盖目标（万分之）"),
        TrainingCoverageTargetBp = ("training_coverage_target_bp", "贫困户远教培训覆盖目标（万分之）"),
    }
}

impl Parameter {
    /// The parameters the yearly assessment reads (§3–5): what a what-if page offers to change.
    pub const ASSESSED: [Parameter; 4] = [
        Parameter::PovertyLine,
        Parameter::MonitoringLinePercent,
        Parameter::VillageIncidenceBp,
        Parameter::CollectiveIncomeMin,
    ];

    /// Money parameters are set and shown in yuan and kept in fen.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            Parameter::PovertyLine
                | Parameter::CollectiveIncomeMin
                | Parameter::CollectiveStrongIncome
                | Parameter::BusinessCapitalMin
                | Parameter::MedicalSelfPaidMin
                | Parameter::SuddenExpenseMin
        )
    }

    /// A value as a user types it (`xplus rules set`, a what-if's `NAME=VALUE`): yuan for money
    /// (kept in fen), a whole number otherwise; the reason (zh / en) when it is neither. Whether
    /// the parameter can take it is [`Setting::new`]'s check.
    pub fn parse_value(self, text: &str) -> Result<i64, String> {
        if self.is_money() {
            crate::money::Fen::parse(text)
                .map(|f| f.0)
                .map_err(|e| format!("金额“{text}”无效：{e} / bad amount '{text}': {e}"))
        } else {
            text.trim()
                .parse::<i64>()
                .map_err(|_| format!("“{text}”不是整数 / '{text}' is not a whole number"))
        }
    }

    /// A stored value as a user types it: yuan with two decimals for money, the number otherwise
    /// (what [`Parameter::parse_value`] reads back).
    pub fn show_value(self, value: i64) -> String {
        if self.is_money() {
            Fen(value).to_string()
        } else {
            value.to_string()
        }
    }

    /// The values that make sense: a line of zero would make every household "above" it.
    pub fn accepts(self, value: i64) -> bool {
        match self {
            Parameter::PovertyLine | Parameter::HelperCapacity | Parameter::LoanValueMultiple => {
                value > 0
            }
            Parameter::MonitoringLinePercent => (100..=1_000).contains(&value),
            Parameter::VillageIncidenceBp => (0..=10_000).contains(&value),
            Parameter::LoanMaxTermMonths => (1..=1_200).contains(&value),
            Parameter::NoticeDays => (1..=60).contains(&value),
            Parameter::VisitIntervalDays => (1..=366).contains(&value),
            Parameter::VerificationDays => (1..=366).contains(&value),
            Parameter::BusinessCapitalMin
            | Parameter::MedicalSelfPaidMin
            | Parameter::SuddenExpenseMin => value > 0,
            Parameter::CollectiveIncomeMin | Parameter::CollectiveStrongIncome => value >= 0,
            Parameter::SecretaryTierProvincial
            | Parameter::SecretaryTierCity
            | Parameter::SecretaryTierCounty
            | Parameter::EmptyShellReduction => (0..=1_000_000).contains(&value),
            Parameter::StrongVillagesTargetBp
            | Parameter::IndustryCoverageTargetBp
            | Parameter::TrainingCoverageTargetBp => (0..=10_000).contains(&value),
            // A target year of the programme and its sequels, not a typing slip.
            Parameter::EmptyShellZeroYear | Parameter::StrongVillagesTargetYear => {
                (2000..=2100).contains(&value)
            }
        }
    }
}

/// One administrator's setting: `value` (fen for money) applies within `region` (None:
/// everywhere) in `year` (None: every year).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub parameter: Parameter,
    pub region: Option<RegionCode>,
    pub year: Option<i32>,
    pub value: i64,
    pub source: String,
}

impl Setting {
    /// A setting, or the reason it cannot be one (zh / en): a value the parameter cannot take, a
    /// region below a county (rules are set per province, city or county, so that every village
    /// of a county is judged alike), a year outside 1949–2100, or no source. The one check of a
    /// setting: the CLI, the web and the store's `set_rule` all go through it.
    pub fn new(
        parameter: Parameter,
        region: Option<RegionCode>,
        year: Option<i32>,
        value: i64,
        source: &str,
    ) -> Result<Setting, String> {
        if !parameter.accepts(value) {
            return Err(format!(
                "{}（{parameter}）不能取值 {value} / {parameter} cannot be {value}",
                parameter.label_zh()
            ));
        }
        if let Some(r) = region.filter(|r| r.level() > Level::County) {
            return Err(format!(
                "规则只按省、市、县设置，{r} 在县以下 / rules are set per province, city or county; {r} is below a county"
            ));
        }
        if let Some(y) = year.filter(|y| !(1949..=2100).contains(y)) {
            return Err(format!("年度 {y} 无效 / invalid year {y}"));
        }
        if source.trim().is_empty() {
            return Err(
                "请写明依据（文件、文号） / give the source of the value (document and number)"
                    .into(),
            );
        }
        let source = crate::text::field(crate::text::TextKind::Free, source)?;
        Ok(Setting {
            parameter,
            region,
            year,
            value,
            source,
        })
    }
}

/// Where a what-if's settings say they came from (never stored).
pub const WHAT_IF_SOURCE: &str =
    "假设（仅本次测算，未记录） / what-if, this run only, not recorded";

/// A what-if's setting of `parameter` to a typed value (yuan for money) within `region` (None:
/// everywhere) in `year`: parsed and checked as a stored setting would be, or the reason (zh /
/// en). Only the parameters the assessment reads ([`Parameter::ASSESSED`]): another would run
/// and change nothing. The CLI's `--set` and the web's what-if page both go through it.
pub fn what_if_setting(
    parameter: Parameter,
    typed: &str,
    region: Option<RegionCode>,
    year: i32,
) -> Result<Setting, String> {
    if !Parameter::ASSESSED.contains(&parameter) {
        let names: Vec<&str> = Parameter::ASSESSED.iter().map(|p| p.code()).collect();
        return Err(format!(
            "{}（{parameter}）不影响年度评估，可测算的参数：{} / {parameter} does not change the assessment; a what-if takes {}",
            parameter.label_zh(),
            names.join("、"),
            names.join(", ")
        ));
    }
    let value = parameter.parse_value(typed)?;
    Setting::new(parameter, region, Some(year), value, WHAT_IF_SOURCE)
}

/// The rules of one place and year: the poverty line (None outside the programme's years when
/// nothing is set) and every other number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearRules {
    pub year: i32,
    pub poverty_line: Option<Sourced<Fen>>,
    /// §9 the "123" plan: the empty-shell villages fewer than the year before required in the
    /// year (None: neither the plan nor a setting names one).
    pub empty_shell_reduction: Option<Target>,
    pub set: RuleSet,
}

/// The settings in force, resolved for a place and year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleBook {
    settings: Vec<Setting>,
    /// A what-if's settings, never stored: where one applies it wins over every stored setting,
    /// however specific, so that "what if the line were 3,500" means 3,500 in every county it
    /// covers.
    overrides: Vec<Setting>,
}

impl RuleBook {
    pub fn new(settings: Vec<Setting>) -> RuleBook {
        RuleBook {
            settings,
            overrides: Vec::new(),
        }
    }

    /// The same book with a what-if's settings above the stored ones (see `overrides`).
    pub fn with_overrides(&self, overrides: Vec<Setting>) -> RuleBook {
        RuleBook {
            settings: self.settings.clone(),
            overrides,
        }
    }

    pub fn settings(&self) -> &[Setting] {
        &self.settings
    }

    /// The latest year up to `up_to` with a poverty line — a default or a setting anywhere (a
    /// setting for every year counts for `up_to`): the year the assessment pages show when none
    /// is asked for.
    pub fn latest_line_year(&self, up_to: i32) -> Option<i32> {
        let defaults = (2014..=up_to.min(2100)).filter(|y| default_poverty_line(*y).is_some());
        let set = self
            .settings
            .iter()
            .filter(|s| s.parameter == Parameter::PovertyLine)
            .map(|s| s.year.unwrap_or(up_to));
        defaults.chain(set).filter(|y| *y <= up_to).max()
    }

    /// The rules of `year` for a place (a county or anything inside it; None: no regional
    /// setting applies). Only province, city and county settings are kept, so one lookup per
    /// county serves every village in it.
    pub fn for_place(&self, place: Option<RegionCode>, year: i32) -> YearRules {
        let mut set = RuleSet::default();
        let pick = |p: Parameter| self.setting(p, place, year);
        let money = |s: &Setting| Sourced {
            value: Fen(s.value),
            source: Cow::Owned(s.source.clone()),
        };
        let count = |s: &Setting| Sourced {
            value: s.value,
            source: Cow::Owned(s.source.clone()),
        };
        if let Some(s) = pick(Parameter::MonitoringLinePercent) {
            set.monitoring_line_percent = count(s);
        }
        if let Some(s) = pick(Parameter::VillageIncidenceBp) {
            set.village_incidence_bp = count(s);
        }
        if let Some(s) = pick(Parameter::CollectiveIncomeMin) {
            set.collective_income_min = money(s);
        }
        if let Some(s) = pick(Parameter::CollectiveStrongIncome) {
            set.collective_strong_income = money(s);
        }
        if let Some(s) = pick(Parameter::HelperCapacity) {
            set.helper_capacity = Sourced {
                value: u32::try_from(s.value).unwrap_or(u32::MAX),
                source: Cow::Owned(s.source.clone()),
            };
        }
        if let Some(s) = pick(Parameter::LoanValueMultiple) {
            set.loan_value_multiple = count(s);
        }
        if let Some(s) = pick(Parameter::LoanMaxTermMonths) {
            set.loan_max_term_months = count(s);
        }
        if let Some(s) = pick(Parameter::NoticeDays) {
            set.notice_days = count(s);
        }
        if let Some(s) = pick(Parameter::VisitIntervalDays) {
            set.visit_interval_days = count(s);
        }
        if let Some(s) = pick(Parameter::BusinessCapitalMin) {
            set.business_capital_min = money(s);
        }
        if let Some(s) = pick(Parameter::MedicalSelfPaidMin) {
            set.medical_self_paid_min = money(s);
        }
        if let Some(s) = pick(Parameter::VerificationDays) {
            set.verification_days = count(s);
        }
        if let Some(s) = pick(Parameter::SuddenExpenseMin) {
            set.sudden_expense_min = money(s);
        }
        set.targets = Targets::resolve(pick);
        let poverty_line = match pick(Parameter::PovertyLine) {
            Some(s) => Some(money(s)),
            None => default_poverty_line(year),
        };
        let empty_shell_reduction = pick(Parameter::EmptyShellReduction)
            .map(Target::of)
            .or_else(|| targets::default_empty_shell_reduction(year));
        YearRules {
            year,
            poverty_line,
            empty_shell_reduction,
            set,
        }
    }

    /// The most specific setting of `parameter` for the place and year: a what-if's first, then
    /// the stored ones; among either the nearest region first (county, city, province,
    /// everywhere), and within it one for the year before one for every year.
    fn setting(
        &self,
        parameter: Parameter,
        place: Option<RegionCode>,
        year: i32,
    ) -> Option<&Setting> {
        nearest(&self.overrides, parameter, place, year)
            .or_else(|| nearest(&self.settings, parameter, place, year))
    }
}

fn nearest(
    settings: &[Setting],
    parameter: Parameter,
    place: Option<RegionCode>,
    year: i32,
) -> Option<&Setting> {
    settings
        .iter()
        .filter(|s| s.parameter == parameter && s.year.is_none_or(|y| y == year))
        .filter(|s| match (s.region, place) {
            (None, _) => true,
            (Some(r), Some(p)) => p.is_within(r),
            (Some(_), None) => false,
        })
        .max_by_key(|s| (s.region.map_or(0, |r| depth(r.level())), s.year.is_some()))
}

fn depth(level: Level) -> u8 {
    match level {
        Level::Province => 1,
        Level::City => 2,
        Level::County => 3,
        Level::Town => 4,
        Level::Village => 5,
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
