//! One household with its members and incomes, as the household page, the API and the save
//! path read it: within an account's reach, with the fingerprint an editor sends back so that a
//! save made after someone else's is refused.

use super::queries::{household_is, INCOME_ORDER, MEMBER_ORDER};
use crate::error::StoreError;
use crate::records::registry::read::{household_scope, region_names};
use crate::records::ReadSession;
use crate::session::filter::Filter;
use crate::session::rows::Named;
use crate::store::Store;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES, MEMBERS};
use xplus_core::interchange::{cell, FileSpec, Value};
use xplus_core::registry::{HouseholdStatus, RegionCode};

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
    crate::accounts::sessions::hex(&digest[..16])
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

impl HouseholdRecord {
    /// The households row, read by column name.
    pub(crate) fn row(&self) -> Named<'_> {
        Named::new(&HOUSEHOLDS, &self.household)
    }

    pub(crate) fn village(&self) -> Option<RegionCode> {
        self.row().region("village_code")
    }

    pub(crate) fn status(&self) -> Option<HouseholdStatus> {
        self.row().code("status").and_then(HouseholdStatus::parse)
    }
}

/// A members row's identity number as the text that names the person in the audit log and in
/// queries (and orders members as a read does).
pub(crate) fn id_number_text(member: &[Value]) -> String {
    let column = &MEMBERS.columns[MEMBERS.column_index("id_number").expect("members have one")];
    cell::format(column, Named::new(&MEMBERS, member).get("id_number"), false)
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
    let filter = household_is(scope, id);
    let Some(household) = s.select(&HOUSEHOLDS, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let of_household = household_is(Filter::new(), id);
    let members = s
        .select(&MEMBERS, &of_household, MEMBER_ORDER, None)
        .await?;
    let incomes = s
        .select(&INCOMES, &of_household, INCOME_ORDER, None)
        .await?;
    let village = Named::new(&HOUSEHOLDS, &household)
        .region("village_code")
        .map(|c| c.as_u64() as i64);
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
