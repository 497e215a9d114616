//! 集体 registers beyond the income and share ledgers: pledge loans, the empty-shell plan, the
//! funds put into the chain (多元投入) and the investors behind a project's shares (社会资本入股).

use super::*;
use crate::collective::economy::{PLAN_FIRST_YEAR, PLAN_LAST_YEAR};
use crate::collective::funds::{FundLink, FundSource};
use crate::collective::InvestorKind;

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

/// 社会资本入股: who invested in a collective project, how much and for how many of its shares.
/// Investors' shares are not the village pool's: the households are granted from the project's
/// total less them (rules.md §8, `collective::ledger::households_total`).
pub static PROJECT_INVESTORS: FileSpec = FileSpec {
    id: FileId::ProjectInvestors,
    name: "project_investors",
    zh: "项目投资方",
    columns: &[
        PROJECT,
        col("investor", "投资方", T::Name),
        col("kind", "投资方类型", T::Enum(&InvestorKind::SPEC)),
        col("amount", "投资金额", MONEY),
        opt(
            "shares",
            "入股股数",
            T::Int {
                min: 1,
                max: MAX_COUNT,
            },
        ),
        col("date", "投资日期", T::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::None,
};
