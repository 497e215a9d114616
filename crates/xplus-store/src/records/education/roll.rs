//! The roll of one village for one training session: its households within reach with their
//! members, and who is already recorded as attending — what the quick-entry page ticks.

use crate::error::StoreError;
use crate::records::registry::read::household_scope;
use crate::session::filter::{Arg, Filter};
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

fn by_text(column: &str, text: &str) -> Filter {
    Filter::new().and(format!("{column} = ?"), vec![Arg::Text(text.to_string())])
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
    let filter = crate::records::entries::reach(FileId::TrainingSessions, access, today)
        .and("session_id = ?", vec![Arg::Text(session_id.to_string())]);
    let Some(session) = s.select(&TRAINING_SESSIONS, &filter, "", None).await?.pop() else {
        return Ok(None);
    };
    let station = session[1].as_text().unwrap_or_default().to_string();
    let mut villages: Vec<RegionCode> = s
        .select(&STATIONS, &by_text("station_id", &station), "", None)
        .await?
        .iter()
        .filter_map(|r| r[1].as_region())
        .collect();
    for r in s
        .select(
            &STATION_COVERAGE,
            &by_text("station_id", &station),
            "village_code",
            None,
        )
        .await?
    {
        if let Some(v) = r[1].as_region().filter(|v| !villages.contains(v)) {
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
    let mut filter = household_scope(access, today);
    filter = filter.and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)]);
    let households = s.select(&HOUSEHOLDS, &filter, "household_id", None).await?;
    let members = s
        .select(
            &MEMBERS,
            &Filter::new().and(
                "household_id IN (SELECT household_id FROM households WHERE village_code = ?)",
                vec![Arg::Int(village.as_u64() as i64)],
            ),
            "household_id, id_number",
            None,
        )
        .await?;
    let attended: HashSet<String> = s
        .select(&ATTENDANCE, &by_text("session_id", session_id), "", None)
        .await?
        .iter()
        .filter_map(|r| r[1].as_text().map(str::to_string))
        .collect();
    let named: HashSet<String> = s
        .select(
            &ATTENDANCE_MEMBERS,
            &by_text("session_id", session_id),
            "",
            None,
        )
        .await?
        .iter()
        .filter_map(|r| match &r[2] {
            Value::Id(id) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut by_household: HashMap<String, Vec<RollMember>> = HashMap::new();
    for m in members {
        let (Some(household), Value::Id(id)) = (m[0].as_text(), &m[1]) else {
            continue;
        };
        by_household
            .entry(household.to_string())
            .or_default()
            .push(RollMember {
                id_number: *id,
                name: m[2].as_text().unwrap_or_default().to_string(),
                attended: named.contains(&id.to_string()),
            });
    }
    Ok(households
        .into_iter()
        .filter_map(|h| {
            let id = h[0].as_text()?.to_string();
            Some(RollHousehold {
                status: h[3].as_code().and_then(HouseholdStatus::parse),
                attended: attended.contains(&id),
                members: by_household.remove(&id).unwrap_or_default(),
                household_id: id,
            })
        })
        .collect())
}
