//! What follows a monitoring case's opening: the measures taken (帮扶措施), the removal of its
//! risk (风险消除, which also closes the department warning that opened it), the lists and
//! counts of a reach, and the cases open at a year's end as the assessment reads them.

use super::queries::cases::{
    count_sql, list_sql, one_sql, open_by_category_sql, open_for, CategoryCount, StoredCase,
    StoredMeasure, CLOSE, INSERT_MEASURE, MEASURES,
};
use super::queries::findings::{of_household_sql, StoredFinding};
use crate::audit::NewAudit;
use crate::error::{Refusal, StoreError};
use crate::records::registry::household::load;
use crate::records::registry::read::{household_scope, within_scope};
use crate::records::rules::rule_book;
use crate::records::{ReadSession, WriteSession};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::fetch_sql;
use crate::store::Row;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use xplus_core::accounts::Access;
use xplus_core::assessment::cases::{
    close_problems, kept, measure_problems, Category, CloseFacts, MeasureFacts, MeasureKind,
    MonitoringLine,
};
use xplus_core::assessment::tasks::{handling, Handling, TaskOutcome};
use xplus_core::interchange::schema::DEPARTMENT_FINDINGS;
use xplus_core::money::Fen;
use xplus_core::registry::RegionCode;

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseState {
    #[default]
    Open,
    Closed,
    All,
}

impl CaseState {
    pub const ALL: [CaseState; 3] = [CaseState::Open, CaseState::Closed, CaseState::All];

    pub fn code(self) -> &'static str {
        match self {
            CaseState::Open => "open",
            CaseState::Closed => "closed",
            CaseState::All => "all",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CaseState::Open => "未消除",
            CaseState::Closed => "已风险消除",
            CaseState::All => "全部",
        }
    }

    pub fn parse(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseFilter {
    pub category: Option<Category>,
    pub state: CaseState,
    pub page: u64,
    pub per_page: u64,
}

/// One page of a list and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    pub cases: Vec<StoredCase>,
    pub total: u64,
}

/// The cases within the account's reach: a region's by their village, a helper's by the
/// households paired with them (a household outside the registry has no helper yet).
fn reach(access: &Access, today: NaiveDate) -> Filter {
    household_scope(access, today)
}

pub async fn case_list(
    store: &dyn Store,
    access: &Access,
    f: &CaseFilter,
    today: NaiveDate,
) -> Result<CasePage, StoreError> {
    let mut filter = reach(access, today);
    if let Some(c) = f.category {
        filter = filter.and("category = ?", vec![Arg::Text(c.code().into())]);
    }
    filter = match f.state {
        CaseState::Open => filter.and("closed_on IS NULL", vec![]),
        CaseState::Closed => filter.and("closed_on IS NOT NULL", vec![]),
        CaseState::All => filter,
    };
    let mut s = store.read_session().await?;
    let args: Vec<Arg> = filter.args().cloned().collect();
    let total = fetch_sql::<crate::session::rows::Count>(s.as_mut(), &count_sql(&filter), &args)
        .await?
        .first()
        .map_or(0, |c| c.n);
    let per_page = f.per_page.clamp(1, 500);
    // A page past any real list (however large the number asked) stays a small offset.
    let page = f.page.clamp(1, u64::from(u32::MAX));
    let mut paged = args;
    paged.push(Arg::Int(per_page as i64));
    paged.push(Arg::Int(((page - 1) * per_page) as i64));
    let cases = fetch_sql(s.as_mut(), &list_sql(&filter), &paged).await?;
    Ok(CasePage { cases, total })
}

/// The open cases within reach, by category (every category, zero where none).
pub async fn case_counts(
    store: &dyn Store,
    access: &Access,
    today: NaiveDate,
) -> Result<Vec<(Category, u64)>, StoreError> {
    let filter = reach(access, today).and("closed_on IS NULL", vec![]);
    let args: Vec<Arg> = filter.args().cloned().collect();
    let mut s = store.read_session().await?;
    let rows: Vec<CategoryCount> =
        fetch_sql(s.as_mut(), &open_by_category_sql(&filter), &args).await?;
    Ok((Category::ALL.iter())
        .map(|c| {
            let n = rows.iter().find(|r| r.category == *c).map_or(0, |r| r.n);
            (*c, n)
        })
        .collect())
}

/// A case within reach, with its measures.
pub async fn case_detail(
    store: &dyn Store,
    access: &Access,
    case_no: &str,
    today: NaiveDate,
) -> Result<Option<(StoredCase, Vec<StoredMeasure>)>, StoreError> {
    let mut s = store.read_session().await?;
    let Some(case) = case_within(s.as_mut(), access, case_no, today).await? else {
        return Ok(None);
    };
    let measures = MEASURES
        .fetch(s.as_mut(), &[Arg::Text(case.case_no.clone())])
        .await?;
    Ok(Some((case, measures)))
}

/// A registered household's cases, the newest first (empty out of reach).
pub async fn household_cases(
    store: &dyn Store,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Vec<StoredCase>, StoreError> {
    let filter = reach(access, today).and("household_id = ?", vec![Arg::Text(id.into())]);
    let args: Vec<Arg> = filter.args().cloned().collect();
    let sql = format!("{} ORDER BY opened_on DESC, case_no DESC", one_sql(&filter));
    let mut s = store.read_session().await?;
    fetch_sql(s.as_mut(), &sql, &args).await
}

async fn case_within(
    s: &mut dyn ReadSession,
    access: &Access,
    case_no: &str,
    today: NaiveDate,
) -> Result<Option<StoredCase>, StoreError> {
    let filter = reach(access, today).and("case_no = ?", vec![Arg::Text(case_no.into())]);
    let args: Vec<Arg> = filter.args().cloned().collect();
    Ok(fetch_sql(s, &one_sql(&filter), &args).await?.pop())
}

/// Whether `access` reaches the case `case_no`.
pub(in crate::records) async fn reaches(
    s: &mut dyn ReadSession,
    access: &Access,
    case_no: &str,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    Ok(case_within(s, access, case_no, today).await?.is_some())
}

fn not_found(case_no: &str) -> StoreError {
    StoreError::Refused(Refusal::NotFound(format!(
        "没有监测对象 {case_no}，或不在您的范围内 / no case {case_no} within your reach"
    )))
}

fn writer(access: &Access) -> Result<(), StoreError> {
    if access.may_write() {
        Ok(())
    } else {
        Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account reads only".into(),
        )))
    }
}

/// A measure as a form tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureTold {
    pub kind: MeasureKind,
    pub detail: String,
    /// Who carries it out (a name: a cadre, a department's officer).
    pub responsible: String,
    pub on: NaiveDate,
}

/// Records a measure for an open case within reach. Refused, nothing written, where core's rule
/// refuses it.
pub async fn add_measure(
    store: &dyn Store,
    access: &Access,
    case_no: &str,
    told: &MeasureTold,
    today: NaiveDate,
) -> Result<StoredMeasure, StoreError> {
    writer(access)?;
    let mut s = store.write_session().await?;
    let case = (case_within(s.as_mut(), access, case_no, today).await?)
        .ok_or_else(|| not_found(case_no))?;
    let facts = MeasureFacts {
        opened_on: case.opened_on,
        closed_on: case.closed_on,
        on: told.on,
        today,
        detail: &told.detail,
        responsible: &told.responsible,
    };
    let problems = measure_problems(&facts);
    if !problems.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(problems.join("；"))));
    }
    let earlier = MEASURES
        .fetch(s.as_mut(), &[Arg::Text(case.case_no.clone())])
        .await?;
    let measure = StoredMeasure {
        case_no: case.case_no.clone(),
        seq: earlier.iter().map(|m| m.seq).max().unwrap_or(0) + 1,
        kind: told.kind,
        detail: kept(&told.detail, "").unwrap_or_default(),
        responsible: xplus_core::text::field(xplus_core::text::TextKind::Name, &told.responsible)
            .unwrap_or_default(),
        on: told.on,
        recorded_by: access.user().to_string(),
        recorded_on: today,
    };
    let args = [
        Arg::Text(measure.case_no.clone()),
        Arg::Int(measure.seq),
        Arg::Text(measure.kind.code().into()),
        Arg::Text(measure.detail.clone()),
        Arg::Text(measure.responsible.clone()),
        Arg::Date(measure.on),
        Arg::Text(measure.recorded_by.clone()),
        Arg::Date(today),
    ];
    s.execute(INSERT_MEASURE, &args).await?;
    s.touch(case.village.county()).await?;
    let values = serde_json::json!({
        "kind": measure.kind.code(),
        "detail": measure.detail,
        "responsible": measure.responsible,
        "on_date": measure.on.to_string(),
    });
    s.append_audit(vec![NewAudit {
        actor: access.user().to_string(),
        action: "insert".into(),
        entity: "monitoring_measures".into(),
        record_key: format!("{}|{}", measure.case_no, measure.seq),
        old_values: None,
        new_values: Some(values.to_string()),
    }])
    .await?;
    s.commit().await?;
    Ok(measure)
}

/// The removal of a case's risk as a form tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseTold {
    pub on: NaiveDate,
    /// The household's net income over the twelve months before `on`.
    pub net_income: Fen,
    pub members: i64,
    pub reason: String,
}

/// Removes the risk of an open case within reach (风险消除), and closes the department warning
/// that opened it on the same day with the same reason. Refused, nothing written, where core's
/// rule refuses it (no measure yet, the income below the line, a day out of order, no reason).
pub async fn close_case(
    store: &dyn Store,
    access: &Access,
    case_no: &str,
    told: &CloseTold,
    today: NaiveDate,
) -> Result<StoredCase, StoreError> {
    writer(access)?;
    let book = rule_book(store).await?;
    let mut s = store.write_session().await?;
    let before = (case_within(s.as_mut(), access, case_no, today).await?)
        .ok_or_else(|| not_found(case_no))?;
    let measures = MEASURES
        .fetch(s.as_mut(), &[Arg::Text(before.case_no.clone())])
        .await?;
    // A registered household's members are the registry's, not a number typed in the form.
    let members = match &before.household_id {
        Some(id) => (load(s.as_mut(), None, id, today).await?)
            .map_or(told.members, |r| r.members.len() as i64),
        None => told.members,
    };
    let facts = CloseFacts {
        opened_on: before.opened_on,
        closed_on: before.closed_on,
        on: told.on,
        today,
        measures: measures.iter().filter(|m| m.on <= told.on).count(),
        members,
        net_income: told.net_income,
        reason: &told.reason,
    };
    let line = MonitoringLine::of(&book, before.village.county(), told.on.year());
    let problems = close_problems(&facts, line);
    if !problems.is_empty() {
        return Err(StoreError::Refused(Refusal::Invalid(problems.join("；"))));
    }
    let reason = kept(&told.reason, "").unwrap_or_default();
    let mut after = before.clone();
    after.closed_on = Some(told.on);
    after.close_reason = reason.clone();
    after.close_income = Some(told.net_income);
    after.closed_by = access.user().to_string();
    let args = [
        Arg::Date(told.on),
        Arg::Text(reason.clone()),
        Arg::Int(told.net_income.0),
        Arg::Text(after.closed_by.clone()),
        Arg::Text(before.case_no.clone()),
    ];
    if s.execute(CLOSE, &args).await? != 1 {
        return Err(StoreError::Refused(Refusal::Conflict(format!(
            "监测对象 {case_no} 刚被他人处理，请刷新 / the case changed meanwhile"
        ))));
    }
    s.touch(before.village.county()).await?;
    let mut audit = vec![NewAudit {
        actor: access.user().to_string(),
        action: "update".into(),
        entity: "monitoring_cases".into(),
        record_key: before.case_no.clone(),
        old_values: Some(before.audit_values()),
        new_values: Some(after.audit_values()),
    }];
    if let Some(h) = &before.household_id {
        // The case's village is its household's (the migration's trigger moves open cases).
        let place = (h.as_str(), before.village.county());
        audit.extend(close_warnings(s.as_mut(), access, place, told.on, &reason).await?);
    }
    s.append_audit(audit).await?;
    s.commit().await?;
    Ok(after)
}

/// Closes the household's warnings still open on `on` as 风险消除 on that day with the case's
/// reason (the risk they raised is the case's), each audited before and after.
async fn close_warnings(
    s: &mut dyn WriteSession,
    access: &Access,
    (household, county): (&str, Option<RegionCode>),
    on: NaiveDate,
    reason: &str,
) -> Result<Vec<NewAudit>, StoreError> {
    let args = vec![Arg::Text(household.to_string())];
    let (sql, args) = within_scope(&Filter::new(), &of_household_sql(), "f", args);
    let findings: Vec<StoredFinding> = fetch_sql(s, &sql, &args).await?;
    let mut audit = Vec::new();
    for before in findings {
        let open = handling(before.finding) == Handling::Warning && before.outcome.is_none();
        if !open || before.as_of > on {
            continue;
        }
        let mut after = before.clone();
        after.outcome = Some(TaskOutcome::Closed);
        after.outcome_on = Some(on);
        after.outcome_reason = reason.to_string();
        after.outcome_by = access.user().to_string();
        let (old, new) = (before.to_row(), after.to_row());
        let change =
            crate::audit::row_change(access.user(), &DEPARTMENT_FINDINGS, Some(&old), &new);
        audit.extend(change);
        s.upsert(
            &DEPARTMENT_FINDINGS,
            Row {
                values: new,
                county,
            },
        )
        .await?;
    }
    Ok(audit)
}

/// The open case of a household, if any: while it is open, its warnings close with it.
pub(in crate::records) async fn open_case_of(
    s: &mut dyn ReadSession,
    household: &str,
) -> Result<Option<String>, StoreError> {
    let (sql, args) = open_for(household, "");
    let open: Option<StoredCase> = fetch_sql(s, &sql, &args).await?.pop();
    Ok(open.map(|c| c.case_no))
}
