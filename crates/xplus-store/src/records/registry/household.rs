//! One household with its members and incomes, as the household page, the API and the save
//! path read it: within an account's reach, with the fingerprint an editor sends back so that a
//! save made after someone else's is refused.

use super::queries::{household_is, INCOME_ORDER, MEMBER_ORDER};
use crate::error::{Refusal, StoreError};
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
use xplus_core::registry::{Household, Income, Member, RegionCode, RowError};

/// A digest of everything stored for a household. Any change to the household, a member or an
/// income — from a page, the API, an import — changes it.
pub fn fingerprint(household: &Household, members: &[Member], incomes: &[Income]) -> String {
    let mut h = Sha256::new();
    let mut add = |file: &FileSpec, row: &[Value]| {
        for (column, value) in file.columns.iter().zip(row) {
            h.update(cell::format(column, value, false).as_bytes());
            h.update([0x1f]);
        }
        h.update([0x1e]);
    };
    add(&HOUSEHOLDS, &household.to_row());
    for m in members {
        add(&MEMBERS, &m.to_row());
    }
    for i in incomes {
        add(&INCOMES, &i.to_row());
    }
    let digest = h.finalize();
    crate::accounts::sessions::hex(&digest[..16])
}

/// The outcome of a save: the household as it now stands (its fingerprint for the next edit),
/// so that the caller answers without reading it again.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub household_id: String,
    pub fingerprint: String,
    /// False when the values were those already stored (nothing written, nothing audited).
    pub changed: bool,
    pub record: HouseholdRecord,
}

/// The refusal of a save whose household changed after the editor loaded it.
pub fn stale(id: &str) -> StoreError {
    StoreError::Refused(Refusal::Conflict(format!(
        "户 {id} 在您打开后已被他人修改，您的修改未保存；请重新打开查看最新内容后再改 \
         / household {id} was changed by someone else after you opened it; your change was not \
         saved — reopen it to see the current values"
    )))
}

/// One household with everything the household page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRecord {
    pub household: Household,
    /// Members by identity number.
    pub members: Vec<Member>,
    /// Incomes by year.
    pub incomes: Vec<Income>,
    pub village_name: String,
    /// What an editor saw: a save is refused if the household has changed since.
    pub fingerprint: String,
}

impl HouseholdRecord {
    /// The head (a stored household has exactly one; a registry broken before the rule was kept
    /// everywhere may have none).
    pub fn head(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.is_head())
    }

    /// The member at `place` (1-based) in the list as shown: forms name members by their place
    /// because the identity numbers they show may be masked.
    pub fn member_at(&self, place: usize) -> Option<&Member> {
        self.members.get(place.wrapping_sub(1))
    }
}

/// A members row's identity number as the text that names the person in the audit log and in
/// queries (and orders members as a read does).
pub(crate) fn id_number_text(member: &[Value]) -> String {
    let column = &MEMBERS.columns[MEMBERS.column_index("id_number").expect("members have one")];
    cell::format(column, Named::new(&MEMBERS, member).get("id_number"), false)
}

/// A stored row read as its record; one that does not read was changed outside xplus.
pub(crate) fn typed<T>(
    file: &'static FileSpec,
    row: &[Value],
    read: fn(&[Value]) -> Result<T, RowError>,
) -> Result<T, StoreError> {
    read(row).map_err(|e| crate::session::corrupt_row(file, e))
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
    let household = typed(&HOUSEHOLDS, &household, Household::from_row)?;
    let members = (members.iter())
        .map(|m| typed(&MEMBERS, m, Member::from_row))
        .collect::<Result<Vec<_>, _>>()?;
    let incomes = (incomes.iter())
        .map(|i| typed(&INCOMES, i, Income::from_row))
        .collect::<Result<Vec<_>, _>>()?;
    let village_name = village_name(s, household.village).await?;
    Ok(Some(HouseholdRecord {
        fingerprint: fingerprint(&household, &members, &incomes),
        village_name,
        household,
        members,
        incomes,
    }))
}

/// The name of a household's village as the record shows it.
pub(crate) async fn village_name(
    s: &mut dyn ReadSession,
    village: RegionCode,
) -> Result<String, StoreError> {
    let names = region_names(s, vec![village.as_u64() as i64]).await?;
    Ok(names.get(&village.as_u64()).cloned().unwrap_or_default())
}
