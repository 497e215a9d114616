//! 远教 files: stations and central learning households, the villages they serve, their yearly
//! standardisation checks, training sessions, attendance (by household and, optionally, by
//! member) and the services stations deliver with partner departments.

use super::*;
use crate::education::{
    Cooperation, LecturerKind, PartnerDepartment, StationCheckItem, StationCheckResult,
    StationKind, StationService, Topic, TrainingMode,
};

const STATION: Column = reference("station_id", "站点编号", T::Key, FileId::Stations);
const SESSION: Column = reference("session_id", "培训编号", T::Key, FileId::TrainingSessions);
const NOTE: Column = opt("note", "备注", T::Text);

pub static STATIONS: FileSpec = FileSpec {
    id: FileId::Stations,
    name: "stations",
    zh: "远教站点",
    columns: &[
        col("station_id", "站点编号", T::Key),
        VILLAGE,
        col("kind", "类型", T::Enum(&StationKind::SPEC)),
        col("name", "名称", T::Name),
        opt("upgraded_year", "更新升级年度", T::Year),
        opt("investment", "投入资金", MONEY),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static STATION_COVERAGE: FileSpec = FileSpec {
    id: FileId::StationCoverage,
    name: "station_coverage",
    zh: "站点覆盖村",
    columns: &[STATION, VILLAGE],
    key: &[0, 1],
    county: CountyFrom::None,
};

pub static TRAINING_SESSIONS: FileSpec = FileSpec {
    id: FileId::TrainingSessions,
    name: "training_sessions",
    zh: "培训",
    columns: &[
        col("session_id", "培训编号", T::Key),
        STATION,
        col("date", "日期", T::Date),
        col("mode", "形式", T::Enum(&TrainingMode::SPEC)),
        col("lecturer_kind", "讲师类别", T::Enum(&LecturerKind::SPEC)),
        col("topic", "主题", T::Enum(&Topic::SPEC)),
        opt("title", "标题", T::Name),
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static ATTENDANCE: FileSpec = FileSpec {
    id: FileId::Attendance,
    name: "attendance",
    zh: "参训",
    columns: &[SESSION, HOUSEHOLD],
    key: &[0, 1],
    county: CountyFrom::Household(1),
};

pub static STATION_CHECKS: FileSpec = FileSpec {
    id: FileId::StationChecks,
    name: "station_checks",
    zh: "站点规范检查",
    columns: &[
        STATION,
        YEAR,
        col("item", "检查项目", T::Enum(&StationCheckItem::SPEC)),
        col("result", "检查结果", T::Enum(&StationCheckResult::SPEC)),
        NOTE,
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

pub static ATTENDANCE_MEMBERS: FileSpec = FileSpec {
    id: FileId::AttendanceMembers,
    name: "attendance_members",
    zh: "参训成员",
    columns: &[
        SESSION,
        HOUSEHOLD,
        col("id_number", "身份证号", T::IdNumber),
    ],
    key: &[0, 2],
    county: CountyFrom::Household(1),
};

pub static STATION_SERVICES: FileSpec = FileSpec {
    id: FileId::StationServices,
    name: "station_services",
    zh: "站点服务",
    columns: &[
        STATION,
        HOUSEHOLD,
        col("date", "日期", T::Date),
        col("service", "服务类型", T::Enum(&StationService::SPEC)),
        col("department", "合作部门", T::Enum(&PartnerDepartment::SPEC)),
        col("cooperation", "合作方式", T::Enum(&Cooperation::SPEC)),
        NOTE,
    ],
    key: &[0, 1, 2, 3],
    county: CountyFrom::Household(1),
};
