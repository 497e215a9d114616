//! What recording a year asks besides the judging: whether the year was recorded before (its
//! summary audit entry), and the stored households and villages whose standing it changes.

use crate::session::filter::{marks, Arg, Filter};
use xplus_core::registry::RegionCode;

/// Conditions over `audit_log` naming the summary entry of a year's assessment: the arguments
/// are the action, then the year.
pub(in crate::records) fn year_applied(year: i32) -> Filter {
    Filter::new()
        .and("action = ?", vec![Arg::Text("assessment".into())])
        .and("record_key = ?", vec![Arg::Text(year.to_string())])
}

/// Conditions over `households` naming the households `ids`, the arguments.
pub(in crate::records) fn households_with_ids(ids: &[&str]) -> Filter {
    Filter::new().and(
        format!("household_id IN ({})", marks(ids.len())),
        ids.iter().map(|id| Arg::Text((*id).to_string())).collect(),
    )
}

/// Conditions over `villages` naming the villages `codes`, the arguments.
pub(in crate::records) fn villages_with_codes(codes: &[RegionCode]) -> Filter {
    Filter::new().and(
        format!("village_code IN ({})", marks(codes.len())),
        codes.iter().map(|v| Arg::Int(v.as_u64() as i64)).collect(),
    )
}
