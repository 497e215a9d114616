//! The department bundle (departments.md): lists from other departments keyed by identity
//! number, read with the bundle's reader (folder or workbook, Chinese or English headers, UTF-8 or
//! GB18030) but not bundle files: they are matched against the registry, never stored as rows.
//! The identity number is read as text: one that is not valid after normalising is a problem
//! row, not an error that stops the check.

use super::*;
use crate::assessment::crosscheck::{AssistanceProgram, BusinessRole, PropertyKind, VehicleKind};

// Optional, so that an empty number is a problem row (wrong length), not a malformed list.
const ID_NUMBER: Column = opt("id_number", "身份证号", T::Text);
const NAME: Column = col("name", "姓名", T::Name);
const MONEY: ColumnType = T::Money { negative: false };

const fn department(
    id: FileId,
    name: &'static str,
    zh: &'static str,
    columns: &'static [Column],
) -> FileSpec {
    FileSpec {
        id,
        name,
        zh,
        columns,
        key: &[0],
        county: CountyFrom::None,
    }
}

pub static DEATHS: FileSpec = department(
    FileId::Deaths,
    "deaths",
    "死亡人员",
    &[ID_NUMBER, NAME, col("died_on", "死亡日期", T::Date)],
);

pub static PAYROLL: FileSpec = department(
    FileId::Payroll,
    "payroll",
    "财政供养人员",
    &[
        ID_NUMBER,
        NAME,
        col("employer", "单位", T::Name),
        col("since", "起始日期", T::Date),
    ],
);

pub static VEHICLES: FileSpec = department(
    FileId::Vehicles,
    "vehicles",
    "机动车登记",
    &[
        ID_NUMBER,
        NAME,
        col("plate", "号牌", T::Name),
        col("kind", "类型", T::Enum(&VehicleKind::SPEC)),
        col("registered_on", "登记日期", T::Date),
    ],
);

pub static BUSINESSES: FileSpec = department(
    FileId::Businesses,
    "businesses",
    "市场主体登记",
    &[
        ID_NUMBER,
        NAME,
        col("company", "企业名称", T::Name),
        col("role", "身份", T::Enum(&BusinessRole::SPEC)),
        col("capital", "注册资本", MONEY),
        col("registered_on", "登记日期", T::Date),
    ],
);

pub static PROPERTIES: FileSpec = department(
    FileId::Properties,
    "properties",
    "不动产登记",
    &[
        ID_NUMBER,
        NAME,
        col("location_code", "坐落区划代码", T::Region),
        col("kind", "用途", T::Enum(&PropertyKind::SPEC)),
        // Square metres with at most two decimals: read like yuan, kept in hundredths.
        col("area", "面积", MONEY),
        col("registered_on", "登记日期", T::Date),
    ],
);

pub static MEDICAL: FileSpec = department(
    FileId::Medical,
    "medical",
    "医保结算",
    &[
        ID_NUMBER,
        NAME,
        col("year", "年度", T::Year),
        col("total_cost", "医疗总费用", MONEY),
        col("self_paid", "个人自付", MONEY),
    ],
);

pub static ASSISTANCE: FileSpec = department(
    FileId::Assistance,
    "assistance",
    "社会救助与残疾",
    &[
        ID_NUMBER,
        NAME,
        col("program", "项目", T::Enum(&AssistanceProgram::SPEC)),
        col("start_date", "起始日期", T::Date),
        opt("end_date", "终止日期", T::Date),
        opt("amount", "金额", MONEY),
    ],
);

/// The files of a department bundle, in the order their findings are listed.
pub static DEPARTMENT_FILES: [&FileSpec; 7] = [
    &DEATHS,
    &PAYROLL,
    &VEHICLES,
    &BUSINESSES,
    &PROPERTIES,
    &MEDICAL,
    &ASSISTANCE,
];

/// A department file by its name (`deaths`, `deaths.csv`, any case) or Chinese name.
pub fn find_department_file(name: &str) -> Option<&'static FileSpec> {
    super::find_in(&DEPARTMENT_FILES, name)
}
