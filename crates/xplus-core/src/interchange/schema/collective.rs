//! 集体 registers beyond the income and share ledgers: the empty-shell plan.

use super::*;
use crate::collective::economy::{PLAN_FIRST_YEAR, PLAN_LAST_YEAR};

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
