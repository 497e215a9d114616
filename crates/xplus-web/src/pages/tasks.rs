//! 核查任务 pages: the recorded department findings within reach (open first, the earliest
//! due first), the open and overdue tasks of each town, the list as a workbook, and one
//! finding with the form on which its helper or secretary records what they found (属实 /
//! 不属实 with the reason and an attachment; 风险消除 for a warning). The rules of an outcome
//! are core's; a confirmed death makes the member leave the household from that day.

use super::{html, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use xplus_core::accounts::Access;
use xplus_core::assessment::attachment::MAX_BYTES;
use xplus_core::assessment::crosscheck::Finding;
use xplus_core::assessment::tasks::{handling, Handling, TaskOutcome};
use xplus_core::values::parse_date;
use xplus_store::records::{self, FindingEntry, FindingFilter, FindingList, FindingState};
use xplus_store::{Refusal, StoreError};

/// The largest outcome form: its attachment and a little for the fields.
pub const MAX_OUTCOME_BODY: usize = MAX_BYTES + 64 * 1024;

/// The pager's rows per page.
const PER_PAGE: u32 = super::paging::PAGE_SIZE as u32;

/// A finding as a row of a list or the head of its own page.
pub struct Row {
    pub household_id: String,
    pub seq: i64,
    pub village: String,
    pub id_number: String,
    pub finding: String,
    pub handling: String,
    /// verify, warning or note: a note is only shown.
    pub handling_code: &'static str,
    pub detail: String,
    pub source: String,
    pub fact_on: String,
    pub as_of: String,
    pub assignee: String,
    pub due_on: String,
    pub overdue: bool,
    pub outcome: String,
    pub outcome_on: String,
    pub outcome_reason: String,
    pub outcome_by: String,
    pub attachment: String,
}

pub(super) fn row_of(l: Lang, access: &Access, e: &FindingEntry, list: &FindingList) -> Row {
    let f = &e.finding;
    let name = |code: u64| list.names.get(&code).cloned().unwrap_or_default();
    let village = e.village;
    let town = village
        .parent()
        .map(|t| name(t.as_u64()))
        .unwrap_or_default();
    let h = handling(f.finding);
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    Row {
        household_id: f.household_id.clone(),
        seq: f.seq,
        village: format!("{town}{}", name(village.as_u64())),
        id_number: access.id_number(f.id_number),
        finding: l.label(f.finding.code(), f.finding.label_zh()),
        handling: l.label(h.code(), h.label_zh()),
        handling_code: h.code(),
        detail: access.id_numbers_in(&f.detail),
        source: source_of(l, &f.source_file, f.source_row),
        fact_on: date(f.fact_on),
        as_of: f.as_of.to_string(),
        assignee: (f.assignee.as_ref())
            .map(|(role, who)| format!("{}：{who}", l.label(role.code(), role.label_zh())))
            .unwrap_or_default(),
        due_on: date(f.due_on),
        overdue: e.overdue,
        outcome: (f.outcome)
            .map(|o| l.label(o.code(), o.label_zh()))
            .unwrap_or_default(),
        outcome_on: date(f.outcome_on),
        outcome_reason: access.id_numbers_in(&f.outcome_reason),
        outcome_by: f.outcome_by.clone(),
        attachment: (f.attachment.as_ref())
            .map(|a| a.name.clone())
            .unwrap_or_default(),
    }
}

/// The supporting line, by the department list's own name (死亡人员 第3行).
pub(super) fn source_of(l: Lang, file: &str, row: u32) -> String {
    let spec = xplus_core::interchange::schema::find_department_file(file);
    match (l.is_en(), spec) {
        (false, Some(spec)) => format!("{} 第{row}行", spec.zh),
        (false, None) => format!("第{row}行"),
        (true, _) => format!("{file} row {row}"),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    state: Option<String>,
    handling: Option<String>,
    finding: Option<String>,
    pub(super) region: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// The filter asked for; an unknown value is refused, not ignored.
    pub(super) fn filter(&self, per_page: u32) -> Result<FindingFilter, WebError> {
        fn pick(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let bad = |zh: &str, en: &str| WebError::bad_request(format!("未知的{zh} / unknown {en}"));
        Ok(FindingFilter {
            state: match pick(&self.state) {
                None => FindingState::Open,
                Some(s) => FindingState::parse(s).ok_or_else(|| bad("状态", "state"))?,
            },
            handling: match pick(&self.handling) {
                None => None,
                Some(s) => Some(Handling::parse(s).ok_or_else(|| bad("类别", "kind"))?),
            },
            finding: match pick(&self.finding) {
                None => None,
                Some(s) => Some(Finding::parse(s).ok_or_else(|| bad("比对结果", "finding"))?),
            },
            page: (super::paging::asked_page(self.page.as_deref())? - 1).min(u64::from(u32::MAX))
                as u32,
            per_page,
        })
    }
}

/// A choice of a filter: its code, label and whether it is chosen.
pub struct Choice {
    pub code: &'static str,
    pub label: String,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    c: Chrome,
    region: String,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    rows: Vec<Row>,
    l: Lang,
    pager: super::paging::Pager,
    /// The query of this list without its page (for the pager and the export).
    query: String,
    /// Open and overdue tasks per town, then per county, and in all.
    towns: Vec<(String, u64, u64)>,
    counties: Vec<(String, u64, u64)>,
    open: u64,
    overdue: u64,
}

fn choices(l: Lang, f: &FindingFilter) -> (Vec<Choice>, Vec<Choice>) {
    let states = (FindingState::ALL.iter())
        .map(|s| Choice {
            code: s.code(),
            label: l.label(s.code(), s.label_zh()),
            on: *s == f.state,
        })
        .collect();
    let kinds = (Handling::ALL.iter())
        .map(|h| Choice {
            code: h.code(),
            label: l.label(h.code(), h.label_zh()),
            on: Some(*h) == f.handling,
        })
        .collect();
    (states, kinds)
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let mut filter = p.filter(PER_PAGE)?;
    let store = state.store.as_ref();
    let mut list = records::finding_list(store, &access, &filter, today()).await?;
    let last = list.total.div_ceil(u64::from(PER_PAGE)).max(1);
    if u64::from(filter.page) >= last {
        // A page past the end shows the last one.
        filter.page = (last - 1) as u32;
        list = records::finding_list(store, &access, &filter, today()).await?;
    }
    let counts = records::task_counts(store, &access, today()).await?;
    let name = |code: xplus_core::registry::RegionCode| {
        (counts.names.get(&code.as_u64()).cloned()).unwrap_or_else(|| code.to_string())
    };
    let (open, overdue) = counts.totals();
    let (states, kinds) = choices(l, &filter);
    let query = format!(
        "state={}&handling={}&finding={}&region={}",
        filter.state.code(),
        filter.handling.map(|h| h.code()).unwrap_or(""),
        filter.finding.map(|f| f.code()).unwrap_or(""),
        crate::forms::url_encode(p.region.as_deref().unwrap_or("").trim())
    );
    html(&TasksPage {
        c: Chrome::new(l, &user, "tasks"),
        region: p.region.clone().unwrap_or_default(),
        states,
        kinds,
        rows: (list.entries.iter())
            .map(|e| row_of(l, &user.access, e, &list))
            .collect(),
        l,
        pager: super::paging::Pager::new(
            list.total,
            u64::from(filter.page) + 1,
            "/tasks",
            &query,
            "task-list",
        ),
        query,
        towns: (counts.towns.iter())
            .map(|t| (name(t.town), t.open, t.overdue))
            .collect(),
        counties: (counts.by_county().into_iter())
            .map(|(c, o, d)| (name(c), o, d))
            .collect(),
        open,
        overdue,
    })
}

/// Household `record`'s findings as rows of its page and its 明白卡, in the order recorded.
pub(crate) async fn of_household(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    record: &records::HouseholdRecord,
) -> Result<Vec<Row>, WebError> {
    let h = &record.household;
    let found =
        records::household_findings(state.store.as_ref(), &user.access, &h.id, today()).await?;
    let mut names = std::collections::HashMap::new();
    names.insert(h.village.as_u64(), record.village_name.clone());
    let list = FindingList {
        entries: Vec::new(),
        total: 0,
        names,
    };
    Ok((found.into_iter())
        .map(|f| {
            let overdue = xplus_core::assessment::tasks::is_overdue(f.due_on, f.outcome, today());
            let entry = FindingEntry {
                finding: f,
                village: h.village,
                overdue,
            };
            row_of(l, &user.access, &entry, &list)
        })
        .collect())
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    c: Chrome,
    r: Row,
    /// The member's name as the household records it ("" once they have left it).
    member: String,
    /// The outcomes the form offers (none once one is recorded, or for a note).
    outcomes: Vec<Choice>,
    may_record: bool,
    is_death: bool,
    today: String,
    message: Option<String>,
}

fn parse_seq(seq: &str) -> Result<i64, WebError> {
    seq.parse::<i64>()
        .ok()
        .filter(|s| *s >= 1)
        .ok_or_else(WebError::not_found)
}

async fn render(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    (id, seq): (&str, i64),
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let findings =
        records::household_findings(state.store.as_ref(), &user.access, id, today()).await?;
    let f = findings
        .into_iter()
        .find(|f| f.seq == seq)
        .ok_or_else(WebError::not_found)?;
    let household = records::household(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let village = household.household.village;
    let mut names = std::collections::HashMap::new();
    names.insert(village.as_u64(), household.village_name.clone());
    let overdue = xplus_core::assessment::tasks::is_overdue(f.due_on, f.outcome, today());
    let entry = FindingEntry {
        finding: f.clone(),
        village,
        overdue,
    };
    let list = FindingList {
        entries: Vec::new(),
        total: 0,
        names,
    };
    let open = f.outcome.is_none();
    let outcomes = match handling(f.finding) {
        Handling::Verify if open => vec![TaskOutcome::Confirmed, TaskOutcome::Refuted],
        Handling::Warning if open => vec![TaskOutcome::Closed],
        _ => Vec::new(),
    };
    let page = TaskPage {
        c: Chrome::new(l, user, "tasks"),
        r: row_of(l, &user.access, &entry, &list),
        member: (household.members.iter())
            .find(|m| m.id_number == f.id_number)
            .map(|m| m.name.clone())
            .unwrap_or_default(),
        outcomes: (outcomes.iter())
            .map(|o| Choice {
                code: o.code(),
                label: l.label(o.code(), o.label_zh()),
                on: false,
            })
            .collect(),
        may_record: user.access.may_write() && !outcomes.is_empty(),
        is_death: f.finding == Finding::Deceased,
        today: today().to_string(),
        message,
    };
    let mut response = html(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn one(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, WebError> {
    render(
        &state,
        &user,
        l,
        (&id, parse_seq(&seq)?),
        None,
        StatusCode::OK,
    )
    .await
}

/// What the outcome form sent.
#[derive(Default)]
struct Sent {
    csrf: Option<String>,
    outcome: Option<String>,
    on: Option<String>,
    reason: String,
    file: Option<(String, Vec<u8>)>,
    too_large: bool,
}

async fn read_form(mut multipart: Multipart) -> Result<Sent, WebError> {
    let bad =
        || WebError::bad_request("提交中断或格式有误 / the form was interrupted or malformed");
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("_csrf") => sent.csrf = field.text().await.ok(),
            Some("outcome") => sent.outcome = field.text().await.ok(),
            Some("on") => sent.on = field.text().await.ok(),
            Some("reason") => sent.reason = field.text().await.unwrap_or_default(),
            Some("attachment") => {
                let name = field.file_name().unwrap_or("").to_string();
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                    // Past the limit by one byte is enough to refuse: the rest is not read.
                    if bytes.len() + chunk.len() > MAX_BYTES + 1 {
                        sent.too_large = true;
                        break;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // A form sent without choosing a file has an empty, nameless part.
                if !(name.is_empty() && bytes.is_empty()) {
                    sent.file = Some((name, bytes));
                }
            }
            _ => {}
        }
        if sent.too_large {
            break;
        }
    }
    Ok(sent)
}

pub async fn record(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((id, seq)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let seq = parse_seq(&seq)?;
    let sent = read_form(multipart).await?;
    user.check_csrf(sent.csrf.as_deref())?;
    let problem = match save(&state, &user, &id, seq, sent).await {
        Ok(()) => {
            let to = format!(
                "/households/{}/findings/{seq}",
                crate::forms::url_encode(&id)
            );
            return Ok(Redirect::to(&to).into_response());
        }
        Err(Err(e)) => return Err(e),
        Err(Ok(problem)) => problem,
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(&state, &user, l, (&id, seq), Some(l.pick(&problem)), status).await
}

/// Records what the form sent: Ok, or what to tell the user ("中文 / English"), or a failure
/// that is not theirs to mend.
async fn save(
    state: &AppState,
    user: &crate::auth::Signed,
    id: &str,
    seq: i64,
    sent: Sent,
) -> Result<(), Result<String, WebError>> {
    if sent.too_large {
        let mb = MAX_BYTES >> 20;
        return Err(Ok(format!(
            "附件超过 {mb} MB / the attachment is over {mb} MB"
        )));
    }
    let Some(outcome) = sent.outcome.as_deref().and_then(TaskOutcome::parse) else {
        return Err(Ok("请选择核查结果 / choose the outcome".into()));
    };
    let on = sent
        .on
        .as_deref()
        .map(str::trim)
        .and_then(|s| parse_date(s).ok());
    let Some(on) = on else {
        return Err(Ok(
            "请填写日期，格式 YYYY-MM-DD / the day, as YYYY-MM-DD".into()
        ));
    };
    let told = records::OutcomeTold {
        outcome,
        on,
        reason: sent.reason,
        attachment: sent.file,
    };
    let store = state.store.as_ref();
    match records::record_outcome(store, &user.access, id, seq, &told, today()).await {
        Ok(_) => Ok(()),
        Err(StoreError::Refused(Refusal::NotFound(_))) => Err(Err(WebError::not_found())),
        Err(StoreError::Refused(r)) => Err(Ok(r.to_string())),
        Err(e) => Err(Err(e.into())),
    }
}

pub async fn attachment(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, seq)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let seq = parse_seq(&seq)?;
    let (note, bytes) =
        records::finding_attachment(state.store.as_ref(), &user.access, &id, seq, today())
            .await?
            .ok_or_else(WebError::not_found)?;
    Ok(super::attachment_download(
        bytes,
        &note.content_type,
        &note.name,
        seq,
    ))
}
