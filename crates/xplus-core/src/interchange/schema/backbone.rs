//! 骨干 files: units and cadres, unit↔village pairings and their "three bindings", cadre↔household
//! pairings and visits, recalls of selected cadres, graduate officials' start-ups, and village
//! party secretaries with their development and yearly check-ups; selected cadres' postings to
//! villages (驻村); the poor households the start-ups bring along; weak village party
//! organisations and the standardisation checks; the other village cadres with their
//! development, and the pool of future village leaders (村级带头人后备力量).

use super::*;
use crate::backbone::party_building::{StandardItem, WeakReason};
use crate::backbone::village_cadre::{EducationLevel, LeaderType, PoolSource, VillageCadrePost};
use crate::backbone::{
    visits::VisitKind, BindingKind, CadreRole, CheckUpResult, DevelopmentKind, SecretaryTier,
    UnitKind,
};

const UNIT: Column = reference("unit_id", "单位编号", T::Key, FileId::Units);
const CADRE: Column = reference("cadre_id", "干部编号", T::Key, FileId::Cadres);
const SECRETARY: Column = reference("secretary_id", "书记编号", T::Key, FileId::Secretaries);

pub static UNITS: FileSpec = FileSpec {
    id: FileId::Units,
    name: "units",
    zh: "帮扶单位",
    columns: &[
        col("unit_id", "单位编号", T::Key),
        col("name", "单位名称", T::Name),
        col("kind", "类型", T::Enum(&UnitKind::SPEC)),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static CADRES: FileSpec = FileSpec {
    id: FileId::Cadres,
    name: "cadres",
    zh: "帮扶干部",
    columns: &[
        col("cadre_id", "干部编号", T::Key),
        col("name", "姓名", T::Name),
        UNIT,
        col("role", "角色", T::Enum(&CadreRole::SPEC)),
        opt("phone", "电话", T::Name),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static UNIT_VILLAGE_PAIRINGS: FileSpec = FileSpec {
    id: FileId::UnitVillagePairings,
    name: "unit_village_pairings",
    zh: "单位包村",
    columns: &[
        UNIT,
        VILLAGE,
        START,
        END,
        opt("joint_party_org", "建立联合党组织", T::Bool),
        opt("joint_party_org_date", "联合党组织建立日期", T::Date),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(1),
};

pub static CADRE_HOUSEHOLD_PAIRINGS: FileSpec = FileSpec {
    id: FileId::CadreHouseholdPairings,
    name: "cadre_household_pairings",
    zh: "干部包户",
    columns: &[CADRE, HOUSEHOLD, START, END],
    key: &[0, 1, 2],
    county: CountyFrom::Household(1),
};

pub static PAIRING_BINDINGS: FileSpec = FileSpec {
    id: FileId::PairingBindings,
    name: "pairing_bindings",
    zh: "三个绑定",
    columns: &[
        col("binding_id", "绑定编号", T::Key),
        UNIT,
        VILLAGE,
        col("kind", "绑定类型", T::Enum(&BindingKind::SPEC)),
        col("item", "内容", T::Text),
        opt("amount", "金额", MONEY),
        opt("date", "日期", T::Date),
    ],
    key: &[0],
    county: CountyFrom::Column(2),
};

pub static VISITS: FileSpec = FileSpec {
    id: FileId::Visits,
    name: "visits",
    zh: "走访记录",
    columns: &[
        CADRE,
        HOUSEHOLD,
        col("date", "日期", T::Date),
        col("activity", "帮扶内容", T::Text),
        // Added with the phone's visit form: optional, so that a bundle written before them
        // still reads. The location is "纬度,经度" (`backbone::visits::location`); photos are
        // kept with the visit in the database and travel in backups, not in a bundle.
        opt("kind", "走访方式", T::Enum(&VisitKind::SPEC)),
        opt("found", "发现的情况", T::Text),
        opt("location", "位置", T::Name),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(1),
};

pub static RECALLS: FileSpec = FileSpec {
    id: FileId::Recalls,
    name: "recalls",
    zh: "召回",
    columns: &[
        CADRE,
        col("decision_date", "决定日期", T::Date),
        col("reason", "召回原因", T::Text),
        Column {
            required: false,
            ..reference("replacement_id", "接替干部编号", T::Key, FileId::Cadres)
        },
    ],
    key: &[0, 1],
    county: CountyFrom::None,
};

pub static STARTUPS: FileSpec = FileSpec {
    id: FileId::Startups,
    name: "startups",
    zh: "村官创业",
    columns: &[
        col("startup_id", "创业项目编号", T::Key),
        CADRE,
        VILLAGE,
        col("name", "项目名称", T::Name),
        opt("base", "创业基地", T::Name),
        opt("funding", "扶持资金", MONEY),
        opt("households_brought", "带动贫困户数", COUNT),
        opt("start_date", "开始日期", T::Date),
    ],
    key: &[0],
    county: CountyFrom::Column(2),
};

pub static SECRETARIES: FileSpec = FileSpec {
    id: FileId::Secretaries,
    name: "secretaries",
    zh: "村党组织书记",
    columns: &[
        col("secretary_id", "书记编号", T::Key),
        VILLAGE,
        col("name", "姓名", T::Name),
        START,
        END,
        opt("tier", "312示范层级", T::Enum(&SecretaryTier::SPEC)),
        opt("tier_year", "评定年度", T::Year),
        opt("phone", "电话", T::Name),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

pub static SECRETARY_DEVELOPMENT: FileSpec = FileSpec {
    id: FileId::SecretaryDevelopment,
    name: "secretary_development",
    zh: "书记培养",
    columns: &[
        SECRETARY,
        col("kind", "类型", T::Enum(&DevelopmentKind::SPEC)),
        START,
        END,
        opt("description", "内容", T::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

pub static SECRETARY_CHECKS: FileSpec = FileSpec {
    id: FileId::SecretaryChecks,
    name: "secretary_checks",
    zh: "书记年度体检",
    columns: &[
        SECRETARY,
        YEAR,
        col("result", "体检结果", T::Enum(&CheckUpResult::SPEC)),
        opt("note", "备注", T::Text),
    ],
    key: &[0, 1],
    county: CountyFrom::None,
};

/// 选派干部驻村 (issue 23): which selected cadre (a first secretary or a work-team member) lives
/// and works in which village, from when to when. A recall ends the cadre's postings on its
/// decision day (core `backbone::posting`), whatever the end date says.
pub static POSTINGS: FileSpec = FileSpec {
    id: FileId::Postings,
    name: "postings",
    zh: "选派干部驻村",
    columns: &[CADRE, VILLAGE, START, END],
    key: &[0, 1, 2],
    county: CountyFrom::Column(1),
};

/// 软弱涣散村党组织 (issue 23): a village's party organisation listed as weak and lax in a year,
/// why, how it is to be rectified, who answers for it, by when, and the day it was judged
/// rectified (整顿转化). A village is listed at most once a year; the dates keep to the rules of
/// core `backbone::party_building`.
pub static WEAK_ORGANISATIONS: FileSpec = FileSpec {
    id: FileId::WeakOrganisations,
    name: "weak_organisations",
    zh: "软弱涣散村党组织",
    columns: &[
        VILLAGE,
        col("year", "列入年度", T::Year),
        col("reasons", "软弱涣散原因", T::Multi(&WeakReason::SPEC)),
        opt("measures", "整顿措施", T::Text),
        col("leader", "责任领导", T::Name),
        col("planned_date", "计划完成日期", T::Date),
        opt("rectified_date", "整顿转化日期", T::Date),
    ],
    key: &[0, 1],
    county: CountyFrom::Column(0),
};

/// 党组织标准化建设 (issue 23): a village party organisation checked against one item of the
/// standard in a year, met or not, and when. A village meets the standard in a year when every
/// item's latest check of it is met (core `backbone::party_building::meets_standard`).
pub static STANDARDISATION_CHECKS: FileSpec = FileSpec {
    id: FileId::StandardisationChecks,
    name: "standardisation_checks",
    zh: "党组织标准化建设",
    columns: &[
        VILLAGE,
        YEAR,
        col("item", "检查项目", T::Enum(&StandardItem::SPEC)),
        col("met", "是否达标", T::Bool),
        col("checked_date", "检查日期", T::Date),
        opt("note", "备注", T::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Column(0),
};

/// 村干部 (issue 23): the village cadres other than the party secretary (who stays in
/// secretaries.csv), their post and term.
pub static VILLAGE_CADRES: FileSpec = FileSpec {
    id: FileId::VillageCadres,
    name: "village_cadres",
    zh: "村干部",
    columns: &[
        col("village_cadre_id", "村干部编号", T::Key),
        VILLAGE,
        col("name", "姓名", T::Name),
        col("post", "职务", T::Enum(&VillageCadrePost::SPEC)),
        START,
        END,
        opt("education", "文化程度", T::Enum(&EducationLevel::SPEC)),
        opt("phone", "电话", T::Name),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

/// 村干部培养: a village cadre's training, degree study (学历提升, the case's 大专以上学历教育)
/// and exchange postings, as secretary_development is a secretary's. The rows are placed by
/// their cadre's village and carry its county.
pub static VILLAGE_CADRE_DEVELOPMENT: FileSpec = FileSpec {
    id: FileId::VillageCadreDevelopment,
    name: "village_cadre_development",
    zh: "村干部培养",
    columns: &[
        reference(
            "village_cadre_id",
            "村干部编号",
            T::Key,
            FileId::VillageCadres,
        ),
        col("kind", "类型", T::Enum(&DevelopmentKind::SPEC)),
        START,
        END,
        opt("description", "内容", T::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::VillageCadre(0),
};

/// 村级带头人后备库: the future village leaders found among returnees, veterans, village doctors
/// and teachers and others, from the day they entered the pool to the day they left it, and the
/// secretary they became (a secretary of the same county, core `backbone::village_cadre`).
pub static LEADER_POOL: FileSpec = FileSpec {
    id: FileId::LeaderPool,
    name: "leader_pool",
    zh: "村级带头人后备库",
    columns: &[
        col("leader_id", "后备人员编号", T::Key),
        VILLAGE,
        col("name", "姓名", T::Name),
        col("source", "来源", T::Enum(&PoolSource::SPEC)),
        opt("leader_type", "带头人类型", T::Enum(&LeaderType::SPEC)),
        col("entered_date", "入库日期", T::Date),
        opt("left_date", "出库日期", T::Date),
        Column {
            required: false,
            ..SECRETARY
        },
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

/// 创业带动贫困户 (issue 23): a poor household a graduate official's start-up brings along, from
/// the day it joined (to the day it left, if it did). The household must be a registered poor
/// household of the start-up's county, poor in the year it joined, and cannot join before the
/// start-up began (core `backbone::startup`).
pub static STARTUP_HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::StartupHouseholds,
    name: "startup_households",
    zh: "创业带动贫困户",
    columns: &[
        reference("startup_id", "创业项目编号", T::Key, FileId::Startups),
        HOUSEHOLD,
        col("join_date", "加入日期", T::Date),
        END,
        opt("note", "备注", T::Text),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(1),
};
