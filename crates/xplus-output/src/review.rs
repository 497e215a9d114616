//! The 述职评议 review of a county's village secretaries in a year as a workbook: the ranking
//! as the page shows it (rank, secretary, village, each criterion's score, the weighted total)
//! and the criteria in force with their weights and where they come from.

use crate::workbooks::{failed, plain_sheet, Cell};
use crate::OutputError;
use rust_xlsxwriter::Workbook;
use xplus_store::records::ReviewRanking;

pub fn review_workbook(r: &ReviewRanking) -> Result<Vec<u8>, OutputError> {
    let mut book = Workbook::new();
    let criteria = &r.criteria.criteria;
    let heads: Vec<String> = criteria
        .iter()
        .map(|c| format!("{}（权重 {}）{}", c.name, c.weight, c.code))
        .collect();
    let mut header = vec![
        "排名 rank",
        "书记编号 secretary",
        "姓名 name",
        "村代码 village code",
        "村 village",
    ];
    header.extend(heads.iter().map(String::as_str));
    header.push("总分 total");
    plain_sheet(
        &mut book,
        "述职评议",
        &header,
        r.lines.iter().map(|l| {
            let mut row = vec![
                l.rank.map_or(Cell::Empty, |n| Cell::Count(u64::from(n))),
                Cell::Text(&l.secretary_id),
                Cell::Text(&l.name),
                Cell::Owned(l.village.to_string()),
                Cell::Text(&l.village_name),
            ];
            row.extend(criteria.iter().map(|c| {
                l.scores
                    .get(&c.code)
                    .map_or(Cell::Empty, |s| Cell::Count(u64::from(*s)))
            }));
            row.push(l.total.map_or(Cell::Empty, Cell::Hundredths));
            row
        }),
    )?;
    plain_sheet(
        &mut book,
        "评议指标",
        &["代码 code", "指标 criterion", "权重 weight", "来源 source"],
        criteria.iter().map(|c| {
            vec![
                Cell::Text(&c.code),
                Cell::Text(&c.name),
                Cell::Count(u64::from(c.weight)),
                Cell::Text(&r.criteria.source),
            ]
        }),
    )?;
    book.save_to_buffer().map_err(failed)
}
