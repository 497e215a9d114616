//! 监测对象 pages (monitoring through the year, rules.md §5 and the 2021 mechanism): the open
//! cases of the reach by category, paged; the declaration form (农户自主申报 / 干部排查) for a
//! registered household or one outside the registry; one case with its measures, the form to
//! add one and the form that removes the risk (风险消除). The entry and closing rules are
//! core's; a refused form is shown again with the reason and keeps what was typed.

use super::paging::{asked_page, Pager, PAGE_SIZE};
use super::tasks::Choice;
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::{form_value, url_encode};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::assessment::cases::{CaseSource, Category, MeasureKind};
use xplus_core::money::Fen;
use xplus_core::registry::RegionCode;
use xplus_core::values::parse_date;
use xplus_store::records::{self, CaseFilter, CaseState, StoredCase, StoredMeasure};
use xplus_store::{Refusal, StoreError};

/// A case as a row of the list and the head of its page.
pub struct CaseRow {
    pub case_no: String,
    pub household_id: String,
    pub head_name: String,
    pub id_number: String,
    pub members: i64,
    pub village: String,
    pub category: String,
    pub source: String,
    pub reasons: String,
    pub net_income: String,
    pub rigid_expense: String,
    pub situation: String,
    pub opened_on: String,
    pub closed: String,
    pub close_reason: String,
}

/// The names of the cases' villages and of their towns.
type Names = std::collections::HashMap<RegionCode, String>;

async fn names_of(state: &AppState, cases: &[&StoredCase]) -> Result<Names, WebError> {
    let mut codes: Vec<RegionCode> = Vec::with_capacity(cases.len() * 2);
    for c in cases {
        codes.push(c.village);
        codes.extend(c.village.parent());
    }
    Ok(records::region_names_of(state.store.as_ref(), codes).await?)
}

/// "乙村" with its town before it ("天长街道乙村"), or the code when the name is unknown.
fn place(names: &Names, village: RegionCode) -> String {
    let town = (village.parent()).and_then(|t| names.get(&t)).cloned();
    match names.get(&village) {
        Some(v) => format!("{}{v}", town.unwrap_or_default()),
        None => village.to_string(),
    }
}

pub(crate) fn case_row(l: Lang, user: &Signed, names: &Names, c: &StoredCase) -> CaseRow {
    let money = |f: Option<Fen>| f.map(|f| f.to_string()).unwrap_or_default();
    CaseRow {
        case_no: c.case_no.clone(),
        household_id: c.household_id.clone().unwrap_or_default(),
        head_name: c.head_name.clone(),
        id_number: user.access.id_number(c.id_number),
        members: c.members,
        village: place(names, c.village),
        category: l.label(c.category.code(), c.category.label_zh()),
        source: l.label(c.source.code(), c.source.label_zh()),
        reasons: (c.reasons.iter())
            .map(|r| l.label(r.code(), r.label_zh()))
            .collect::<Vec<_>>()
            .join("、"),
        net_income: money(c.net_income),
        rigid_expense: c.rigid_expense.to_string(),
        situation: user.access.id_numbers_in(&c.situation),
        opened_on: c.opened_on.to_string(),
        closed: c.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        close_reason: user.access.id_numbers_in(&c.close_reason),
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    c: Chrome,
    counts: Vec<(String, u64)>,
    open: u64,
    categories: Vec<Choice>,
    states: Vec<Choice>,
    rows: Vec<CaseRow>,
    pager: Pager,
    l: Lang,
    region: String,
    may_write: bool,
    /// The list's query without its page, for the export.
    query: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ListParams {
    category: Option<String>,
    state: Option<String>,
    pub(super) region: Option<String>,
    page: Option<String>,
}

impl ListParams {
    /// The category and state asked for; an unknown value is refused, not ignored.
    pub(super) fn choices(&self) -> Result<(Option<Category>, CaseState), WebError> {
        let category =
            match picked(&self.category) {
                None => None,
                Some(c) => Some(Category::parse(c).ok_or_else(|| {
                    WebError::bad_request(format!("没有类别 {c} / no category {c}"))
                })?),
            };
        let state = match picked(&self.state) {
            None => CaseState::Open,
            Some(s) => CaseState::parse(s)
                .ok_or_else(|| WebError::bad_request(format!("没有状态 {s} / no state {s}")))?,
        };
        Ok((category, state))
    }
}

fn picked(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let access = super::narrowed(&user.access, p.region.as_deref())?;
    let (category, st) = p.choices()?;
    let asked = asked_page(p.page.as_deref())?;
    let store = state.store.as_ref();
    let mut filter = CaseFilter {
        category,
        state: st,
        page: asked,
        per_page: PAGE_SIZE,
    };
    let mut found = records::case_list(store, &access, &filter, today()).await?;
    let last = found.total.div_ceil(PAGE_SIZE).max(1);
    if asked > last {
        filter.page = last;
        found = records::case_list(store, &access, &filter, today()).await?;
    }
    let counts = records::case_counts(store, &access, today()).await?;
    let names = names_of(&state, &found.cases.iter().collect::<Vec<_>>()).await?;
    let region = p.region.clone().unwrap_or_default();
    let query = format!(
        "category={}&state={}&region={}",
        category.map(|c| c.code()).unwrap_or(""),
        st.code(),
        url_encode(region.trim())
    );
    html(&CasesPage {
        c: Chrome::new(l, &user, "monitoring"),
        open: counts.iter().map(|(_, n)| n).sum(),
        counts: (counts.iter())
            .map(|(c, n)| (l.label(c.code(), c.label_zh()), *n))
            .collect(),
        categories: (Category::ALL.iter())
            .map(|c| Choice {
                code: c.code(),
                label: l.label(c.code(), c.label_zh()),
                on: Some(*c) == category,
            })
            .collect(),
        states: (CaseState::ALL.iter())
            .map(|s| Choice {
                code: s.code(),
                label: l.label(s.code(), s.label_zh()),
                on: *s == st,
            })
            .collect(),
        rows: (found.cases.iter())
            .map(|c| case_row(l, &user, &names, c))
            .collect(),
        pager: Pager::new(
            found.total,
            filter.page,
            "/monitoring/cases",
            &query,
            "case-list",
        ),
        l,
        region,
        may_write: user.access.may_write(),
        query,
    })
}

#[derive(Template)]
#[template(path = "case_new.html")]
struct NewPage {
    c: Chrome,
    /// The registered household declared for; empty for one outside the registry.
    household: String,
    sources: Vec<Choice>,
    /// What was typed, shown again when refused.
    sent: Vec<(String, String)>,
    today: String,
    message: Option<String>,
}

impl NewPage {
    fn value(&self, name: &str) -> &str {
        form_value(&self.sent, name).unwrap_or("")
    }
}

#[derive(serde::Deserialize, Default)]
pub struct NewParams {
    household: Option<String>,
}

fn new_page(
    l: Lang,
    user: &Signed,
    sent: Vec<(String, String)>,
    message: Option<String>,
) -> NewPage {
    let household = form_value(&sent, "household")
        .unwrap_or("")
        .trim()
        .to_string();
    let chosen = form_value(&sent, "source").and_then(CaseSource::parse);
    NewPage {
        c: Chrome::new(l, user, "monitoring"),
        household,
        sources: [CaseSource::Declaration, CaseSource::Round]
            .iter()
            .map(|s| Choice {
                code: s.code(),
                label: l.label(s.code(), s.label_zh()),
                on: chosen.map_or(*s == CaseSource::Declaration, |c| c == *s),
            })
            .collect(),
        sent,
        today: today().to_string(),
        message,
    }
}

pub async fn new_form(
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<NewParams>,
) -> Result<Response, WebError> {
    refuse_readonly(&user)?;
    let sent = vec![("household".to_string(), p.household.unwrap_or_default())];
    html(&new_page(l, &user, sent, None))
}

fn refuse_readonly(user: &Signed) -> Result<(), WebError> {
    if user.access.may_write() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "审计员账号只读 / an auditor's account reads only",
        ))
    }
}

pub async fn open(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&sent, "_csrf"))?;
    refuse_readonly(&user)?;
    let store = state.store.as_ref();
    let opened =
        async { records::open_case(store, &user.access, &read(told_case(&sent))?, today()).await };
    let opened = opened.await;
    let (message, status) = match refusal(opened) {
        Ok(case) => return Ok(to_case(&case.case_no)),
        Err(Ok(told)) => told,
        Err(Err(e)) => return Err(e),
    };
    let page = html(&new_page(l, &user, sent, Some(said(l, &message))))?;
    Ok((status, page).into_response())
}

/// A form read into what the store takes, or its problem as the store's own refusal (so that
/// one answer serves both).
fn read<T>(form: Result<T, String>) -> Result<T, StoreError> {
    form.map_err(|m| StoreError::Refused(Refusal::Invalid(m)))
}

/// What the store refused, as a message and a status; other failures as they are.
fn refusal<T>(r: Result<T, StoreError>) -> Result<T, Result<(String, StatusCode), WebError>> {
    match r {
        Ok(v) => Ok(v),
        Err(StoreError::Refused(Refusal::Conflict(m))) => Err(Ok((m, StatusCode::CONFLICT))),
        Err(StoreError::Refused(Refusal::Forbidden(m))) => Err(Ok((m, StatusCode::FORBIDDEN))),
        Err(StoreError::Refused(Refusal::NotFound(_))) => Err(Err(WebError::not_found())),
        Err(StoreError::Refused(r)) => Err(Ok((r.to_string(), StatusCode::UNPROCESSABLE_ENTITY))),
        Err(e) => Err(Err(e.into())),
    }
}

/// A refusal in the page's language: core joins several reasons with "；", each "中文 / English".
fn said(l: Lang, message: &str) -> String {
    (message.split('；'))
        .map(|part| l.pick(part))
        .collect::<Vec<_>>()
        .join("；")
}

fn to_case(case_no: &str) -> Response {
    Redirect::to(&format!("/monitoring/cases/{}", url_encode(case_no))).into_response()
}

/// A sum in yuan: empty is None; anything else must be money.
fn yuan(sent: &[(String, String)], name: &str, label: &str) -> Result<Option<Fen>, String> {
    let text = form_value(sent, name).unwrap_or("").trim();
    if text.is_empty() {
        return Ok(None);
    }
    Fen::parse(text)
        .map(Some)
        .map_err(|e| format!("{label}“{text}”不是金额：{e} / {name}: not a sum of money"))
}

fn day(sent: &[(String, String)], name: &str) -> Result<chrono::NaiveDate, String> {
    let text = form_value(sent, name).unwrap_or("").trim();
    parse_date(text)
        .map_err(|_| format!("日期“{text}”无效，格式 YYYY-MM-DD / the day, as YYYY-MM-DD"))
}

fn count(sent: &[(String, String)], name: &str) -> Result<i64, String> {
    let text = form_value(sent, name).unwrap_or("").trim();
    text.parse::<i64>()
        .map_err(|_| format!("家庭人口“{text}”不是整数 / members: not a whole number"))
}

fn told_case(sent: &[(String, String)]) -> Result<records::CaseTold, String> {
    let household = form_value(sent, "household").unwrap_or("").trim();
    let source = form_value(sent, "source")
        .and_then(CaseSource::parse)
        .ok_or("请选择来源 / choose how the risk became known")?;
    let outside = if household.is_empty() {
        let code = form_value(sent, "village").unwrap_or("").trim();
        let village = (code.parse::<u64>().ok())
            .and_then(|c| RegionCode::from_u64(c).ok())
            .ok_or_else(|| format!("村代码“{code}”无效（12位） / not a village code"))?;
        Some(records::Outside {
            village,
            head_name: form_value(sent, "head_name").unwrap_or("").to_string(),
            id_number: form_value(sent, "id_number").unwrap_or("").to_string(),
            members: count(sent, "members")?,
        })
    } else {
        None
    };
    Ok(records::CaseTold {
        household_id: (!household.is_empty()).then(|| household.to_string()),
        outside,
        source,
        on: day(sent, "on")?,
        net_income: yuan(sent, "net_income", "家庭纯收入")?,
        rigid_expense: yuan(sent, "rigid_expense", "刚性支出")?.unwrap_or(Fen(0)),
        situation: form_value(sent, "situation").unwrap_or("").to_string(),
    })
}

/// A form's name and what was typed in it.
type Typed = (&'static str, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    c: Chrome,
    r: CaseRow,
    open: bool,
    measures: Vec<(i64, String, String, String, String)>,
    kinds: Vec<Choice>,
    may_write: bool,
    today: String,
    message: Option<String>,
    /// The form refused ("measure" or "close") and what was typed in it, shown again.
    refused: Typed,
}

impl CasePage {
    /// What was typed in field `name` of form `form`, when that form was refused.
    fn value(&self, form: &str, name: &str) -> &str {
        if self.refused.0 != form {
            return "";
        }
        form_value(&self.refused.1, name).unwrap_or("")
    }
}

async fn case_page(
    state: &AppState,
    user: &Signed,
    l: Lang,
    case_no: &str,
    (message, refused): (Option<String>, Typed),
) -> Result<CasePage, WebError> {
    let (case, measures) =
        records::case_detail(state.store.as_ref(), &user.access, case_no, today())
            .await?
            .ok_or_else(WebError::not_found)?;
    let names = names_of(state, &[&case]).await?;
    let shown = |m: &StoredMeasure| {
        (
            m.seq,
            l.label(m.kind.code(), m.kind.label_zh()),
            user.access.id_numbers_in(&m.detail),
            m.responsible.clone(),
            m.on.to_string(),
        )
    };
    Ok(CasePage {
        c: Chrome::new(l, user, "monitoring"),
        open: case.closed_on.is_none(),
        r: case_row(l, user, &names, &case),
        measures: measures.iter().map(shown).collect(),
        kinds: (MeasureKind::ALL.iter())
            .map(|k| Choice {
                code: k.code(),
                label: l.label(k.code(), k.label_zh()),
                on: false,
            })
            .collect(),
        may_write: user.access.may_write(),
        today: today().to_string(),
        message,
        refused,
    })
}

pub async fn one(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(case_no): Path<String>,
) -> Result<Response, WebError> {
    html(&case_page(&state, &user, l, &case_no, (None, ("", Vec::new()))).await?)
}

pub async fn measure(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(case_no): Path<String>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&sent, "_csrf"))?;
    let told = match (
        form_value(&sent, "kind").and_then(MeasureKind::parse),
        day(&sent, "on"),
    ) {
        (Some(kind), Ok(on)) => Ok(records::MeasureTold {
            kind,
            detail: form_value(&sent, "detail").unwrap_or("").to_string(),
            responsible: form_value(&sent, "responsible").unwrap_or("").to_string(),
            on,
        }),
        (None, _) => Err("请选择措施类别 / choose the kind of measure".to_string()),
        (_, Err(m)) => Err(m),
    };
    let store = state.store.as_ref();
    let added =
        async { records::add_measure(store, &user.access, &case_no, &read(told)?, today()).await };
    let added = added.await;
    let refused = refusal(added).map(|_| ());
    after(&state, &user, l, &case_no, refused, ("measure", sent)).await
}

pub async fn close(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(case_no): Path<String>,
    Form(sent): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&sent, "_csrf"))?;
    let told = (|| {
        Ok(records::CloseTold {
            on: day(&sent, "on")?,
            net_income: yuan(&sent, "net_income", "家庭纯收入")?
                .ok_or("请填写近12个月家庭纯收入 / the household's net income")?,
            members: count(&sent, "members")?,
            reason: form_value(&sent, "reason").unwrap_or("").to_string(),
        })
    })();
    let store = state.store.as_ref();
    let closed =
        async { records::close_case(store, &user.access, &case_no, &read(told)?, today()).await };
    let closed = closed.await;
    let refused = refusal(closed).map(|_| ());
    after(&state, &user, l, &case_no, refused, ("close", sent)).await
}

/// The case again: after a change, by a redirect; refused, with the reason.
async fn after(
    state: &AppState,
    user: &Signed,
    l: Lang,
    case_no: &str,
    done: Result<(), Result<(String, StatusCode), WebError>>,
    sent: Typed,
) -> Result<Response, WebError> {
    let (message, status) = match done {
        Ok(()) => return Ok(to_case(case_no)),
        Err(Ok(told)) => told,
        Err(Err(e)) => return Err(e),
    };
    let page = case_page(state, user, l, case_no, (Some(said(l, &message)), sent)).await?;
    let page = html(&page)?;
    Ok((status, page).into_response())
}

/// Cases as rows of a page or a workbook, with their villages' names.
pub(crate) async fn case_rows(
    state: &AppState,
    user: &Signed,
    l: Lang,
    cases: &[StoredCase],
) -> Result<Vec<CaseRow>, WebError> {
    let names = names_of(state, &cases.iter().collect::<Vec<_>>()).await?;
    Ok(cases.iter().map(|c| case_row(l, user, &names, c)).collect())
}

/// A household's cases as rows of its page.
pub(crate) async fn of_household(
    state: &AppState,
    user: &Signed,
    l: Lang,
    id: &str,
) -> Result<Vec<CaseRow>, WebError> {
    let cases = records::household_cases(state.store.as_ref(), &user.access, id, today()).await?;
    case_rows(state, user, l, &cases).await
}
