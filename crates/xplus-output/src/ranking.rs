//! 排名 as a workbook: sheet 排名 lists the regions in the order of the indicator chosen, each
//! indicator's percentage and rank; sheet 计数 the kept figures the percentages divide, so that a
//! reader can check any of them.

use crate::workbooks::{failed, plain_sheet, Cell};
use crate::OutputError;
use rust_xlsxwriter::Workbook;
use xplus_core::ranking::{rank_regions, Indicator};
use xplus_store::records::RankedRegion;

/// The ranking of `regions` for a year, listed by `by`.
pub fn ranking_workbook(regions: &[RankedRegion], by: Indicator) -> Result<Vec<u8>, OutputError> {
    let counts: Vec<_> = regions.iter().map(|r| r.counts).collect();
    let lines = rank_regions(&counts, by);
    let mut book = Workbook::new();

    let mut header = vec!["区划代码".to_string(), "名称".to_string()];
    for i in Indicator::ALL {
        header.push(format!("{}（%）", i.label_zh()));
        header.push(format!("{}名次", i.label_zh()));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows = lines.iter().map(|l| {
        let r = &regions[l.index];
        let mut cells = vec![Cell::Owned(r.code.to_string()), Cell::Text(&r.name)];
        for s in &l.standings {
            cells.push(s.value_bp.map_or(Cell::Empty, |bp| {
                Cell::Hundredths(u32::try_from(bp).unwrap_or(u32::MAX))
            }));
            cells.push(s.rank.map_or(Cell::Empty, |n| Cell::Count(n as u64)));
        }
        cells
    });
    plain_sheet(&mut book, "排名", &header, rows)?;

    let header = [
        "区划代码",
        "名称",
        "年初贫困户",
        "当年脱贫户",
        "年初贫困村",
        "当年出列村",
        "年末贫困人口",
        "户籍人口",
        "适用环节全覆盖户",
        "年内参训户",
        "参与产业就业户",
        "年末贫困户",
        "年末有一人在岗户",
    ];
    let rows = lines.iter().map(|l| {
        let r = &regions[l.index];
        let c = &r.counts;
        let mut cells = vec![Cell::Owned(r.code.to_string()), Cell::Text(&r.name)];
        cells.extend(
            [
                c.poor_at_start,
                c.exited,
                c.poor_villages_at_start,
                c.villages_exited,
                c.poor_persons_at_end,
                c.population,
                c.full_applicable,
                c.trained,
                c.in_industry,
                c.poor_at_end,
                c.with_worker,
            ]
            .map(|n| Cell::Count(n.max(0) as u64)),
        );
        cells
    });
    plain_sheet(&mut book, "计数", &header, rows)?;
    book.save_to_buffer().map_err(failed)
}
