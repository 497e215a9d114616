//! Monitoring through the year (rules.md §5 as the 2021 mechanism, 中农组发〔2021〕7号, runs it):
//! a household at risk becomes a monitoring case (监测对象) the day the risk is known — from its
//! own declaration (农户自主申报), a cadre's round (干部排查) or a department warning (部门预警) —
//! not only at the year's end. Each case is in one of the three categories, gets measures
//! (帮扶措施), and ends when the risk is removed (风险消除) with the date and the reason. The
//! entry and closing rules live here, whichever path records a case (page, API, `--apply`).

use crate::money::Fen;
use crate::registry::HouseholdStatus;
use crate::registry::RegionCode;
use crate::rules::{RuleBook, YearRules};
use chrono::NaiveDate;

crate::labelled_enum! {
    /// The three categories of the 2021 mechanism.
    pub enum Category {
        Unstable = ("unstable", "脱贫不稳定户"),
        Edge = ("edge", "边缘易致贫户"),
        Sudden = ("sudden", "突发严重困难户"),
    }
}

crate::labelled_enum! {
    /// How the risk became known.
    pub enum CaseSource {
        Declaration = ("declaration", "农户自主申报"),
        Round = ("round", "干部排查"),
        Warning = ("warning", "部门预警"),
    }
}

crate::labelled_enum! {
    /// Why the case meets the entry criteria.
    pub enum EntryReason {
        LowIncome = ("low_income", "人均纯收入低于监测标准"),
        SuddenExpense = ("sudden_expense", "突发刚性支出较大"),
        Warning = ("warning", "部门预警"),
    }
}

crate::labelled_enum! {
    /// The kinds of help a case gets (帮扶措施).
    pub enum MeasureKind {
        Industry = ("industry", "产业帮扶"),
        Employment = ("employment", "就业帮扶"),
        Health = ("health", "健康帮扶"),
        Education = ("education", "教育帮扶"),
        Assistance = ("assistance", "综合保障（低保、特困）"),
        Relief = ("relief", "临时救助"),
        Other = ("other", "其他"),
    }
}

/// The monitoring line of a place and year, per person and year: `percent` % of the poverty line
/// (rule settings `monitoring_line_percent` and `poverty_line`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitoringLine {
    pub line: Fen,
    pub percent: i64,
    /// The year whose poverty line it is (the latest up to the case's year with one).
    pub line_year: i32,
}

impl MonitoringLine {
    /// The line of `year`, or of the latest year before it that has one: after 2020 the
    /// mechanism keeps measuring against the last poverty line until a county sets its own
    /// (`xplus rules set poverty_line`).
    pub fn of(book: &RuleBook, place: Option<RegionCode>, year: i32) -> Option<MonitoringLine> {
        let percent = book
            .for_place(place, year)
            .set
            .monitoring_line_percent
            .value;
        (2014..=year.min(2100)).rev().find_map(|y| {
            let rules: YearRules = book.for_place(place, y);
            rules.poverty_line.map(|l| MonitoringLine {
                line: l.value,
                percent,
                line_year: y,
            })
        })
    }

    /// Per person and year, in fen, rounded down (what the pages show).
    pub fn per_person(&self) -> Fen {
        Fen(self.line.0 * self.percent / 100)
    }

    /// net < percent % × line × members, exactly (no rounding).
    pub fn is_below(&self, net: Fen, members: i64) -> bool {
        100 * i128::from(net.0) < i128::from(self.percent) * self.needed(members)
    }

    fn needed(&self, members: i64) -> i128 {
        i128::from(self.line.0) * i128::from(members)
    }
}

/// What a declaration or a round tells of a household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFacts {
    /// Its status in the registry; None when it is not a registered poor household (or was
    /// removed from the registry).
    pub registered: Option<HouseholdStatus>,
    pub members: i64,
    /// The household's net income over the last twelve months.
    pub net_income: Option<Fen>,
    /// Rigid spending over the last twelve months (illness, disaster, accident, schooling).
    pub rigid_expense: Fen,
    /// A department warning is open for a member.
    pub warning: bool,
}

/// The category a case enters in, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub category: Category,
    pub reasons: Vec<EntryReason>,
}

/// The entry criteria: an exited (or monitored) household at risk is 脱贫不稳定户; a household
/// outside the registry whose sudden rigid expense (at least `sudden_min`) leaves it below the
/// line is 突发严重困难户, one whose income is below the line 边缘易致贫户. A poor or returned
/// household is helped as such, not monitored. Err says why the household does not qualify.
pub fn entry(
    f: &EntryFacts,
    line: Option<MonitoringLine>,
    sudden_min: Fen,
) -> Result<Entry, String> {
    // A household removed from the registry (清退) is an ordinary household again.
    let registered = f.registered.filter(|s| *s != HouseholdStatus::Removed);
    if let Some(s @ (HouseholdStatus::Poor | HouseholdStatus::Returned)) = registered {
        return Err(format!(
            "该户为{}，按建档立卡贫困户帮扶，无需纳入监测 / a {s} household is helped as a poor household, not monitored",
            s.label_zh()
        ));
    }
    if !(1..=99).contains(&f.members) {
        return Err(format!(
            "家庭人口 {} 无效（1–99） / {} is not a number of members (1–99)",
            f.members, f.members
        ));
    }
    if let Some(e) = sum_problem(f.net_income, f.rigid_expense) {
        return Err(e);
    }
    if f.net_income.is_none() && !f.warning {
        return Err(
            "请填写近12个月家庭纯收入 / give the household's net income over the last 12 months"
                .into(),
        );
    }
    let mut reasons = Vec::new();
    if f.warning {
        reasons.push(EntryReason::Warning);
    }
    let needs_line = f.net_income.is_some() || f.rigid_expense >= sudden_min;
    let line = match (line, needs_line) {
        (Some(l), _) => Some(l),
        (None, true) => return Err(
            "未设置扶贫标准，无法计算监测标准，请管理员设置 poverty_line / no poverty line is set, so there is no monitoring line".into(),
        ),
        (None, false) => None,
    };
    if let (Some(net), Some(l)) = (f.net_income, line) {
        if l.is_below(net, f.members) {
            reasons.push(EntryReason::LowIncome);
        }
        let after = Fen(net.0 - f.rigid_expense.0);
        if f.rigid_expense >= sudden_min && l.is_below(after, f.members) {
            reasons.push(EntryReason::SuddenExpense);
        }
    }
    let category = match registered {
        Some(_) if !reasons.is_empty() => Category::Unstable,
        None if reasons.contains(&EntryReason::SuddenExpense) => Category::Sudden,
        None if reasons.contains(&EntryReason::LowIncome) => Category::Edge,
        _ => {
            let per = line.map(|l| l.per_person().to_string()).unwrap_or_default();
            return Err(format!(
                "不符合纳入监测条件：人均纯收入不低于监测标准 {per} 元，且无使收入低于监测标准、不少于 {sudden_min} 元的突发刚性支出 / does not qualify: income is not below the monitoring line of {per} yuan per person and no sudden expense of at least {sudden_min} yuan takes it below"
            ));
        }
    };
    Ok(Entry { category, reasons })
}

/// The largest sum a declaration may state: a billion yuan, far above any household's, and far
/// enough below `i64::MAX` fen that income less spending cannot overflow.
pub const MAX_SUM: Fen = Fen(100_000_000_000);

/// Why the stated income and spending cannot be sums of a household (negative spending, or
/// beyond `MAX_SUM` either way).
fn sum_problem(net: Option<Fen>, expense: Fen) -> Option<String> {
    let too_big = |f: Fen| f.0.unsigned_abs() > MAX_SUM.0.unsigned_abs();
    if expense.0 < 0 || too_big(expense) || net.is_some_and(too_big) {
        return Some(format!(
            "金额无效：刚性支出不能为负，金额绝对值不超过 {MAX_SUM} 元 / the sums must be within {MAX_SUM} yuan, spending not negative"
        ));
    }
    None
}

/// Why a case cannot be opened on `on`: a day after today has not happened.
pub fn opened_on_problem(on: NaiveDate, today: NaiveDate) -> Option<String> {
    (on > today).then(|| format!("日期 {on} 晚于今天 / the day {on} is after today"))
}

/// A measure someone records for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeasureFacts<'a> {
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub on: NaiveDate,
    pub today: NaiveDate,
    pub detail: &'a str,
    pub responsible: &'a str,
}

/// Why the measure cannot be recorded; empty when it can.
pub fn measure_problems(f: &MeasureFacts<'_>) -> Vec<String> {
    let mut problems = Vec::new();
    if f.closed_on.is_some() {
        problems.push("该监测对象已风险消除，不能再添加措施 / the case is closed".into());
    }
    problems.extend(day_problems(f.on, f.opened_on, f.today));
    if let Err(e) = kept(f.detail, "措施内容 / the measure") {
        problems.push(e);
    }
    if f.responsible.trim().is_empty() {
        problems.push("请填写责任人 / name who carries the measure out".into());
    } else if let Err(e) = crate::text::field(crate::text::TextKind::Name, f.responsible) {
        problems.push(e);
    }
    problems
}

/// The closing of a case (风险消除) someone records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseFacts<'a> {
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub on: NaiveDate,
    pub today: NaiveDate,
    /// Measures recorded for the case on or before `on`.
    pub measures: usize,
    pub members: i64,
    /// The household's net income over the twelve months before `on`.
    pub net_income: Fen,
    pub reason: &'a str,
}

/// Why the risk cannot be removed; empty when it can (rules.md §5: help was given and the
/// income is at least the monitoring line).
pub fn close_problems(f: &CloseFacts<'_>, line: Option<MonitoringLine>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(c) = f.closed_on {
        problems.push(format!(
            "该监测对象已于 {c} 风险消除 / the case was closed on {c}"
        ));
    }
    problems.extend(day_problems(f.on, f.opened_on, f.today));
    if f.measures == 0 {
        problems.push(
            "尚未落实帮扶措施，不能消除风险 / no measure has been recorded for the case".into(),
        );
    }
    if !(1..=99).contains(&f.members) {
        problems.push(format!(
            "家庭人口 {} 无效（1–99） / {} is not a number of members",
            f.members, f.members
        ));
    }
    if let Some(e) = sum_problem(Some(f.net_income), Fen(0)) {
        problems.push(e);
        return problems;
    }
    match line {
        Some(l) if l.is_below(f.net_income, f.members) => problems.push(format!(
            "人均纯收入低于监测标准 {} 元，不能消除风险 / the income is below the monitoring line of {} yuan per person",
            l.per_person(),
            l.per_person()
        )),
        Some(_) => {}
        None => problems.push(
            "未设置扶贫标准，无法计算监测标准 / no poverty line is set, so there is no monitoring line".into(),
        ),
    }
    if let Err(e) = kept(f.reason, "风险消除原因 / the reason") {
        problems.push(e);
    }
    problems
}

fn day_problems(on: NaiveDate, opened_on: NaiveDate, today: NaiveDate) -> Vec<String> {
    let mut problems = Vec::new();
    if on > today {
        problems.push(format!("日期 {on} 晚于今天 / the day {on} is after today"));
    }
    if on < opened_on {
        problems.push(format!(
            "日期 {on} 早于纳入监测日期 {opened_on} / the day {on} is before the case opened, {opened_on}"
        ));
    }
    problems
}

/// Free text as the bundle's text column keeps it (at most 500 characters), and not empty: a
/// reason of blanks or invisible characters says nothing.
pub fn kept(text: &str, what: &str) -> Result<String, String> {
    let t = crate::text::field(crate::text::TextKind::Free, text)?;
    if t.chars()
        .all(|c| c.is_whitespace() || crate::text::is_invisible(c))
    {
        return Err(format!("请填写{what}"));
    }
    Ok(t)
}

#[cfg(test)]
#[path = "cases_tests.rs"]
mod tests;
