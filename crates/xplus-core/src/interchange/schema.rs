//! The files of a bundle (interchange.md): their columns, types, keys and references. The bundle
//! reader, the writer and both databases' schemas follow this one description.

use crate::collective::{EquityModel, ShareEventKind};
use crate::labels::EnumSpec;
use crate::registry::{Health, HouseholdStatus, Labour, Level, PovertyCause, Relation, Schooling};

/// The files of the interchange format, in dependency order (a file refers only to earlier ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileId {
    Regions,
    Villages,
    Households,
    Members,
    Incomes,
    MemberChanges,
    IncomeCorrections,
    Stations,
    StationCoverage,
    StationChecks,
    TrainingSessions,
    Attendance,
    AttendanceMembers,
    StationServices,
    Units,
    Cadres,
    UnitVillagePairings,
    PairingBindings,
    CadreHouseholdPairings,
    Visits,
    Recalls,
    Startups,
    Secretaries,
    SecretaryDevelopment,
    SecretaryChecks,
    CollectiveIncome,
    Projects,
    ShareEvents,
    Distributions,
    Loans,
    DividendPayments,
    VillageEnterprises,
    PartyOrgs,
    OrgHouseholds,
    OvopProjects,
    OvopHouseholds,
    Guidance,
    HouseholdIndustries,
    LabourCourses,
    CourseAttendance,
    Commissioners,
    CommissionerTrainings,
    JobFairs,
    Placements,
    RuleSettings,
    AssessmentOutcomes,
    ExitBatches,
    ExitBatchHouseholds,
    ExitObjections,
    ExitAttachments,
    ReviewCriteria,
    SecretaryReviews,
    Corrections,
    DepartmentFindings,
    Statistics,
    EmptyShellPlan,
    Postings,
    IndustryTargets,
    Funds,
    ProjectInvestors,
    WeakOrganisations,
    StandardisationChecks,
    VillageCadres,
    VillageCadreDevelopment,
    LeaderPool,
    StartupHouseholds,
    // The department bundle (departments.md): read and matched, never stored as rows; after
    // every bundle file, so that the bundle's order and `ALL_FILES` stay as they are.
    Deaths,
    Payroll,
    Vehicles,
    Businesses,
    Properties,
    Medical,
    Assistance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Free text; trimmed. Tabs and line breaks are allowed (`text::TextKind::Free`).
    Text,
    /// An id or code: printable ASCII without spaces (`text::TextKind::Key`).
    Key,
    /// A name or short label on one line (`text::TextKind::Name`).
    Name,
    /// A 12-digit region code (6-digit GB/T 2260 accepted).
    Region,
    Bool,
    Date,
    /// A calendar year, 1949–2100.
    Year,
    Int {
        min: i64,
        max: i64,
    },
    /// Yuan with at most two decimals, stored as fen.
    Money {
        negative: bool,
    },
    Enum(&'static EnumSpec),
    /// Several values of one enumeration separated by `;`, `；` or `、`.
    Multi(&'static EnumSpec),
    IdNumber,
}

impl ColumnType {
    /// Stored as the text itself: free text, keys and names.
    pub fn is_text(self) -> bool {
        matches!(self, ColumnType::Text | ColumnType::Key | ColumnType::Name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub en: &'static str,
    pub zh: &'static str,
    pub ty: ColumnType,
    /// A required column must be present in the header and non-empty in every row.
    pub required: bool,
    /// The file whose key this column names (a single-column key).
    pub refers: Option<FileId>,
}

/// How a row finds its county; large tables carry it to be partitioned or distributed by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountyFrom {
    /// Not a large table: no county column.
    None,
    /// The region code in this column.
    Column(usize),
    /// The county of the household named in this column.
    Household(usize),
    /// The county of the village of the secretary named in this column.
    Secretary(usize),
    /// The county of the village of the village cadre named in this column.
    VillageCadre(usize),
}

#[derive(Debug)]
pub struct FileSpec {
    pub id: FileId,
    /// File name without `.csv`; also the sheet name and the table name.
    pub name: &'static str,
    pub zh: &'static str,
    pub columns: &'static [Column],
    /// Indices of the key columns (rows are matched on them when re-imported).
    pub key: &'static [usize],
    pub county: CountyFrom,
}

impl FileSpec {
    pub fn column_index(&self, en: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.en == en)
    }

    /// Matches a header cell to a column by English name (any case) or Chinese alias.
    pub fn find_header(&self, header: &str) -> Option<usize> {
        let h = header.trim().trim_start_matches('\u{feff}');
        self.columns
            .iter()
            .position(|c| c.en.eq_ignore_ascii_case(h) || c.zh == h)
    }

    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }
}

pub(super) const fn col(en: &'static str, zh: &'static str, ty: ColumnType) -> Column {
    Column {
        en,
        zh,
        ty,
        required: true,
        refers: None,
    }
}

pub(super) const fn opt(en: &'static str, zh: &'static str, ty: ColumnType) -> Column {
    Column {
        en,
        zh,
        ty,
        required: false,
        refers: None,
    }
}

pub(super) const fn reference(
    en: &'static str,
    zh: &'static str,
    ty: ColumnType,
    to: FileId,
) -> Column {
    Column {
        en,
        zh,
        ty,
        required: true,
        refers: Some(to),
    }
}

use ColumnType as T;

pub mod assessment;
pub mod backbone;
pub mod collective;
pub mod departments;
pub mod education;
pub mod findings;
pub mod history;
pub mod industry;
pub use assessment::*;
pub use backbone::*;
pub use collective::*;
pub use departments::{find_department_file, DEPARTMENT_FILES};
pub use education::*;
pub use findings::*;
pub use history::*;
pub use industry::*;

pub(super) const MONEY: T = T::Money { negative: false };
/// Counts of people and shares: capped far above any real figure so sums cannot overflow.
pub(super) const MAX_COUNT: i64 = 1_000_000_000_000;
pub(super) const COUNT: T = T::Int {
    min: 0,
    max: MAX_COUNT,
};
pub(super) const VILLAGE: Column = reference("village_code", "村代码", T::Region, FileId::Villages);
pub(super) const HOUSEHOLD: Column =
    reference("household_id", "户编号", T::Key, FileId::Households);
pub(super) const YEAR: Column = col("year", "年度", T::Year);
/// The n-th record of its kind for a household (and year): a correction, a membership change.
pub(super) const SEQ: Column = col(
    "seq",
    "序号",
    T::Int {
        min: 1,
        max: 10_000,
    },
);
pub(super) const START: Column = col("start_date", "开始日期", T::Date);
pub(super) const END: Column = opt("end_date", "结束日期", T::Date);

pub static REGIONS: FileSpec = FileSpec {
    id: FileId::Regions,
    name: "regions",
    zh: "区划",
    columns: &[
        col("code", "区划代码", T::Region),
        col("name", "名称", T::Name),
        col("level", "级别", T::Enum(&Level::SPEC)),
        Column {
            required: false,
            ..reference("parent_code", "上级区划代码", T::Region, FileId::Regions)
        },
    ],
    key: &[0],
    county: CountyFrom::None,
};

pub static VILLAGES: FileSpec = FileSpec {
    id: FileId::Villages,
    name: "villages",
    zh: "村",
    columns: &[
        reference("village_code", "村代码", T::Region, FileId::Regions),
        col("poor_village", "是否贫困村", T::Bool),
        col("population", "户籍人口", COUNT),
        opt("exit_year", "出列年度", T::Year),
        opt("planned_exit_year", "计划出列年度", T::Year),
    ],
    key: &[0],
    county: CountyFrom::Column(0),
};

pub static HOUSEHOLDS: FileSpec = FileSpec {
    id: FileId::Households,
    name: "households",
    zh: "贫困户",
    columns: &[
        col("household_id", "户编号", T::Key),
        VILLAGE,
        col("identified_year", "识别年度", T::Year),
        col("status", "状态", T::Enum(&HouseholdStatus::SPEC)),
        opt("exit_year", "脱贫年度", T::Year),
        opt("causes", "致贫原因", T::Multi(&PovertyCause::SPEC)),
        opt("food_secure", "不愁吃", T::Bool),
        opt("clothing_secure", "不愁穿", T::Bool),
        opt("housing_safe", "住房安全", T::Bool),
        opt("water_safe", "饮水安全", T::Bool),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

pub static MEMBERS: FileSpec = FileSpec {
    id: FileId::Members,
    name: "members",
    zh: "家庭成员",
    columns: &[
        HOUSEHOLD,
        col("id_number", "身份证号", T::IdNumber),
        col("name", "姓名", T::Name),
        col("relation", "与户主关系", T::Enum(&Relation::SPEC)),
        col("health", "健康状况", T::Enum(&Health::SPEC)),
        col("labour", "劳动能力", T::Enum(&Labour::SPEC)),
        col("schooling", "在校情况", T::Enum(&Schooling::SPEC)),
        opt("medical_insured", "参加基本医疗保险", T::Bool),
        opt("pension_insured", "参加养老保险", T::Bool),
        opt("migrant_months", "务工月数", T::Int { min: 0, max: 12 }),
    ],
    key: &[1],
    county: CountyFrom::Household(0),
};

pub static INCOMES: FileSpec = FileSpec {
    id: FileId::Incomes,
    name: "incomes",
    zh: "收入",
    columns: &[
        HOUSEHOLD,
        YEAR,
        col("wage", "工资性收入", MONEY),
        col("production", "生产经营性收入", MONEY),
        col("property", "财产性收入", MONEY),
        col("transfer", "转移性收入", MONEY),
        col("production_cost", "生产经营性支出", MONEY),
        opt("medical_cost", "医疗支出", MONEY),
    ],
    key: &[0, 1],
    county: CountyFrom::Household(0),
};

pub static VILLAGE_ENTERPRISES: FileSpec = FileSpec {
    id: FileId::VillageEnterprises,
    name: "village_enterprises",
    zh: "村办企业合作社",
    columns: &[
        col("enterprise_id", "企业编号", T::Key),
        VILLAGE,
        col("name", "名称", T::Name),
        col(
            "kind",
            "类型",
            T::Enum(&crate::collective::EnterpriseKind::SPEC),
        ),
        opt("established_date", "成立日期", T::Date),
        opt("capital", "注册资本", MONEY),
        opt("households", "带动农户数", COUNT),
        opt("business", "经营范围", T::Text),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

pub static COLLECTIVE_INCOME: FileSpec = FileSpec {
    id: FileId::CollectiveIncome,
    name: "collective_income",
    zh: "村集体收入",
    columns: &[
        VILLAGE,
        YEAR,
        col("operating_income", "集体经营性收入", MONEY),
    ],
    key: &[0, 1],
    county: CountyFrom::Column(0),
};

pub static PROJECTS: FileSpec = FileSpec {
    id: FileId::Projects,
    name: "projects",
    zh: "集体项目",
    columns: &[
        col("project_id", "项目编号", T::Key),
        VILLAGE,
        col("name", "项目名称", T::Name),
        col("model", "折股量化模式", T::Enum(&EquityModel::SPEC)),
        col("share_value", "每股价值", MONEY),
        col("shares_per_household", "每户配股数", COUNT),
        col("total_shares", "总股数", COUNT),
        opt("bot_enterprise", "BOT企业", T::Name),
        opt("concession_start", "特许经营开始", T::Date),
        opt("concession_end", "特许经营结束", T::Date),
    ],
    key: &[0],
    county: CountyFrom::Column(1),
};

const PROJECT: Column = reference("project_id", "项目编号", T::Key, FileId::Projects);

pub static SHARE_EVENTS: FileSpec = FileSpec {
    id: FileId::ShareEvents,
    name: "share_events",
    zh: "股权变动",
    columns: &[
        PROJECT,
        HOUSEHOLD,
        col("date", "日期", T::Date),
        col("kind", "类型", T::Enum(&ShareEventKind::SPEC)),
        col(
            "shares",
            "股数",
            T::Int {
                min: 1,
                max: MAX_COUNT,
            },
        ),
    ],
    key: &[0, 1, 2, 3],
    county: CountyFrom::Household(1),
};

pub static DISTRIBUTIONS: FileSpec = FileSpec {
    id: FileId::Distributions,
    name: "distributions",
    zh: "收益分配",
    columns: &[PROJECT, YEAR, col("distributable", "可分配收益", MONEY)],
    key: &[0, 1],
    county: CountyFrom::None,
};

/// 分红发放: what `xplus dividends --apply` paid each holder of a project for a year.
pub static DIVIDEND_PAYMENTS: FileSpec = FileSpec {
    id: FileId::DividendPayments,
    name: "dividend_payments",
    zh: "分红发放",
    columns: &[
        PROJECT,
        YEAR,
        HOUSEHOLD,
        col("shares", "持股数", COUNT),
        col("amount", "分红金额", MONEY),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::Household(2),
};

pub static STATISTICS: FileSpec = FileSpec {
    id: FileId::Statistics,
    name: "statistics",
    zh: "统计数据",
    columns: &[
        reference("region_code", "区划代码", T::Region, FileId::Regions),
        YEAR,
        col("rural_income_per_capita", "农村居民人均可支配收入", MONEY),
    ],
    key: &[0, 1],
    county: CountyFrom::None,
};

/// Every file, in dependency order.
pub static ALL_FILES: [&FileSpec; 66] = [
    &REGIONS,
    &VILLAGES,
    &HOUSEHOLDS,
    &MEMBERS,
    &INCOMES,
    &MEMBER_CHANGES,
    &INCOME_CORRECTIONS,
    &STATIONS,
    &STATION_COVERAGE,
    &STATION_CHECKS,
    &TRAINING_SESSIONS,
    &ATTENDANCE,
    &ATTENDANCE_MEMBERS,
    &STATION_SERVICES,
    &UNITS,
    &CADRES,
    &UNIT_VILLAGE_PAIRINGS,
    &PAIRING_BINDINGS,
    &CADRE_HOUSEHOLD_PAIRINGS,
    &VISITS,
    &RECALLS,
    &STARTUPS,
    &SECRETARIES,
    &SECRETARY_DEVELOPMENT,
    &SECRETARY_CHECKS,
    &COLLECTIVE_INCOME,
    &PROJECTS,
    &SHARE_EVENTS,
    &DISTRIBUTIONS,
    &LOANS,
    &DIVIDEND_PAYMENTS,
    &VILLAGE_ENTERPRISES,
    &PARTY_ORGS,
    &ORG_HOUSEHOLDS,
    &OVOP_PROJECTS,
    &OVOP_HOUSEHOLDS,
    &GUIDANCE,
    &HOUSEHOLD_INDUSTRIES,
    &LABOUR_COURSES,
    &COURSE_ATTENDANCE,
    &COMMISSIONERS,
    &COMMISSIONER_TRAININGS,
    &JOB_FAIRS,
    &PLACEMENTS,
    &RULE_SETTINGS,
    &ASSESSMENT_OUTCOMES,
    &EXIT_BATCHES,
    &EXIT_BATCH_HOUSEHOLDS,
    &EXIT_OBJECTIONS,
    &EXIT_ATTACHMENTS,
    &REVIEW_CRITERIA,
    &SECRETARY_REVIEWS,
    &CORRECTIONS,
    &DEPARTMENT_FINDINGS,
    &STATISTICS,
    &EMPTY_SHELL_PLAN,
    &POSTINGS,
    &INDUSTRY_TARGETS,
    &FUNDS,
    &PROJECT_INVESTORS,
    &WEAK_ORGANISATIONS,
    &STANDARDISATION_CHECKS,
    &VILLAGE_CADRES,
    &VILLAGE_CADRE_DEVELOPMENT,
    &LEADER_POOL,
    &STARTUP_HOUSEHOLDS,
];

pub fn spec(id: FileId) -> &'static FileSpec {
    ALL_FILES
        .iter()
        .chain(DEPARTMENT_FILES.iter())
        .find(|f| f.id == id)
        .expect("every FileId has a spec")
}

/// Finds a file by its name (`households`, `households.csv`, any case) or Chinese name.
pub fn find_file(name: &str) -> Option<&'static FileSpec> {
    find_in(&ALL_FILES, name)
}

/// The file of `files` called `name` (`x`, `x.csv`, any case, or its Chinese name).
pub(super) fn find_in(files: &[&'static FileSpec], name: &str) -> Option<&'static FileSpec> {
    let stem = name.trim();
    let stem = stem
        .strip_suffix(".csv")
        .or_else(|| stem.strip_suffix(".CSV"))
        .unwrap_or(stem);
    files
        .iter()
        .copied()
        .find(|f| f.name.eq_ignore_ascii_case(stem) || f.zh == stem)
}

#[cfg(test)]
mod tests;
