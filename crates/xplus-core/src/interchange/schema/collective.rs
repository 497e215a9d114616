//! 集体 registers beyond the income and share ledgers: pledge loans, the empty-shell plan and the
//! funds put into the chain (多元投入).

use super::*;
use crate::collective::economy::{PLAN_FIRST_YEAR, PLAN_LAST_YEAR};
use crate::collective::funds::{FundLink, FundSource};

/// 农权贷: equity-pledge loans against a household's shares (rules.md §8).
pub static LOANS: FileSpec = FileSpec {
    id: FileId::Loans,
    name: "loans",
    zh: "农权贷",
    columns: &[
        col("loan_id", "贷款编号", T::Key),
        HOUSEHOLD,
        PROJECT,
        col(
            "pledged_shares",
            "质押股数",
            T::Int {
                min: 1,
                max: MAX_COUNT,
            },
        ),
        col("amount", "贷款金额", MONEY),
        START,
        col("term_months", "期限（月）", T::Int { min: 1, max: 1200 }),
        opt("repaid_date", "还清日期", T::Date),
    ],
    key: &[0],
    county: CountyFrom::Household(1),
};

/// 空壳村消除计划 (the "123" plan's "3年消灭空壳村", rules.md §9): for each empty-shell village the
/// year in which it is to be empty-shell no longer, and how (措施). One row per village; its
/// progress is read from collective_income.csv against §9's minimum.
pub static EMPTY_SHELL_PLAN: FileSpec = FileSpec {
    id: FileId::EmptyShellPlan,
    name: "empty_shell_plan",
    zh: "空壳村消除计划",
    columns: &[
        VILLAGE,
        col(
            "planned_year",
            "计划消除年度",
            T::Int {
                min: PLAN_FIRST_YEAR,
                max: PLAN_LAST_YEAR,
            },
        ),
        opt("measure", "措施", T::Text),
    ],
    key: &[0],
    county: CountyFrom::Column(0),
};

/// 多元投入 (the case report's "健全多元投入保障机制"): money put into the chain in a county, town
/// or village in a year, by source and link, with the collective project it went to when there
/// is one. It holds what no other register holds: a station's investment (stations.csv) and a
/// pledge loan (loans.csv) are not entered here again.
pub static FUNDS: FileSpec = FileSpec {
    id: FileId::Funds,
    name: "funds",
    zh: "多元投入",
    columns: &[
        col("fund_id", "资金编号", T::Key),
        reference("region_code", "区划代码", T::Region, FileId::Regions),
        YEAR,
        col("source", "资金来源", T::Enum(&FundSource::SPEC)),
        col("link", "投入环节", T::Enum(&FundLink::SPEC)),
        col("amount", "金额", MONEY),
        Column {
            required: false,
            ..reference("project_id", "项目编号", T::Key, FileId::Projects)
        },
        opt("note", "备注", T::Text),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};
