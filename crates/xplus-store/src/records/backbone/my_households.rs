//! 我的帮扶户: a helper's paired households (a secretary's: the village's), a page at a time,
//! each with its head, village, standing, last visit, whether a visit is overdue under the
//! rule setting, and the links of the full chain it misses this year.

use super::queries::field_visits::{
    households_among, last_visits_sql, pairing_in_force, LastVisit, BY_VILLAGE,
};
use crate::error::StoreError;
use crate::records::assessment::chain::chain_in;
use crate::records::registry::read::household_scope;
use crate::records::rules::rule_book;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::session::{HouseholdSummary, Page};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::chain::Link;
use xplus_core::backbone::visits::{days_without_visit, overdue};

/// One household of the list.
#[derive(Debug, Clone)]
pub struct MyHousehold {
    pub summary: HouseholdSummary,
    /// The last visit by anyone.
    pub last_visit: Option<NaiveDate>,
    /// For a helper: days since their last visit (or since the pairing began), and whether
    /// that is longer than the rule allows. None for other accounts.
    pub days_without_visit: Option<i64>,
    pub overdue: bool,
    /// The links of the year's full chain it misses (empty: complete, or not poor this year).
    pub missing: Vec<Link>,
}

#[derive(Debug, Clone)]
pub struct MyHouseholds {
    pub households: Vec<MyHousehold>,
    pub total: u64,
    /// The chain's year (today's).
    pub year: i32,
}

/// The page `page` of the households `access` reaches (a helper's paired households, a
/// secretary's village), in village and household order.
pub async fn my_households(
    store: &dyn Store,
    access: &Access,
    page: Page,
    today: NaiveDate,
) -> Result<MyHouseholds, StoreError> {
    let scope = household_scope(access, today);
    let mut s = store.read_session().await?;
    let total = s
        .count(&xplus_core::interchange::schema::HOUSEHOLDS, &scope)
        .await?;
    let summaries = s.household_summaries(&scope, BY_VILLAGE, page).await?;
    if summaries.is_empty() {
        return Ok(MyHouseholds {
            households: Vec::new(),
            total,
            year: today.year(),
        });
    }
    let ids: Vec<Arg> = (summaries.iter())
        .map(|h| Arg::Text(h.id().to_string()))
        .collect();
    let cadre = super::field_visits::own_cadre(access).map(str::to_string);
    let mut args = vec![Arg::Text(cadre.clone().unwrap_or_default())];
    args.extend(ids.iter().cloned());
    let last: HashMap<String, LastVisit> =
        fetch_sql::<LastVisit>(s.as_mut(), &last_visits_sql(ids.len()), &args)
            .await?
            .into_iter()
            .map(|l| (l.household_id.clone(), l))
            .collect();
    let since = match &cadre {
        Some(c) => paired_since(s.as_mut(), c, &ids, today).await?,
        None => HashMap::new(),
    };
    let of_page = households_among(ids);
    let chain = chain_in(s.as_mut(), &of_page, today.year(), today).await?;
    // The interval of each household's county (rule settings are by county and year).
    let book = rule_book(store).await?;
    let interval = |village: xplus_core::registry::RegionCode| {
        book.for_place(village.county(), today.year())
            .set
            .visit_interval_days
            .value
    };
    let missing: HashMap<&str, Vec<Link>> = (chain.households.iter())
        .map(|h| (h.household_id.as_str(), h.links.gaps()))
        .collect();
    let households = summaries
        .into_iter()
        .map(|summary| {
            let id = summary.id().to_string();
            let seen = last.get(&id);
            let own = seen.and_then(|l| l.last_by_cadre);
            let days = since
                .get(&id)
                .map(|start| days_without_visit(*start, own, today));
            MyHousehold {
                last_visit: seen.and_then(|l| l.last),
                days_without_visit: days,
                overdue: (since.get(&id)).is_some_and(|start| {
                    overdue(*start, own, today, interval(summary.household.village))
                }),
                missing: missing.get(id.as_str()).cloned().unwrap_or_default(),
                summary,
            }
        })
        .collect();
    Ok(MyHouseholds {
        households,
        total,
        year: today.year(),
    })
}

/// When each of `ids` was paired with `cadre` (the pairing in force today).
async fn paired_since(
    s: &mut dyn crate::records::ReadSession,
    cadre: &str,
    ids: &[Arg],
    today: NaiveDate,
) -> Result<HashMap<String, NaiveDate>, StoreError> {
    let filter = pairing_in_force(cadre, today).merge(households_among(ids.to_vec()));
    let spec = &xplus_core::interchange::schema::CADRE_HOUSEHOLD_PAIRINGS;
    let rows = s.select(spec, &filter, "", None).await?;
    let named = |r: &Vec<xplus_core::interchange::Value>| {
        let n = crate::session::rows::Named::new(spec, r);
        Some((n.text("household_id")?.to_string(), n.date("start_date")?))
    };
    Ok(rows.iter().filter_map(named).collect())
}
