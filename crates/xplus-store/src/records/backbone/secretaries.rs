//! Village party secretaries within an account's reach: "312" tiers against the configured
//! targets, the year's check-ups (kept / adjusted), vacancies and vacancies filled — in office and
//! vacant as of the end of the year asked for (today for the current year), so that a past
//! year's figures do not move with today's appointments.

use super::queries::{CHECK_COUNTS, TERMS_IN};
use crate::error::StoreError;
use crate::records::shape::village_bounds;
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use xplus_core::accounts::Access;
use xplus_core::backbone::pairing::Span;
use xplus_core::backbone::secretary::{is_vacant, tier_by, tier_progress, vacancies_filled};
use xplus_core::backbone::{CheckUpResult, SecretaryTier};
use xplus_core::registry::RegionCode;
use xplus_core::rules::{RuleSet, Target};

pub struct SecretariesOverview {
    /// The day the counts in office and vacant are taken: Dec 31 of the year, or today.
    pub as_of: NaiveDate,
    /// (tier, secretaries in office on `as_of` with it, target).
    pub tiers: Vec<(SecretaryTier, u32, u32)>,
    /// The "312" targets in force for the region viewed and the year, with their sources and
    /// where they were set (in the order of `tiers`).
    pub targets: [Target; 3],
    pub kept: u64,
    pub adjusted: u64,
    pub filled_in_year: u32,
    /// Villages vacant on `as_of` (code, name of the last secretary).
    pub vacant: Vec<(RegionCode, String)>,
    pub villages_with_records: usize,
}

/// The overview for `year`, as of its end or `today` if earlier; a helper's account reaches no
/// village.
pub async fn secretaries_overview(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    year: i32,
    today: NaiveDate,
) -> Result<SecretariesOverview, StoreError> {
    let as_of = NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today));
    let range = village_bounds(access);
    let mut s = store.read_session().await?;
    let terms = TERMS_IN.fetch(&mut *s, &range).await?;
    let mut by_village: BTreeMap<RegionCode, Vec<(Span, String)>> = BTreeMap::new();
    let mut tiers = Vec::new();
    for term in terms {
        if term.span.is_active_on(as_of) {
            tiers.extend(tier_by(term.tier, term.tier_year, year));
        }
        by_village
            .entry(term.village)
            .or_default()
            .push((term.span, term.name));
    }
    let mut vacant = Vec::new();
    let mut filled_in_year = 0;
    for (village, terms) in &by_village {
        let spans: Vec<Span> = terms.iter().map(|(s, _)| *s).collect();
        if is_vacant(&spans, as_of) {
            let last = terms.last().map(|(_, n)| n.clone()).unwrap_or_default();
            vacant.push((*village, last));
        }
        filled_in_year += vacancies_filled(&spans, year);
    }
    let checks = CHECK_COUNTS
        .fetch(
            &mut *s,
            &[
                Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let count = |result: CheckUpResult| {
        checks
            .iter()
            .find(|c| c.result == result)
            .map_or(0, |c| c.n)
    };
    Ok(SecretariesOverview {
        as_of,
        tiers: tier_progress(tiers, rules.targets.secretary_counts()),
        targets: rules.targets.secretary_tiers.clone(),
        kept: count(CheckUpResult::Kept),
        adjusted: count(CheckUpResult::Adjusted),
        filled_in_year,
        vacant,
        villages_with_records: by_village.len(),
    })
}
