//! The yearly report as a printable A4 page (askama template `year_report.html`).

use crate::OutputError;
use askama::Template;
use xplus_core::Fen;
use xplus_store::records::YearReport;

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
type Figures = Vec<(&'static str, String)>;

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
    year: i32,
    scope: String,
    exits: Figures,
    coverage: Chart,
    collective: Figures,
    industry: Figures,
    incomes: Vec<IncomeRow>,
    income_chart: Option<Chart>,
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

fn member_correction_rows(r: &YearReport) -> Vec<MemberCorrectionRow> {
    (r.member_corrections.iter())
        .map(|c| MemberCorrectionRow {
            household: c.household_id.clone(),
            change: format!("{}（{}）", c.change.label_zh(), c.reason.label_zh()),
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

fn correction_rows(r: &YearReport) -> Vec<CorrectionRow> {
    r.corrections
        .iter()
        .map(|n| CorrectionRow {
            household: n.household_id.clone(),
            recorded: standing_text(&n.recorded),
            corrected: standing_text(&n.corrected),
            reason: n.reason.clone(),
            by: n.corrected_by.clone(),
            on: n.corrected_on.to_string(),
        })
        .collect()
}

fn standing_text(s: &xplus_core::registry::Standing) -> String {
    match s.exit_year {
        Some(y) => format!("{}（脱贫年度 {y}）", s.status.label_zh()),
        None => s.status.label_zh().to_string(),
    }
}

fn shown(f: Option<Fen>) -> String {
    f.map(|v| v.to_string()).unwrap_or_else(|| "—".into())
}

/// What the report covers: its region (or all), and the day when it is as of a day.
fn scope_of(r: &YearReport) -> String {
    let scope = r
        .region
        .map(|c| c.to_string())
        .unwrap_or_else(|| "全部 / all".into());
    match r.as_of {
        Some(day) => format!("{scope}，截至 {day} / as of {day}"),
        None => scope,
    }
}

pub fn year_report_html(r: &YearReport) -> Result<String, OutputError> {
    let (h, p, v, c) = (&r.households, &r.persons, &r.villages, &r.coverage);
    let k = &r.collective;
    let exits = vec![
        ("贫困户（含返贫）poor households", h.poor.to_string()),
        ("贫困人口 poor persons", p.poor.to_string()),
        (
            "当年脱贫户 exited in the year",
            h.exited_in_year.to_string(),
        ),
        ("当年脱贫人口 persons exited", p.exited_in_year.to_string()),
        ("监测户 monitored", h.monitored.to_string()),
        ("返贫户 returned", h.returned.to_string()),
        ("年初贫困村 poor villages", v.poor.to_string()),
        ("当年出列 villages exited", v.exited_in_year.to_string()),
        ("未出列 remaining", v.remaining.to_string()),
    ];
    let coverage = Chart::new(
        format!(
            "年初贫困户 {} 户中 / of {} poor at the start",
            c.poor_at_start, c.poor_at_start
        ),
        &[
            ("想 年内参加培训".into(), c.trained_in_year),
            ("能 结对帮扶干部".into(), c.paired_cadre),
            ("能 单位包村".into(), c.paired_unit_village),
            ("稳 持有集体股权".into(), c.holding_shares),
            ("不返 产业或就业".into(), c.in_industry),
            ("五环全覆盖 full chain".into(), c.full_chain),
        ],
        c.poor_at_start,
    );
    let collective = vec![
        (
            "报送收入的村 villages reporting",
            k.villages_reported.to_string(),
        ),
        (
            "空壳村 empty-shell villages",
            k.empty_shell_villages.to_string(),
        ),
        (
            "强村（收入达标）villages over the strong line",
            format!("{}（≥ {} 元）", k.villages_over_100k, k.strong_income),
        ),
        (
            "当年分红 dividends paid (yuan)",
            k.dividends_paid.to_string(),
        ),
        (
            "获得分红户 households paid",
            k.dividend_households.to_string(),
        ),
    ];
    let industry = vec![
        (
            "党组织 party organisations",
            r.industry.organisations.to_string(),
        ),
        ("一村一品项目 projects", r.industry.projects.to_string()),
        ("就业安置 placements", r.industry.placements.to_string()),
        (
            "安置人数 persons placed",
            r.industry.placed_persons.to_string(),
        ),
        (
            "培训场次 training sessions",
            r.training.sessions.to_string(),
        ),
        ("参训户次 attendances", r.training.attendance.to_string()),
    ];
    let incomes = r
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
        .then(|| Chart::new("人均可支配收入（元）/ per capita (yuan)".into(), &rows, max));
    let page = Page {
        year: r.year,
        scope: scope_of(r),
        exits,
        coverage,
        collective,
        industry,
        incomes,
        income_chart,
        corrections: correction_rows(r),
        member_corrections: member_correction_rows(r),
        income_corrections: income_correction_rows(r),
    };
    let mut html = page.render()?;
    html.push('\n');
    Ok(html)
}
