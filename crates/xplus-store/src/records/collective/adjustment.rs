//! rules.md §8 dynamic adjustment over what is stored: the plan of xplus-core
//! `collective::adjust` for a year (reclaims from the year's exits, pledged shares kept, grants
//! to poor and returned households), and writing it as share events dated Jan 1 of the next year.

use crate::error::StoreError;
use crate::records::shape::{column, shape, COUNT, HELD_SUM, SIGNED};
use crate::session::filter::Arg;
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use xplus_core::collective::adjust::{adjust, AdjustmentPlan, Candidate, Held, Pool};
use xplus_core::collective::ledger::{self, LedgerEvent};
use xplus_core::collective::ShareEventKind;
use xplus_core::interchange::schema::SHARE_EVENTS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::income::per_capita;
use xplus_core::registry::{HouseholdStatus, RegionCode};
use xplus_core::Fen;

const MONEY: ColumnType = ColumnType::Money { negative: true };

static POOLS: FileSpec = shape(
    FileId::Projects,
    "pools",
    "股池",
    &[
        column("project_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("shares_per_household", COUNT),
        column("total_shares", COUNT),
    ],
);

static HELD: FileSpec = shape(
    FileId::ShareEvents,
    "held",
    "持股",
    &[
        column("project_id", ColumnType::Text),
        column("household_id", ColumnType::Text),
        column("shares", SIGNED),
    ],
);

static PLEDGED: FileSpec = shape(
    FileId::Loans,
    "pledged",
    "质押",
    &[
        column("project_id", ColumnType::Text),
        column("household_id", ColumnType::Text),
        column("pledged", COUNT),
    ],
);

static CANDIDATES: FileSpec = shape(
    FileId::Households,
    "adjustment_households",
    "调整对象",
    &[
        column("household_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("status", ColumnType::Enum(&HouseholdStatus::SPEC)),
        column("exit_year", ColumnType::Year),
        column("net", MONEY),
        column("members", COUNT),
    ],
);

/// A year's adjustment with the facts it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentView {
    pub year: i32,
    /// Jan 1 of the next year: the date of the events.
    pub date: NaiveDate,
    pub plan: AdjustmentPlan<String>,
    counties: BTreeMap<String, Option<RegionCode>>,
    /// Each project's total shares, for checking the ledgers the plan touches.
    totals: BTreeMap<String, i64>,
}

fn jan1_after(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let bad = || StoreError::Invalid(format!("年度 {year} 无效 / invalid year {year}"));
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    let jan1 = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(bad)?;
    Ok((dec31, jan1))
}

/// The adjustment of `year` over the whole registry.
pub async fn adjustment_plan(store: &dyn Store, year: i32) -> Result<AdjustmentView, StoreError> {
    let (dec31, jan1) = jan1_after(year)?;
    let mut s = store.read_session().await?;
    let pools: Vec<Pool<String>> = s
        .query(
            &POOLS,
            "SELECT project_id, village_code, shares_per_household, total_shares FROM projects",
            &[],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(Pool {
                project: r[0].as_text()?.to_string(),
                village: r[1].as_region()?.as_u64(),
                shares_per_household: r[2].as_int()?,
                total_shares: r[3].as_int()?,
            })
        })
        .collect();
    let pledged: BTreeMap<(String, String), i64> = s
        .query(
            &PLEDGED,
            "SELECT project_id, household_id, CAST(sum(pledged_shares) AS BIGINT) FROM loans \
             WHERE start_date <= ? AND (repaid_date IS NULL OR repaid_date > ?) \
             GROUP BY project_id, household_id",
            &[Arg::Date(dec31), Arg::Date(jan1)],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            Some((
                (r[0].as_text()?.to_string(), r[1].as_text()?.to_string()),
                r[2].as_int()?,
            ))
        })
        .collect();
    let holdings: Vec<Held<String>> = s
        .query(
            &HELD,
            &format!(
                "SELECT e.project_id, e.household_id, {HELD_SUM} \
                 FROM share_events e WHERE e.date <= ? GROUP BY e.project_id, e.household_id"
            ),
            &[Arg::Date(dec31)],
        )
        .await?
        .into_iter()
        .filter_map(|r| {
            let project = r[0].as_text()?.to_string();
            let household = r[1].as_text()?.to_string();
            let pledged = pledged
                .get(&(project.clone(), household.clone()))
                .copied()
                .unwrap_or(0);
            Some(Held {
                project,
                household,
                shares: r[2].as_int()?,
                pledged,
            })
        })
        .collect();
    let rows = s
        .query(
            &CANDIDATES,
            &format!(
                "SELECT h.household_id, h.village_code, h.status, h.exit_year, {}, \
                 (SELECT count(*) FROM members m WHERE m.household_id = h.household_id) \
                 FROM households h LEFT JOIN incomes i ON i.household_id = h.household_id AND i.year = ? \
                 WHERE (h.village_code IN (SELECT village_code FROM projects) \
                 AND (h.status = 'poor' OR h.status = 'returned')) \
                 OR ((h.status = 'exited' OR h.status = 'monitored') AND h.exit_year <= ? \
                     AND h.household_id IN (SELECT household_id FROM share_events))",
                crate::sql::NET_INCOME_OF_I
            ),
            &[Arg::Int(i64::from(year)), Arg::Int(i64::from(year))],
        )
        .await?;
    let mut counties = BTreeMap::new();
    let households: Vec<Candidate<String>> = rows
        .into_iter()
        .filter_map(|r| {
            let id = r[0].as_text()?.to_string();
            let village = r[1].as_region()?;
            counties.insert(id.clone(), village.county());
            Some(Candidate {
                household: id,
                village: village.as_u64(),
                status: r[2].as_code().and_then(HouseholdStatus::parse)?,
                exit_year: r[3].as_int().map(|y| y as i32),
                per_capita_income: r[4]
                    .as_money()
                    .and_then(|net: Fen| per_capita(net, r[5].as_int().unwrap_or(0))),
            })
        })
        .collect();
    Ok(AdjustmentView {
        year,
        date: jan1,
        plan: adjust(year, &pools, &holdings, &households),
        counties,
        totals: pools
            .into_iter()
            .map(|p| (p.project, p.total_shares))
            .collect(),
    })
}

/// What writing an adjustment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentApplied {
    Recorded {
        events: usize,
    },
    /// The year was applied before with this same plan: nothing written.
    AlreadyRecorded,
}

fn conflict(zh: String, en: String) -> StoreError {
    StoreError::Conflict(format!("{zh} / {en}"))
}

/// Writes the plan's events (dated Jan 1 of the next year) in one transaction with one audit
/// entry, once per year. Under the write lock the plan is computed again and must equal `view`
/// (else the records changed since it was shown); a year applied before is not applied again —
/// with the same plan nothing happens, with another it is refused. The touched projects' whole
/// ledgers, with the new events, are checked as an import checks them (never below zero, never
/// beyond the pool) before anything is written.
pub async fn apply_adjustment(
    store: &dyn Store,
    actor: &str,
    view: &AdjustmentView,
) -> Result<AdjustmentApplied, StoreError> {
    let mut tx = store.begin_import(actor).await?;
    let now = adjustment_plan(store, view.year).await?;
    if now != *view {
        let _ = tx.rollback().await;
        return Err(conflict(
            "计算之后数据已改变，未写入；请重新执行".into(),
            "the records changed after this plan was computed; nothing was written — run it again"
                .into(),
        ));
    }
    let mut s = store.read_session().await?;
    let applied_before = !s
        .audit_entries(
            &crate::session::filter::Filter::new()
                .and("action = ?", vec![Arg::Text("equity_adjustment".into())])
                .and("record_key = ?", vec![Arg::Text(view.year.to_string())]),
            1,
        )
        .await?
        .is_empty();
    let touched: BTreeSet<&String> = view.plan.events.iter().map(|e| &e.project).collect();
    let mut ledgers: BTreeMap<String, Vec<Vec<Value>>> = BTreeMap::new();
    for chunk in touched.iter().collect::<Vec<_>>().chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|p| Arg::Text((**p).clone())).collect();
        let filter = crate::session::filter::Filter::new().and(
            format!(
                "project_id IN ({})",
                crate::session::filter::marks(args.len())
            ),
            args,
        );
        for r in s.select(&SHARE_EVENTS, &filter, "", None).await? {
            let project = r[0].as_text().unwrap_or_default().to_string();
            ledgers.entry(project).or_default().push(r);
        }
    }
    let stored: BTreeSet<(String, String, String, i64)> = ledgers
        .values()
        .flatten()
        .filter(|r| r[2].as_date() == Some(view.date))
        .filter_map(|r| {
            Some((
                r[0].as_text()?.to_string(),
                r[1].as_text()?.to_string(),
                r[3].as_code()?.to_string(),
                r[4].as_int()?,
            ))
        })
        .collect();
    let key = |e: &&xplus_core::collective::adjust::Adjustment<String>| {
        (
            e.project.clone(),
            e.household.clone(),
            e.kind.code().to_string(),
            e.shares,
        )
    };
    let planned: BTreeSet<(String, String, String, i64)> =
        view.plan.events.iter().map(|e| key(&e)).collect();
    // What the plan adds to what is stored: after the year was adjusted, exits approved later
    // (the web procedure) still give up their shares, as long as nothing stored contradicts
    // the plan.
    let missing: Vec<_> = view
        .plan
        .events
        .iter()
        .filter(|e| !stored.contains(&key(e)))
        .collect();
    if applied_before && !stored.is_subset(&planned) {
        let _ = tx.rollback().await;
        return Err(conflict(
            format!("{} 年的股权调整已执行过，现在的计算与当时不同；未写入", view.year),
            format!(
                "the adjustment of {} was applied before and this plan differs; nothing was written",
                view.year
            ),
        ));
    }
    if missing.is_empty() {
        let _ = tx.rollback().await;
        return Ok(if view.plan.events.is_empty() {
            AdjustmentApplied::Recorded { events: 0 }
        } else {
            AdjustmentApplied::AlreadyRecorded
        });
    }
    // The touched projects' ledgers with the new events, checked like an import.
    drop(s);
    for project in &touched {
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        let mut events = Vec::new();
        let mut push = |household: &str, date: NaiveDate, kind: ShareEventKind, shares: i64| {
            let next = ids.len() as u32;
            let h = *ids.entry(household.to_string()).or_insert(next);
            events.push(LedgerEvent {
                household: h,
                date,
                kind,
                shares,
            });
        };
        for r in ledgers.get(*project).into_iter().flatten() {
            let (Some(h), Some(d), Some(k), Some(n)) = (
                r[1].as_text(),
                r[2].as_date(),
                r[3].as_code().and_then(ShareEventKind::parse),
                r[4].as_int(),
            ) else {
                continue;
            };
            push(h, d, k, n);
        }
        for e in missing.iter().filter(|e| &e.project == *project) {
            push(&e.household, view.date, e.kind, e.shares);
        }
        let total = now.totals.get(*project).copied().unwrap_or(0);
        if let Some((_, v)) = ledger::check(total, &events).first() {
            let _ = tx.rollback().await;
            let (zh, en) = v
                .describe()
                .split_once(" / ")
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .unwrap_or_default();
            return Err(conflict(
                format!("项目 {project} 的台账加上本次调整后不成立：{zh}；未写入"),
                format!("project {project}'s ledger with this adjustment does not hold: {en}; nothing was written"),
            ));
        }
    }
    let rows: Vec<Row> = missing
        .iter()
        .map(|e| Row {
            values: vec![
                Value::Text(e.project.clone()),
                Value::Text(e.household.clone()),
                Value::Date(view.date),
                Value::Code(e.kind.code()),
                Value::Int(e.shares),
            ],
            county: view.counties.get(&e.household).copied().flatten(),
        })
        .collect();
    let events = rows.len();
    for chunk in rows.chunks(10_000) {
        tx.upsert(&SHARE_EVENTS, chunk.to_vec()).await?;
    }
    let summary = serde_json::json!({
        "year": view.year,
        "date": view.date.to_string(),
        "events": events,
        "kept_pledged": view.plan.kept_pledged.len(),
        "unserved": view.plan.unserved.len(),
    });
    tx.audit(NewAudit {
        actor: actor.to_string(),
        action: "equity_adjustment".into(),
        entity: "share_events".into(),
        record_key: view.year.to_string(),
        old_values: None,
        new_values: Some(summary.to_string()),
    })
    .await?;
    tx.commit().await?;
    Ok(AdjustmentApplied::Recorded { events })
}
