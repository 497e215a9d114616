//! 产业 files: industry-chain party organisations and functional party groups with the households
//! they bring along, one-village-one-product projects and who joined them, the advisory group's
//! guidance lists, households' own industries, labour-training courses and attendance,
//! technology commissioners and their trainings, job fairs, and placements.

use super::*;
use crate::industry::{GroupFocus, IndustryKind, PartyOrgKind};

const REGION: Column = reference("region_code", "区划代码", T::Region, FileId::Regions);

pub static PARTY_ORGS: FileSpec = FileSpec {
    id: FileId::PartyOrgs,
    name: "party_orgs",
    zh: "产业党组织",
    columns: &[
        col("org_id", "党组织编号", T::Key),
        VILLAGE,
        col("name", "名称", T::Name),
        col("kind", "类型", T::Enum(&PartyOrgKind::SPEC)),
        opt("focus", "功能党小组方向", T::Enum(&GroupFocus::SPEC)),
        opt("party_members", "党员数", COUNT),
        opt("established_date", "成立日期", T::Date),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

pub static ORG_HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::OrgHouseholds,
    name: "org_households",
    zh: "党组织带动户",
    columns: &[
        reference("org_id", "党组织编号", T::Key, FileId::PartyOrgs),
        HOUSEHOLD,
        START,
        END,
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(1),
};

pub static OVOP_PROJECTS: FileSpec = FileSpec {
    id: FileId::OvopProjects,
    name: "ovop_projects",
    zh: "一村一品",
    columns: &[
        col("ovop_id", "项目编号", T::Key),
        VILLAGE,
        col("product", "产品", T::Name),
        opt("investment", "投入资金", MONEY),
        opt("year", "年度", T::Year),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

pub static OVOP_HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::OvopHouseholds,
    name: "ovop_households",
    zh: "一村一品参与户",
    columns: &[
        reference("ovop_id", "项目编号", T::Key, FileId::OvopProjects),
        HOUSEHOLD,
        col("join_date", "加入日期", T::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(1),
};

pub static GUIDANCE: FileSpec = FileSpec {
    id: FileId::Guidance,
    name: "guidance",
    zh: "产业指导清单",
    columns: &[
        VILLAGE,
        YEAR,
        col("item", "指导内容", T::Text),
        opt("advisor", "指导组", T::Name),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

pub static HOUSEHOLD_INDUSTRIES: FileSpec = FileSpec {
    id: FileId::HouseholdIndustries,
    name: "household_industries",
    zh: "户发展产业",
    columns: &[
        HOUSEHOLD,
        YEAR,
        col("kind", "类型", T::Enum(&IndustryKind::SPEC)),
        col("product", "品种", T::Name),
        opt("scale", "规模", COUNT),
        opt("unit", "单位", T::Name),
    ],
    key: &[0, 1, 3],
    county: CountyFrom::Household(0),
};

pub static LABOUR_COURSES: FileSpec = FileSpec {
    id: FileId::LabourCourses,
    name: "labour_courses",
    zh: "劳动力培训",
    columns: &[
        col("course_id", "培训编号", T::Key),
        REGION,
        col("base", "培训基地", T::Name),
        col("name", "培训名称", T::Name),
        START,
        END,
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static COURSE_ATTENDANCE: FileSpec = FileSpec {
    id: FileId::CourseAttendance,
    name: "course_attendance",
    zh: "劳动力培训参训",
    columns: &[
        reference("course_id", "培训编号", T::Key, FileId::LabourCourses),
        HOUSEHOLD,
        col("id_number", "身份证号", T::IdNumber),
    ],
    key: &[0, 2],
    county: CountyFrom::Household(1),
};

pub static COMMISSIONERS: FileSpec = FileSpec {
    id: FileId::Commissioners,
    name: "commissioners",
    zh: "科技特派员",
    columns: &[
        col("commissioner_id", "特派员编号", T::Key),
        col("name", "姓名", T::Name),
        REGION,
        opt("field", "专业领域", T::Name),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static COMMISSIONER_TRAININGS: FileSpec = FileSpec {
    id: FileId::CommissionerTrainings,
    name: "commissioner_trainings",
    zh: "科技特派员培训",
    columns: &[
        col("training_id", "培训编号", T::Key),
        reference(
            "commissioner_id",
            "特派员编号",
            T::Key,
            FileId::Commissioners,
        ),
        VILLAGE,
        col("date", "日期", T::Date),
        col("topic", "内容", T::Text),
        opt("participants", "参训人数", COUNT),
    ],
    key: &[0],
    county: CountyFrom::Column(2),
};

pub static JOB_FAIRS: FileSpec = FileSpec {
    id: FileId::JobFairs,
    name: "job_fairs",
    zh: "招聘会",
    columns: &[
        col("fair_id", "招聘会编号", T::Key),
        REGION,
        col("date", "日期", T::Date),
        col("posts", "提供岗位数", COUNT),
        opt("employers", "参会企业数", COUNT),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static PLACEMENTS: FileSpec = FileSpec {
    id: FileId::Placements,
    name: "placements",
    zh: "转移就业",
    columns: &[
        HOUSEHOLD,
        col("id_number", "身份证号", T::IdNumber),
        col("employer", "就业单位", T::Name),
        col("place", "就业地点", T::Name),
        START,
        col("months", "就业月数", T::Int { min: 0, max: 600 }),
    ],
    key: &[1, 4],
    county: CountyFrom::Household(0),
};

/// 产业创业扶贫对象 (the case report's "确定2.2万贫困户作为产业创业扶贫对象"): a household chosen
/// as a target of industry and start-up support, in the year it was chosen, with the industry
/// planned for it. A household chosen again in a later year has a row per year; a year's
/// figures count the households chosen in it or before (docs/industry.md).
pub static INDUSTRY_TARGETS: FileSpec = FileSpec {
    id: FileId::IndustryTargets,
    name: "industry_targets",
    zh: "产业创业扶贫对象",
    columns: &[HOUSEHOLD, YEAR, opt("industry", "扶持产业", T::Text)],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};
