//! rules.md §8 dynamic adjustment over what is stored: the plan of xplus-core
//! `collective::adjust` for a year (reclaims from the year's exits, pledged shares kept, grants
//! to poor and returned households), and writing it as share events dated Jan 1 of the next year.

use super::queries::adjustment::{
    adjustment_households_sql, held_on_sql, AdjustmentHousehold, HeldRow, LedgerRow, PLEDGED, POOLS,
};
use super::queries::read_row;
use crate::error::Refusal;
use crate::error::StoreError;
use crate::records::ReadSession;
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use xplus_core::collective::adjust::{adjust, Adjustment, AdjustmentPlan, Candidate, Held, Pool};
use xplus_core::collective::ledger::{self, LedgerEvent};
use xplus_core::collective::ShareEventKind;
use xplus_core::interchange::schema::SHARE_EVENTS;
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;

/// A year's adjustment with the facts it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentView {
    pub year: i32,
    /// Jan 1 of the next year: the date of the events.
    pub date: NaiveDate,
    pub plan: AdjustmentPlan<String>,
    counties: BTreeMap<String, Option<RegionCode>>,
    /// Each project's total shares less its investors' (the households' total), for checking the
    /// ledgers the plan touches.
    totals: BTreeMap<String, i64>,
}

fn jan1_after(year: i32) -> Result<(NaiveDate, NaiveDate), StoreError> {
    let bad = || {
        StoreError::Refused(Refusal::Invalid(format!(
            "年度 {year} 无效 / invalid year {year}"
        )))
    };
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(bad)?;
    let jan1 = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(bad)?;
    Ok((dec31, jan1))
}

/// The adjustment of `year` over the whole registry.
pub async fn adjustment_plan(store: &dyn Store, year: i32) -> Result<AdjustmentView, StoreError> {
    let (dec31, jan1) = jan1_after(year)?;
    let mut s = store.read_session().await?;
    let pools: Vec<Pool<String>> = POOLS
        .fetch(&mut *s, &[])
        .await?
        .into_iter()
        .map(|p| p.0)
        .collect();
    let pledged: BTreeMap<(String, String), i64> = PLEDGED
        .fetch(&mut *s, &[Arg::Date(dec31), Arg::Date(jan1)])
        .await?
        .into_iter()
        .map(|p| ((p.project, p.household), p.pledged))
        .collect();
    let holdings: Vec<Held<String>> =
        fetch_sql::<HeldRow>(&mut *s, &held_on_sql(), &[Arg::Date(dec31)])
            .await?
            .into_iter()
            .map(|h| {
                let pledged = pledged
                    .get(&(h.project.clone(), h.household.clone()))
                    .copied()
                    .unwrap_or(0);
                Held {
                    project: h.project,
                    household: h.household,
                    shares: h.shares,
                    pledged,
                }
            })
            .collect();
    let rows = fetch_sql::<AdjustmentHousehold>(
        &mut *s,
        &adjustment_households_sql(),
        &[Arg::Int(i64::from(year)), Arg::Int(i64::from(year))],
    )
    .await?;
    let mut counties = BTreeMap::new();
    let households: Vec<Candidate<String>> = rows
        .into_iter()
        .filter_map(|h| {
            counties.insert(h.household.clone(), h.village.county());
            Some(Candidate {
                household: h.household,
                village: h.village.as_u64(),
                status: h.status?,
                exit_year: h.exit_year,
                per_capita_income: h.per_capita_income,
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
    StoreError::Refused(Refusal::Conflict(format!("{zh} / {en}")))
}

/// An adjustment event by what makes it the same: project, household, kind (its code), shares.
type EventKey = (String, String, String, i64);

fn key_of(e: &Adjustment<String>) -> EventKey {
    (
        e.project.clone(),
        e.household.clone(),
        e.kind.code().to_string(),
        e.shares,
    )
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
    let mut tx = store.begin_bulk_write(actor).await?;
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
    let applied_before = applied_before(s.as_mut(), view.year).await?;
    let touched: BTreeSet<&String> = view.plan.events.iter().map(|e| &e.project).collect();
    let ledgers = ledgers_of(s.as_mut(), &touched).await?;
    let stored: BTreeSet<EventKey> = ledgers
        .values()
        .flatten()
        .filter(|r| r.date == Some(view.date))
        .filter_map(|r| {
            Some((
                r.project.clone()?,
                r.household.clone()?,
                r.kind?.to_string(),
                r.shares?,
            ))
        })
        .collect();
    let planned: BTreeSet<EventKey> = view.plan.events.iter().map(key_of).collect();
    // What the plan adds to what is stored: after the year was adjusted, exits approved later
    // (the web procedure) still give up their shares, as long as nothing stored contradicts
    // the plan.
    let missing: Vec<_> = view
        .plan
        .events
        .iter()
        .filter(|e| !stored.contains(&key_of(e)))
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
    drop(s);
    if let Some(problem) = ledger_problem(&touched, &ledgers, &missing, view.date, &now.totals) {
        let _ = tx.rollback().await;
        return Err(problem);
    }
    let rows = event_rows(view, &missing);
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

/// Whether the adjustment of `year` was applied before (its audit entry is there).
async fn applied_before(s: &mut dyn ReadSession, year: i32) -> Result<bool, StoreError> {
    Ok(!s
        .audit_entries(
            &Filter::new()
                .and("action = ?", vec![Arg::Text("equity_adjustment".into())])
                .and("record_key = ?", vec![Arg::Text(year.to_string())]),
            1,
        )
        .await?
        .is_empty())
}

/// The stored share events of the `touched` projects, by project (read 500 projects a query).
async fn ledgers_of(
    s: &mut dyn ReadSession,
    touched: &BTreeSet<&String>,
) -> Result<BTreeMap<String, Vec<LedgerRow>>, StoreError> {
    let mut ledgers: BTreeMap<String, Vec<LedgerRow>> = BTreeMap::new();
    for chunk in touched.iter().collect::<Vec<_>>().chunks(500) {
        let args: Vec<Arg> = chunk.iter().map(|p| Arg::Text((**p).clone())).collect();
        let filter = Filter::new().and(
            format!(
                "project_id IN ({})",
                crate::session::filter::marks(args.len())
            ),
            args,
        );
        for values in s.select(&SHARE_EVENTS, &filter, "", None).await? {
            let r = read_row::<LedgerRow>(&values).expect("read without skipping");
            let project = r.project.clone().unwrap_or_default();
            ledgers.entry(project).or_default().push(r);
        }
    }
    Ok(ledgers)
}

/// The touched projects' ledgers with the `missing` events added on `date`, checked like an
/// import against each project's total shares: the refusal for the first that does not hold.
fn ledger_problem(
    touched: &BTreeSet<&String>,
    ledgers: &BTreeMap<String, Vec<LedgerRow>>,
    missing: &[&Adjustment<String>],
    date: NaiveDate,
    totals: &BTreeMap<String, i64>,
) -> Option<StoreError> {
    for project in touched {
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
                r.household.as_deref(),
                r.date,
                r.kind.and_then(ShareEventKind::parse),
                r.shares,
            ) else {
                continue;
            };
            push(h, d, k, n);
        }
        for e in missing.iter().filter(|e| &e.project == *project) {
            push(&e.household, date, e.kind, e.shares);
        }
        let total = totals.get(*project).copied().unwrap_or(0);
        if let Some((_, v)) = ledger::check(total, &events).first() {
            let (zh, en) = v
                .describe()
                .split_once(" / ")
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .unwrap_or_default();
            return Some(conflict(
                format!("项目 {project} 的台账加上本次调整后不成立：{zh}；未写入"),
                format!("project {project}'s ledger with this adjustment does not hold: {en}; nothing was written"),
            ));
        }
    }
    None
}

/// The share_events rows of the `missing` events, dated as the plan, each in its household's
/// county.
fn event_rows(view: &AdjustmentView, missing: &[&Adjustment<String>]) -> Vec<Row> {
    missing
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
        .collect()
}
