//! What the yearly assessment and the offices decided, as files, so that an export holds the
//! book of record and imports back whole (interchange.md, round trip): the rule settings, each
//! household's applied outcomes with the standing they replaced, the exit procedure's batches,
//! their households and objections, the secretaries' review criteria and scores, and the
//! corrections of past years' outcomes.

use super::*;
use crate::assessment::attachment::{AttachmentKind, MAX_BYTES};
use crate::assessment::monitoring::MonitorReason;
use crate::assessment::procedure::{BatchState, ExitStage, ExitStep};
use crate::assessment::Outcome;
use crate::rules::Parameter;

/// A region code, or 0 for "everywhere" (a setting or criterion for every region).
const SCOPE: Column = col(
    "region_code",
    "适用区划",
    T::Int {
        min: 0,
        max: 999_999_999_999,
    },
);
/// A year, or 0 for "every year".
const ANY_YEAR: Column = col("year", "适用年度", T::Int { min: 0, max: 2100 });
const SOURCE: Column = col("source", "依据", T::Text);
const STATUS: T = T::Enum(&HouseholdStatus::SPEC);
/// Who took a step: a user name, or `cli:NAME` for the command line.
const fn person(en: &'static str, zh: &'static str) -> Column {
    opt(en, zh, T::Name)
}

/// 规则设置: an administrator's value of a rules.md number (money in fen, as stored).
pub static RULE_SETTINGS: FileSpec = FileSpec {
    id: FileId::RuleSettings,
    name: "rule_settings",
    zh: "规则设置",
    columns: &[
        col("parameter", "参数", T::Enum(&Parameter::SPEC)),
        SCOPE,
        ANY_YEAR,
        col(
            "value",
            "取值",
            T::Int {
                min: i64::MIN,
                max: i64::MAX,
            },
        ),
        SOURCE,
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

/// 评估结果: what `xplus assess --apply` recorded for a household in a year, with the standing it
/// replaced (so the standing at the end of any earlier year can be told).
pub static ASSESSMENT_OUTCOMES: FileSpec = FileSpec {
    id: FileId::AssessmentOutcomes,
    name: "assessment_outcomes",
    zh: "评估结果",
    columns: &[
        HOUSEHOLD,
        YEAR,
        col("outcome", "结果", T::Enum(&Outcome::SPEC)),
        opt("reasons", "监测原因", T::Multi(&MonitorReason::SPEC)),
        col("previous_status", "此前状态", STATUS),
        opt("previous_exit_year", "此前脱贫年度", T::Year),
        col("status", "评估后状态", STATUS),
        opt("exit_year", "评估后脱贫年度", T::Year),
        col("decided_on", "决定日期", T::Date),
        person("decided_by", "决定人"),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};

/// 退出批次: a village's exit procedure of a year (rules.md §3), each step with who and when.
pub static EXIT_BATCHES: FileSpec = FileSpec {
    id: FileId::ExitBatches,
    name: "exit_batches",
    zh: "退出批次",
    columns: &[
        VILLAGE,
        YEAR,
        col("stage", "环节", T::Enum(&ExitStage::SPEC)),
        col("proposed_by", "提名人", T::Name),
        col("proposed_on", "提名日期", T::Date),
        opt("review_date", "评议日期", T::Date),
        opt(
            "review_attendees",
            "参会人数",
            T::Int {
                min: 1,
                max: 100_000,
            },
        ),
        person("reviewed_by", "评议记录人"),
        opt("notice_start", "公示开始", T::Date),
        opt("notice_last_day", "公示截止", T::Date),
        person("noticed_by", "公示发布人"),
        person("town_approved_by", "乡镇审核人"),
        opt("town_approved_on", "乡镇审核日期", T::Date),
        person("county_approved_by", "县级审定人"),
        opt("county_approved_on", "县级审定日期", T::Date),
        opt("town_opinion", "乡镇审核意见", T::Text),
        opt("county_opinion", "县级审定意见", T::Text),
    ],
    key: &[0, 1],
    county: CountyFrom::Column(0),
};

/// 退出批次户: the households of a batch and where each stands in it.
pub static EXIT_BATCH_HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::ExitBatchHouseholds,
    name: "exit_batch_households",
    zh: "退出批次户",
    columns: &[
        VILLAGE,
        YEAR,
        HOUSEHOLD,
        col("state", "状态", T::Enum(&BatchState::SPEC)),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

/// 公示异议: an objection raised during a batch's public notice, and how it was resolved.
pub static EXIT_OBJECTIONS: FileSpec = FileSpec {
    id: FileId::ExitObjections,
    name: "exit_objections",
    zh: "公示异议",
    columns: &[
        VILLAGE,
        YEAR,
        col(
            "objection_no",
            "异议序号",
            T::Int {
                min: 1,
                max: 1_000_000,
            },
        ),
        HOUSEHOLD,
        col("raised_on", "提出日期", T::Date),
        col("raised_by", "提出人", T::Name),
        col("content", "异议内容", T::Text),
        col("recorded_by", "记录人", T::Name),
        opt("resolution", "处理意见", T::Text),
        opt("upheld", "异议成立", T::Bool),
        person("resolved_by", "处理人"),
        opt("resolved_on", "处理日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

/// 述职评议指标: the criteria of the secretaries' review for a region and year (0: all).
pub static REVIEW_CRITERIA: FileSpec = FileSpec {
    id: FileId::ReviewCriteria,
    name: "review_criteria",
    zh: "述职评议指标",
    columns: &[
        SCOPE,
        ANY_YEAR,
        col("code", "指标代码", T::Key),
        col("name", "指标名称", T::Name),
        col(
            "weight",
            "权重",
            T::Int {
                min: 0,
                max: u32::MAX as i64,
            },
        ),
        SOURCE,
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

/// 述职评议评分: a secretary's score on one criterion of a year's review.
pub static SECRETARY_REVIEWS: FileSpec = FileSpec {
    id: FileId::SecretaryReviews,
    name: "secretary_reviews",
    zh: "述职评议评分",
    columns: &[
        reference("secretary_id", "书记编号", T::Key, FileId::Secretaries),
        YEAR,
        col("criterion", "指标代码", T::Key),
        col("score", "得分", T::Int { min: 0, max: 100 }),
        col("reviewer", "评议人", T::Name),
        col("reviewed_on", "评议日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Secretary(0),
};

/// 更正记录: a correction of what an applied assessment recorded for a household in a past year
/// (assessment/correction.rs) — what was recorded, what it is now, who corrected it, when and
/// why; the `seq`-th correction of that household and year.
pub static CORRECTIONS: FileSpec = FileSpec {
    id: FileId::Corrections,
    name: "corrections",
    zh: "更正记录",
    columns: &[
        HOUSEHOLD,
        YEAR,
        SEQ,
        col("recorded_status", "原记录状态", STATUS),
        opt("recorded_exit_year", "原记录脱贫年度", T::Year),
        col("status", "更正后状态", STATUS),
        opt("exit_year", "更正后脱贫年度", T::Year),
        col("reason", "更正原因", T::Text),
        col("corrected_by", "更正人", T::Name),
        col("corrected_on", "更正日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(0),
};

/// 退出程序附件: what is known of an attachment of a step of a village's exit procedure (the
/// scanned minutes, the 公示 photo) — its name, kind, size and SHA-256, who added it and when.
/// The content itself is not in a bundle: a backup (`xplus backup`) carries it.
pub static EXIT_ATTACHMENTS: FileSpec = FileSpec {
    id: FileId::ExitAttachments,
    name: "exit_attachments",
    zh: "退出程序附件",
    columns: &[
        VILLAGE,
        YEAR,
        col(
            "seq",
            "附件序号",
            T::Int {
                min: 1,
                max: 10_000,
            },
        ),
        col("step", "环节", T::Enum(&ExitStep::SPEC)),
        col("file_name", "文件名", T::Name),
        col("content_type", "类型", T::Enum(&AttachmentKind::SPEC)),
        col(
            "size",
            "字节数",
            T::Int {
                min: 1,
                max: MAX_BYTES as i64,
            },
        ),
        col("sha256", "SHA-256", T::Key),
        col("uploaded_by", "上传人", T::Name),
        col("uploaded_on", "上传日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};
