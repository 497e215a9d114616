//! A what-if (`xplus assess --set`, interchange.md): the year's assessment under the stored rules
//! and under the stored rules with a few settings changed, judged side by side from one reading
//! of each county. Nothing is written: the run only reads.

use super::judge::{
    counties, judge_county, per_county, tally, AssessmentSink, AssessmentSummary,
    HouseholdAssessment, VillageAssessment,
};
use crate::error::StoreError;
use crate::records::rules::rule_book;
use crate::store::Store;
use xplus_core::registry::RegionCode;
use xplus_core::rules::Setting;

/// Whose exit eligibility a what-if changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Changed {
    Household,
    Village,
}

impl Changed {
    /// The `kind` column of `changes.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Changed::Household => "household",
            Changed::Village => "village",
        }
    }
}

/// One household or village whose §3 or §4 eligibility the changed settings turn around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityChange {
    pub kind: Changed,
    /// The household id, or the village code.
    pub id: String,
    pub village: RegionCode,
    /// Eligible to exit under the stored rules, and under the changed ones.
    pub before: bool,
    pub after: bool,
}

/// Where a what-if's results go: the assessment under the changed settings as an assessment's
/// results are, and every change of eligibility.
pub trait WhatIfSink: AssessmentSink {
    fn change(&mut self, change: &EligibilityChange) -> Result<(), StoreError>;
}

/// The counts of both runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WhatIfSummary {
    pub before: AssessmentSummary,
    pub after: AssessmentSummary,
    pub households_changed: u64,
    pub villages_changed: u64,
}

/// One county judged both ways.
struct BothWays {
    before: (Vec<HouseholdAssessment>, Vec<VillageAssessment>),
    after: (Vec<HouseholdAssessment>, Vec<VillageAssessment>),
    changes: Vec<EligibilityChange>,
}

/// [`what_if_counties`] over the whole registry.
pub async fn what_if_year(
    store: &dyn Store,
    year: i32,
    overrides: Vec<Setting>,
    sink: &mut dyn WhatIfSink,
) -> Result<WhatIfSummary, StoreError> {
    let list = counties(store.read_session().await?.as_mut()).await?;
    what_if_counties(store, year, list, overrides, sink).await
}

/// Assesses `year` in the counties `list` under the stored rules and under them with
/// `overrides` above every stored setting ([`xplus_core::rules::RuleBook::with_overrides`]),
/// handing the changed run's results and every difference in exit eligibility to `sink`.
pub async fn what_if_counties(
    store: &dyn Store,
    year: i32,
    list: Vec<RegionCode>,
    overrides: Vec<Setting>,
    sink: &mut dyn WhatIfSink,
) -> Result<WhatIfSummary, StoreError> {
    use futures_util::StreamExt;
    let stored = rule_book(store).await?;
    let changed = stored.with_overrides(overrides);
    let mut summary = WhatIfSummary {
        before: AssessmentSummary {
            year,
            ..AssessmentSummary::default()
        },
        after: AssessmentSummary {
            year,
            ..AssessmentSummary::default()
        },
        ..WhatIfSummary::default()
    };
    let mut runs = per_county(store, list, year, move |read| {
        let (before_h, before_v) = judge_county(&read, &stored, year)?;
        let (after_h, after_v) = judge_county(&read, &changed, year)?;
        Ok(both_ways(before_h, before_v, after_h, after_v))
    });
    while let Some(run) = runs.next().await {
        let (county, run) = run?;
        tally(&mut summary.before, &run.before.0, &run.before.1);
        tally(&mut summary.after, &run.after.0, &run.after.1);
        for h in &run.after.0 {
            sink.household(h)?;
        }
        for v in &run.after.1 {
            sink.village(v)?;
        }
        for c in &run.changes {
            match c.kind {
                Changed::Household => summary.households_changed += 1,
                Changed::Village => summary.villages_changed += 1,
            }
            sink.change(c)?;
        }
        sink.county_done(county);
    }
    Ok(summary)
}

/// Pairs a county's two judgements (the same households and villages in the same order, as
/// which section applies does not depend on the settings) and lists where §3 or §4 differ.
fn both_ways(
    before_h: Vec<Option<HouseholdAssessment>>,
    before_v: Vec<VillageAssessment>,
    after_h: Vec<Option<HouseholdAssessment>>,
    after_v: Vec<VillageAssessment>,
) -> BothWays {
    let mut changes = Vec::new();
    for (b, a) in before_h.iter().zip(&after_h) {
        let (Some(b), Some(a)) = (b, a) else {
            continue;
        };
        let (Some(was), Some(is)) = (b.exit(), a.exit()) else {
            continue;
        };
        if was.eligible() != is.eligible() {
            changes.push(EligibilityChange {
                kind: Changed::Household,
                id: a.household_id.clone(),
                village: a.village,
                before: was.eligible(),
                after: is.eligible(),
            });
        }
    }
    for (b, a) in before_v.iter().zip(&after_v) {
        debug_assert_eq!(b.village, a.village);
        if b.decision.eligible() != a.decision.eligible() {
            changes.push(EligibilityChange {
                kind: Changed::Village,
                id: a.village.to_string(),
                village: a.village,
                before: b.decision.eligible(),
                after: a.decision.eligible(),
            });
        }
    }
    BothWays {
        before: (before_h.into_iter().flatten().collect(), before_v),
        after: (after_h.into_iter().flatten().collect(), after_v),
        changes,
    }
}
