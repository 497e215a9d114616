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

/// The first row of a table sheet: its column headings, bold.
fn header_row(sheet: &mut Worksheet, header: &[&str], bold: &Format) -> Result<(), OutputError> {
    for (col, text) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, *text, bold)
            .map_err(failed)?;
    }
    Ok(())
}

/// A section's sheet name and its rows.
type Section = (&'static str, Vec<(&'static str, Figure)>);

pub fn year_report_workbook(report: &YearReport) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sections = [
        poor_section(report),
        villages_section(report),
        startups_section(report),
        coverage_section(report),
        collective_section(report),
        industry_section(report),
        training_section(report),
    ];
    for (name, rows) in &sections {
        section(&mut book, name, rows, &bold, &money)?;
    }
    rural_income_sheet(&mut book, report, &bold, &money)?;
    crate::funds::funds_sheet(&mut book, &report.funds, &bold, &money)?;
    case_sheet(&mut book, report, &bold, &money)?;
    if !report.corrections.is_empty() {
        corrections_sheet(&mut book, report, &bold)?;
    }
    if !report.member_corrections.is_empty() {
        member_corrections_sheet(&mut book, report, &bold)?;
    }
    if !report.income_corrections.is_empty() {
        income_corrections_sheet(&mut book, report, &bold, &money)?;
    }
    book.save_to_buffer().map_err(failed)
}

/// A sheet `name` of text cells (never formulas): `header`, then `rows`; column `wide` wider
/// (the reasons).
fn text_sheet(
    book: &mut Workbook,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    wide: u16,
    bold: &Format,
) -> Result<(), OutputError> {
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    header_row(sheet, header, bold)?;
    for (n, cells) in rows.enumerate() {
        for (col, text) in cells.iter().enumerate() {
            sheet
                .write_string(n as u32 + 1, col as u16, text)
                .map_err(failed)?;
        }
    }
    sheet.set_column_width(wide, 40).map_err(failed)?;
    Ok(())
}

/// The corrections of the year's outcomes, when there are any: the figures of the other sheets
/// are the corrected ones (book of record).
fn corrections_sheet(
    book: &mut Workbook,
    report: &YearReport,
    bold: &Format,
) -> Result<(), OutputError> {
    let header = [
        "户编号 household",
        "原记录状态 recorded",
        "原记录脱贫年度 exit year",
        "更正后状态 corrected",
        "更正后脱贫年度 exit year",
        "原因 reason",
        "更正人 by",
        "更正日期 on",
    ];
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    let rows = report.corrections.iter().map(|c| {
        vec![
            c.household_id.clone(),
            c.recorded.status.label_zh().to_string(),
            year(c.recorded.exit_year),
            c.corrected.status.label_zh().to_string(),
            year(c.corrected.exit_year),
            c.reason.clone(),
            c.corrected_by.clone(),
            c.corrected_on.to_string(),
        ]
    });
    text_sheet(book, "更正记录", &header, rows, 5, bold)
}

/// The membership changes of the year recorded after it (补录), when there are any: the persons
/// of the other sheets count them.
fn member_corrections_sheet(
    book: &mut Workbook,
    report: &YearReport,
    bold: &Format,
) -> Result<(), OutputError> {
    let header = [
        "户编号",
        "变动类型",
        "变动原因",
        "姓名",
        "变动日期",
        "说明",
        "登记人",
        "登记日期",
    ];
    let rows = report.member_corrections.iter().map(|c| {
        vec![
            c.household_id.clone(),
            c.change.label_zh().to_string(),
            c.reason.label_zh().to_string(),
            c.member.name.clone(),
            c.changed_on.to_string(),
            c.note.clone(),
            c.recorded_by.clone(),
            c.recorded_on.to_string(),
        ]
    });
    text_sheet(book, "成员变动补录", &header, rows, 5, bold)
}

/// The corrections of the year's stored incomes, when there are any: the income figures of the
/// other sheets are the corrected ones. Text cells are never formulas; money is yuan.
fn income_corrections_sheet(
    book: &mut Workbook,
    report: &YearReport,
    bold: &Format,
    money: &Format,
) -> Result<(), OutputError> {
    let sheet = book.add_worksheet();
    sheet.set_name("收入更正").map_err(failed)?;
    let header = [
        "户编号",
        "原纯收入（元）",
        "更正后纯收入（元）",
        "更正原因",
        "更正人",
        "更正日期",
    ];
    header_row(sheet, &header, bold)?;
    for (n, c) in report.income_corrections.iter().enumerate() {
        let row = n as u32 + 1;
        sheet
            .write_string(row, 0, &c.household_id)
            .map_err(failed)?;
        for (col, fen) in [(1, c.recorded_net), (2, c.net)] {
            sheet
                .write_number_with_format(row, col, fen.0 as f64 / 100.0, money)
                .map_err(failed)?;
        }
        let texts = [
            c.reason.clone(),
            c.corrected_by.clone(),
            c.corrected_on.to_string(),
        ];
        for (i, text) in texts.iter().enumerate() {
            sheet
                .write_string(row, 3 + i as u16, text)
                .map_err(failed)?;
        }
    }
    sheet.set_column_width(3, 40).map_err(failed)?;
    Ok(())
}

/// The poor households and persons: how many, how many exited in the year, monitored and
/// returned.
fn poor_section(report: &YearReport) -> Section {
    use Figure::Count;
    let (h, p) = (&report.households, &report.persons);
    (
        "贫困户与人口",
        vec![
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
    )
}

/// The poor villages: at the start, exited in the year, remaining at the end, and those of the
/// end with a selected cadre posted on Dec 31; then the villages' party organisations on Dec 31
/// (weak ones listed, rectified, open; checked against the standard, meeting it).
fn villages_section(report: &YearReport) -> Section {
    use Figure::Count;
    let v = &report.villages;
    let pb = &report.party_building;
    (
        "贫困村",
        vec![
            ("年初贫困村 poor villages at the start", Count(v.poor)),
            ("当年出列 exited in the year", Count(v.exited_in_year)),
            ("年末未出列 remaining at the end", Count(v.remaining)),
            (
                "贫困村选派干部覆盖 poor villages with a selected cadre posted",
                Count(report.backbone.covered),
            ),
            (
                "驻村选派干部 selected cadres posted",
                Count(report.backbone.cadres_posted),
            ),
            ("软弱涣散村党组织 weak party organisations", Count(pb.weak)),
            ("已整顿转化 rectified", Count(pb.rectified)),
            ("未整顿转化 still open", Count(pb.open())),
            ("标准化建设检查村 villages checked", Count(pb.checked)),
            (
                "标准化建设达标村 villages meeting the standard",
                Count(pb.meeting),
            ),
            (
                "书记年内受训的贫困村 poor villages whose secretary was trained",
                Count(report.village_cadres.secretaries_trained),
            ),
            (
                "在任村干部 village cadres in office",
                Count(report.village_cadres.in_office),
            ),
            (
                "村干部学历教育 village cadres in a degree course",
                Count(report.village_cadres.degree),
            ),
            (
                "后备力量 future leaders in the pool",
                Count(report.village_cadres.pool),
            ),
            (
                "后备力量已任书记 pool members who became secretaries",
                Count(report.village_cadres.promoted),
            ),
        ],
    )
}

/// 大学生村官创业 by Dec 31: the start-ups begun, their funds, bases and the poor households
/// linked to them (each once).
fn startups_section(report: &YearReport) -> Section {
    use Figure::{Count, Yuan};
    let s = &report.startups;
    (
        "大学生村官创业",
        vec![
            ("创业项目 start-ups begun", Count(s.startups)),
            ("扶持资金（元）funds (yuan)", Yuan(s.funding.0)),
            ("创业示范基地 bases", Count(s.bases)),
            (
                "带动贫困户 poor households brought along",
                Count(s.households),
            ),
        ],
    )
}

/// The whole chain's coverage of the households poor at the start of the year, link by link.
fn coverage_section(report: &YearReport) -> Section {
    use Figure::Count;
    let c = &report.coverage;
    (
        "全链条覆盖",
        vec![
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
            (
                "五环全覆盖（严格）the full chain, strict",
                Count(c.full_chain),
            ),
            (
                "全链条覆盖（适用环节）the full chain, every link that applies",
                Count(c.full_chain_applicable),
            ),
        ],
    )
}

/// The village collective economy: villages reporting, empty shells, strong villages and
/// the dividends paid.
fn collective_section(report: &YearReport) -> Section {
    use Figure::{Count, Yuan};
    let k = &report.collective;
    (
        "集体经济",
        vec![
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
            (
                "社会资本入股（元）social capital invested (yuan)",
                Yuan(k.social_capital.0),
            ),
            (
                "有社会资本的项目 projects with social capital",
                Count(k.projects_with_investors),
            ),
        ],
    )
}

/// Industry and jobs: party organisations, one-village-one-product projects, placements, the
/// industry and start-up support targets.
fn industry_section(report: &YearReport) -> Section {
    use Figure::Count;
    let i = &report.industry;
    (
        "产业与就业",
        vec![
            ("党组织 party organisations", Count(i.organisations)),
            (
                "一村一品项目 one-village-one-product projects",
                Count(i.projects),
            ),
            ("当年就业安置 placements in the year", Count(i.placements)),
            ("安置人数 persons placed", Count(i.placed_persons)),
            (
                "产业创业扶贫对象户 industry and start-up support targets",
                Count(i.targets),
            ),
            ("对象户年末人口 their persons", Count(i.target_persons)),
            (
                "年末有成员在岗的贫困户 poor households with a member in work on Dec 31",
                Count(i.with_worker),
            ),
            ("年末没有成员在岗的贫困户 without", Count(i.without_worker)),
        ],
    )
}

/// Distance-education training: sessions in the year and household attendances.
fn training_section(report: &YearReport) -> Section {
    use Figure::Count;
    let t = &report.training;
    (
        "远教培训",
        vec![
            ("当年培训场次 sessions in the year", Count(t.sessions)),
            ("参训户次 household attendances", Count(t.attendance)),
            (
                "站点讲学授课场次 sessions held at the stations",
                Count(t.lectures.total_sessions()),
            ),
            (
                "站点讲学授课人次 their person-times",
                Count(t.lectures.total_person_times()),
            ),
            (
                "党员干部授课场次 by cadres: sessions",
                Count(t.lectures.sessions[0]),
            ),
            (
                "党员干部授课人次 by cadres: person-times",
                Count(t.lectures.person_times[0]),
            ),
            (
                "党校老师授课场次 by party-school teachers: sessions",
                Count(t.lectures.sessions[1]),
            ),
            (
                "党校老师授课人次 by party-school teachers: person-times",
                Count(t.lectures.person_times[1]),
            ),
            (
                "技能专家授课场次 by skill experts: sessions",
                Count(t.lectures.sessions[2]),
            ),
            (
                "技能专家授课人次 by skill experts: person-times",
                Count(t.lectures.person_times[2]),
            ),
            (
                "致富能手授课场次 by entrepreneurs: sessions",
                Count(t.lectures.sessions[3]),
            ),
            (
                "致富能手授课人次 by entrepreneurs: person-times",
                Count(t.lectures.person_times[3]),
            ),
        ],
    )
}

/// The case report's headline figures as counted, and in its year the number it printed and
/// whether the count is that number within its rounding.
fn case_sheet(
    book: &mut Workbook,
    report: &YearReport,
    bold: &Format,
    money: &Format,
) -> Result<(), OutputError> {
    let quoted = report.year == xplus_core::case_figures::CASE_YEAR;
    let sheet = book.add_worksheet();
    sheet.set_name("案例数字").map_err(failed)?;
    let header: &[&str] = if quoted {
        &[
            "环节 link",
            "项目 figure",
            "记录计算 counted",
            "案例（2016年）case report",
            "是否相符 matches",
        ]
    } else {
        &["环节 link", "项目 figure", "记录计算 counted"]
    };
    header_row(sheet, header, bold)?;
    sheet.set_column_width(1, 40).map_err(failed)?;
    for (n, (figure, value)) in report.case.values.iter().enumerate() {
        let row = n as u32 + 1;
        let d = figure.definition();
        let (zh, en) = d.section.label();
        sheet
            .write_string(row, 0, format!("{zh} {en}"))
            .map_err(failed)?;
        let unit = if d.money { "（元）" } else { "" };
        sheet
            .write_string(row, 1, format!("{}{unit} {}", d.zh, d.en))
            .map_err(failed)?;
        if d.money {
            sheet
                .write_number_with_format(row, 2, *value as f64 / 100.0, money)
                .map_err(failed)?;
        } else {
            sheet.write_number(row, 2, *value as f64).map_err(failed)?;
        }
        if quoted {
            sheet.write_string(row, 3, d.quote.zh).map_err(failed)?;
            let holds = if d.quote.holds(*value) {
                "相符 matches"
            } else {
                "不符 differs"
            };
            sheet.write_string(row, 4, holds).map_err(failed)?;
        }
    }
    Ok(())
}

/// Each region's rural per-capita disposable income, the year before and the
/// growth, one row a region.
fn rural_income_sheet(
    book: &mut Workbook,
    report: &YearReport,
    bold: &Format,
    money: &Format,
) -> Result<(), OutputError> {
    let percent = Format::new().set_num_format("0.0%");
    let sheet = book.add_worksheet();
    sheet.set_name("农村居民收入").map_err(failed)?;
    let header = [
        "区划代码 code",
        "地区 region",
        "当年人均可支配收入（元）per capita",
        "上年（元）previous year",
        "增长 growth",
    ];
    header_row(sheet, &header, bold)?;
    for (n, r) in report.rural_income.iter().enumerate() {
        let row = n as u32 + 1;
        sheet
            .write_string(row, 0, r.region.to_string())
            .map_err(failed)?;
        sheet.write_string(row, 1, &r.name).map_err(failed)?;
        if let Some(v) = r.per_capita {
            sheet
                .write_number_with_format(row, 2, v.0 as f64 / 100.0, money)
                .map_err(failed)?;
        }
        if let Some(v) = r.previous {
            sheet
                .write_number_with_format(row, 3, v.0 as f64 / 100.0, money)
                .map_err(failed)?;
        }
        if let Some(g) = r.growth {
            sheet
                .write_number_with_format(row, 4, g.fraction(), &percent)
                .map_err(failed)?;
        }
    }
    Ok(())
}
