//! A what-if (`xplus assess --set`, interchange.md): the year's assessment under the stored rules
//! and under the stored rules with a few settings changed, judged side by side from one reading
//! of each county. Nothing is written: the run only reads.

use super::judge::{
    counties, county_facts, judge_county, per_county, tally, AssessmentSink, AssessmentSummary,
    HouseholdAssessment, VillageAssessment,
};
use super::kept_facts::{KeptFacts, KEPT_HOUSEHOLDS};
use crate::error::StoreError;
use crate::records::reporting::rollup::county_stamps;
use crate::records::rules::rule_book;
use crate::session::filter::Filter;
use crate::store::Store;
use std::collections::HashMap;
use xplus_core::interchange::schema::HOUSEHOLDS;
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
    /// Whether it takes each household and village as judged under the changed settings (the
    /// CLI's files do); one that takes only the counts and the changes (a page) is spared
    /// handing over a province's households one by one.
    fn wants_results(&self) -> bool {
        true
    }
}

/// The counts of both runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct WhatIfSummary {
    pub before: AssessmentSummary,
    pub after: AssessmentSummary,
    pub households_changed: u64,
    pub villages_changed: u64,
}

/// One county judged both ways: counted where it was judged (two counties at once), with the
/// changed run's results when they are wanted.
struct BothWays {
    before: AssessmentSummary,
    after: AssessmentSummary,
    results: Option<(Vec<HouseholdAssessment>, Vec<VillageAssessment>)>,
    changes: Vec<EligibilityChange>,
}

/// [`what_if_counties`] over the whole registry, every county read.
pub async fn what_if_year(
    store: &dyn Store,
    year: i32,
    overrides: Vec<Setting>,
    sink: &mut dyn WhatIfSink,
) -> Result<WhatIfSummary, StoreError> {
    let list = counties(store.read_session().await?.as_mut()).await?;
    what_if_counties(store, None, year, list, overrides, sink).await
}

/// Assesses `year` in the counties `list` under the stored rules and under them with
/// `overrides` above every stored setting ([`xplus_core::rules::RuleBook::with_overrides`]),
/// handing the changed run's results and every difference in exit eligibility to `sink`. With
/// `kept` (a web server's), a county whose records have not changed since an earlier what-if
/// is judged from the facts kept then, and one read is kept for the next.
pub async fn what_if_counties(
    store: &dyn Store,
    kept: Option<&KeptFacts>,
    year: i32,
    list: Vec<RegionCode>,
    overrides: Vec<Setting>,
    sink: &mut dyn WhatIfSink,
) -> Result<WhatIfSummary, StoreError> {
    use futures_util::StreamExt;
    let _one = match kept {
        Some(k) => Some(k.busy.lock().await),
        None => None,
    };
    let stored = rule_book(store).await?;
    let changed = stored.with_overrides(overrides);
    let stamps = match kept {
        Some(_) => unmarked_stamps(store).await?,
        None => HashMap::new(),
    };
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
    let results = sink.wants_results();
    let kept = kept.map(|k| (k, &stamps));
    let mut runs = per_county(store, kept, list, year, move |read| {
        let before = judge_county(read, &stored, year)?;
        let after = judge_county(read, &changed, year)?;
        Ok(both_ways(before, after, results, year))
    });
    while let Some(run) = runs.next().await {
        let (county, run) = run?;
        summary.before.add(&run.before);
        summary.after.add(&run.after);
        if let Some((households, villages)) = &run.results {
            for h in households {
                sink.household(h)?;
            }
            for v in villages {
                sink.village(v)?;
            }
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

/// Reads the counties `list` of `year` into `kept` ahead of a what-if (an official opened the
/// what-if's form): the province's first what-if then finds them kept. Counties marked for a
/// refresh are left, as a what-if would not keep them, and reading stops once `kept` is full (a
/// nation's counties would only push each other out); returns how many are kept now (read, or
/// kept already).
pub async fn read_ahead(
    store: &dyn Store,
    kept: &KeptFacts,
    year: i32,
    list: Vec<RegionCode>,
) -> Result<usize, StoreError> {
    use futures_util::StreamExt;
    let _one = kept.busy.lock().await;
    let stamps = unmarked_stamps(store).await?;
    let reads = futures_util::stream::iter(list)
        .filter_map(|county| {
            let stamp = stamps.get(&county).copied();
            async move { stamp.map(|stamp| (county, stamp)) }
        })
        .map(|(county, stamp)| county_facts(store, Some((kept, stamp)), county, year))
        .buffer_unordered(2);
    let mut reads = std::pin::pin!(reads);
    let (mut counties, mut households) = (0, 0);
    while let Some(read) = reads.next().await {
        counties += 1;
        households += read?.facts.len();
        if households >= KEPT_HOUSEHOLDS {
            break;
        }
    }
    Ok(counties)
}

/// Reads every county of `year` ahead when all the households fit in `kept` (a server starting
/// on a province or less): the first what-if after a start, even one asked without the form,
/// then judges kept facts. A larger store is left to reading ahead per region (the form), as
/// its counties would only push each other out. Returns the counties kept, or None when they do
/// not fit.
pub async fn read_ahead_all(
    store: &dyn Store,
    kept: &KeptFacts,
    year: i32,
) -> Result<Option<usize>, StoreError> {
    let mut s = store.read_session().await?;
    let households = s.count(&HOUSEHOLDS, &Filter::new()).await?;
    let list = counties(s.as_mut()).await?;
    drop(s);
    if households as usize > KEPT_HOUSEHOLDS {
        return Ok(None);
    }
    read_ahead(store, kept, year, list).await.map(Some)
}

/// The stamp of every county not marked for a refresh, read before any county's records (a
/// write after it marks its county, so facts read across it are not kept under the stamp read
/// here).
async fn unmarked_stamps(store: &dyn Store) -> Result<HashMap<RegionCode, i64>, StoreError> {
    let mut s = store.read_session().await?;
    Ok(county_stamps(s.as_mut(), None)
        .await?
        .into_iter()
        .filter(|c| !c.marked)
        .map(|c| (c.county, c.refreshed))
        .collect())
}

/// Judged households (None: neither §3 nor §5) and villages of a county.
type Judged = (Vec<Option<HouseholdAssessment>>, Vec<VillageAssessment>);

/// Pairs a county's two judgements (the same households and villages in the same order, as
/// which section applies does not depend on the settings), counts each and lists where §3 or
/// §4 differ; keeps the changed run's results when `results`.
fn both_ways(
    (before_h, before_v): Judged,
    (after_h, after_v): Judged,
    results: bool,
    year: i32,
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
    let counted = |households: &[Option<HouseholdAssessment>], villages| {
        let mut summary = AssessmentSummary {
            year,
            ..AssessmentSummary::default()
        };
        tally(&mut summary, households.iter().flatten(), villages);
        summary
    };
    BothWays {
        before: counted(&before_h, &before_v),
        after: counted(&after_h, &after_v),
        results: results.then(|| (after_h.into_iter().flatten().collect(), after_v)),
        changes,
    }
}
