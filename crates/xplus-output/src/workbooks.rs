//! Reports as Excel workbooks for the offices: the §10 training coverage (per county, town and
//! village) and its gap list, the same from the command line and from the web page.

use crate::targets::target_sheet;
pub use crate::targets::TargetRow;
use crate::OutputError;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use xplus_core::registry::Level;
use xplus_core::text::guard_formula;
use xplus_core::values::format_date;
use xplus_store::records::{
    by_village, AdjustmentView, Card, ChainView, CoverageView, DividendRun, IndustryOverview,
    MonitoringList, MonitoringOutcome, RISK_REMOVED_BECAUSE,
};

pub(crate) fn failed(e: XlsxError) -> OutputError {
    OutputError::Workbook(e)
}

/// The coverage workbook: sheet 覆盖情况 (one row per county, town, village), sheet 未参训户
/// (the gap list) and sheet 目标 (the coverage target in force). Returns the bytes of the `.xlsx`
/// file.
pub fn coverage_workbook(
    view: &CoverageView,
    targets: &[TargetRow],
) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.00%");

    let sheet = book.add_worksheet();
    sheet.set_name("覆盖情况").map_err(failed)?;
    let header = [
        "区划代码 code",
        "名称 name",
        "级别 level",
        "贫困户 poor households",
        "已参训 trained",
        "未参训 not reached",
        "覆盖率 rate",
        "参训人次 person-times",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    let mut r = 1u32;
    for level in [Level::County, Level::Town, Level::Village] {
        for (code, c) in view.report.level(level) {
            sheet.write_string(r, 0, code.to_string()).map_err(failed)?;
            sheet.write_string(r, 1, view.name(code)).map_err(failed)?;
            sheet.write_string(r, 2, level.label_zh()).map_err(failed)?;
            sheet.write_number(r, 3, c.poor as f64).map_err(failed)?;
            sheet.write_number(r, 4, c.trained as f64).map_err(failed)?;
            sheet.write_number(r, 5, c.gaps() as f64).map_err(failed)?;
            if let Some(bp) = c.rate_bp() {
                sheet
                    .write_number_with_format(r, 6, bp as f64 / 10_000.0, &percent)
                    .map_err(failed)?;
            }
            sheet
                .write_number(r, 7, c.person_times as f64)
                .map_err(failed)?;
            r += 1;
        }
    }

    let sheet = book.add_worksheet();
    sheet.set_name("未参训户").map_err(failed)?;
    let header = [
        "户编号 household",
        "村代码 village code",
        "村 village",
        "服务站点 stations",
        "下次培训 next session",
        "日期 date",
        "站点 station",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    for (i, g) in view.gaps.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, &g.household_id).map_err(failed)?;
        sheet
            .write_string(r, 1, g.village.to_string())
            .map_err(failed)?;
        sheet
            .write_string(r, 2, view.name(g.village))
            .map_err(failed)?;
        sheet
            .write_string(r, 3, g.stations.join("；"))
            .map_err(failed)?;
        if let Some(n) = &g.next {
            sheet.write_string(r, 4, &n.session_id).map_err(failed)?;
            sheet
                .write_string(r, 5, format_date(n.date))
                .map_err(failed)?;
            sheet.write_string(r, 6, &n.station_id).map_err(failed)?;
        }
    }
    target_sheet(&mut book, targets)?;
    book.save_to_buffer().map_err(failed)
}

/// A cell of a plain sheet: text, a count written as a number, hundredths or an amount of money
/// written as a number with two decimals (yuan, so that Excel sums it); empty when missing.
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Count(u64),
    Hundredths(u32),
    Money(xplus_core::money::Fen),
    Empty,
}

/// A sheet named `name`: a bold header row, then `rows`.
pub(crate) fn plain_sheet<'a>(
    book: &mut Workbook,
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cell<'a>>>,
) -> Result<(), OutputError> {
    let bold = Format::new().set_bold();
    let two = Format::new().set_num_format("0.00");
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(failed)?;
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    for (i, row) in rows.enumerate() {
        let r = i as u32 + 1;
        for (c, cell) in row.into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => sheet.write_string(r, c, t),
                Cell::Owned(t) => sheet.write_string(r, c, t),
                Cell::Count(n) => sheet.write_number(r, c, n as f64),
                Cell::Hundredths(n) => {
                    sheet.write_number_with_format(r, c, f64::from(n) / 100.0, &two)
                }
                Cell::Money(f) => sheet.write_number_with_format(r, c, f.0 as f64 / 100.0, &two),
                Cell::Empty => continue,
            }
            .map_err(failed)?;
        }
    }
    Ok(())
}

/// The 产业 workbook of a year: sheet 各村 (per village: poor at the start of the year, in
/// industry, not reached), sheet 未参与产业户 (the gap list), sheet 预出列村一村一品, and sheet 目标
/// (the coverage target in force).
pub fn industry_workbook(
    o: &IndustryOverview,
    targets: &[TargetRow],
) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    plain_sheet(
        &mut book,
        "各村",
        &[
            "村代码 village code",
            "村 village",
            "年初贫困户 poor",
            "参与产业或就业 in industry",
            "未参与 not reached",
        ],
        by_village(&o.households)
            .into_iter()
            .map(|(code, (poor, in_industry))| {
                let name = o.names.get(&code).map(String::as_str).unwrap_or("");
                vec![
                    Cell::Owned(code.to_string()),
                    Cell::Text(name),
                    Cell::Count(poor),
                    Cell::Count(in_industry),
                    Cell::Count(poor - in_industry),
                ]
            }),
    )?;
    plain_sheet(
        &mut book,
        "未参与产业户",
        &["户编号 household", "村代码 village code", "村 village"],
        o.gaps().map(|g| {
            vec![
                Cell::Text(&g.household_id),
                Cell::Owned(g.village.to_string()),
                Cell::Text(o.name(g.village)),
            ]
        }),
    )?;
    plain_sheet(
        &mut book,
        "预出列村一村一品",
        &[
            "村代码 village code",
            "村 village",
            "项目数 projects",
            "产品 products",
            "参与户 households joined",
            "年初贫困户 poor",
            "贫困户参与产业 poor in industry",
        ],
        o.activity.planned_exit.iter().map(|v| {
            vec![
                Cell::Owned(v.code.to_string()),
                Cell::Text(&v.name),
                Cell::Count(v.projects),
                Cell::Text(&v.products),
                Cell::Count(v.joined),
                Cell::Count(v.poor),
                Cell::Count(v.poor_in_industry),
            ]
        }),
    )?;
    target_sheet(&mut book, targets)?;
    book.save_to_buffer().map_err(failed)
}

const DIVIDEND_HEADER: [&str; 4] = ["project_id", "household_id", "shares", "amount"];

/// The payments of a dividend run as CSV (UTF-8): `project_id,household_id,shares,amount`,
/// amounts in yuan with two decimals.
pub fn dividends_csv(run: &DividendRun) -> Result<Vec<u8>, OutputError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| OutputError::Csv(e.to_string());
    w.write_record(DIVIDEND_HEADER).map_err(failed)?;
    for p in &run.projects {
        for x in &p.payments {
            w.write_record([
                guard_formula(&p.project_id).as_ref(),
                guard_formula(&x.household).as_ref(),
                &x.shares.to_string(),
                &x.amount.to_string(),
            ])
            .map_err(failed)?;
        }
    }
    w.into_inner().map_err(|e| OutputError::Csv(e.to_string()))
}

/// The same as a workbook: one sheet, the same columns, amounts as numbers in yuan.
pub fn dividends_workbook(run: &DividendRun) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("分红 dividends").map_err(failed)?;
    let bold = Format::new().set_bold();
    let yuan = Format::new().set_num_format("0.00");
    for (c, h) in DIVIDEND_HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(failed)?;
    }
    let mut r = 1u32;
    for p in &run.projects {
        for x in &p.payments {
            sheet.write_string(r, 0, &p.project_id).map_err(failed)?;
            sheet.write_string(r, 1, &x.household).map_err(failed)?;
            sheet.write_number(r, 2, x.shares as f64).map_err(failed)?;
            sheet
                .write_number_with_format(r, 3, x.amount.0 as f64 / 100.0, &yuan)
                .map_err(failed)?;
            r += 1;
        }
    }
    book.save_to_buffer().map_err(failed)
}

/// An adjustment's share events as a `share_events.csv` (importable as it is), reclaims first.
pub fn adjustment_csv(view: &AdjustmentView) -> Result<Vec<u8>, OutputError> {
    let failed = |e: csv::Error| OutputError::Csv(e.to_string());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["project_id", "household_id", "date", "kind", "shares"])
        .map_err(failed)?;
    let date = format_date(view.date);
    for e in &view.plan.events {
        w.write_record([
            guard_formula(&e.project).as_ref(),
            guard_formula(&e.household).as_ref(),
            &date,
            e.kind.code(),
            &e.shares.to_string(),
        ])
        .map_err(failed)?;
    }
    w.into_inner().map_err(|e| OutputError::Csv(e.to_string()))
}

/// The monitoring list of a year (rules.md §5) as one sheet: every household returned, monitored
/// (with its reasons) or whose risk was removed (with the date and the reason).
pub fn monitoring_workbook(list: &MonitoringList) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    plain_sheet(
        &mut book,
        "防返贫监测",
        &[
            "户编号 household",
            "村代码 village code",
            "村 village",
            "结果 outcome",
            "原因 reasons",
            "认定日期 decided on",
            "脱贫年度 exit year",
        ],
        list.entries.iter().map(|e| {
            let reasons = match e.outcome {
                MonitoringOutcome::RiskRemoved => RISK_REMOVED_BECAUSE.to_string(),
                _ => e
                    .reasons
                    .iter()
                    .map(|r| r.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
            };
            vec![
                Cell::Text(&e.household_id),
                Cell::Owned(e.village.to_string()),
                Cell::Text(
                    list.names
                        .get(&e.village.as_u64())
                        .map(String::as_str)
                        .unwrap_or(""),
                ),
                Cell::Text(e.outcome.label_zh()),
                Cell::Owned(reasons),
                Cell::Owned(format_date(e.decided_on)),
                Cell::Owned(e.exit_year.map(|y| y.to_string()).unwrap_or_default()),
            ]
        }),
    )?;
    book.save_to_buffer().map_err(failed)
}

/// The full chain of a year (rules.md §6): sheet 各级 (poor households, each link, full chain per
/// county, town and village) and sheet 缺口 (every household with a missing link, what is missing and `next`, the
/// next steps in words, in the order of `view.gaps()`).
pub fn chain_workbook(view: &ChainView, next: &[String]) -> Result<Vec<u8>, OutputError> {
    use xplus_core::assessment::chain::Link;
    let mut book = Workbook::new();
    let mut header = vec!["区划代码 code", "名称 name", "级别 level", "贫困户 poor"];
    let link_heads: Vec<String> = Link::ALL
        .iter()
        .map(|l| format!("{} {}", l.label_zh(), l.code()))
        .collect();
    header.extend(link_heads.iter().map(String::as_str));
    header.push("五环全覆盖（严格）full_chain");
    header.push("适用环节全覆盖 full_chain_applicable");
    plain_sheet(
        &mut book,
        "各级",
        &header,
        view.by_region()
            .into_iter()
            .map(|(code, (poor, links, full, applicable))| {
                let mut row = vec![
                    Cell::Owned(code.to_string()),
                    Cell::Owned(view.name(code).to_string()),
                    Cell::Text(code.level().label_zh()),
                    Cell::Count(poor),
                ];
                row.extend(links.iter().map(|n| Cell::Count(*n)));
                row.push(Cell::Count(full));
                row.push(Cell::Count(applicable));
                row
            }),
    )?;
    let gaps = view.gaps();
    plain_sheet(
        &mut book,
        "缺口",
        &[
            "户编号 household",
            "村代码 village code",
            "村 village",
            "缺少的环节 missing",
            "下一步 next",
            "不适用的环节 not applicable",
        ],
        gaps.iter().zip(next).map(|(h, next)| {
            vec![
                Cell::Text(&h.household_id),
                Cell::Owned(h.village.to_string()),
                Cell::Owned(view.name(h.village).to_string()),
                Cell::Owned(
                    h.links
                        .gaps()
                        .iter()
                        .map(|l| l.code())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                Cell::Text(next),
                Cell::Owned(not_applicable_zh(&h.links)),
            ]
        }),
    )?;
    book.save_to_buffer().map_err(failed)
}

/// What a household receives (怎么扶), in Chinese: training, shares and dividends, industry
/// and jobs, and the links of the full chain still missing.
pub fn card_measures(card: &Card) -> String {
    use xplus_core::assessment::chain::Link;
    let mut parts = Vec::new();
    parts.push(format!("参加培训{}次", card.trainings.len()));
    if card.holdings.is_empty() {
        parts.push("未持有集体股权".to_string());
    } else {
        let held: Vec<String> = card
            .holdings
            .iter()
            .map(|(p, n)| format!("{p}{n}股"))
            .collect();
        parts.push(format!("持股：{}", held.join("、")));
    }
    if card.dividends.0 > 0 {
        parts.push(format!("分红{}元", card.dividends));
    }
    parts.push(card_industry(card));
    let missing: Vec<&str> = card
        .chain
        .links
        .gaps()
        .iter()
        .map(|l: &Link| l.label_zh())
        .collect();
    if missing.is_empty() {
        parts.push("全链条已覆盖".to_string());
    } else {
        parts.push(format!("缺：{}", missing.join("、")));
    }
    let not_applicable = not_applicable_zh(&card.chain.links);
    if !not_applicable.is_empty() {
        parts.push(format!("不适用：{not_applicable}"));
    }
    parts.join("；")
}

/// The links that do not apply to a household, each with its reason, in Chinese ("" for none).
pub fn not_applicable_zh(links: &xplus_core::assessment::chain::ChainLinks) -> String {
    links
        .not_applicable_links()
        .iter()
        .map(|(link, why)| format!("{}（{}）", link.label_zh(), why.label_zh()))
        .collect::<Vec<_>>()
        .join("、")
}

/// How the household takes part in industry or jobs (不返), in Chinese.
pub fn card_industry(card: &Card) -> String {
    let i = card.chain.industry;
    let ways: Vec<&str> = [
        (i.brought_along, "党组织带动"),
        (i.joined_project, "参加一村一品"),
        (i.own_industry, "户发展产业"),
        (i.course, "劳动力培训"),
        (i.placement, "转移就业"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect();
    if ways.is_empty() {
        "未参与产业或就业".to_string()
    } else {
        format!("产业就业：{}", ways.join("、"))
    }
}

/// Who is responsible (谁来扶), in Chinese: helper cadres with unit and phone, the units paired
/// with the village, the village secretary.
pub fn card_responsible(card: &Card) -> String {
    let mut parts = Vec::new();
    if card.helpers.is_empty() {
        parts.push("帮扶责任人：未结对".to_string());
    } else {
        let helpers: Vec<String> = card
            .helpers
            .iter()
            .map(|h| format!("{}（{}，{}）", h.name, h.unit, h.phone))
            .collect();
        parts.push(format!("帮扶责任人：{}", helpers.join("、")));
    }
    if !card.units.is_empty() {
        parts.push(format!("包村单位：{}", card.units.join("、")));
    }
    if let Some(s) = &card.secretary {
        parts.push(format!("村党组织书记：{}（{}）", s.name, s.phone));
    }
    parts.join("；")
}

/// A village's responsibility list (扶持谁 / 怎么扶 / 谁来扶): one row per household poor at the
/// start of the year.
pub fn responsibility_workbook(cards: &[Card]) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    plain_sheet(
        &mut book,
        "扶持谁怎么扶谁来扶",
        &[
            "户编号 household",
            "村 village",
            "户主 head",
            "人数 members",
            "致贫原因 causes",
            "人均纯收入 per head",
            "怎么扶 measures",
            "谁来扶 responsible",
        ],
        cards.iter().map(|c| {
            let head = c
                .members
                .iter()
                .find(|m| m.relation == "head")
                .map(|m| m.name.clone())
                .unwrap_or_default();
            vec![
                Cell::Text(&c.household_id),
                Cell::Text(&c.place[0]),
                Cell::Owned(head),
                Cell::Count(c.members.len() as u64),
                Cell::Owned(
                    c.causes
                        .iter()
                        .map(|x| x.label_zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::Owned(c.per_capita.map(|p| p.to_string()).unwrap_or_default()),
                Cell::Owned(card_measures(c)),
                Cell::Owned(card_responsible(c)),
            ]
        }),
    )?;
    book.save_to_buffer().map_err(failed)
}
