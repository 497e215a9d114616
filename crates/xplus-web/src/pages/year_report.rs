//! 年度报告: the headline figures of a year (or of a day, 截至某日) within the account's reach —
//! the same report as `xplus report` (store `year_report` / `report_as_of`, book of record: the
//! households as they stood at the end of the year or on the day) —, with its corrections, a
//! printable A4 version and the workbook. The year chosen is remembered like the other report
//! pages' (pages/remember.rs).

use super::{day_of, html, narrowed, today, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::url_encode;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use xplus_output::year_report::{case_rows, CaseRow, Language};
use xplus_store::records::{self, YearReport};

/// What a report is asked of: a year, or a day (`as_of` wins when both are given), and a region
/// within reach.
#[derive(serde::Deserialize, Default)]
pub struct ReportParam {
    pub year: Option<String>,
    pub as_of: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

impl ReportParam {
    /// The query that asks the same report (for the links to its other forms).
    fn query(&self, year: i32, as_of: Option<chrono::NaiveDate>) -> String {
        let region = url_encode(self.region.as_deref().unwrap_or_default().trim());
        match as_of {
            Some(day) => format!("as_of={day}&region={region}"),
            None => format!("year={year}&region={region}"),
        }
    }
}

/// The report asked for, within the account's reach; a day after today is refused (400).
async fn report_of(
    state: &AppState,
    user: &crate::auth::Signed,
    p: &ReportParam,
) -> Result<(YearReport, Option<chrono::NaiveDate>), WebError> {
    let access = narrowed(&user.access, p.region.as_deref())?;
    let store = state.store.as_ref();
    let asked_day = p.as_of.as_deref().filter(|d| !d.trim().is_empty());
    if let Some(text) = asked_day {
        let day = day_of(Some(text))?;
        if day > today() {
            return Err(WebError::bad_request(format!("截至日期 {day} 晚于今天")));
        }
        let report = records::report_as_of(store, &access, None, day).await?;
        return Ok((report, Some(day)));
    }
    let year = super::assessment::assessment_year(state, p.year.as_deref()).await?;
    let report = records::year_report(store, &access, None, year, today()).await?;
    Ok((report, None))
}

#[derive(Template)]
#[template(path = "year_report_page.html")]
struct ReportPage {
    c: Chrome,
    year: i32,
    /// The day asked for, "" for the end of the year.
    as_of: String,
    region: String,
    /// (label, value) of the headline figures.
    figures: Vec<(String, String)>,
    /// The case report's headline figures: (figure, counted, the case report's number, whether
    /// they agree); the last two only in the case report's year.
    case: Vec<CaseRow>,
    quoted: bool,
    corrections: usize,
    member_corrections: usize,
    income_corrections: usize,
    /// The query that asks this report again (print and workbook links).
    query: String,
}

fn figures(l: Lang, r: &YearReport) -> Vec<(String, String)> {
    let (h, p, v, c) = (&r.households, &r.persons, &r.villages, &r.coverage);
    let n = |x: u64| x.to_string();
    vec![
        (l.t("贫困户（户）", "Poor households").into(), n(h.poor)),
        (l.t("贫困人口（人）", "Poor persons").into(), n(p.poor)),
        (
            l.t("当年脱贫户（户）", "Exited in the year").into(),
            n(h.exited_in_year),
        ),
        (
            l.t("当年脱贫人口（人）", "Persons exited").into(),
            n(p.exited_in_year),
        ),
        (l.t("监测户（户）", "Monitored").into(), n(h.monitored)),
        (l.t("返贫户（户）", "Returned").into(), n(h.returned)),
        (l.t("贫困村（个）", "Poor villages").into(), n(v.poor)),
        (
            l.t("当年出列（个）", "Villages exited").into(),
            n(v.exited_in_year),
        ),
        (
            l.t("未出列（个）", "Villages remaining").into(),
            n(v.remaining),
        ),
        (
            l.t(
                "贫困村选派干部覆盖（个）",
                "Poor villages with a selected cadre posted",
            )
            .into(),
            format!("{} / {}", r.backbone.covered, r.backbone.poor_villages),
        ),
        (
            l.t("驻村选派干部（名）", "Selected cadres posted").into(),
            n(r.backbone.cadres_posted),
        ),
        (
            l.t(
                "软弱涣散村党组织整顿转化（个）",
                "Weak party organisations rectified",
            )
            .into(),
            format!("{} / {}", r.party_building.rectified, r.party_building.weak),
        ),
        (
            l.t(
                "党组织标准化建设达标村（个）",
                "Villages meeting the party standard",
            )
            .into(),
            format!(
                "{} / {}",
                r.party_building.meeting, r.party_building.checked
            ),
        ),
        (
            l.t(
                "贫困村书记年内培训（个）",
                "Poor villages whose secretary was trained",
            )
            .into(),
            format!(
                "{} / {}",
                r.village_cadres.secretaries_trained, r.village_cadres.poor_villages
            ),
        ),
        (
            l.t("村干部学历教育（名）", "Village cadres in a degree course")
                .into(),
            n(r.village_cadres.degree),
        ),
        (
            l.t("村级带头人后备力量（名）", "Future leaders in the pool")
                .into(),
            n(r.village_cadres.pool),
        ),
        (
            l.t(
                "大学生村官创业项目（个）、资金（元）",
                "Graduate officials' start-ups / funds (yuan)",
            )
            .into(),
            format!("{} / {}", r.startups.startups, r.startups.funding),
        ),
        (
            l.t("创业带动贫困户（户）", "Poor households brought along")
                .into(),
            n(r.startups.households),
        ),
        (
            l.t(
                "站点讲学授课（场次、人次）",
                "Lectures at the stations (sessions / person-times)",
            )
            .into(),
            r.training.lectures.shown(),
        ),
        (
            l.t("五环全覆盖（严格，户）", "Full chain, strict (households)")
                .into(),
            format!("{} / {}", c.full_chain, c.poor_at_start),
        ),
        (
            l.t(
                "适用环节全覆盖（户）",
                "Full chain, every link that applies (households)",
            )
            .into(),
            format!("{} / {}", c.full_chain_applicable, c.poor_at_start),
        ),
        (
            l.t("多元投入（元，笔）", "Funds put in (yuan, funds)")
                .into(),
            format!("{} / {}", r.funds.total.amount, r.funds.total.funds),
        ),
    ]
}

/// The printable report's language for the page's.
fn language(l: Lang) -> Language {
    match l {
        Lang::Zh => Language::Chinese,
        Lang::En => Language::English,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ReportParam>,
) -> Result<Response, WebError> {
    let (report, as_of) = report_of(&state, &user, &p).await?;
    html(&ReportPage {
        c: Chrome::new(l, &user, "report"),
        year: report.year,
        as_of: as_of.map(|d| d.to_string()).unwrap_or_default(),
        region: p.region.clone().unwrap_or_default().trim().to_string(),
        figures: figures(l, &report),
        case: case_rows(&report, language(l)),
        quoted: report.year == xplus_core::case_figures::CASE_YEAR,
        corrections: report.corrections.len(),
        member_corrections: report.member_corrections.len(),
        income_corrections: report.income_corrections.len(),
        query: p.query(report.year, as_of),
    })
}

/// The printable A4 report (the one `xplus report --format html` writes, there in both
/// languages, here in the page's): a document of its own whose charts are inline SVG and whose
/// style is inline — no script, so its own policy allows inline style and nothing else.
pub async fn print(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ReportParam>,
) -> Result<Response, WebError> {
    let (report, _) = report_of(&state, &user, &p).await?;
    let body = xplus_output::year_report::year_report_html(&report, language(l))?;
    let policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                  base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, policy),
        ],
        body,
    )
        .into_response())
}

/// The report as a workbook (one sheet per section, and the corrections).
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<ReportParam>,
) -> Result<Response, WebError> {
    let (report, as_of) = report_of(&state, &user, &p).await?;
    let name = match as_of {
        Some(day) => format!("report-{day}.xlsx"),
        None => format!("report-{}.xlsx", report.year),
    };
    super::xlsx_download(name, move || {
        Ok(xplus_output::year_report::year_report_workbook(&report)?)
    })
    .await
}
