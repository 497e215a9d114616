//! The roll of one village for one training session: its households within reach with their
//! members, and who is already recorded as attending — what the quick-entry page ticks.

use super::queries::{
    members_of_village, session_is, station_is, village_is, COVERAGE_ORDER, HOUSEHOLD_ORDER,
    MEMBER_ORDER,
};
use crate::error::StoreError;
use crate::records::registry::read::household_scope;
use crate::session::filter::Filter;
use crate::session::rows::Named;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use xplus_core::accounts::Access;
use xplus_core::interchange::schema::{
    ATTENDANCE, ATTENDANCE_MEMBERS, HOUSEHOLDS, MEMBERS, STATIONS, STATION_COVERAGE,
    TRAINING_SESSIONS,
};
use xplus_core::interchange::{FileId, Value};
use xplus_core::registry::{HouseholdStatus, IdNumber, RegionCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollMember {
    pub id_number: IdNumber,
    pub name: String,
    pub attended: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollHousehold {
    pub household_id: String,
    pub status: Option<HouseholdStatus>,
    pub attended: bool,
    /// By identity number.
    pub members: Vec<RollMember>,
}

/// A session with the villages its station serves (its own first, then its coverage list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionVillages {
    pub session: Vec<Value>,
    pub villages: Vec<RegionCode>,
}

/// The session and the villages of its station; None when there is no such session within
/// `access`'s reach.
pub async fn session_villages(
    store: &dyn Store,
    access: &Access,
    session_id: &str,
    today: NaiveDate,
) -> Result<Option<SessionVillages>, StoreError> {
    let mut s = store.read_session().await?;
    let reach = crate::records::entries::reach(FileId::TrainingSessions, access, today);
    let filter = session_is(reach, session_id);
    let Some(session) = s.select(&TRAINING_SESSIONS, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let station = Named::new(&TRAINING_SESSIONS, &session).string("station_id");
    let mut villages: Vec<RegionCode> = s
        .select(&STATIONS, &station_is(&station), "", None)
        .await?
        .iter()
        .filter_map(|r| Named::new(&STATIONS, r).region("village_code"))
        .collect();
    let covered = s
        .select(
            &STATION_COVERAGE,
            &station_is(&station),
            COVERAGE_ORDER,
            None,
        )
        .await?;
    for r in &covered {
        let village = Named::new(&STATION_COVERAGE, r).region("village_code");
        if let Some(v) = village.filter(|v| !villages.contains(v)) {
            villages.push(v);
        }
    }
    Ok(Some(SessionVillages { session, villages }))
}

/// The households of `village` within `access`'s reach (by number), their members, and who is
/// recorded for `session_id`.
pub async fn attendance_roll(
    store: &dyn Store,
    access: &Access,
    session_id: &str,
    village: RegionCode,
    today: NaiveDate,
) -> Result<Vec<RollHousehold>, StoreError> {
    let mut s = store.read_session().await?;
    let filter = village_is(household_scope(access, today), village);
    let households = s
        .select(&HOUSEHOLDS, &filter, HOUSEHOLD_ORDER, None)
        .await?;
    let members = s
        .select(&MEMBERS, &members_of_village(village), MEMBER_ORDER, None)
        .await?;
    let of_session = session_is(Filter::new(), session_id);
    let attended: HashSet<String> = s
        .select(&ATTENDANCE, &of_session, "", None)
        .await?
        .iter()
        .filter_map(|r| {
            Named::new(&ATTENDANCE, r)
                .text("household_id")
                .map(str::to_string)
        })
        .collect();
    let named: HashSet<String> = s
        .select(&ATTENDANCE_MEMBERS, &of_session, "", None)
        .await?
        .iter()
        .filter_map(
            |r| match Named::new(&ATTENDANCE_MEMBERS, r).get("id_number") {
                Value::Id(id) => Some(id.to_string()),
                _ => None,
            },
        )
        .collect();
    let mut by_household: HashMap<String, Vec<RollMember>> = HashMap::new();
    for values in &members {
        let m = Named::new(&MEMBERS, values);
        let household = m.text("household_id");
        let (Some(household), Value::Id(id)) = (household, m.get("id_number")) else {
            continue;
        };
        by_household
            .entry(household.to_string())
            .or_default()
            .push(RollMember {
                id_number: *id,
                name: m.string("name"),
                attended: named.contains(&id.to_string()),
            });
    }
    Ok(households
        .iter()
        .filter_map(|values| {
            let h = Named::new(&HOUSEHOLDS, values);
            let id = h.text("household_id")?.to_string();
            Some(RollHousehold {
                status: h.code("status").and_then(HouseholdStatus::parse),
                attended: attended.contains(&id),
                members: by_household.remove(&id).unwrap_or_default(),
                household_id: id,
            })
        })
        .collect())
}
