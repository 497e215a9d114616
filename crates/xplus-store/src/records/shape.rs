//! What the operations' queries share beyond the result shapes of `session::shape`: the share
//! sum of the collective's queries and the village bounds of an account's reach.

/// Shares held by the share events `e` in a GROUP BY: grants minus reclaims, as BIGINT (on
/// PostgreSQL a bare sum of bigint is numeric).
pub(super) const HELD_SUM: &str =
    "CAST(sum(CASE WHEN e.kind = 'grant' THEN e.shares ELSE -e.shares END) AS BIGINT)";

/// The village codes an account reaches, as the bounds of a `BETWEEN`: all of them, its
/// region's, or none for a helper (whose reach is households, not villages).
pub(super) fn village_bounds(access: &xplus_core::accounts::Access) -> [super::Arg; 2] {
    let (lo, hi) = reach_bounds(access);
    [super::Arg::Int(lo as i64), super::Arg::Int(hi as i64)]
}

/// [`village_bounds`] as numbers.
pub(super) fn reach_bounds(access: &xplus_core::accounts::Access) -> (u64, u64) {
    use xplus_core::accounts::Scope;
    match access.scope() {
        Scope::Everywhere => (0, u64::MAX >> 1),
        Scope::Region(r) => crate::sql::range_of(r.as_u64(), r.level()),
        Scope::PairedWith(_) => (1, 0),
    }
}
