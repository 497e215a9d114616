//! A household through the years (book of record): its standing at the end of each year from
//! its identification to this year, as the applied outcomes tell it — what the household's
//! history page shows beside its dated pairings, shares, outcomes and corrections.

use super::read::{histories, household_scope, households_in};
use crate::error::{Refusal, StoreError};
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::Access;
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::{standing_at_end, Standing};

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
    // One read of the household with every outcome it has, then each year's end from it.
    let of_scope = households_in(&scope, "h.household_id");
    let Some(h) = histories(s.as_mut(), &of_scope, i32::MIN)
        .await?
        .remove(household_id)
    else {
        return Ok(None);
    };
    let out = (h.identified..=today.year())
        .map(|year| {
            (
                year,
                standing_at_end(h.today, h.replaced.iter().copied(), year),
            )
        })
        .collect();
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
    f = f.merge(households_in(&scope, "household_id"));
    let order: Vec<&str> = file.key.iter().map(|&k| file.columns[k].en).collect();
    let mut s = store.read_session().await?;
    s.select(file, &f, &order.join(", "), None).await
}
