//! 骨干 files: units and cadres, unit↔village pairings and their "three bindings", cadre↔household
//! pairings and visits, recalls of selected cadres, graduate officials' start-ups, and village
//! party secretaries with their development and yearly check-ups; selected cadres' postings to
//! villages (驻村); the poor households the start-ups bring along.

use super::*;
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
