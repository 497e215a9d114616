//! The registry's history (book of record): the members who joined or left a household, with
//! the day it happened, and the corrections of a past year's stored income.

use super::*;
use crate::registry::membership::{ChangeReason, MembershipChange};

/// Net income, which may be negative (costs above income).
const NET: T = T::Money { negative: true };

/// 成员变动: a person who joined a household after it was registered or left it, on the day it
/// happened (registry/membership.rs), the member's row as it was at the change, and who recorded
/// it when; the household's `seq`-th change. Today's members are members.csv; the members of an
/// earlier day are those with every later change undone.
pub static MEMBER_CHANGES: FileSpec = FileSpec {
    id: FileId::MemberChanges,
    name: "member_changes",
    zh: "成员变动",
    columns: &[
        HOUSEHOLD,
        SEQ,
        col("change", "变动类型", T::Enum(&MembershipChange::SPEC)),
        col("changed_on", "变动日期", T::Date),
        col("reason", "变动原因", T::Enum(&ChangeReason::SPEC)),
        col("id_number", "身份证号", T::IdNumber),
        col("name", "姓名", T::Name),
        col("relation", "与户主关系", T::Enum(&Relation::SPEC)),
        col("health", "健康状况", T::Enum(&Health::SPEC)),
        col("labour", "劳动能力", T::Enum(&Labour::SPEC)),
        col("schooling", "在校情况", T::Enum(&Schooling::SPEC)),
        opt("medical_insured", "参加基本医疗保险", T::Bool),
        opt("pension_insured", "参加养老保险", T::Bool),
        opt("migrant_months", "务工月数", T::Int { min: 0, max: 12 }),
        opt("note", "说明", T::Text),
        col("recorded_by", "登记人", T::Name),
        col("recorded_on", "登记日期", T::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};

/// 收入更正: a stored income of a year before the one it was changed in (registry::income) —
/// the net income it had and has now, why, who changed it and when; the `seq`-th correction of
/// that household and year. The amounts themselves are in incomes.csv, their change in the
/// audit log.
pub static INCOME_CORRECTIONS: FileSpec = FileSpec {
    id: FileId::IncomeCorrections,
    name: "income_corrections",
    zh: "收入更正",
    columns: &[
        HOUSEHOLD,
        YEAR,
        SEQ,
        col("recorded_net", "原纯收入", NET),
        col("net", "更正后纯收入", NET),
        col("reason", "更正原因", T::Text),
        col("corrected_by", "更正人", T::Name),
        col("corrected_on", "更正日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(0),
};
