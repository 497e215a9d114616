//! The yearly assessment: rules.md §3 household exit, §4 village exit and §5 monitoring. Each
//! exit decision keeps the criteria it checked, the value found, the threshold and its source.

pub mod chain;
pub mod household;
pub mod monitoring;
pub mod procedure;
pub mod village;

use std::borrow::Cow;

/// One criterion as checked: what was found against what was needed, and where the threshold
/// comes from — what the "why" view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding<C> {
    pub criterion: C,
    pub passed: bool,
    /// The value found, as shown (yuan with two decimals, a list of members …). Fixed texts are
    /// borrowed: the assessment judges every household of a province and shows few.
    pub value: Cow<'static, str>,
    /// What was needed, as shown.
    pub threshold: Cow<'static, str>,
    pub source: Cow<'static, str>,
}

/// A decision: every criterion checked, in the order of rules.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision<C> {
    pub findings: Vec<Finding<C>>,
}

impl<C: Copy> Decision<C> {
    pub fn eligible(&self) -> bool {
        self.findings.iter().all(|f| f.passed)
    }

    /// The criteria that failed, in order.
    pub fn failed(&self) -> Vec<C> {
        self.findings
            .iter()
            .filter(|f| !f.passed)
            .map(|f| f.criterion)
            .collect()
    }
}
