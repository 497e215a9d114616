//! Village party secretaries within an account's reach: "312" tiers against the configured
//! targets, the year's check-ups (kept / adjusted), vacancies today and vacancies filled.

use crate::error::StoreError;
use crate::records::shape::{column, shape, village_bounds, COUNT};
use crate::session::filter::Arg;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use xplus_core::accounts::Access;
use xplus_core::backbone::pairing::Span;
use xplus_core::backbone::secretary::{is_vacant, tier_progress, vacancies_filled};
use xplus_core::backbone::{CheckUpResult, SecretaryTier};
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;

static TERMS: FileSpec = shape(
    FileId::Secretaries,
    "secretary_terms",
    "书记任期",
    &[
        column("village_code", ColumnType::Region),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
        column("tier", ColumnType::Enum(&SecretaryTier::SPEC)),
        column("name", ColumnType::Text),
    ],
);

static CHECKS: FileSpec = shape(
    FileId::SecretaryChecks,
    "secretary_check_counts",
    "书记体检",
    &[
        column("result", ColumnType::Enum(&CheckUpResult::SPEC)),
        column("n", COUNT),
    ],
);

pub struct SecretariesOverview {
    /// (tier, secretaries in office today with it, target).
    pub tiers: Vec<(SecretaryTier, u32, u32)>,
    pub kept: u64,
    pub adjusted: u64,
    pub filled_in_year: u32,
    /// Villages vacant today (code, name of the last secretary).
    pub vacant: Vec<(RegionCode, String)>,
    pub villages_with_records: usize,
}

/// The overview for `year`, as of `today`; a helper's account reaches no village.
pub async fn secretaries_overview(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    year: i32,
    today: NaiveDate,
) -> Result<SecretariesOverview, StoreError> {
    let range = village_bounds(access);
    let mut s = store.read_session().await?;
    let rows = s
        .query(
            &TERMS,
            "SELECT village_code, start_date, end_date, tier, name FROM secretaries \
             WHERE village_code BETWEEN ? AND ? ORDER BY village_code, start_date",
            &range,
        )
        .await?;
    let mut by_village: BTreeMap<RegionCode, Vec<(Span, String)>> = BTreeMap::new();
    let mut tiers = Vec::new();
    for r in rows {
        let (Some(village), Some(start)) = (r[0].as_region(), r[1].as_date()) else {
            continue;
        };
        let span = Span {
            start,
            end: r[2].as_date(),
        };
        if span.is_active_on(today) {
            tiers.extend(r[3].as_code().and_then(SecretaryTier::parse));
        }
        let name = r[4].as_text().unwrap_or_default().to_string();
        by_village.entry(village).or_default().push((span, name));
    }
    let mut vacant = Vec::new();
    let mut filled_in_year = 0;
    for (village, terms) in &by_village {
        let spans: Vec<Span> = terms.iter().map(|(s, _)| *s).collect();
        if is_vacant(&spans, today) {
            let last = terms.last().map(|(_, n)| n.clone()).unwrap_or_default();
            vacant.push((*village, last));
        }
        filled_in_year += vacancies_filled(&spans, year);
    }
    let checks = s
        .query(
            &CHECKS,
            "SELECT c.result, count(*) FROM secretary_checks c \
             JOIN secretaries s ON s.secretary_id = c.secretary_id \
             WHERE c.year = ? AND s.village_code BETWEEN ? AND ? GROUP BY c.result",
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
            .find(|r| r[0].as_code() == Some(result.code()))
            .and_then(|r| r[1].as_int())
            .unwrap_or(0) as u64
    };
    Ok(SecretariesOverview {
        tiers: tier_progress(tiers, rules.secretary_tier_targets.value),
        kept: count(CheckUpResult::Kept),
        adjusted: count(CheckUpResult::Adjusted),
        filled_in_year,
        vacant,
        villages_with_records: by_village.len(),
    })
}
