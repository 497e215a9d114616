//! A household through the years (book of record): its standing at the end of each year from
//! its identification to this year, as the applied outcomes tell it — what the household's
//! history page shows beside its dated pairings, shares, outcomes and corrections.

use super::read::{household_scope, households_in, standings_at_end};
use crate::error::{Refusal, StoreError};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::Named;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::HOUSEHOLDS;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::Standing;

/// (year, standing at its end) from the identification year to `today`'s, oldest first; None
/// when the household is out of reach or does not exist.
pub async fn standings_by_year(
    store: &dyn Store,
    access: &Access,
    household_id: &str,
    today: NaiveDate,
) -> Result<Option<Vec<(i32, Standing)>>, StoreError> {
    let scope = household_scope(access, today).and(
        "household_id = ?",
        vec![Arg::Text(household_id.to_string())],
    );
    let mut s = store.read_session().await?;
    let Some(row) = s.select(&HOUSEHOLDS, &scope, "", None).await?.pop() else {
        return Ok(None);
    };
    let identified = Named::new(&HOUSEHOLDS, &row)
        .int("identified_year")
        .map_or(today.year(), |y| y as i32);
    let mut out = Vec::new();
    // One read per year: a household has a handful of years, each a keyed lookup.
    for year in identified..=today.year() {
        if let Some(st) = standings_at_end(s.as_mut(), &scope, year)
            .await?
            .remove(household_id)
        {
            out.push((year, st));
        }
    }
    Ok(Some(out))
}

/// The rows of `file` — a file whose rows belong to a household (`household_id`) — of one
/// household within reach, in key order: the dated ledgers of its history page.
pub async fn household_rows(
    store: &dyn Store,
    access: &Access,
    file: &'static FileSpec,
    household_id: &str,
    today: NaiveDate,
) -> Result<Vec<Vec<Value>>, StoreError> {
    if file.column_index("household_id").is_none() {
        return Err(StoreError::Refused(Refusal::Invalid(format!(
            "{} 不按户记录 / {} is not kept per household",
            file.zh, file.name
        ))));
    }
    let scope = household_scope(access, today);
    let mut f = Filter::new().and(
        "household_id = ?",
        vec![Arg::Text(household_id.to_string())],
    );
    if !scope.is_empty() {
        f = f.merge(households_in(&scope, "household_id"));
    }
    let order: Vec<&str> = file.key.iter().map(|&k| file.columns[k].en).collect();
    let mut s = store.read_session().await?;
    s.select(file, &f, &order.join(", "), None).await
}
