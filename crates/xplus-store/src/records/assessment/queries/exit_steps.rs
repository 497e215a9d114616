//! What taking a step of the exit procedure asks besides the batch (`exits.rs`): the household
//! whose exit the county's approval records, if it is still in the village.

use crate::session::filter::{Arg, Filter};
use xplus_core::registry::RegionCode;

/// Conditions over `households` naming a household if it is in a village: the arguments are the
/// household, then the village.
pub(in crate::records) fn household_in_village(household_id: &str, village: RegionCode) -> Filter {
    Filter::new()
        .and(
            "household_id = ?",
            vec![Arg::Text(household_id.to_string())],
        )
        .and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)])
}
