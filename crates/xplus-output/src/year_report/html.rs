//! The yearly report as a printable A4 page (askama template `year_report.html`).

use crate::OutputError;
use askama::Template;
use xplus_core::case_figures::CASE_YEAR;
use xplus_core::Fen;
use xplus_store::records::YearReport;

mod cadres;
mod collective;

/// One bar of a horizontal chart, placed: the label and value with where they are drawn.
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub y: usize,
    pub text_y: usize,
    pub width: u64,
    pub value_x: u64,
}

/// A horizontal bar chart: one bar per (label, value) against `max`.
pub struct Chart {
    pub title: String,
    pub height: usize,
    pub bars: Vec<Bar>,
}

impl Chart {
    fn new(title: String, rows: &[(String, u64)], max: u64) -> Chart {
        let bars = rows
            .iter()
            .enumerate()
            .map(|(i, (label, value))| {
                let y = 8 + i * 28;
                let width = (value * 320).checked_div(max).unwrap_or(0);
                Bar {
                    label: label.clone(),
                    value: *value,
                    y,
                    text_y: y + 14,
                    width,
                    value_x: 226 + width,
                }
            })
            .collect();
        Chart {
            title,
            height: 28 * rows.len() + 8,
            bars,
        }
    }
}

/// A table of labelled figures.
type Figures = Vec<(String, String)>;

/// The language the printable report is written in: the web page's, or both for the command
/// line's file, which either office may open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Chinese,
    English,
    Both,
}

impl Language {
    /// `zh`, `en`, or both as "zh / en".
    pub fn t(self, zh: &str, en: &str) -> String {
        match self {
            Language::Chinese => zh.to_string(),
            Language::English => en.to_string(),
            Language::Both => format!("{zh} / {en}"),
        }
    }

    /// The page's `lang` attribute.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            _ => "zh-CN",
        }
    }
}

/// A row of the rural income table, as shown.
pub struct IncomeRow {
    pub region: String,
    pub name: String,
    pub previous: String,
    pub per_capita: String,
    pub growth: String,
}

#[derive(Template)]
#[template(path = "year_report.html")]
struct Page {
    lang: Language,
    title: String,
    heading: String,
    /// The notes on corrections, late membership changes and income corrections.
    notes: [String; 3],
    scope: String,
    exits: Figures,
    /// 村干部与村级带头人后备力量 (`cadres.rs`).
    cadres: Figures,
    coverage: Chart,
    collective: Figures,
    /// 多元投入: funds by source and link.
    funds: Figures,
    industry: Figures,
    incomes: Vec<IncomeRow>,
    income_chart: Option<Chart>,
    case: Vec<CaseRow>,
    /// The case report's numbers are shown beside the counted ones (its year only).
    quoted: bool,
    corrections: Vec<CorrectionRow>,
    member_corrections: Vec<MemberCorrectionRow>,
    /// (household, net before, net after, reason, by, on)
    income_corrections: Vec<[String; 6]>,
}

/// A correction of the year's outcomes as the report lists it.
pub struct CorrectionRow {
    pub household: String,
    pub recorded: String,
    pub corrected: String,
    pub reason: String,
    pub by: String,
    pub on: String,
}

/// A membership change of the year recorded after it, as the report lists it.
pub struct MemberCorrectionRow {
    pub household: String,
    /// 加入 or 减少, and why.
    pub change: String,
    pub name: String,
    pub on: String,
    pub note: String,
    pub by: String,
    pub recorded_on: String,
}

fn member_correction_rows(r: &YearReport, lang: Language) -> Vec<MemberCorrectionRow> {
    (r.member_corrections.iter())
        .map(|c| MemberCorrectionRow {
            household: c.household_id.clone(),
            change: match lang {
                Language::English => format!("{} ({})", c.change.code(), c.reason.code()),
                _ => format!("{}（{}）", c.change.label_zh(), c.reason.label_zh()),
            },
            name: c.member.name.clone(),
            on: c.changed_on.to_string(),
            note: c.note.clone(),
            by: c.recorded_by.clone(),
            recorded_on: c.recorded_on.to_string(),
        })
        .collect()
}

fn income_correction_rows(r: &YearReport) -> Vec<[String; 6]> {
    (r.income_corrections.iter())
        .map(|c| {
            [
                c.household_id.clone(),
                c.recorded_net.to_string(),
                c.net.to_string(),
                c.reason.clone(),
                c.corrected_by.clone(),
                c.corrected_on.to_string(),
            ]
        })
        .collect()
}

fn correction_rows(r: &YearReport, lang: Language) -> Vec<CorrectionRow> {
    r.corrections
        .iter()
        .map(|n| CorrectionRow {
            household: n.household_id.clone(),
            recorded: standing_text(&n.recorded, lang),
            corrected: standing_text(&n.corrected, lang),
            reason: n.reason.clone(),
            by: n.corrected_by.clone(),
            on: n.corrected_on.to_string(),
        })
        .collect()
}

/// A standing as the report shows it: the status (its code in English), with the exit year.
fn standing_text(s: &xplus_core::registry::Standing, lang: Language) -> String {
    let status = match lang {
        Language::English => s.status.code(),
        _ => s.status.label_zh(),
    };
    match s.exit_year {
        Some(y) => format!(
            "{status}{}",
            lang.t(&format!("（脱贫年度 {y}）"), &format!(" (exit year {y})"))
        ),
        None => status.to_string(),
    }
}

impl Page {
    fn t(&self, zh: &str, en: &str) -> String {
        self.lang.t(zh, en)
    }
}

fn shown(f: Option<Fen>) -> String {
    f.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

/// What the report covers: its region (or everything within reach), and the day when it is
/// as of a day.
fn scope_of(r: &YearReport, lang: Language) -> String {
    let scope = r
        .region
        .map(|c| c.to_string())
        .unwrap_or_else(|| lang.t("全部", "everything"));
    match r.as_of {
        Some(day) => format!(
            "{scope}{}",
            lang.t(&format!("，截至 {day}"), &format!(", as of {day}"))
        ),
        None => scope,
    }
}

/// Rows of (label in both languages, value) in `lang`.
fn figures(lang: Language, rows: &[(&str, &str, String)]) -> Figures {
    rows.iter()
        .map(|(zh, en, value)| (lang.t(zh, en), value.clone()))
        .collect()
}

/// The exits table.
fn exit_figures(r: &YearReport, lang: Language) -> Figures {
    let (h, p, v) = (&r.households, &r.persons, &r.villages);
    let pb = &r.party_building;
    figures(
        lang,
        &[
            (
                "贫困户（含返贫）",
                "Poor households (returned included)",
                h.poor.to_string(),
            ),
            ("贫困人口", "Poor persons", p.poor.to_string()),
            (
                "当年脱贫户",
                "Households exited in the year",
                h.exited_in_year.to_string(),
            ),
            (
                "当年脱贫人口",
                "Persons exited in the year",
                p.exited_in_year.to_string(),
            ),
            ("监测户", "Monitored households", h.monitored.to_string()),
            ("返贫户", "Returned households", h.returned.to_string()),
            (
                "年初贫困村",
                "Poor villages at the start",
                v.poor.to_string(),
            ),
            (
                "当年出列",
                "Villages exited in the year",
                v.exited_in_year.to_string(),
            ),
            ("未出列", "Villages remaining", v.remaining.to_string()),
            (
                "贫困村选派干部覆盖",
                "Poor villages with a selected cadre posted",
                format!("{}/{}", r.backbone.covered, r.backbone.poor_villages),
            ),
            (
                "驻村选派干部",
                "Selected cadres posted",
                r.backbone.cadres_posted.to_string(),
            ),
            (
                "软弱涣散村党组织整顿转化",
                "Weak party organisations rectified",
                format!("{}/{}", pb.rectified, pb.weak),
            ),
            (
                "党组织标准化建设达标村",
                "Villages meeting the party standard",
                format!("{}/{}", pb.meeting, pb.checked),
            ),
            (
                "大学生村官创业项目、资金（元）",
                "Graduate officials' start-ups / funds (yuan)",
                format!("{} / {}", r.startups.startups, r.startups.funding),
            ),
            (
                "创业带动贫困户",
                "Poor households brought along by start-ups",
                r.startups.households.to_string(),
            ),
        ],
    )
}

/// The chart of the households poor at the start with each link.
fn coverage_chart(r: &YearReport, lang: Language) -> Chart {
    let c = &r.coverage;
    let t = |zh: &str, en: &str| lang.t(zh, en);
    Chart::new(
        t(
            &format!("年初贫困户 {} 户中", c.poor_at_start),
            &format!("Of {} households poor at the start", c.poor_at_start),
        ),
        &[
            (
                t("想 年内参加培训", "Trained in the year"),
                c.trained_in_year,
            ),
            (t("能 结对帮扶干部", "Paired with a cadre"), c.paired_cadre),
            (
                t("能 单位包村", "Village paired with a unit"),
                c.paired_unit_village,
            ),
            (
                t("稳 持有集体股权", "Holding collective shares"),
                c.holding_shares,
            ),
            (t("不返 产业或就业", "In industry or a job"), c.in_industry),
            (
                t(
                    "五环全覆盖（严格：五个环节都有）",
                    "Full chain (strict: all five links)",
                ),
                c.full_chain,
            ),
            (
                t(
                    "全链条覆盖（适用环节都有）",
                    "Full chain (every link that applies)",
                ),
                c.full_chain_applicable,
            ),
        ],
        c.poor_at_start,
    )
}

/// The industry, jobs and training table.
fn industry_figures(r: &YearReport, lang: Language) -> Figures {
    figures(
        lang,
        &[
            (
                "党组织",
                "Party organisations",
                r.industry.organisations.to_string(),
            ),
            (
                "一村一品项目",
                "One-village-one-product projects",
                r.industry.projects.to_string(),
            ),
            ("就业安置", "Placements", r.industry.placements.to_string()),
            (
                "安置人数",
                "Persons placed",
                r.industry.placed_persons.to_string(),
            ),
            (
                "产业创业扶贫对象户",
                "Industry and start-up support targets",
                r.industry.targets.to_string(),
            ),
            (
                "对象户年末人口",
                "Their persons at the year's end",
                r.industry.target_persons.to_string(),
            ),
            (
                "一户一工人：年末有成员在岗的贫困户",
                "A worker in every household: poor households with a member in work on Dec 31",
                r.industry.with_worker.to_string(),
            ),
            (
                "年末没有成员在岗的贫困户",
                "Poor households without a member in work on Dec 31",
                r.industry.without_worker.to_string(),
            ),
            (
                "培训场次",
                "Training sessions",
                r.training.sessions.to_string(),
            ),
            ("参训户次", "Attendances", r.training.attendance.to_string()),
            (
                "站点讲学授课（场次、人次）",
                "Lectures at the stations (sessions / person-times)",
                r.training.lectures.shown(),
            ),
        ],
    )
}

/// A headline figure of the case report as the report shows it.
pub struct CaseRow {
    pub section: String,
    pub label: String,
    pub counted: String,
    /// The case report's number as printed, and whether the counted one is it within the
    /// report's own rounding (empty in other years).
    pub quoted: String,
    pub holds: String,
}

/// The case report's figures as a table's rows, for the printable report and the /report page
/// alike, so that the two cannot word or judge a figure differently.
pub fn case_rows(r: &YearReport, lang: Language) -> Vec<CaseRow> {
    let quoted = r.year == CASE_YEAR;
    r.case
        .values
        .iter()
        .map(|(figure, value)| {
            let d = figure.definition();
            let (zh, en) = d.section.label();
            let unit = if d.money {
                lang.t("（元）", " (yuan)")
            } else {
                String::new()
            };
            CaseRow {
                section: lang.t(zh, en),
                label: format!("{}{unit}", lang.t(d.zh, d.en)),
                counted: figure.show(*value),
                quoted: if quoted {
                    lang.t(d.quote.zh, d.quote.en)
                } else {
                    String::new()
                },
                holds: match (quoted, d.quote.holds(*value)) {
                    (false, _) => String::new(),
                    (true, true) => lang.t("相符", "matches"),
                    (true, false) => lang.t("不符", "differs"),
                },
            }
        })
        .collect()
}

/// The rural income table and its chart (none without incomes).
fn income_table(r: &YearReport, lang: Language) -> (Vec<IncomeRow>, Option<Chart>) {
    let t = |zh: &str, en: &str| lang.t(zh, en);
    let rows_shown = r
        .rural_income
        .iter()
        .map(|i| IncomeRow {
            region: i.region.to_string(),
            name: i.name.clone(),
            previous: shown(i.previous),
            per_capita: shown(i.per_capita),
            growth: i
                .growth
                .map(|g| g.to_string())
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    let yuan_of = |f: Fen| f.0.max(0) as u64 / 100;
    let max = r
        .rural_income
        .iter()
        .filter_map(|i| i.per_capita)
        .map(yuan_of)
        .max()
        .unwrap_or(0);
    let rows: Vec<(String, u64)> = r
        .rural_income
        .iter()
        .filter_map(|i| Some((i.name.clone(), yuan_of(i.per_capita?))))
        .collect();
    let income_chart = (!rows.is_empty())
        .then(|| Chart::new(t("人均可支配收入（元）", "Per capita (yuan)"), &rows, max));
    (rows_shown, income_chart)
}

/// The notes on corrections, late membership changes and income corrections.
fn notes_of(r: &YearReport, lang: Language) -> [String; 3] {
    let t = |zh: &str, en: &str| lang.t(zh, en);
    [
        t(
            &format!("本年度评估结果有 {} 处更正，以下数字为更正后的数字，更正记录见文末。", r.corrections.len()),
            &format!("{} of this year's outcomes were corrected; the figures are the corrected ones, listed at the end.", r.corrections.len()),
        ),
        t(
            &format!("本年度有 {} 条成员变动在年后补录，人数为补录后的人数，补录记录见文末。", r.member_corrections.len()),
            &format!("{} membership changes of this year were recorded after it; the persons count them, listed at the end.", r.member_corrections.len()),
        ),
        t(
            &format!("本年度的收入在年后更正了 {} 处，收入数字为更正后的数字，更正记录见文末。", r.income_corrections.len()),
            &format!("{} incomes of this year were corrected after it; the figures are the corrected ones, listed at the end.", r.income_corrections.len()),
        ),
    ]
}

pub fn year_report_html(r: &YearReport, lang: Language) -> Result<String, OutputError> {
    let t = |zh: &str, en: &str| lang.t(zh, en);
    let y = r.year;
    let (incomes, income_chart) = income_table(r, lang);
    let page = Page {
        lang,
        title: t(&format!("{y} 年度报告"), &format!("Yearly report {y}")),
        heading: t(
            &format!("{y} 年“X+贫困户”全链条精准保障年度报告"),
            &format!("Yearly report {y}: the “X + poor household” full-chain guarantee"),
        ),
        notes: notes_of(r, lang),
        scope: scope_of(r, lang),
        exits: exit_figures(r, lang),
        cadres: cadres::cadre_figures(r, lang),
        coverage: coverage_chart(r, lang),
        collective: collective::collective_figures(r, lang),
        funds: collective::funds_figures(r, lang),
        industry: industry_figures(r, lang),
        incomes,
        income_chart,
        case: case_rows(r, lang),
        quoted: r.year == CASE_YEAR,
        corrections: correction_rows(r, lang),
        member_corrections: member_correction_rows(r, lang),
        income_corrections: income_correction_rows(r),
    };
    let mut html = page.render()?;
    html.push('\n');
    Ok(html)
}
