//! rules.md §8 dividends over what is stored: each project's distributable income of a year split
//! among the households holding its shares on Dec 31 (xplus-core `collective::dividends`), and
//! recording the payments once (`xplus dividends --apply`).

use super::queries::dividends::{holdings_on_sql, HoldingRow, DISTRIBUTABLE, PAID};
use crate::error::Refusal;
use crate::error::StoreError;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use xplus_core::collective::dividends::{split, Holding, Payment};
use xplus_core::interchange::schema::DIVIDEND_PAYMENTS;
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// One project's dividends of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDividends {
    pub project_id: String,
    pub distributable: Fen,
    /// By household id; empty when nobody held shares on Dec 31 (the income stays undistributed).
    pub payments: Vec<Payment<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DividendRun {
    pub year: i32,
    /// By project id.
    pub projects: Vec<ProjectDividends>,
    /// The county of every household paid (the payments table is partitioned by county).
    counties: BTreeMap<String, Option<RegionCode>>,
}

impl DividendRun {
    pub fn paid(&self) -> Fen {
        Fen(self
            .projects
            .iter()
            .flat_map(|p| &p.payments)
            .map(|p| p.amount.0)
            .sum())
    }

    pub fn payments(&self) -> usize {
        self.projects.iter().map(|p| p.payments.len()).sum()
    }

    /// Projects with income for the year but no holder on Dec 31.
    pub fn undistributed(&self) -> impl Iterator<Item = &ProjectDividends> {
        self.projects.iter().filter(|p| p.payments.is_empty())
    }
}

fn dec31(year: i32) -> Result<NaiveDate, StoreError> {
    NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| {
        StoreError::Refused(Refusal::Invalid(format!(
            "年度 {year} 无效 / invalid year {year}"
        )))
    })
}

/// The dividends of `year` for every project with a distribution recorded for it.
pub async fn dividends(store: &dyn Store, year: i32) -> Result<DividendRun, StoreError> {
    let last = dec31(year)?;
    let mut s = store.read_session().await?;
    let distributions = DISTRIBUTABLE
        .fetch(&mut *s, &[Arg::Int(i64::from(year))])
        .await?;
    // Holdings on Dec 31: the ledger summed up to that day (a holding never goes below zero:
    // the importer and the adjustment keep it so).
    let rows = fetch_sql::<HoldingRow>(
        &mut *s,
        &holdings_on_sql(),
        &[Arg::Date(last), Arg::Int(i64::from(year))],
    )
    .await?;
    let mut holders: BTreeMap<String, Vec<Holding<String>>> = BTreeMap::new();
    let mut counties = BTreeMap::new();
    for r in rows {
        if r.shares <= 0 {
            continue;
        }
        counties.insert(r.household.clone(), r.county);
        holders.entry(r.project).or_default().push(Holding {
            household: r.household,
            shares: r.shares,
        });
    }
    let projects = distributions
        .into_iter()
        .map(|d| {
            let payments = holders
                .get(&d.project_id)
                .map(|h| split(d.distributable, h))
                .unwrap_or_default();
            ProjectDividends {
                project_id: d.project_id,
                distributable: d.distributable,
                payments,
            }
        })
        .collect();
    Ok(DividendRun {
        year,
        projects,
        counties,
    })
}

/// What recording a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Payments written, for this many projects (others were recorded before, the same).
    Recorded { payments: usize, projects: usize },
    /// The same payments were recorded before: nothing written.
    AlreadyRecorded,
}

type PaymentKey = (String, i64, i64);

/// Records the payments of `run` in one transaction with one audit entry. The run is computed
/// again once the write lock is held and must equal `run` (what the caller showed or wrote);
/// otherwise the records changed in between and nothing is written. Per project: a project of
/// the year recorded before with the same payments is skipped, with different ones refused
/// (naming it), and a project not recorded yet is written.
pub async fn apply_dividends(
    store: &dyn Store,
    actor: &str,
    run: &DividendRun,
) -> Result<Applied, StoreError> {
    let mut tx = store.begin_bulk_write(actor).await?;
    // The lock is held: nothing can change the ledger or the income until commit.
    let now = dividends(store, run.year).await?;
    if now != *run {
        let _ = tx.rollback().await;
        return Err(StoreError::Refused(Refusal::Conflict(
            "计算之后数据已改变（持股或可分配收益），未写入；请重新执行 / the holdings or income \
             changed after this run was computed; nothing was written — run it again"
                .into(),
        )));
    }
    let mut stored: BTreeMap<String, BTreeSet<(String, i64, i64)>> = BTreeMap::new();
    {
        let mut s = store.read_session().await?;
        for p in PAID
            .fetch(&mut *s, &[Arg::Int(i64::from(run.year))])
            .await?
        {
            let key: PaymentKey = (p.household, p.shares, p.amount.0);
            stored.entry(p.project).or_default().insert(key);
        }
    }
    let mut to_write = Vec::new();
    for p in &run.projects {
        let computed: BTreeSet<PaymentKey> = p
            .payments
            .iter()
            .map(|x| (x.household.clone(), x.shares, x.amount.0))
            .collect();
        match stored.get(&p.project_id) {
            None if computed.is_empty() => {}
            None => to_write.push(p),
            Some(before) if *before == computed => {}
            Some(before) => {
                let _ = tx.rollback().await;
                return Err(StoreError::Refused(Refusal::Conflict(format!(
                    "项目 {project} {year} 年的分红已发放记录（{n} 笔），与现在的计算不同（持股或可分配收益已改变）；未写入 \
                     / the dividends of project {project} for {year} are already recorded ({n} payments) and differ \
                     from this computation (holdings or income changed since); nothing was written",
                    project = p.project_id,
                    year = run.year,
                    n = before.len()
                ))));
            }
        }
    }
    if to_write.is_empty() {
        let _ = tx.rollback().await;
        return Ok(Applied::AlreadyRecorded);
    }
    let mut batch = Vec::with_capacity(10_000);
    let mut payments = 0;
    for p in &to_write {
        for x in &p.payments {
            payments += 1;
            batch.push(Row {
                values: vec![
                    Value::Text(p.project_id.clone()),
                    Value::Int(i64::from(run.year)),
                    Value::Text(x.household.clone()),
                    Value::Int(x.shares),
                    Value::Money(x.amount),
                ],
                county: run.counties.get(&x.household).copied().flatten(),
            });
            if batch.len() == 10_000 {
                tx.upsert(&DIVIDEND_PAYMENTS, std::mem::take(&mut batch))
                    .await?;
            }
        }
    }
    if !batch.is_empty() {
        tx.upsert(&DIVIDEND_PAYMENTS, batch).await?;
    }
    let paid: i64 = to_write
        .iter()
        .flat_map(|p| &p.payments)
        .map(|x| x.amount.0)
        .sum();
    let summary = serde_json::json!({
        "year": run.year,
        "projects": to_write.iter().map(|p| p.project_id.as_str()).collect::<Vec<_>>(),
        "payments": payments,
        "paid_fen": paid,
    });
    tx.audit(NewAudit {
        actor: actor.to_string(),
        action: "dividends".into(),
        entity: "dividend_payments".into(),
        record_key: run.year.to_string(),
        old_values: None,
        new_values: Some(summary.to_string()),
    })
    .await?;
    tx.commit().await?;
    Ok(Applied::Recorded {
        payments,
        projects: to_write.len(),
    })
}
