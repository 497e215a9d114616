//! 骨干 writes and reads that carry rules.md §7: pairing a cadre with a household, ending a
//! pairing (with a successor the same day), a unit's village pairing, and the 谁来扶 suggestions.
//! The rules themselves are xplus-core's (`backbone::pairing`, `backbone::suggest`); here they are
//! applied to what is stored, inside the transaction that writes.

use crate::error::FieldProblem;
use crate::error::StoreError;
use crate::records::registry::read::household_scope;
use crate::records::shape::{column, shape, COUNT};
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
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
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::{HouseholdStatus, RegionCode};
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
    StoreError::Rejected(vec![FieldProblem {
        field: field.to_string(),
        message,
    }])
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

fn span_of(row: &[Value]) -> Option<Span> {
    Some(Span {
        start: row[2].as_date()?,
        end: row[3].as_date(),
    })
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
        StoreError::NotFound(format!("户 {id} 不存在 / no household {id}"))
    } else {
        StoreError::Forbidden(format!(
            "户 {id} 不存在或不在您的管辖范围内 / household {id} does not exist or is outside your reach"
        ))
    })
}

fn may_assign(access: &Access) -> Result<(), StoreError> {
    if access.may_write() && access.may_assign_helpers() {
        Ok(())
    } else {
        Err(StoreError::Forbidden(
            "结对帮扶由县乡村工作人员安排，本账号不能修改 / pairings are arranged by the office; this account cannot change them".into(),
        ))
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
    let status = household[3]
        .as_code()
        .and_then(HouseholdStatus::parse)
        .unwrap_or(HouseholdStatus::Poor);
    let exit_year = household[4].as_int().map(|y| y as i32);
    let county = household[1].as_region().and_then(RegionCode::county);

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

    // The household's pairings as they would stand.
    let stored = s
        .select(
            &CADRE_HOUSEHOLD_PAIRINGS,
            &by_id("household_id", &request.household_id),
            "start_date",
            None,
        )
        .await?;
    let merged = merge(&stored, &rows);
    if let Some(end) = request.end {
        let spans: Vec<Span> = merged.iter().filter_map(|r| span_of(r)).collect();
        let main = merged
            .iter()
            .position(|r| same_key(r, &rows[0]))
            .expect("merged in");
        if pairing::end_is_bound(status, exit_year, end)
            && pairing::ends_without_successor(&spans).contains(&main)
        {
            return Err(rejected(
                "end_date",
                format!(
                    "该户状态为“{}”，结束帮扶须有接任干部当日或次日接续（贫困户不脱贫、帮扶责任人不脱钩，rules.md §7）/ a {} household may not be left without a helper; name a successor who takes over — rules.md §7",
                    status.label_zh(),
                    status.code()
                ),
            ));
        }
    }

    // Capacity of each cadre who gains or keeps a pairing here.
    let capacity = rules.helper_capacity.value as usize;
    for (k, row) in rows.iter().enumerate() {
        let cadre = row[0].as_text().unwrap_or_default();
        let theirs = s
            .select(
                &CADRE_HOUSEHOLD_PAIRINGS,
                &by_id("cadre_id", cadre),
                "start_date",
                None,
            )
            .await?;
        let merged = merge(&theirs, std::slice::from_ref(row));
        let spans: Vec<Span> = merged.iter().filter_map(|r| span_of(r)).collect();
        let new = merged
            .iter()
            .position(|r| same_key(r, row))
            .expect("merged in");
        if pairing::over_capacity(&spans, capacity, |i| i == new, |i| i as u32).contains(&new) {
            return Err(rejected(
                if k == 0 { "cadre_id" } else { "successor" },
                format!(
                    "干部 {cadre} 同时帮扶将超过{capacity}户（rules.md §7）/ cadre {cadre} would help more than {capacity} households at once — rules.md §7 ({})",
                    rules.helper_capacity.source
                ),
            ));
        }
    }

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
                    county,
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

/// Pairings are keyed by cadre, household and start.
fn same_key(a: &[Value], b: &[Value]) -> bool {
    a[0] == b[0] && a[1] == b[1] && a[2] == b[2]
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
    let (Some(unit), Some(village), Some(start)) = (
        values[0].as_text().map(str::to_string),
        values[1].as_region(),
        values[2].as_date(),
    ) else {
        return Err(StoreError::Invalid(
            "单位、村代码和开始日期必填 / unit, village and start are required".into(),
        ));
    };
    if !access.covers_region(village) || matches!(access.scope(), Scope::PairedWith(_)) {
        return Err(StoreError::Forbidden(format!(
            "村 {village} 不在您的管辖范围内 / village {village} is outside your reach"
        )));
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
    if let Some(end) = values[3].as_date() {
        if end < start {
            return Err(rejected(
                "end_date",
                "结束日期早于开始日期 / ends before it starts".into(),
            ));
        }
        let poor = v[1].as_bool().unwrap_or(false);
        let exited = v[3]
            .as_int()
            .is_some_and(|y| y <= i64::from(chrono::Datelike::year(&end)));
        if !pairing::unit_may_end(poor, exited) {
            return Err(rejected(
                "end_date",
                "贫困村未出列，帮扶单位不得撤出（贫困村不出列、工作队不撤出，rules.md §7）/ a unit may not leave a poor village before it exits — rules.md §7".into(),
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

static UNPAIRED: FileSpec = shape(
    FileId::Households,
    "unpaired_households",
    "未结对贫困户",
    &[
        column("household_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
    ],
);

static HELPERS: FileSpec = shape(
    FileId::Cadres,
    "village_helpers",
    "包村单位干部",
    &[
        column("village_code", ColumnType::Region),
        column("cadre_id", ColumnType::Text),
        column("name", ColumnType::Text),
        column("load", COUNT),
    ],
);

/// One 谁来扶 suggestion, for a person to confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperSuggestion {
    pub household_id: String,
    pub village: RegionCode,
    /// (cadre id, name); None when no cadre of the village's units has room.
    pub cadre: Option<(String, String)>,
}

const ACTIVE: &str = "start_date <= ? AND (end_date IS NULL OR end_date >= ?)";

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
    let unpaired_filter = scope
        .clone()
        .and("status IN ('poor', 'returned')", vec![])
        .and(
            format!("household_id NOT IN (SELECT household_id FROM cadre_household_pairings WHERE {ACTIVE})"),
            vec![Arg::Date(today), Arg::Date(today)],
        );
    let sql = format!(
        "SELECT household_id, village_code FROM households{} ORDER BY village_code, household_id",
        unpaired_filter.render_where(&mut || "?".into())
    );
    let unpaired: Vec<(String, RegionCode)> = s
        .query(
            &UNPAIRED,
            &sql,
            &unpaired_filter.args().cloned().collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .filter_map(|r| Some((r[0].as_text()?.to_string(), r[1].as_region()?)))
        .collect();
    if unpaired.is_empty() {
        return Ok(Vec::new());
    }
    let (lo, hi) = (
        unpaired.iter().map(|(_, v)| v.as_u64()).min().unwrap_or(0),
        unpaired.iter().map(|(_, v)| v.as_u64()).max().unwrap_or(0),
    );
    let sql =
        "SELECT p.village_code, c.cadre_id, c.name, \
           (SELECT count(*) FROM cadre_household_pairings x WHERE x.cadre_id = c.cadre_id \
              AND x.start_date <= ? AND (x.end_date IS NULL OR x.end_date >= ?)) \
         FROM unit_village_pairings p JOIN cadres c ON c.unit_id = p.unit_id \
         WHERE p.village_code BETWEEN ? AND ? \
           AND p.start_date <= ? AND (p.end_date IS NULL OR p.end_date >= ?) AND c.role <> 'graduate_official' \
         ORDER BY p.village_code, c.cadre_id"
    ;
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
    for r in s.query(&HELPERS, sql, &args).await? {
        let (Some(village), Some(cadre)) = (r[0].as_region(), r[1].as_text()) else {
            continue;
        };
        names.insert(
            cadre.to_string(),
            r[2].as_text().unwrap_or_default().to_string(),
        );
        candidates.entry(village).or_default().push(Candidate {
            cadre_id: cadre.to_string(),
            load: r[3].as_int().unwrap_or(0).clamp(0, i64::from(u32::MAX)) as u32,
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

static HOUSEHOLD_PAIRINGS: FileSpec = shape(
    FileId::CadreHouseholdPairings,
    "household_pairings",
    "本户帮扶干部",
    &[
        column("cadre_id", ColumnType::Text),
        column("name", ColumnType::Text),
        column("role", ColumnType::Enum(&CadreRole::SPEC)),
        column("unit", ColumnType::Text),
        column("start_date", ColumnType::Date),
        column("end_date", ColumnType::Date),
    ],
);

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
    let rows = s
        .query(
            &HOUSEHOLD_PAIRINGS,
            "SELECT p.cadre_id, c.name, c.role, u.name, p.start_date, p.end_date \
             FROM cadre_household_pairings p JOIN cadres c ON c.cadre_id = p.cadre_id \
             JOIN units u ON u.unit_id = c.unit_id \
             WHERE p.household_id = ? ORDER BY p.start_date, p.cadre_id",
            &[Arg::Text(household_id.into())],
        )
        .await?;
    Ok(Some(
        rows.into_iter()
            .filter_map(|r| {
                let start = r[4].as_date()?;
                let end = r[5].as_date();
                Some(PairingView {
                    cadre_id: r[0].as_text()?.to_string(),
                    name: r[1].as_text().unwrap_or_default().to_string(),
                    role: r[2].as_code().and_then(CadreRole::parse),
                    unit: r[3].as_text().unwrap_or_default().to_string(),
                    start,
                    end,
                    active: Span { start, end }.is_active_on(today),
                })
            })
            .collect(),
    ))
}
