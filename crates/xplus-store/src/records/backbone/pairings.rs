//! 骨干 writes and reads that carry rules.md §7: pairing a cadre with a household, ending a
//! pairing (with a successor the same day), a unit's village pairing, and the 谁来扶 suggestions.
//! The rules themselves are xplus-core's (`backbone::pairing`, `backbone::suggest`); here they are
//! applied to what is stored, inside the transaction that writes.

use super::queries::pairings::{
    unpaired_filter, unpaired_sql, PairedHousehold, StoredPairing, UnitPairingKey, Unpaired,
    VillageExit, HOUSEHOLD_PAIRINGS, VILLAGE_HELPERS,
};
use super::queries::read_row;
use crate::error::FieldProblem;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::registry::read::household_scope;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::{Row, Store};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use xplus_core::accounts::{Access, Scope};
use xplus_core::backbone::pairing::{self, Span};
use xplus_core::backbone::suggest::{suggest, Candidate};
use xplus_core::backbone::CadreRole;
use xplus_core::interchange::schema::{
    CADRES, CADRE_HOUSEHOLD_PAIRINGS, HOUSEHOLDS, UNITS, UNIT_VILLAGE_PAIRINGS, VILLAGES,
};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;

/// A cadre↔household pairing to write: a new one, or a stored one (same cadre and start) given
/// an end — with the successor who takes over on the end day, when the household needs one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingRequest {
    pub household_id: String,
    pub cadre_id: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub successor: Option<String>,
}

fn rejected(field: &str, message: String) -> StoreError {
    StoreError::Refused(Refusal::Rejected(vec![FieldProblem {
        field: field.to_string(),
        message,
    }]))
}

fn by_id(column: &str, id: &str) -> Filter {
    Filter::new().and(format!("{column} = ?"), vec![Arg::Text(id.to_string())])
}

fn pairing_row(
    cadre: &str,
    household: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> Vec<Value> {
    vec![
        Value::Text(cadre.to_string()),
        Value::Text(household.to_string()),
        Value::Date(start),
        end.map(Value::Date).unwrap_or(Value::Null),
    ]
}

/// The spans of pairing rows (cadre_household_pairings.csv) that have a start.
fn spans_of(rows: &[Vec<Value>]) -> Vec<Span> {
    rows.iter()
        .filter_map(|r| read_row::<StoredPairing>(r).and_then(|p| p.span))
        .collect()
}

/// The cadre of a pairing row.
fn cadre_of(row: &[Value]) -> String {
    read_row::<StoredPairing>(row)
        .map(|p| p.cadre_id)
        .unwrap_or_default()
}

/// The household if `access` reaches it, answering as the other writes do: missing and out of
/// reach alike, except to an account that reaches everywhere.
async fn household_in_reach(
    s: &mut dyn ReadSession,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<Value>, StoreError> {
    let filter = household_scope(access, today).and("household_id = ?", vec![Arg::Text(id.into())]);
    if let Some(h) = s.select(&HOUSEHOLDS, &filter, "", None).await?.pop() {
        return Ok(h);
    }
    Err(if *access.scope() == Scope::Everywhere {
        StoreError::Refused(Refusal::NotFound(format!(
            "户 {id} 不存在 / no household {id}"
        )))
    } else {
        StoreError::Refused(Refusal::Forbidden(format!(
            "户 {id} 不存在或不在您的管辖范围内 / household {id} does not exist or is outside your reach"
        )))
    })
}

fn may_assign(access: &Access) -> Result<(), StoreError> {
    if access.may_write() && access.may_assign_helpers() {
        Ok(())
    } else {
        Err(StoreError::Refused(Refusal::Forbidden(
            "结对帮扶由县乡村工作人员安排，本账号不能修改 / pairings are arranged by the office; this account cannot change them".into(),
        )))
    }
}

/// rules.md §7 on a write: the household keeps a helper (the end needs a successor the same
/// or the next day while it is poor, returned or monitored) and no cadre goes over capacity.
pub async fn save_pairing(
    store: &dyn Store,
    access: &Access,
    request: &PairingRequest,
    rules: &RuleSet,
    today: NaiveDate,
) -> Result<(), StoreError> {
    may_assign(access)?;
    let mut s = store.write_session().await?;
    let household = household_in_reach(s.as_mut(), access, &request.household_id, today).await?;
    let household = read_row::<PairedHousehold>(&household).expect("read without skipping");
    cadres_exist(s.as_mut(), request).await?;
    let rows = requested_rows(request)?;

    // The household's pairings as they would stand.
    let stored = s
        .select(
            &CADRE_HOUSEHOLD_PAIRINGS,
            &by_id("household_id", &request.household_id),
            "start_date",
            None,
        )
        .await?;
    keeps_a_helper(&household, request, &stored, &rows)?;
    within_capacity(s.as_mut(), rules, &rows).await?;

    let mut audit = Vec::new();
    for row in rows {
        let old = stored.iter().find(|r| same_key(r, &row));
        if let Some(entry) =
            crate::audit::row_change(access.user(), &CADRE_HOUSEHOLD_PAIRINGS, old, &row)
        {
            audit.push(entry);
            s.upsert(
                &CADRE_HOUSEHOLD_PAIRINGS,
                Row {
                    values: row,
                    county: household.county,
                },
            )
            .await?;
        }
    }
    if !audit.is_empty() {
        s.append_audit(audit).await?;
        s.commit().await?;
    }
    Ok(())
}

/// The cadre and the successor named by the request are stored cadres.
async fn cadres_exist(s: &mut dyn ReadSession, request: &PairingRequest) -> Result<(), StoreError> {
    for (field, cadre) in [
        ("cadre_id", Some(&request.cadre_id)),
        ("successor", request.successor.as_ref()),
    ] {
        let Some(cadre) = cadre else { continue };
        if s.count(&CADRES, &by_id("cadre_id", cadre)).await? == 0 {
            return Err(rejected(
                field,
                format!("干部 {cadre} 不存在 / no cadre {cadre}"),
            ));
        }
    }
    Ok(())
}

/// The rows the request writes: its pairing, then the successor's from the end day when it
/// names one (which needs an end, and someone else).
fn requested_rows(request: &PairingRequest) -> Result<Vec<Vec<Value>>, StoreError> {
    if let Some(end) = request.end {
        if end < request.start {
            return Err(rejected(
                "end_date",
                "结束日期早于开始日期 / ends before it starts".into(),
            ));
        }
    }
    let mut rows = vec![pairing_row(
        &request.cadre_id,
        &request.household_id,
        request.start,
        request.end,
    )];
    match (&request.successor, request.end) {
        (Some(successor), Some(_)) if *successor == request.cadre_id => {
            return Err(rejected(
                "successor",
                "接任干部须是另一人 / the successor must be someone else".into(),
            ));
        }
        (Some(successor), Some(end)) => {
            rows.push(pairing_row(successor, &request.household_id, end, None))
        }
        (Some(_), None) => {
            return Err(rejected(
                "end_date",
                "指定接任干部时须填写结束日期 / a successor takes over at an end date".into(),
            ))
        }
        (None, _) => {}
    }
    Ok(rows)
}

/// An ended pairing of a household that must keep a helper is taken over the same or the next
/// day, among the household's pairings (`stored`) as they would stand with `rows`.
fn keeps_a_helper(
    household: &PairedHousehold,
    request: &PairingRequest,
    stored: &[Vec<Value>],
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    let Some(end) = request.end else {
        return Ok(());
    };
    let merged = merge(stored, rows);
    let spans = spans_of(&merged);
    let main = merged
        .iter()
        .position(|r| same_key(r, &rows[0]))
        .expect("merged in");
    let status = household.status;
    if pairing::end_is_bound(status, household.exit_year, end)
        && pairing::ends_without_successor(&spans).contains(&main)
    {
        return Err(rejected(
            "end_date",
            format!(
                "该户状态为“{}”，结束帮扶须有接任干部当日或次日接续（结对帮扶规定：贫困户不脱贫、帮扶责任人不脱钩）/ a {} household may not be left without a helper; name a successor who takes over — pairing rules",
                status.label_zh(),
                status.code()
            ),
        ));
    }
    Ok(())
}

/// Capacity of each cadre who gains or keeps a pairing in `rows`.
async fn within_capacity(
    s: &mut dyn ReadSession,
    rules: &RuleSet,
    rows: &[Vec<Value>],
) -> Result<(), StoreError> {
    let capacity = rules.helper_capacity.value as usize;
    for (k, row) in rows.iter().enumerate() {
        let cadre = cadre_of(row);
        let theirs = s
            .select(
                &CADRE_HOUSEHOLD_PAIRINGS,
                &by_id("cadre_id", &cadre),
                "start_date",
                None,
            )
            .await?;
        let merged = merge(&theirs, std::slice::from_ref(row));
        let spans = spans_of(&merged);
        let new = merged
            .iter()
            .position(|r| same_key(r, row))
            .expect("merged in");
        if pairing::over_capacity(&spans, capacity, |i| i == new, |i| i as u32).contains(&new) {
            return Err(rejected(
                if k == 0 { "cadre_id" } else { "successor" },
                format!(
                    "干部 {cadre} 同时帮扶将超过{capacity}户（结对帮扶规定）/ cadre {cadre} would help more than {capacity} households at once — pairing rules ({})",
                    rules.helper_capacity.source
                ),
            ));
        }
    }
    Ok(())
}

/// Pairings are keyed by cadre, household and start (the file's key).
fn same_key(a: &[Value], b: &[Value]) -> bool {
    CADRE_HOUSEHOLD_PAIRINGS.key.iter().all(|&i| a[i] == b[i])
}

fn merge(stored: &[Vec<Value>], new: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = stored
        .iter()
        .filter(|r| !new.iter().any(|n| same_key(r, n)))
        .cloned()
        .collect();
    out.extend(new.iter().cloned());
    out
}

/// A unit's village pairing (a row of unit_village_pairings.csv): the village must be within
/// reach, and the unit may not leave a poor village that has not exited by the end (§7).
pub async fn save_unit_pairing(
    store: &dyn Store,
    access: &Access,
    values: Vec<Value>,
) -> Result<(), StoreError> {
    may_assign(access)?;
    let Some(UnitPairingKey {
        unit_id: unit,
        village,
        start,
        end,
    }) = read_row::<UnitPairingKey>(&values)
    else {
        return Err(StoreError::Refused(Refusal::Invalid(
            "单位、村代码和开始日期必填 / unit, village and start are required".into(),
        )));
    };
    if !access.covers_region(village) || matches!(access.scope(), Scope::PairedWith(_)) {
        return Err(StoreError::Refused(Refusal::Forbidden(format!(
            "村 {village} 不在您的管辖范围内 / village {village} is outside your reach"
        ))));
    }
    let mut s = store.write_session().await?;
    if s.count(&UNITS, &by_id("unit_id", &unit)).await? == 0 {
        return Err(rejected(
            "unit_id",
            format!("单位 {unit} 不存在 / no unit {unit}"),
        ));
    }
    let code = Filter::new().and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)]);
    let Some(v) = s.select(&VILLAGES, &code, "", None).await?.pop() else {
        return Err(rejected(
            "village_code",
            format!("村 {village} 不存在 / no village {village}"),
        ));
    };
    if let Some(end) = end {
        if end < start {
            return Err(rejected(
                "end_date",
                "结束日期早于开始日期 / ends before it starts".into(),
            ));
        }
        let v = read_row::<VillageExit>(&v).expect("read without skipping");
        let poor = v.poor;
        let exited = v
            .exit_year
            .is_some_and(|y| y <= i64::from(chrono::Datelike::year(&end)));
        if !pairing::unit_may_end(poor, exited) {
            return Err(rejected(
                "end_date",
                "贫困村未出列，帮扶单位不得撤出（结对帮扶规定：贫困村不出列、工作队不撤出）/ a unit may not leave a poor village before it exits — pairing rules".into(),
            ));
        }
    }
    let key = code
        .and("unit_id = ?", vec![Arg::Text(unit.clone())])
        .and("start_date = ?", vec![Arg::Date(start)]);
    let old = s
        .select(&UNIT_VILLAGE_PAIRINGS, &key, "", None)
        .await?
        .pop();
    if let Some(entry) =
        crate::audit::row_change(access.user(), &UNIT_VILLAGE_PAIRINGS, old.as_ref(), &values)
    {
        s.upsert(
            &UNIT_VILLAGE_PAIRINGS,
            Row {
                values,
                county: village.county(),
            },
        )
        .await?;
        s.append_audit(vec![entry]).await?;
        s.commit().await?;
    }
    Ok(())
}

/// One 谁来扶 suggestion, for a person to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperSuggestion {
    pub household_id: String,
    pub village: RegionCode,
    /// (cadre id, name); None when no cadre of the village's units has room.
    pub cadre: Option<(String, String)>,
}

/// Poor and returned households within reach that have no helper today, each with the cadre
/// suggested for it (see `backbone::suggest`).
pub async fn helper_suggestions(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    today: NaiveDate,
) -> Result<Vec<HelperSuggestion>, StoreError> {
    let mut s = store.read_session().await?;
    let scope = household_scope(access, today);
    let unpaired_filter = unpaired_filter(scope, today);
    let unpaired: Vec<(String, RegionCode)> = fetch_sql::<Unpaired>(
        &mut *s,
        &unpaired_sql(&unpaired_filter),
        &unpaired_filter.args().cloned().collect::<Vec<_>>(),
    )
    .await?
    .into_iter()
    .map(|u| (u.household_id, u.village))
    .collect();
    if unpaired.is_empty() {
        return Ok(Vec::new());
    }
    let (lo, hi) = (
        unpaired.iter().map(|(_, v)| v.as_u64()).min().unwrap_or(0),
        unpaired.iter().map(|(_, v)| v.as_u64()).max().unwrap_or(0),
    );
    let args = [
        Arg::Date(today),
        Arg::Date(today),
        Arg::Int(lo as i64),
        Arg::Int(hi as i64),
        Arg::Date(today),
        Arg::Date(today),
    ];
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut candidates: BTreeMap<RegionCode, Vec<Candidate>> = BTreeMap::new();
    for h in VILLAGE_HELPERS.fetch(&mut *s, &args).await? {
        names.insert(h.cadre_id.clone(), h.name);
        candidates.entry(h.village).or_default().push(Candidate {
            cadre_id: h.cadre_id,
            load: h.load,
        });
    }
    let suggestions = suggest(&unpaired, &candidates, rules.helper_capacity.value);
    Ok(suggestions
        .into_iter()
        .zip(&unpaired)
        .map(|(sg, (_, village))| HelperSuggestion {
            household_id: sg.household_id,
            village: *village,
            cadre: sg.cadre_id.map(|c| {
                let name = names.get(&c).cloned().unwrap_or_default();
                (c, name)
            }),
        })
        .collect())
}

/// One of a household's pairings, with who the cadre is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairingView {
    pub cadre_id: String,
    pub name: String,
    pub role: Option<CadreRole>,
    pub unit: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    /// Active on the day asked about.
    pub active: bool,
}

/// A household's pairings, oldest first; None when the account does not reach the household.
pub async fn household_pairings(
    store: &dyn Store,
    access: &Access,
    household_id: &str,
    today: NaiveDate,
) -> Result<Option<Vec<PairingView>>, StoreError> {
    let mut s = store.read_session().await?;
    let filter = household_scope(access, today)
        .and("household_id = ?", vec![Arg::Text(household_id.into())]);
    if s.count(&HOUSEHOLDS, &filter).await? == 0 {
        return Ok(None);
    }
    let rows = HOUSEHOLD_PAIRINGS
        .fetch(&mut *s, &[Arg::Text(household_id.into())])
        .await?;
    Ok(Some(
        rows.into_iter()
            .map(|p| PairingView {
                cadre_id: p.cadre_id,
                name: p.name,
                role: p.role,
                unit: p.unit,
                start: p.span.start,
                end: p.span.end,
                active: p.span.is_active_on(today),
            })
            .collect(),
    ))
}
