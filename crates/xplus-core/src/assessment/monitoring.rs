//! rules.md §5 monitoring and return (防返贫动态监测), for households exited or monitored at the
//! start of Y: returned (返贫) at or below the line; otherwise monitored below 1.5 × the line,
//! when rigid medical spending exceeds income, or while a department warning is open; else
//! stable — a monitored household that is stable leaves monitoring (风险消除).

use crate::money::Fen;

crate::labelled_enum! {
    /// Why a household is monitored.
    pub enum MonitorReason {
        LowIncome = ("low_income", "收入低于监测线"),
        MedicalSpending = ("medical_spending", "刚性医疗支出超过收入"),
        Warning = ("warning", "部门预警"),
        NoIncome = ("no_income", "无当年收入记录"),
        OpenCase = ("open_case", "监测对象风险未消除"),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonitorOutcome {
    /// net(Y) ≤ line × members.
    Returned,
    Monitored(Vec<MonitorReason>),
    /// Nothing of §5 holds: a monitored household leaves monitoring.
    Stable,
}

/// What §5 reads of one household for year Y.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitorFacts {
    pub members: i64,
    /// net(Y); None when no income is recorded for Y.
    pub net_income: Option<Fen>,
    pub medical_cost: Option<Fen>,
    /// A department-data warning open for a member.
    pub open_warning: bool,
    /// A monitoring case (cases.rs) is open for the household.
    pub open_case: bool,
}

/// rules.md §5 with the poverty line of Y and the monitoring line as a percentage of it (150 =
/// 1.5 ×). Without an income record nobody can say the household is above the line, so it is
/// monitored for that (and returned only on evidence).
pub fn assess_monitoring(f: &MonitorFacts, line: Fen, monitoring_percent: i64) -> MonitorOutcome {
    let needed = i128::from(line.0) * i128::from(f.members);
    let mut reasons = Vec::new();
    match f.net_income {
        Some(net) => {
            let net128 = i128::from(net.0);
            if net128 <= needed {
                return MonitorOutcome::Returned;
            }
            // net < percent/100 × line × members, exactly: 100 × net < percent × line × members.
            if 100 * net128 < i128::from(monitoring_percent) * needed {
                reasons.push(MonitorReason::LowIncome);
            }
            if f.medical_cost.is_some_and(|m| m > net) {
                reasons.push(MonitorReason::MedicalSpending);
            }
        }
        None => reasons.push(MonitorReason::NoIncome),
    }
    if f.open_warning {
        reasons.push(MonitorReason::Warning);
    }
    if f.open_case {
        reasons.push(MonitorReason::OpenCase);
    }
    if reasons.is_empty() {
        MonitorOutcome::Stable
    } else {
        MonitorOutcome::Monitored(reasons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(net: i64) -> MonitorFacts {
        MonitorFacts {
            members: 2,
            net_income: Some(Fen(net)),
            medical_cost: None,
            open_warning: false,
            open_case: false,
        }
    }

    const LINE: Fen = Fen(295_200);

    #[test]
    fn both_sides_of_the_return_and_monitoring_lines() {
        // Line × 2 members = 5,904.00 yuan; 1.5 × that = 8,856.00 yuan.
        assert_eq!(
            assess_monitoring(&facts(590_400), LINE, 150),
            MonitorOutcome::Returned
        );
        assert_eq!(
            assess_monitoring(&facts(590_401), LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::LowIncome])
        );
        assert_eq!(
            assess_monitoring(&facts(885_599), LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::LowIncome])
        );
        assert_eq!(
            assess_monitoring(&facts(885_600), LINE, 150),
            MonitorOutcome::Stable
        );
        assert_eq!(
            assess_monitoring(&facts(-1), LINE, 150),
            MonitorOutcome::Returned
        );
    }

    #[test]
    fn medical_spending_and_warnings_keep_a_household_monitored() {
        let mut f = facts(1_000_000);
        f.medical_cost = Some(Fen(1_000_001));
        assert_eq!(
            assess_monitoring(&f, LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::MedicalSpending])
        );
        f.medical_cost = Some(Fen(1_000_000));
        assert_eq!(
            assess_monitoring(&f, LINE, 150),
            MonitorOutcome::Stable,
            "equal is not more"
        );
        f.open_warning = true;
        assert_eq!(
            assess_monitoring(&f, LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::Warning])
        );
        f.open_warning = false;
        f.open_case = true;
        assert_eq!(
            assess_monitoring(&f, LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::OpenCase])
        );
        let none = MonitorFacts {
            net_income: None,
            ..facts(0)
        };
        assert_eq!(
            assess_monitoring(&none, LINE, 150),
            MonitorOutcome::Monitored(vec![MonitorReason::NoIncome])
        );
    }
}
