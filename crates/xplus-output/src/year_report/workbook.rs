//! The yearly report as an Excel workbook (`xplus report --format xlsx`): one sheet per section,
//! values only (no formulas), Chinese headings with the English beside them.

use crate::OutputError;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use xplus_store::records::YearReport;

fn failed(e: XlsxError) -> OutputError {
    OutputError::Workbook(e)
}

/// One figure of a section: its Chinese and English label and its value.
enum Figure {
    Count(u64),
    Yuan(i64),
}

fn section(
    book: &mut Workbook,
    name: &str,
    rows: &[(&str, Figure)],
    bold: &Format,
    money: &Format,
) -> Result<(), OutputError> {
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    sheet
        .write_string_with_format(0, 0, "指标 figure", bold)
        .map_err(failed)?;
    sheet
        .write_string_with_format(0, 1, "数值 value", bold)
        .map_err(failed)?;
    sheet.set_column_width(0, 48).map_err(failed)?;
    sheet.set_column_width(1, 16).map_err(failed)?;
    for (i, (label, figure)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *label).map_err(failed)?;
        match figure {
            Figure::Count(n) => sheet.write_number(r, 1, *n as f64).map_err(failed)?,
            Figure::Yuan(fen) => sheet
                .write_number_with_format(r, 1, *fen as f64 / 100.0, money)
                .map_err(failed)?,
        };
    }
    Ok(())
}

pub fn year_report_workbook(report: &YearReport) -> Result<Vec<u8>, OutputError> {
    use Figure::{Count, Yuan};
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.0%");
    let (h, p, v) = (&report.households, &report.persons, &report.villages);
    section(
        &mut book,
        "贫困户与人口",
        &[
            ("贫困户（含返贫）户数 poor households", Count(h.poor)),
            ("贫困人口 poor persons", Count(p.poor)),
            (
                "当年脱贫户数 households exited in the year",
                Count(h.exited_in_year),
            ),
            (
                "当年脱贫人口 persons exited in the year",
                Count(p.exited_in_year),
            ),
            ("监测户数 monitored households", Count(h.monitored)),
            ("返贫户数 returned households", Count(h.returned)),
        ],
        &bold,
        &money,
    )?;
    section(
        &mut book,
        "贫困村",
        &[
            ("年初贫困村 poor villages at the start", Count(v.poor)),
            ("当年出列 exited in the year", Count(v.exited_in_year)),
            ("年末未出列 remaining at the end", Count(v.remaining)),
        ],
        &bold,
        &money,
    )?;
    let c = &report.coverage;
    section(
        &mut book,
        "全链条覆盖",
        &[
            (
                "年初贫困户 poor at the start of the year",
                Count(c.poor_at_start),
            ),
            (
                "想：年内参加培训 trained in the year",
                Count(c.trained_in_year),
            ),
            (
                "能：结对帮扶干部 paired with a cadre",
                Count(c.paired_cadre),
            ),
            (
                "能：单位包村 village paired with a unit",
                Count(c.paired_unit_village),
            ),
            (
                "稳：持有集体股权 holding collective shares",
                Count(c.holding_shares),
            ),
            (
                "不返：参与产业或就业 in industry or a job",
                Count(c.in_industry),
            ),
            ("五环全覆盖 the full chain", Count(c.full_chain)),
        ],
        &bold,
        &money,
    )?;
    let k = &report.collective;
    section(
        &mut book,
        "集体经济",
        &[
            (
                "报送经营收入的村 villages reporting",
                Count(k.villages_reported),
            ),
            ("空壳村 empty-shell villages", Count(k.empty_shell_villages)),
            (
                "收入达标的强村 villages over the strong line",
                Count(k.villages_over_100k),
            ),
            ("强村标准（元）strong line (yuan)", Yuan(k.strong_income.0)),
            (
                "当年分红（元）dividends paid (yuan)",
                Yuan(k.dividends_paid.0),
            ),
            ("获得分红户数 households paid", Count(k.dividend_households)),
        ],
        &bold,
        &money,
    )?;
    let i = &report.industry;
    section(
        &mut book,
        "产业与就业",
        &[
            ("党组织 party organisations", Count(i.organisations)),
            (
                "一村一品项目 one-village-one-product projects",
                Count(i.projects),
            ),
            ("当年就业安置 placements in the year", Count(i.placements)),
            ("安置人数 persons placed", Count(i.placed_persons)),
        ],
        &bold,
        &money,
    )?;
    let t = &report.training;
    section(
        &mut book,
        "远教培训",
        &[
            ("当年培训场次 sessions in the year", Count(t.sessions)),
            ("参训户次 household attendances", Count(t.attendance)),
        ],
        &bold,
        &money,
    )?;

    let sheet = book.add_worksheet();
    sheet.set_name("农村居民收入").map_err(failed)?;
    let header = [
        "区划代码 code",
        "地区 region",
        "当年人均可支配收入（元）per capita",
        "上年（元）previous year",
        "增长 growth",
    ];
    for (col, text) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *text, &bold)
            .map_err(failed)?;
    }
    for (n, r) in report.rural_income.iter().enumerate() {
        let row = n as u32 + 1;
        sheet
            .write_string(row, 0, r.region.to_string())
            .map_err(failed)?;
        sheet.write_string(row, 1, &r.name).map_err(failed)?;
        if let Some(v) = r.per_capita {
            sheet
                .write_number_with_format(row, 2, v.0 as f64 / 100.0, &money)
                .map_err(failed)?;
        }
        if let Some(v) = r.previous {
            sheet
                .write_number_with_format(row, 3, v.0 as f64 / 100.0, &money)
                .map_err(failed)?;
        }
        if let Some(g) = r.growth {
            sheet
                .write_number_with_format(row, 4, g.fraction(), &percent)
                .map_err(failed)?;
        }
    }
    book.save_to_buffer().map_err(failed)
}
