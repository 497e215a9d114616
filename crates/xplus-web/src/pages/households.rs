//! The household list (filters, sorting, pages, a spreadsheet of the filtered list) and the
//! household page (members, incomes by year, status history, the record's audit history).

use super::{html, is_htmx, today, Chrome};
use crate::audit_text::AuditLine;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;
use xplus_core::interchange::cell;
use xplus_core::interchange::schema::{HOUSEHOLDS, INCOMES};
use xplus_core::registry::{HouseholdStatus, PovertyCause, RegionCode};
use xplus_store::records::{self, HouseholdQuery, HouseholdSort, HouseholdSummary, Page};

pub const PER_PAGE: u64 = 20;

/// The list's query string.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListParams {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub cause: String,
    #[serde(default)]
    pub q: String,
    /// "1": poor or returned (a dashboard's drill-down).
    #[serde(default)]
    pub poor: String,
    /// Exited in this year.
    #[serde(default)]
    pub exit_year: String,
    /// `status`, `poor` and `exit_year` as the households stood at the end of this year (a past
    /// year's dashboard).
    #[serde(default)]
    pub at_end: String,
    /// With `band`: the income band of this year (xplus-core rollup).
    #[serde(default)]
    pub income_year: String,
    #[serde(default)]
    pub band: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub desc: String,
    #[serde(default)]
    pub page: Option<u64>,
}

impl ListParams {
    pub fn query(&self) -> Result<HouseholdQuery, WebError> {
        let bad = |what: &str, v: &str| {
            WebError::bad_request(format!(
                "筛选条件“{what}”的值无效：{v} / invalid filter {what}: {v}"
            ))
        };
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(HouseholdQuery {
            region: match text(&self.region) {
                Some(r) => Some(RegionCode::parse(&r).map_err(|_| bad("region", &r))?),
                None => None,
            },
            status: match text(&self.status) {
                Some(s) => Some(HouseholdStatus::parse(&s).ok_or_else(|| bad("status", &s))?),
                None => None,
            },
            cause: match text(&self.cause) {
                Some(c) => Some(PovertyCause::parse(&c).ok_or_else(|| bad("cause", &c))?),
                None => None,
            },
            text: text(&self.q),
            poor: self.poor == "1",
            exit_year: match text(&self.exit_year) {
                Some(y) => Some(y.parse().map_err(|_| bad("exit_year", &y))?),
                None => None,
            },
            at_end: match text(&self.at_end) {
                Some(y) => Some(y.parse().map_err(|_| bad("at_end", &y))?),
                None => None,
            },
            income_band: match (text(&self.income_year), text(&self.band)) {
                (Some(y), Some(b)) => Some((
                    y.parse().map_err(|_| bad("income_year", &y))?,
                    b.parse::<usize>()
                        .ok()
                        .filter(|b| *b < xplus_core::rollup::INCOME_BAND_FLOORS_YUAN.len())
                        .ok_or_else(|| bad("band", &b))?,
                )),
                (None, None) => None,
                _ => return Err(bad("income_year/band", "")),
            },
            sort: match text(&self.sort) {
                Some(s) => HouseholdSort::parse(&s).ok_or_else(|| bad("sort", &s))?,
                None => HouseholdSort::default(),
            },
            descending: self.desc == "1",
        })
    }

    /// The query string for another page or sort of the same filters.
    pub fn link(&self, page: u64, sort: Option<&str>) -> String {
        let enc = crate::forms::url_encode;
        let (sort, desc) = match sort {
            // Clicking the sorted column again reverses it.
            Some(s) if s == self.sort_code() => (s.to_string(), self.desc != "1"),
            Some(s) => (s.to_string(), false),
            None => (self.sort_code().to_string(), self.desc == "1"),
        };
        format!(
            "/households?region={}&status={}&cause={}&q={}{}&sort={}&desc={}&page={page}",
            enc(&self.region),
            enc(&self.status),
            enc(&self.cause),
            enc(&self.q),
            self.drill(),
            enc(&sort),
            if desc { "1" } else { "" }
        )
    }

    /// The spreadsheet of the same filters.
    pub fn export_link(&self) -> String {
        let enc = crate::forms::url_encode;
        format!(
            "/households/export.xlsx?region={}&status={}&cause={}&q={}{}",
            enc(&self.region),
            enc(&self.status),
            enc(&self.cause),
            enc(&self.q),
            self.drill()
        )
    }

    /// The dashboard's filters in words ("" without any).
    pub fn drill_label(&self, l: Lang) -> String {
        let mut parts = Vec::new();
        if !self.at_end.is_empty() {
            parts.push(format!(
                "{}{}",
                self.at_end,
                l.t(
                    "年末的状态（状态列为当前状态）",
                    " year-end standing (the status column is today's)"
                )
            ));
        }
        if self.poor == "1" {
            parts.push(l.t("贫困或返贫", "poor or returned").to_string());
        }
        if !self.exit_year.is_empty() {
            parts.push(format!(
                "{}{}",
                l.t("脱贫年度 ", "exited in "),
                self.exit_year
            ));
        }
        if let Ok(band) = self.band.parse::<usize>() {
            parts.push(format!(
                "{} {} {}",
                self.income_year,
                l.t("人均纯收入（元）", "net income per head (yuan)"),
                xplus_core::rollup::income_band_label(band)
            ));
        }
        parts.join("；")
    }

    /// The dashboard's filters, kept across pages, sorts and the export.
    fn drill(&self) -> String {
        let enc = crate::forms::url_encode;
        format!(
            "&poor={}&exit_year={}&at_end={}&income_year={}&band={}",
            enc(&self.poor),
            enc(&self.exit_year),
            enc(&self.at_end),
            enc(&self.income_year),
            enc(&self.band)
        )
    }

    fn sort_code(&self) -> &str {
        if self.sort.is_empty() {
            "village"
        } else {
            &self.sort
        }
    }
}

pub struct HouseholdRow {
    pub id: String,
    pub village: String,
    pub head: String,
    pub members: u32,
    pub status: String,
    pub causes: String,
    pub identified_year: String,
}

pub fn row_of(l: Lang, h: &HouseholdSummary) -> HouseholdRow {
    HouseholdRow {
        id: h.id().to_string(),
        village: h.village_name.clone(),
        head: h.head_name.clone().unwrap_or_default(),
        members: h.members,
        status: status_label(l, h.household.status),
        causes: causes_label(l, &h.household.causes),
        identified_year: h.household.identified_year.to_string(),
    }
}

/// A household's status as people read it (in the page's language).
fn status_label(l: Lang, status: HouseholdStatus) -> String {
    l.label(status.code(), status.label_zh())
}

/// A household's poverty causes as people read them: "因病、缺技术" or "illness, skills".
fn causes_label(l: Lang, causes: &[PovertyCause]) -> String {
    let labels: Vec<String> = causes
        .iter()
        .map(|c| l.label(c.code(), c.label_zh()))
        .collect();
    labels.join(l.t("、", ", "))
}

#[derive(Template)]
#[template(path = "households.html")]
struct ListPage {
    c: Chrome,
    p: ListParams,
    rows: Vec<HouseholdRow>,
    total: u64,
    page: u64,
    pages: u64,
    statuses: Vec<(String, String)>,
    causes: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "households_list.html")]
struct ListPart {
    c: Chrome,
    p: ListParams,
    rows: Vec<HouseholdRow>,
    total: u64,
    page: u64,
    pages: u64,
}

/// The total of a filtered list, counted once per change of the records.
pub(crate) async fn total(
    state: &AppState,
    user: &Signed,
    query: &HouseholdQuery,
) -> Result<u64, WebError> {
    let head = match state.counts.head() {
        Some(h) => h,
        None => {
            let h = state.store.read_session().await?.audit_head().await?;
            state.counts.set_head(h);
            h
        }
    };
    // The whole query (every filter, so none can be forgotten), the scope and the day too: a
    // helper's pairings start and end with the calendar.
    let key = format!("{:?}|{}|{:?}", user.access.scope(), today(), query);
    if let Some(n) = state.counts.get(&key, head) {
        return Ok(n);
    }
    let n = records::count_households(state.store.as_ref(), &user.access, query, today()).await?;
    state.counts.put(key, head, n);
    Ok(n)
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let query = p.query()?;
    let store = state.store.as_ref();
    let total = total(&state, &user, &query).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = p.page.unwrap_or(1).clamp(1, pages);
    let found = records::list_households(
        store,
        &user.access,
        &query,
        Page {
            limit: PER_PAGE,
            offset: (page - 1) * PER_PAGE,
        },
        today(),
    )
    .await?;
    let rows = found.iter().map(|h| row_of(l, h)).collect();
    let c = Chrome::new(l, &user, "households");
    if is_htmx(&headers) {
        return html(&ListPart {
            c,
            p,
            rows,
            total,
            page,
            pages,
        });
    }
    html(&ListPage {
        statuses: HouseholdStatus::SPEC
            .values
            .iter()
            .map(|(code, zh)| (code.to_string(), l.label(code, zh)))
            .collect(),
        causes: PovertyCause::SPEC
            .values
            .iter()
            .map(|(code, zh)| (code.to_string(), l.label(code, zh)))
            .collect(),
        c,
        p,
        rows,
        total,
        page,
        pages,
    })
}

/// The filtered list as a workbook, every page of it.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    let query = p.query()?;
    let mut rows = Vec::new();
    records::each_household(
        state.store.as_ref(),
        &user.access,
        &query,
        today(),
        &mut |h| {
            rows.push(h);
            Ok(())
        },
    )
    .await?;
    let name = format!("households-{}.xlsx", today().format("%Y%m%d"));
    super::xlsx_download(name, move || workbook(l, rows)).await
}

fn workbook(l: Lang, rows: Vec<HouseholdSummary>) -> Result<Vec<u8>, WebError> {
    use rust_xlsxwriter::{Format, Workbook};
    let failed = |e: rust_xlsxwriter::XlsxError| {
        WebError::from(xplus_store::StoreError::Interrupted(e.to_string()))
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .set_name(l.t("贫困户", "households"))
        .map_err(failed)?;
    let bold = Format::new().set_bold();
    let headers = [
        l.t("户编号", "household id"),
        l.t("村代码", "village code"),
        l.t("村", "village"),
        l.t("户主", "head"),
        l.t("人数", "members"),
        l.t("识别年度", "identified year"),
        l.t("状态", "status"),
        l.t("脱贫年度", "exit year"),
        l.t("致贫原因", "causes"),
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    for (i, h) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let household = &h.household;
        let cells = [
            household.id.clone(),
            household.village.to_string(),
            h.village_name.clone(),
            h.head_name.clone().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            sheet.write_string(r, c as u16, v).map_err(failed)?;
        }
        sheet.write_number(r, 4, h.members).map_err(failed)?;
        (sheet.write_number(r, 5, household.identified_year)).map_err(failed)?;
        (sheet.write_string(r, 6, status_label(l, household.status))).map_err(failed)?;
        if let Some(y) = household.exit_year {
            sheet.write_number(r, 7, y).map_err(failed)?;
        }
        (sheet.write_string(r, 8, causes_label(l, &household.causes))).map_err(failed)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    book.save_to_buffer().map_err(failed)
}

pub struct MemberView {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub relation: String,
    pub age: String,
    pub health: String,
    pub labour: String,
    pub schooling: String,
}

pub struct IncomeView {
    pub year: String,
    pub cells: Vec<String>,
    pub net: String,
    pub per_capita: String,
}

#[derive(Template)]
#[template(path = "household.html")]
struct HouseholdPage {
    c: Chrome,
    id: String,
    village: String,
    village_code: String,
    facts: Vec<(String, String)>,
    members: Vec<MemberView>,
    incomes: Vec<IncomeView>,
    income_headers: Vec<String>,
    statuses: Vec<(String, String)>,
    history: Vec<AuditLine>,
    may_edit: bool,
    no_head: bool,
    /// The last 20 visits, newest first.
    visits: Vec<super::field::VisitView>,
    /// Just saved from the visit form.
    saved_visit: bool,
    /// What other departments' lists found, as recorded (核查任务, 部门预警).
    findings: Vec<super::tasks::Row>,
    /// Its monitoring cases (监测对象), the newest first.
    cases: Vec<super::cases::CaseRow>,
}

pub async fn one(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let store = state.store.as_ref();
    let record = records::household(store, &user.access, &id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let visits = records::household_visits(store, &user.access, &id, None, 20, today()).await?;
    let entries = records::household_history(store, &user.access, &id, today(), 200)
        .await?
        .unwrap_or_default();
    let year = chrono::Datelike::year(&today());
    let h = &record.household;
    let row = h.to_row();
    let facts = HOUSEHOLDS
        .columns
        .iter()
        .zip(&row)
        .skip(1)
        .map(|(c, v)| {
            (
                crate::forms::column_label(l, c.zh, c.en),
                cell::format(c, v, !l.is_en()).replace(';', ", "),
            )
        })
        .collect();
    let members = record
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| MemberView {
            index: i + 1,
            id: user.access.id_number(m.id_number),
            name: m.name.clone(),
            relation: l.label(m.relation.code(), m.relation.label_zh()),
            age: m.id_number.age_in_year(year).to_string(),
            health: l.label(m.health.code(), m.health.label_zh()),
            labour: l.label(m.labour.code(), m.labour.label_zh()),
            schooling: l.label(m.schooling.code(), m.schooling.label_zh()),
        })
        .collect();
    let people = record.members.len() as i64;
    let incomes = record
        .incomes
        .iter()
        .map(|income| {
            let net = income.amounts.net();
            let row = income.to_row();
            IncomeView {
                year: income.year.to_string(),
                cells: (INCOMES.columns.iter().zip(&row))
                    .skip(2)
                    .map(|(c, v)| cell::format(c, v, false))
                    .collect(),
                net: net.to_string(),
                per_capita: xplus_core::registry::income::per_capita(net, people)
                    .map(|f| f.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let statuses = status_history(l, h, &entries);
    let no_head = record.head().is_none();
    html(&HouseholdPage {
        c: Chrome::new(l, &user, "households"),
        village: record.village_name.clone(),
        village_code: h.village.to_string(),
        id,
        facts,
        members,
        incomes,
        income_headers: INCOMES.columns[2..]
            .iter()
            .map(|c| crate::forms::column_label(l, c.zh, c.en))
            .collect(),
        statuses,
        history: entries.iter().map(|e| AuditLine::of(&user, l, e)).collect(),
        may_edit: user.access.may_write(),
        no_head,
        visits: visits
            .iter()
            .map(|v| super::field::VisitView::of(l, v))
            .collect(),
        saved_visit: query.get("saved").is_some_and(|s| s == "visit"),
        findings: super::tasks::of_household(&state, &user, l, &record).await?,
        cases: super::cases::of_household(&state, &user, l, &record.household.id).await?,
    })
}

/// When the household's status changed, from its identification and the audit log.
fn status_history(
    l: Lang,
    h: &xplus_core::registry::Household,
    entries: &[xplus_core::audit::AuditEntry],
) -> Vec<(String, String)> {
    let label = |code: &str| {
        HouseholdStatus::parse(code)
            .map(|s| l.label(s.code(), s.label_zh()))
            .unwrap_or_else(|| code.to_string())
    };
    let mut out = vec![(
        h.identified_year.to_string(),
        l.t("识别为贫困户", "identified as poor").to_string(),
    )];
    for e in entries.iter().rev().filter(|e| e.entity == "households") {
        let status = e
            .new_values
            .as_deref()
            .and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok())
            .and_then(|v| v.get("status").and_then(|s| s.as_str()).map(str::to_string));
        if let Some(s) = status {
            out.push((e.at.chars().take(10).collect(), label(&s)));
        }
    }
    out
}
