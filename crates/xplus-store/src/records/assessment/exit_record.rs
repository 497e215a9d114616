//! The county's approval recorded as exits (rules.md §3, the last step of the exit procedure):
//! each agreed household still poor or returned and still in the village becomes exited in the
//! year, with the outcome an applied assessment would write — dated and signed by the approval.

use super::queries::column_of;
use super::queries::exit_steps::household_in_village;
use crate::error::StoreError;
use crate::records::assessment::facts::Standing;
use crate::records::WriteSession;
use crate::session::rows::Named;
use crate::store::Row;
use chrono::NaiveDate;
use xplus_core::interchange::schema::{ASSESSMENT_OUTCOMES, HOUSEHOLDS};
use xplus_core::interchange::Value;
use xplus_core::registry::{HouseholdStatus, RegionCode};

/// Records the exits approved by the county: status exited with the year, and the outcome
/// `xplus assess --apply` would record, so that a later run finds them recorded. A household
/// that is no longer poor or returned (changed since the proposal) is left as it is.
pub(super) async fn record_exits(
    s: &mut dyn WriteSession,
    user: &str,
    village: RegionCode,
    year: i32,
    households: &[String],
    today: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let mut recorded = Vec::new();
    let mut audit = Vec::new();
    let status_at = column_of(&HOUSEHOLDS, "status");
    let exit_year_at = column_of(&HOUSEHOLDS, "exit_year");
    for id in households {
        // Still in the village: one moved since the proposal (易地搬迁) is left to its new one.
        let filter = household_in_village(id, village);
        let Some(mut row) = s.select(&HOUSEHOLDS, &filter, "", None).await?.pop() else {
            continue;
        };
        let stored = Named::new(&HOUSEHOLDS, &row);
        let Some(status) = stored.code("status").and_then(HouseholdStatus::parse) else {
            continue;
        };
        if !matches!(status, HouseholdStatus::Poor | HouseholdStatus::Returned) {
            continue;
        }
        let before = Standing {
            status,
            exit_year: stored.int("exit_year").map(|y| y as i32),
        };
        let old = row.clone();
        row[status_at] = Value::Code(HouseholdStatus::Exited.code());
        row[exit_year_at] = Value::Int(i64::from(year));
        audit.extend(crate::audit::row_change(
            user,
            &HOUSEHOLDS,
            Some(&old),
            &row,
        ));
        s.upsert(
            &HOUSEHOLDS,
            Row {
                values: row,
                county: village.county(),
            },
        )
        .await?;
        s.upsert(
            &ASSESSMENT_OUTCOMES,
            Row {
                values: vec![
                    Value::Text(id.clone()),
                    Value::Int(i64::from(year)),
                    Value::Text("exited".into()),
                    Value::Null,
                    Value::Code(before.status.code()),
                    before
                        .exit_year
                        .map_or(Value::Null, |y| Value::Int(i64::from(y))),
                    Value::Code(HouseholdStatus::Exited.code()),
                    Value::Int(i64::from(year)),
                    Value::Date(today),
                    Value::Text(user.to_string()),
                ],
                county: village.county(),
            },
        )
        .await?;
        recorded.push(id.clone());
    }
    s.append_audit(audit).await?;
    Ok(recorded)
}
