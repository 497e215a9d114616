//! One household with its members and incomes, as the household page, the API and the save
//! path read it: within an account's reach, with the fingerprint an editor sends back so that a
//! save made after someone else's is refused.

use crate::error::StoreError;
use crate::records::registry::read::{household_scope, region_names};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::store::Store;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{cell, FileSpec, Value};

/// A digest of everything stored for a household. Any change to the household, a member or an
/// income — from a page, the API, an import — changes it.
pub fn fingerprint(household: &[Value], members: &[Vec<Value>], incomes: &[Vec<Value>]) -> String {
    let mut h = Sha256::new();
    let mut add = |file: &FileSpec, row: &[Value]| {
        for (column, value) in file.columns.iter().zip(row) {
            h.update(cell::format(column, value, false).as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    };
    add(&HOUSEHOLDS, household);
    for m in members {
        add(&MEMBERS, m);
    }
    for i in incomes {
        add(&INCOMES, i);
    }
    let digest = h.finalize();
    crate::sessions::hex(&digest[..16])
}

/// One household with everything the household page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRecord {
    pub household: Vec<Value>,
    /// Members by identity number.
    pub members: Vec<Vec<Value>>,
    /// Incomes by year.
    pub incomes: Vec<Vec<Value>>,
    pub village_name: String,
    /// What an editor saw: a save is refused if the household has changed since.
    pub fingerprint: String,
}

/// The household, if it exists and the account reaches it (otherwise `None`, the same answer
/// for both, so that a page cannot be used to probe other regions' numbers).
pub async fn household(
    store: &dyn Store,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Option<HouseholdRecord>, StoreError> {
    let mut s = store.read_session().await?;
    load(s.as_mut(), Some(access), id, today).await
}

/// Reads a household on `s`; with `access`, only if that account reaches it.
pub(crate) async fn load(
    s: &mut dyn ReadSession,
    access: Option<&Access>,
    id: &str,
    today: NaiveDate,
) -> Result<Option<HouseholdRecord>, StoreError> {
    let scope = access
        .map(|a| household_scope(a, today))
        .unwrap_or_default();
    let filter = scope.and("household_id = ?", vec![Arg::Text(id.to_string())]);
    let Some(household) = s.select(&HOUSEHOLDS, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let of_household = Filter::new().and("household_id = ?", vec![Arg::Text(id.to_string())]);
    let members = s.select(&MEMBERS, &of_household, "id_number", None).await?;
    let incomes = s.select(&INCOMES, &of_household, "year", None).await?;
    let village = household[1].as_region().map(|c| c.as_u64() as i64);
    let names = region_names(s, village.into_iter().collect()).await?;
    let fingerprint = fingerprint(&household, &members, &incomes);
    Ok(Some(HouseholdRecord {
        village_name: village
            .and_then(|v| names.get(&(v as u64)).cloned())
            .unwrap_or_default(),
        household,
        members,
        incomes,
        fingerprint,
    }))
}
