//! The search box: households by the start of their number, people by a part of their name or
//! identity number (shown with their relation to the head and the head's name), regions by a
//! part of their name — each within the account's reach, counted and paged. The words are
//! core's `SearchText` (cleaned and bounded there); the index is migration 0019's.

use super::read::household_scope;
use super::search_queries::{self as queries, PersonMatch, RegionMatch};
use crate::error::StoreError;
use crate::records::{Page, ReadSession};
use crate::session::filter::Arg;
use crate::session::rows::{fetch_sql, Count, FromRow};
use crate::store::Store;
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Scope};
use xplus_core::registry::search::SearchText;
use xplus_core::registry::{HouseholdStatus, Level, RegionCode, Relation};

/// One group of results: how many there are in all, and the page asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub total: u64,
    pub items: Vec<T>,
}

impl<T> Found<T> {
    fn none() -> Found<T> {
        Found {
            total: 0,
            items: Vec::new(),
        }
    }
}

/// A household found by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdHit {
    pub id: String,
    pub village: RegionCode,
    pub village_name: String,
    pub status: HouseholdStatus,
    pub head_name: Option<String>,
}

/// A person found by their name or identity number, with their household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonHit {
    pub household_id: String,
    pub village: RegionCode,
    pub village_name: String,
    /// As stored (18 characters); the caller shows it through `Access::id_number`.
    pub id_number: String,
    pub name: String,
    pub relation: Relation,
    pub head_name: Option<String>,
}

/// A region found by its name or the start of its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionHit {
    pub code: RegionCode,
    pub name: String,
    /// The names of the two regions above it, top first ("南谯区 乌衣镇").
    pub above: Vec<String>,
}

async fn found<T: FromRow>(
    s: &mut dyn ReadSession,
    (count, count_args): (String, Vec<Arg>),
    (sql, mut args): (String, Vec<Arg>),
    page: Page,
) -> Result<Found<T>, StoreError> {
    crate::session::filter::refuse_nul(count_args.iter().chain(&args))?;
    let total = fetch_sql::<Count>(s, &count, &count_args)
        .await?
        .first()
        .map_or(0, |t| t.n);
    if total == 0 || page.offset >= total {
        return Ok(Found {
            total,
            items: Vec::new(),
        });
    }
    args.push(Arg::Int(page.limit as i64));
    args.push(Arg::Int(page.offset as i64));
    Ok(Found {
        total,
        items: fetch_sql::<T>(s, &sql, &args).await?,
    })
}

/// The households within reach whose number starts with `text`.
pub async fn search_households(
    store: &dyn Store,
    access: &Access,
    text: &SearchText,
    page: Page,
    today: NaiveDate,
) -> Result<Found<HouseholdHit>, StoreError> {
    let Some(prefix) = text.key_prefix() else {
        return Ok(Found::none());
    };
    let scope = household_scope(access, today);
    let (count, rows) = queries::households(store.backend(), prefix, &scope);
    let mut s = store.read_session().await?;
    let found = found::<queries::HouseholdRow>(s.as_mut(), count, rows, page).await?;
    Ok(Found {
        total: found.total,
        items: found
            .items
            .into_iter()
            .map(|r| HouseholdHit {
                id: r.id,
                village: r.village,
                village_name: r.village_name.unwrap_or_default(),
                status: r.status,
                head_name: r.head_name,
            })
            .collect(),
    })
}

/// The people within reach whose name holds `text`, or whose identity number holds it (for
/// an account that sees numbers masked, ends with it: their hidden digits are not to be found
/// out by trying).
pub async fn search_people(
    store: &dyn Store,
    access: &Access,
    text: &SearchText,
    page: Page,
    today: NaiveDate,
) -> Result<Found<PersonHit>, StoreError> {
    let id = text.id_fragment();
    let how = match (&id, text.name_part()) {
        (Some(id), _) if access.sees_full_id_numbers() => PersonMatch::IdInside(id),
        (Some(id), _) => PersonMatch::IdEnd(id),
        (None, Some(name)) => PersonMatch::Name(name),
        (None, None) => return Ok(Found::none()),
    };
    let scope = household_scope(access, today);
    let (count, rows) = queries::people(store.backend(), &how, &scope);
    let mut s = store.read_session().await?;
    let found = found::<queries::PersonRow>(s.as_mut(), count, rows, page).await?;
    Ok(Found {
        total: found.total,
        items: found
            .items
            .into_iter()
            .map(|r| PersonHit {
                household_id: r.household_id,
                village: r.village,
                village_name: r.village_name.unwrap_or_default(),
                id_number: r.id_number,
                name: r.name,
                relation: r.relation,
                head_name: r.head_name,
            })
            .collect(),
    })
}

/// The regions within reach (an official's region and below; every region for those who
/// reach everything; none for a helper, whose reach is households) of `levels` (any when
/// empty) whose name holds `text`, or whose code starts with it.
pub async fn search_regions(
    store: &dyn Store,
    access: &Access,
    text: &SearchText,
    levels: &[Level],
    page: Page,
) -> Result<Found<RegionHit>, StoreError> {
    let reach = match access.scope() {
        Scope::Everywhere => None,
        Scope::Region(r) => {
            let (lo, hi) = crate::sql::range_of(r.as_u64(), r.level());
            Some((lo as i64, hi as i64))
        }
        Scope::PairedWith(_) => return Ok(Found::none()),
    };
    let how = match code_range(text.as_str()) {
        Some((lo, hi)) => RegionMatch::Codes(lo, hi),
        None => match text.name_part() {
            Some(name) => RegionMatch::Name(name),
            None => return Ok(Found::none()),
        },
    };
    let levels: Vec<&'static str> = levels.iter().map(|l| l.code()).collect();
    let (count, rows) = queries::regions(store.backend(), &how, reach, &levels);
    let mut s = store.read_session().await?;
    let found = found::<queries::RegionRow>(s.as_mut(), count, rows, page).await?;
    Ok(Found {
        total: found.total,
        items: found
            .items
            .into_iter()
            .map(|r| RegionHit {
                code: r.code,
                name: r.name,
                above: [r.grandparent_name, r.parent_name]
                    .into_iter()
                    .flatten()
                    .collect(),
            })
            .collect(),
    })
}

/// The whole region codes that start with `typed` (digits, at most 12), as a range.
fn code_range(typed: &str) -> Option<(i64, i64)> {
    if typed.is_empty() || typed.len() > 12 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = 10_i64.pow(12 - typed.len() as u32);
    let start: i64 = typed.parse().ok()?;
    Some((start * scale, (start + 1) * scale - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_code_is_the_range_of_codes_it_starts() {
        assert_eq!(code_range("3411"), Some((341_100_000_000, 341_199_999_999)));
        assert_eq!(
            code_range("341103100201"),
            Some((341_103_100_201, 341_103_100_201))
        );
        assert_eq!(code_range("3411a"), None);
        assert_eq!(code_range("3411031002011"), None);
    }
}
