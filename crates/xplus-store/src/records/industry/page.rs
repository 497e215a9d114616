//! The 产业 page and its API a page at a time (issue 19). At province scale the overview
//! computed the ways of every poor household within reach to show fifty gaps (four seconds).
//! The roll-ups keep, per village and year, the households poor at the start of the year,
//! those in industry or a job and those of each way; the figures are read from there and one
//! page of the gap list is computed for the villages it spans, as the chain's gap list is.
//! When the kept figures cannot answer (gap_pages: a helper, a year outside the window, a
//! county within reach marked for a refresh), the records are read and paged instead.

use super::overview::{
    activity_in, by_village, industry_in, placements_by_end_of, ways_of, HouseholdIndustry,
    IndustryActivity,
};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, names_of};
use crate::records::reporting::gap_pages::{
    kept_villages, root_of, span_in, total_of, GapPage, Missing,
};
use crate::session::Page;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::chain::Link;

/// The 产业 figures of a year within reach and one page of the gap list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryPage {
    pub year: i32,
    /// Households poor at the start of the year.
    pub poor: u64,
    /// Of those, the households in industry or a job (rules.md §6 `in_industry`).
    pub in_industry: u64,
    /// Of those, the households of each way (`industry::participation::WAYS` order).
    pub ways: [u64; 5],
    /// The households in no industry or job: how many, and the page asked for.
    pub gaps: GapPage<HouseholdIndustry>,
}

/// The 产业 figures of `year` within `access`'s reach and `page` of its gap list.
pub async fn industry_page(
    store: &dyn Store,
    access: &Access,
    year: i32,
    page: Page,
    today: NaiveDate,
) -> Result<IndustryPage, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let in_industry = Missing::Link(Link::InIndustry);
    if let Some(villages) = kept_villages(s, access, year, in_industry).await? {
        let total = total_of(s, root_of(access), year).await?;
        let span = span_in(&villages, in_industry, page);
        let scope = span.scope(access);
        // The placements of the span's households only: core decides which of them count.
        let placed = placements_by_end_of(s, &scope, year).await?;
        let gaps: Vec<HouseholdIndustry> = industry_in(s, &scope, year, &placed)
            .await?
            .into_iter()
            .filter(|h| !h.links.any())
            .skip(span.skip)
            .take(span.take)
            .collect();
        let names = names_of(s, gaps.iter().map(|g| g.village.as_u64())).await?;
        return Ok(IndustryPage {
            year,
            poor: total.poor,
            in_industry: total.link(Link::InIndustry),
            ways: total.ways,
            gaps: GapPage {
                total: span.total,
                gaps,
                names,
            },
        });
    }
    let scope = household_scope(access, today);
    let placed = placements_by_end_of(s, &scope, year).await?;
    let households = industry_in(s, &scope, year, &placed).await?;
    let all_gaps: Vec<&HouseholdIndustry> = households.iter().filter(|h| !h.links.any()).collect();
    let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let gaps: Vec<HouseholdIndustry> = all_gaps
        .iter()
        .skip(skip)
        .take(take)
        .map(|h| (*h).clone())
        .collect();
    let names = names_of(s, gaps.iter().map(|g| g.village.as_u64())).await?;
    Ok(IndustryPage {
        year,
        poor: households.len() as u64,
        in_industry: (households.len() - all_gaps.len()) as u64,
        ways: ways_of(&households),
        gaps: GapPage {
            total: all_gaps.len() as u64,
            gaps,
            names,
        },
    })
}

/// The module's figures of `year` within `access`'s reach beside the households' ways (the
/// planned-exit villages, organisations, activities and placements); the planned-exit villages'
/// poor households come from the kept figures when they answer.
pub async fn industry_activity(
    store: &dyn Store,
    access: &Access,
    year: i32,
    today: NaiveDate,
) -> Result<IndustryActivity, StoreError> {
    let mut s = store.read_session().await?;
    let s = s.as_mut();
    let scope = household_scope(access, today);
    let placed = placements_by_end_of(s, &scope, year).await?;
    let poor_of: BTreeMap<u64, (u64, u64)> =
        match kept_villages(s, access, year, Missing::Link(Link::InIndustry)).await? {
            Some(villages) => villages
                .iter()
                .map(|(code, f)| (*code, (f.poor, f.link(Link::InIndustry))))
                .collect(),
            None => by_village(&industry_in(s, &scope, year, &placed).await?),
        };
    activity_in(s, access, year, &poor_of, &placed).await
}
