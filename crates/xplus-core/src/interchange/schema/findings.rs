//! What `xplus crosscheck --apply` recorded (departments.md): each finding of another
//! department's list, kept once for the member it names, with who answers for it, by when, and
//! what they concluded. An export carries it so that a copy imports whole (interchange.md: the
//! verification tasks are part of the book of record).

use super::*;
use crate::assessment::crosscheck::Finding;
use crate::assessment::tasks::{AssigneeRole, TaskOutcome};

/// 部门比对记录: one finding recorded for a member — a task to verify (核查任务), a department
/// warning for §5 monitoring (部门预警) or assistance shown on the household (兜底信息), as core's
/// `assessment::tasks::handling` says of its finding — the household's `seq`-th. The supporting
/// line is named by its department file and Excel row; `fact_on` is the department's own day
/// (the death, the registration). An attachment's content is not in a bundle: a backup carries
/// it.
pub static DEPARTMENT_FINDINGS: FileSpec = FileSpec {
    id: FileId::DepartmentFindings,
    name: "department_findings",
    zh: "部门比对记录",
    columns: &[
        HOUSEHOLD,
        SEQ,
        col("id_number", "身份证号", T::IdNumber),
        col("finding", "比对结果", T::Enum(&Finding::SPEC)),
        col("source_file", "来源文件", T::Key),
        col(
            "source_row",
            "来源行号",
            T::Int {
                min: 1,
                max: 100_000_000,
            },
        ),
        col("detail", "详情", T::Text),
        opt("fact_on", "事实日期", T::Date),
        col("as_of", "比对日期", T::Date),
        col("recorded_by", "登记人", T::Name),
        col("recorded_on", "登记日期", T::Date),
        opt("assignee_role", "责任人类别", T::Enum(&AssigneeRole::SPEC)),
        opt("assignee", "责任人编号", T::Key),
        opt("due_on", "核查期限", T::Date),
        opt("outcome", "核查结果", T::Enum(&TaskOutcome::SPEC)),
        opt("outcome_on", "结果日期", T::Date),
        opt("outcome_reason", "结果说明", T::Text),
        opt("outcome_by", "填写人", T::Name),
        opt("attachment_name", "附件名称", T::Name),
        opt("attachment_type", "附件类型", T::Key),
        opt("attachment_sha256", "附件SHA-256", T::Key),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};
