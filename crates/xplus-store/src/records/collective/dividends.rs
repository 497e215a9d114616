//! rules.md §8 dividends over what is stored: each project's distributable income of a year split
//! among the households holding its shares on Dec 31 (xplus-core `collective::dividends`), and
//! recording the payments once (`xplus dividends --apply`).

use crate::error::StoreError;
use crate::records::shape::{column, shape, COUNT, HELD_SUM, SIGNED};
use crate::session::filter::Arg;
use crate::store::{Row, Store};
use crate::NewAudit;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use xplus_core::collective::dividends::{split, Holding, Payment};
use xplus_core::interchange::schema::DIVIDEND_PAYMENTS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

static DISTRIBUTABLE: FileSpec = shape(
    FileId::Distributions,
    "distributable",
    "可分配收益",
    &[
        column("project_id", ColumnType::Text),
        column("distributable", ColumnType::Money { negative: false }),
    ],
);

static HOLDINGS: FileSpec = shape(
    FileId::ShareEvents,
    "holdings_on",
    "持股",
    &[
        column("project_id", ColumnType::Text),
        column("household_id", ColumnType::Text),
        column("village_code", ColumnType::Region),
        column("shares", SIGNED),
    ],
);

static PAID: FileSpec = shape(
    FileId::DividendPayments,
    "paid",
    "已发放",
    &[
        column("project_id", ColumnType::Text),
        column("household_id", ColumnType::Text),
        column("shares", COUNT),
        column("amount", ColumnType::Money { negative: false }),
    ],
);

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
    NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| StoreError::Invalid(format!("年度 {year} 无效 / invalid year {year}")))
}

/// The dividends of `year` for every project with a distribution recorded for it.
pub async fn dividends(store: &dyn Store, year: i32) -> Result<DividendRun, StoreError> {
    let last = dec31(year)?;
    let mut s = store.read_session().await?;
    let distributions = s
        .query(
            &DISTRIBUTABLE,
            "SELECT project_id, distributable FROM distributions WHERE year = ? ORDER BY project_id",
            &[Arg::Int(i64::from(year))],
        )
        .await?;
    // Holdings on Dec 31: the ledger summed up to that day (a holding never goes below zero:
    // the importer and the adjustment keep it so).
    let rows = s
        .query(
            &HOLDINGS,
            &format!(
                "SELECT e.project_id, e.household_id, h.village_code, {HELD_SUM} \
             FROM share_events e JOIN households h ON h.household_id = e.household_id \
             WHERE e.date <= ? AND e.project_id IN (SELECT project_id FROM distributions WHERE year = ?) \
             GROUP BY e.project_id, e.household_id, h.village_code"
            ),
            &[Arg::Date(last), Arg::Int(i64::from(year))],
        )
        .await?;
    let mut holders: BTreeMap<String, Vec<Holding<String>>> = BTreeMap::new();
    let mut counties = BTreeMap::new();
    for r in rows {
        let (Some(project), Some(household), Some(shares)) =
            (r[0].as_text(), r[1].as_text(), r[3].as_int())
        else {
            continue;
        };
        if shares <= 0 {
            continue;
        }
        counties.insert(
            household.to_string(),
            r[2].as_region().and_then(RegionCode::county),
        );
        holders
            .entry(project.to_string())
            .or_default()
            .push(Holding {
                household: household.to_string(),
                shares,
            });
    }
    let projects = distributions
        .into_iter()
        .filter_map(|d| {
            let project_id = d[0].as_text()?.to_string();
            let distributable = d[1].as_money().unwrap_or_default();
            let payments = holders
                .get(&project_id)
                .map(|h| split(distributable, h))
                .unwrap_or_default();
            Some(ProjectDividends {
                project_id,
                distributable,
                payments,
            })
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
    let mut tx = store.begin_import(actor).await?;
    // The lock is held: nothing can change the ledger or the income until commit.
    let now = dividends(store, run.year).await?;
    if now != *run {
        let _ = tx.rollback().await;
        return Err(StoreError::Conflict(
            "计算之后数据已改变（持股或可分配收益），未写入；请重新执行 / the holdings or income \
             changed after this run was computed; nothing was written — run it again"
                .into(),
        ));
    }
    let mut stored: BTreeMap<String, BTreeSet<(String, i64, i64)>> = BTreeMap::new();
    {
        let mut s = store.read_session().await?;
        for r in s
            .query(
                &PAID,
                "SELECT project_id, household_id, shares, amount FROM dividend_payments WHERE year = ?",
                &[Arg::Int(i64::from(run.year))],
            )
            .await?
        {
            let key: PaymentKey = (
                r[1].as_text().unwrap_or_default().to_string(),
                r[2].as_int().unwrap_or(0),
                r[3].as_money().unwrap_or_default().0,
            );
            stored
                .entry(r[0].as_text().unwrap_or_default().to_string())
                .or_default()
                .insert(key);
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
                return Err(StoreError::Conflict(format!(
                    "项目 {project} {year} 年的分红已发放记录（{n} 笔），与现在的计算不同（持股或可分配收益已改变）；未写入 \
                     / the dividends of project {project} for {year} are already recorded ({n} payments) and differ \
                     from this computation (holdings or income changed since); nothing was written",
                    project = p.project_id,
                    year = run.year,
                    n = before.len()
                )));
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
