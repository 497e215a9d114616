//! `xplus report --year Y --format json|xlsx|html --out FILE [--region CODE]`: the headline
//! figures of a year (interchange.md), counted from the records by the store's `year_report`.
//! The HTML is a printable A4 report whose charts are drawn as SVG (no script: it prints and
//! opens anywhere, also offline).

use crate::commands::{open, Failure};
use crate::output::Output;
use crate::ReportFormat;
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use xplus_core::registry::RegionCode;
use xplus_core::Fen;
use xplus_store::records::{year_report, YearReport};

pub async fn run(
    db: &str,
    out: &Output,
    year: i32,
    format: ReportFormat,
    path: &Path,
    region: Option<&str>,
) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(year)?;
    let (access, region) = crate::commands::reach_of(region)?;
    let today = chrono::Local::now().date_naive();
    let store = open(db).await?;
    let started = std::time::Instant::now();
    let report = year_report(store.as_ref(), &access, region, year, today).await?;
    let computed = started.elapsed();
    let bytes = match format {
        ReportFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&as_json(&report)).map_err(|e| Failure {
                    code: 1,
                    parts: vec![format!("无法生成 JSON / cannot write JSON: {e}")],
                })?;
            text.push('\n');
            text.into_bytes()
        }
        ReportFormat::Xlsx => xplus_store::report_workbook::year_report_workbook(&report)?,
        ReportFormat::Html => as_html(&report).into_bytes(),
    };
    crate::commands::write_file(path, bytes)?;
    let (h, v) = (&report.households, &report.villages);
    out.say(
        &format!(
            "{year}年：贫困户 {} 户，当年脱贫 {} 户 {} 人；贫困村 {} 个，当年出列 {} 个，未出列 {} 个；五环全覆盖 {} / {} 户。已写入 {}（计算 {} 毫秒）",
            h.poor,
            h.exited_in_year,
            report.persons.exited_in_year,
            v.poor,
            v.exited_in_year,
            v.remaining,
            report.coverage.full_chain,
            report.coverage.poor_at_start,
            path.display(),
            computed.as_millis()
        ),
        &format!(
            "{year}: {} poor households, {} exited ({} persons); {} poor villages, {} exited, {} remaining; full chain {} of {}. Written to {} ({} ms)",
            h.poor,
            h.exited_in_year,
            report.persons.exited_in_year,
            v.poor,
            v.exited_in_year,
            v.remaining,
            report.coverage.full_chain,
            report.coverage.poor_at_start,
            path.display(),
            computed.as_millis()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// Yuan with two decimals as a JSON number (fen are exact; the figure is shown, not summed).
fn yuan(f: Fen) -> serde_json::Value {
    serde_json::Number::from_f64(f.0 as f64 / 100.0)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

fn as_json(r: &YearReport) -> serde_json::Value {
    let (h, p, v, c) = (&r.households, &r.persons, &r.villages, &r.coverage);
    let k = &r.collective;
    json!({
        "year": r.year,
        "region": r.region.map(|c| c.to_string()),
        "households": {
            "poor": h.poor,
            "exited_in_year": h.exited_in_year,
            "monitored": h.monitored,
            "returned": h.returned,
        },
        "persons": { "poor": p.poor, "exited_in_year": p.exited_in_year },
        "villages": {
            "poor": v.poor,
            "exited_in_year": v.exited_in_year,
            "remaining": v.remaining,
        },
        "coverage": {
            "poor_at_start": c.poor_at_start,
            "trained_in_year": c.trained_in_year,
            "paired_cadre": c.paired_cadre,
            "paired_unit_village": c.paired_unit_village,
            "holding_shares": c.holding_shares,
            "in_industry": c.in_industry,
            "full_chain": c.full_chain,
        },
        "collective": {
            "villages_reported": k.villages_reported,
            "empty_shell_villages": k.empty_shell_villages,
            "villages_over_100k": k.villages_over_100k,
            "strong_income": yuan(k.strong_income),
            "dividends_paid": yuan(k.dividends_paid),
            "dividend_households": k.dividend_households,
        },
        "industry": {
            "organisations": r.industry.organisations,
            "projects": r.industry.projects,
            "placements": r.industry.placements,
            "placed_persons": r.industry.placed_persons,
        },
        "training": {
            "sessions": r.training.sessions,
            "attendance": r.training.attendance,
        },
        "rural_income": r.rural_income.iter().map(|i| json!({
            "region_code": i.region.to_string(),
            "name": i.name,
            "per_capita": i.per_capita.map(yuan),
            "previous": i.previous.map(yuan),
            "growth": i.growth.map(|g| g.to_string()),
        })).collect::<Vec<_>>(),
    })
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart in SVG: one bar per (label, value) against `max`.
fn bars(title: &str, rows: &[(String, u64)], max: u64) -> String {
    let height = 28 * rows.len() + 8;
    let mut svg = format!(
        "<figure><figcaption>{}</figcaption><svg viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 8 + i * 28;
        let width = (value * 320).checked_div(max).unwrap_or(0);
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>\
             <rect x=\"220\" y=\"{y}\" width=\"{width}\" height=\"18\" fill=\"#c0392b\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{value}</text>",
            y + 14,
            escape(label),
            226 + width,
            y + 14
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

fn table(rows: &[(&str, String)]) -> String {
    let mut t = String::from("<table>");
    for (label, value) in rows {
        let _ = write!(
            t,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    t.push_str("</table>");
    t
}

fn as_html(r: &YearReport) -> String {
    let (h, p, v, c) = (&r.households, &r.persons, &r.villages, &r.coverage);
    let k = &r.collective;
    let scope = r
        .region
        .map(|c| c.to_string())
        .unwrap_or_else(|| "全部 / all".into());
    let mut body = format!(
        "<h1>{} 年“X+贫困户”全链条精准保障年度报告</h1><p class=\"muted\">Yearly report {} · 范围 scope: {}</p>",
        r.year,
        r.year,
        escape(&scope)
    );
    body.push_str("<h2>脱贫与出列 / Exits</h2>");
    body.push_str(&table(&[
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
    ]));
    body.push_str("<h2>全链条覆盖 / Coverage of each link (rules.md §6)</h2>");
    body.push_str(&bars(
        &format!(
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
    ));
    body.push_str("<h2>集体经济 / Collective economy</h2>");
    body.push_str(&table(&[
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
    ]));
    body.push_str("<h2>产业与就业、培训 / Industry, jobs and training</h2>");
    body.push_str(&table(&[
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
    ]));
    body.push_str("<h2>农村居民人均可支配收入 / Rural income per head</h2><table><tr><th>地区 region</th><th>上年 previous</th><th>当年 this year</th><th>增长 growth</th></tr>");
    let shown = |f: Option<Fen>| f.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
    for i in &r.rural_income {
        let _ = write!(
            body,
            "<tr><th>{} {}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            i.region,
            escape(&i.name),
            shown(i.previous),
            shown(i.per_capita),
            i.growth
                .map(|g| g.to_string())
                .unwrap_or_else(|| "—".into())
        );
    }
    body.push_str("</table>");
    let max = r
        .rural_income
        .iter()
        .filter_map(|i| i.per_capita)
        .map(|f| f.0.max(0) as u64 / 100)
        .max()
        .unwrap_or(0);
    let rows: Vec<(String, u64)> = r
        .rural_income
        .iter()
        .filter_map(|i| Some((i.name.clone(), i.per_capita?.0.max(0) as u64 / 100)))
        .collect();
    if !rows.is_empty() {
        body.push_str(&bars("人均可支配收入（元）/ per capita (yuan)", &rows, max));
    }
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{} 年度报告 / yearly report</title>\
         <style>@page{{size:A4;margin:15mm}}body{{font-family:\"WenQuanYi Zen Hei\",\"Noto Sans CJK SC\",sans-serif;max-width:180mm;margin:auto;color:#222}}\
         h1{{font-size:20px}}h2{{font-size:16px;border-bottom:1px solid #c0392b;margin-top:18px}}table{{border-collapse:collapse;width:100%}}\
         th,td{{border:1px solid #ccc;padding:3px 6px;text-align:left;font-size:13px}}td{{text-align:right}}.muted{{color:#666}}\
         figure{{margin:8px 0}}figcaption{{font-size:13px;color:#444}}h2{{break-after:avoid}}table,figure{{break-inside:avoid}}</style></head>\
         <body>{body}</body></html>\n",
        r.year
    )
}

/// `xplus report --verify`: brings the roll-ups up to date where records changed since, then
/// recomputes every county's from the records and compares them with what is stored; exit 1 on
/// any difference, naming the first few.
pub async fn verify(db: &str, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    let today = chrono::Local::now().date_naive();
    crate::commands::refresh_rollups(store.as_ref(), out).await?;
    let started = std::time::Instant::now();
    let v = xplus_store::records::verify_rollups(store.as_ref(), today).await?;
    let ms = started.elapsed().as_millis();
    for d in v.differences.iter().take(20) {
        let (region, measure, year, bucket) = &d.key;
        out.say(
            &format!(
                "不一致：区划 {region} {}（{measure}）年度 {year} 分组“{bucket}”：已存 {}，重算 {}",
                measure.label_zh(),
                d.stored,
                d.recomputed
            ),
            &format!(
                "differs: region {region} {measure} year {year} bucket '{bucket}': stored {}, recomputed {}",
                d.stored, d.recomputed
            ),
        );
    }
    out.say(
        &format!(
            "汇总校验：重算 {} 个区县，比较 {} 项，不一致 {} 项（{ms} 毫秒）",
            v.counties,
            v.figures,
            v.differences.len()
        ),
        &format!(
            "roll-ups verified: {} counties recomputed, {} figures compared, {} differ ({ms} ms)",
            v.counties,
            v.figures,
            v.differences.len()
        ),
    );
    if v.differences.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // The counties (or, for a city's or province's sum, those below it) are recomputed by the
    // next refresh: the dashboard's next request, or the next command that changes records.
    let mut regions: Vec<RegionCode> = v
        .differences
        .iter()
        .filter_map(|d| RegionCode::from_u64(d.key.0).ok())
        .map(|r| r.county().unwrap_or(r))
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let marked = xplus_store::records::mark_for_refresh(store.as_ref(), &regions).await?;
    out.say(
        &format!("已将 {marked} 个区县标记为待重算，下次刷新（打开看板或下一次改动记录的命令）时更正"),
        &format!("{marked} counties marked for a refresh: the next one (a dashboard, or the next command that changes records) corrects them"),
    );
    Ok(ExitCode::from(1))
}
