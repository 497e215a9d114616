//! `xplus report --year Y --format json|xlsx|html --out FILE [--region CODE]`: the headline
//! figures of a year (interchange.md), counted from the records by the store's `year_report`.
//! The HTML is a printable A4 report whose charts are drawn as SVG (no script: it prints and
//! opens anywhere, also offline).

use crate::commands::{open, Failure};
use crate::output::Output;
use crate::ReportFormat;
use std::path::Path;
use std::process::ExitCode;
use xplus_core::registry::RegionCode;
use xplus_output::year_report::{
    year_report_html, year_report_json, year_report_workbook, Language,
};
use xplus_store::records::{report_as_of, year_report};

/// What a report is of: the end of a year (`--year`), or a day (`--as-of`).
pub enum When {
    Year(i32),
    AsOf(chrono::NaiveDate),
}

pub async fn run(
    db: &str,
    out: &Output,
    when: When,
    format: ReportFormat,
    path: &Path,
    region: Option<&str>,
) -> Result<ExitCode, Failure> {
    let today = chrono::Local::now().date_naive();
    let year = match when {
        When::Year(year) => year,
        When::AsOf(day) if day > today => {
            return Err(crate::commands::bad_input(vec![format!(
                "{day} 晚于今天 / {day} is after today"
            )]))
        }
        When::AsOf(day) => chrono::Datelike::year(&day),
    };
    crate::commands::checked_year(year)?;
    let (access, region) = crate::commands::reach_of(region)?;
    let store = open(db).await?;
    let started = std::time::Instant::now();
    let report = match when {
        When::Year(year) => year_report(store.as_ref(), &access, region, year, today).await?,
        When::AsOf(day) => report_as_of(store.as_ref(), &access, region, day).await?,
    };
    let computed = started.elapsed();
    let bytes = match format {
        ReportFormat::Json => {
            let mut text =
                serde_json::to_string_pretty(&year_report_json(&report)).map_err(|e| Failure {
                    code: 1,
                    parts: vec![format!("无法生成 JSON / cannot write JSON: {e}")],
                })?;
            text.push('\n');
            text.into_bytes()
        }
        ReportFormat::Xlsx => year_report_workbook(&report)?,
        // A file either office may open: both languages.
        ReportFormat::Html => year_report_html(&report, Language::Both)?.into_bytes(),
    };
    crate::commands::write_file(path, bytes)?;
    let (h, v) = (&report.households, &report.villages);
    out.say(
        &format!(
            "{year}年：贫困户 {} 户，当年脱贫 {} 户 {} 人；贫困村 {} 个，当年出列 {} 个，未出列 {} 个；五环全覆盖（严格）{} / {} 户，适用环节全覆盖 {} 户。已写入 {}（计算 {} 毫秒）",
            h.poor,
            h.exited_in_year,
            report.persons.exited_in_year,
            v.poor,
            v.exited_in_year,
            v.remaining,
            report.coverage.full_chain,
            report.coverage.poor_at_start,
            report.coverage.full_chain_applicable,
            path.display(),
            computed.as_millis()
        ),
        &format!(
            "{year}: {} poor households, {} exited ({} persons); {} poor villages, {} exited, {} remaining; full chain (strict) {} of {}, every link that applies {}. Written to {} ({} ms)",
            h.poor,
            h.exited_in_year,
            report.persons.exited_in_year,
            v.poor,
            v.exited_in_year,
            v.remaining,
            report.coverage.full_chain,
            report.coverage.poor_at_start,
            report.coverage.full_chain_applicable,
            path.display(),
            computed.as_millis()
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// `xplus report --verify`: brings the roll-ups up to date where records changed since, then
/// recomputes every county's from the records and compares them with what is stored; exit 1 on
/// any difference, naming the first few.
pub async fn verify(db: &str, out: &Output) -> Result<ExitCode, Failure> {
    let store = open(db).await?;
    crate::commands::refresh_rollups(store.as_ref(), out).await?;
    let started = std::time::Instant::now();
    let v = xplus_store::records::verify_rollups(store.as_ref()).await?;
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
    mend_visits(store.as_ref(), &v, out).await?;
    if v.differences.is_empty() && v.visit_differences.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // The counties (or, for a city's or province's sum, those below it) are recomputed by the
    // next refresh: the dashboard's next request, or the next command that changes records.
    let tallies = v
        .visit_differences
        .iter()
        .filter(|d| d.table != "cadre_visit_reach")
        .filter_map(|d| d.region);
    let mut regions: Vec<RegionCode> = v
        .differences
        .iter()
        .filter_map(|d| RegionCode::from_u64(d.key.0).ok())
        .chain(tallies)
        .map(|r| r.county().unwrap_or(r))
        .collect();
    regions.sort_unstable();
    regions.dedup();
    let marked = xplus_store::records::mark_for_refresh(store.as_ref(), &regions).await?;
    if marked > 0 {
        out.say(
            &format!("已将 {marked} 个区县标记为待重算，下次刷新（打开看板或下一次改动记录的命令）时更正"),
            &format!("{marked} counties marked for a refresh: the next one (a dashboard, or the next command that changes records) corrects them"),
        );
    }
    Ok(ExitCode::from(1))
}

/// Names the kept visit tables that differ from their sources, and rebuilds the totals per
/// cadre of the regions above counties that differ (a refresh would keep their error: it takes a
/// county's old tallies out and adds its new ones). A county's own tables are mended by its
/// refresh, marked by the caller.
async fn mend_visits(
    store: &dyn xplus_store::Store,
    v: &xplus_store::records::Verification,
    out: &Output,
) -> Result<(), Failure> {
    for d in &v.visit_differences {
        let what = match d.table {
            "cadre_visit_months" => "干部各月走访",
            "visit_month_totals" => "区县各月走访合计",
            _ => "干部全年走访合计",
        };
        let region = d.region.map_or("全部".to_string(), |r| r.to_string());
        let region_en = d.region.map_or("everything".to_string(), |r| r.to_string());
        out.say(
            &format!("不一致：区划 {region} 的{what}有 {} 行与记录不符", d.rows),
            &format!(
                "differs: region {region_en} visit table {}: {} rows do not match the records",
                d.table, d.rows
            ),
        );
    }
    let reach: Vec<Option<RegionCode>> = v
        .visit_differences
        .iter()
        .filter(|d| d.table == "cadre_visit_reach")
        .map(|d| d.region)
        .collect();
    if !reach.is_empty() {
        xplus_store::records::rebuild_visit_reach(store, &reach).await?;
        out.say(
            &format!(
                "已按各区县走访汇总重建 {} 个区划的干部走访合计",
                reach.len()
            ),
            &format!(
                "the visit totals per cadre of {} regions rebuilt from their counties' tallies",
                reach.len()
            ),
        );
    }
    Ok(())
}
