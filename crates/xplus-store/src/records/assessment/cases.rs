//! Opening monitoring cases through the year (rules.md §5, the 2021 mechanism): a household's own
//! declaration or a cadre's round (`open_case`), and a department warning recorded by
//! `crosscheck --apply` (`open_for_warnings`, in the same transaction). Core's
//! `assessment::cases::entry` decides whether and in which category; here the case gets its
//! number, its place and its audit entry. A household has at most one open case.

use super::queries::cases::{open_for, CaseNumber, HOUSEHOLD_OF_PERSON, LAST_NUMBER};
pub use super::queries::cases::{StoredCase, StoredMeasure};
use crate::audit::NewAudit;
use crate::error::{Refusal, StoreError};
use crate::records::registry::household::{load, village_name};
use crate::records::rules::rule_book;
use crate::records::WriteSession;
use crate::session::filter::Arg;
use crate::session::rows::fetch_sql;
use crate::store::Store;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use xplus_core::accounts::Access;
use xplus_core::assessment::cases::{
    entry, kept, opened_on_problem, CaseSource, EntryFacts, MonitoringLine,
};
use xplus_core::money::Fen;
use xplus_core::registry::{HouseholdStatus, IdNumber, Level, RegionCode, Relation};
use xplus_core::rules::RuleBook;

/// Who a household outside the registry is (边缘易致贫户, 突发严重困难户).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    pub village: RegionCode,
    pub head_name: String,
    /// As typed: checked (and a legacy 15-digit number widened) here.
    pub id_number: String,
    pub members: i64,
}

/// A declaration or a round, as a form or the API tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTold {
    /// A registered household by its id; or, for one outside the registry, `outside`.
    pub household_id: Option<String>,
    pub outside: Option<Outside>,
    pub source: CaseSource,
    pub on: NaiveDate,
    /// Net income over the last twelve months, when known.
    pub net_income: Option<Fen>,
    pub rigid_expense: Fen,
    /// What happened, in the words of the household or the cadre.
    pub situation: String,
}

fn invalid(message: String) -> StoreError {
    StoreError::Refused(Refusal::Invalid(message))
}

/// Opens a case as `access` on `today`. Refused, nothing written: an auditor; a household out of
/// reach; a household that does not meet the entry criteria (core says why); a person already
/// in the registry declared as outside it; a household or person with an open case.
pub async fn open_case(
    store: &dyn Store,
    access: &Access,
    told: &CaseTold,
    today: NaiveDate,
) -> Result<StoredCase, StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account reads only".into(),
        )));
    }
    if told.source == CaseSource::Warning {
        return Err(invalid(
            "部门预警由部门数据比对登记时自动纳入监测 / warnings open their cases when a check is recorded".into(),
        ));
    }
    if let Some(p) = opened_on_problem(told.on, today) {
        return Err(invalid(p));
    }
    let situation = kept(&told.situation, "情况说明 / what happened").map_err(invalid)?;
    let book = rule_book(store).await?;
    let mut s = store.write_session().await?;
    let mut case = match (&told.household_id, &told.outside) {
        (Some(id), _) => registered(s.as_mut(), access, id, today).await?,
        (None, Some(o)) => outside(s.as_mut(), access, o, today).await?,
        (None, None) => {
            return Err(invalid(
                "请选择农户或填写户主信息 / name the household".into(),
            ))
        }
    };
    let county = county_of(case.village)?;
    let (line, sudden) = lines(&book, county, told.on.year());
    let facts = EntryFacts {
        registered: case.status,
        members: case.members,
        net_income: told.net_income,
        rigid_expense: told.rigid_expense,
        warning: false,
    };
    let found = entry(&facts, line, sudden).map_err(invalid)?;
    if let Some(open) = open_of(s.as_mut(), case.household_id.as_deref(), case.id_number).await? {
        return Err(already_open(s.as_mut(), access, &open, today).await?);
    }
    let mut numbers = Numbers::default();
    let stored = StoredCase {
        case_no: numbers.next(s.as_mut(), county, told.on.year()).await?,
        village: case.village,
        household_id: case.household_id.take(),
        head_name: std::mem::take(&mut case.head_name),
        id_number: case.id_number,
        members: case.members,
        category: found.category,
        source: told.source,
        reasons: found.reasons,
        net_income: told.net_income,
        rigid_expense: told.rigid_expense,
        situation,
        finding_seq: None,
        opened_on: told.on,
        opened_by: access.user().to_string(),
        recorded_on: today,
        closed_on: None,
        close_reason: String::new(),
        close_income: None,
        closed_by: String::new(),
    };
    insert(s.as_mut(), access.user(), &stored, county).await?;
    s.commit().await?;
    Ok(stored)
}

/// The monitoring line and the sudden-expense minimum of a county and year.
fn lines(book: &RuleBook, county: RegionCode, year: i32) -> (Option<MonitoringLine>, Fen) {
    let line = MonitoringLine::of(book, Some(county), year);
    let sudden = book
        .for_place(Some(county), year)
        .set
        .sudden_expense_min
        .value;
    (line, sudden)
}

fn county_of(village: RegionCode) -> Result<RegionCode, StoreError> {
    village
        .county()
        .ok_or_else(|| invalid(format!("{village} 不是村 / {village} is not a village")))
}

/// What a case needs of its household before the rules judge it.
struct Who {
    village: RegionCode,
    household_id: Option<String>,
    status: Option<HouseholdStatus>,
    head_name: String,
    id_number: IdNumber,
    members: i64,
}

async fn registered(
    s: &mut dyn WriteSession,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<Who, StoreError> {
    let Some(record) = load(s, Some(access), id, today).await? else {
        return Err(StoreError::Refused(Refusal::NotFound(format!(
            "户 {id} 不存在或不在您的范围内 / household {id} is not within your reach"
        ))));
    };
    let head = (record.members.iter())
        .find(|m| m.relation == Relation::Head)
        .or(record.members.first())
        .ok_or_else(|| invalid(format!("户 {id} 没有成员 / household {id} has no members")))?;
    Ok(Who {
        village: record.household.village,
        household_id: Some(id.to_string()),
        status: Some(record.household.status),
        head_name: head.name.clone(),
        id_number: head.id_number,
        members: record.members.len() as i64,
    })
}

async fn outside(
    s: &mut dyn WriteSession,
    access: &Access,
    o: &Outside,
    today: NaiveDate,
) -> Result<Who, StoreError> {
    if o.village.level() != Level::Village || village_name(s, o.village).await?.is_empty() {
        return Err(invalid(format!(
            "没有村 {} / no village {}",
            o.village, o.village
        )));
    }
    if !access.covers_region(o.village) {
        return Err(StoreError::Refused(Refusal::Forbidden(format!(
            "村 {} 不在您的范围内 / village {} is not within your reach",
            o.village, o.village
        ))));
    }
    let id_number =
        IdNumber::parse(&o.id_number, today).map_err(|e| invalid(format!("户主身份证号：{e}")))?;
    let name =
        xplus_core::text::field(xplus_core::text::TextKind::Name, &o.head_name).map_err(invalid)?;
    if name.is_empty() {
        return Err(invalid("请填写户主姓名 / give the head's name".into()));
    }
    let args = [Arg::Text(id_number.to_string())];
    if let Some(h) = HOUSEHOLD_OF_PERSON.fetch(s, &args).await?.pop() {
        // Named only to an account that reaches it: the answer must not tell who is registered
        // elsewhere.
        let reached = load(s, Some(access), &h.case_no, today).await?.is_some();
        return Err(invalid(if reached {
            format!(
                "此人是已建档户 {} 的成员，请从该户页面登记 / this person is a member of registered household {}",
                h.case_no, h.case_no
            )
        } else {
            "此身份证号属于已建档户的成员，不能按未建档户登记 / this person is a member of a registered household".into()
        }));
    }
    Ok(Who {
        village: o.village,
        household_id: None,
        status: None,
        head_name: name,
        id_number,
        members: o.members,
    })
}

/// The refusal of a second open case: it names the open case only to an account that reaches it.
async fn already_open(
    s: &mut dyn WriteSession,
    access: &Access,
    open: &StoredCase,
    today: NaiveDate,
) -> Result<StoreError, StoreError> {
    let reached = super::case_steps::reaches(s, access, &open.case_no, today).await?;
    let message = if reached {
        format!(
            "该户已是监测对象（编号 {}），请在其下添加帮扶措施 / the household already has an open case, {}",
            open.case_no, open.case_no
        )
    } else {
        "该户或此人已有未消除风险的监测对象 / the household or person already has an open case"
            .into()
    };
    Ok(StoreError::Refused(Refusal::Conflict(message)))
}

/// The open case of a household or a person, if any.
async fn open_of(
    s: &mut dyn WriteSession,
    household: Option<&str>,
    id_number: IdNumber,
) -> Result<Option<StoredCase>, StoreError> {
    let (sql, args) = open_for(household.unwrap_or(""), &id_number.to_string());
    Ok(fetch_sql(s, &sql, &args).await?.pop())
}

/// Case numbers handed out within one transaction: JC, the county's first six digits, the year
/// and a number within it, one more than the last stored.
#[derive(Default)]
struct Numbers {
    last: HashMap<String, u32>,
}

impl Numbers {
    async fn next(
        &mut self,
        s: &mut dyn WriteSession,
        county: RegionCode,
        year: i32,
    ) -> Result<String, StoreError> {
        let prefix = format!("JC{:06}{year:04}", county.as_u64() / 1_000_000);
        if !self.last.contains_key(&prefix) {
            let args = [Arg::Text(format!("{prefix}%"))];
            let stored: Vec<CaseNumber> = LAST_NUMBER.fetch(s, &args).await?;
            let n = (stored.first())
                .and_then(|c| c.case_no.get(prefix.len()..))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            self.last.insert(prefix.clone(), n);
        }
        let n = self.last.get_mut(&prefix).expect("inserted above");
        *n += 1;
        Ok(format!("{prefix}{n:05}"))
    }
}

/// Keeps a new case and its audit entry.
async fn insert(
    s: &mut dyn WriteSession,
    actor: &str,
    case: &StoredCase,
    county: RegionCode,
) -> Result<(), StoreError> {
    let (sql, args) = case.insert(county);
    s.execute(&sql, &args).await?;
    s.touch(Some(county)).await?;
    s.append_audit(vec![NewAudit {
        actor: actor.to_string(),
        action: "insert".into(),
        entity: "monitoring_cases".into(),
        record_key: case.case_no.clone(),
        old_values: None,
        new_values: Some(case.audit_values()),
    }])
    .await
}

/// A department warning just recorded for a household: the household it names and the
/// finding's number.
pub(in crate::records) struct NewWarning {
    pub household_id: String,
    pub seq: i64,
}

/// Opens a case for each household warned (rules.md §5: a warning opens monitoring at once)
/// that is exited or monitored and has no open case, in the caller's transaction: category and
/// reasons from core, opened on the day checked (`as_of`, from which the warning counts) and
/// recorded on `today`. Poor and returned households are helped as such: the
/// warning stays on their page and in the year's assessment, without a case.
pub(in crate::records) async fn open_for_warnings(
    s: &mut dyn WriteSession,
    actor: &str,
    warnings: &[NewWarning],
    (as_of, today): (NaiveDate, NaiveDate),
) -> Result<u64, StoreError> {
    let mut numbers = Numbers::default();
    let mut opened = 0;
    for w in warnings {
        let Some(record) = load(s, None, &w.household_id, today).await? else {
            continue;
        };
        let Some(head) = (record.members.iter())
            .find(|m| m.relation == Relation::Head)
            .or(record.members.first())
        else {
            continue;
        };
        let facts = EntryFacts {
            registered: Some(record.household.status),
            members: record.members.len() as i64,
            net_income: None,
            rigid_expense: Fen(0),
            warning: true,
        };
        let Ok(found) = entry(&facts, None, Fen(i64::MAX)) else {
            continue;
        };
        if open_of(s, Some(&w.household_id), head.id_number)
            .await?
            .is_some()
        {
            continue;
        }
        let village = record.household.village;
        let county = county_of(village)?;
        let case = StoredCase {
            case_no: numbers.next(s, county, as_of.year()).await?,
            village,
            household_id: Some(w.household_id.clone()),
            head_name: head.name.clone(),
            id_number: head.id_number,
            members: facts.members,
            category: found.category,
            source: CaseSource::Warning,
            reasons: found.reasons,
            net_income: None,
            rigid_expense: Fen(0),
            situation: format!("部门比对预警（第 {} 条比对记录）", w.seq),
            finding_seq: Some(w.seq),
            opened_on: as_of,
            opened_by: actor.to_string(),
            recorded_on: today,
            closed_on: None,
            close_reason: String::new(),
            close_income: None,
            closed_by: String::new(),
        };
        insert(s, actor, &case, county).await?;
        opened += 1;
    }
    Ok(opened)
}
