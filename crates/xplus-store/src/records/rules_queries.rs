//! The SQL of the rules configuration (`rules.rs`): the `rule_settings` table, its rows read by
//! name, and the roll-ups a new setting makes stale. The operations hold the rules; this file
//! holds what is asked of the database.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named};
use crate::session::shape::column;
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec};
use xplus_core::registry::RegionCode;
use xplus_core::rules::{Parameter, Setting};

const ANY: ColumnType = ColumnType::Int {
    min: i64::MIN,
    max: i64::MAX,
};

/// An administrator's setting of a rules.md number: for a region (0: everywhere) and a year
/// (0: every year).
pub(in crate::records) static RULE_SETTINGS: FileSpec = FileSpec {
    id: FileId::Regions,
    name: "rule_settings",
    zh: "规则设置",
    columns: &[
        column("parameter", ColumnType::Text),
        column("region_code", ANY),
        column("year", ANY),
        column("value", ANY),
        column("source", ColumnType::Text),
    ],
    key: &[0, 1, 2],
    county: CountyFrom::None,
};

/// A stored setting as core reads it; a row this build cannot read (a parameter set by a newer
/// one, a region code that is none) is left alone.
impl FromRow for Setting {
    const SHAPE: &'static FileSpec = &RULE_SETTINGS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Setting {
            parameter: Parameter::parse(r.text("parameter")?)?,
            region: match r.int("region_code")? {
                0 => None,
                code => Some(RegionCode::from_u64(u64::try_from(code).ok()?).ok()?),
            },
            year: match r.int("year")? {
                0 => None,
                y => Some(i32::try_from(y).ok()?),
            },
            value: r.int("value")?,
            source: r.text("source")?.to_string(),
        })
    }
}

/// The value and source of a stored setting, as its audit entry records them (an empty cell as
/// zero or nothing).
pub(in crate::records) struct StoredValue {
    pub value: i64,
    pub source: String,
}

impl FromRow for StoredValue {
    const SHAPE: &'static FileSpec = &RULE_SETTINGS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StoredValue {
            value: r.int("value").unwrap_or_default(),
            source: r.string("source"),
        })
    }
}

/// Settings are read by parameter, region and year.
pub(in crate::records) const SETTING_ORDER: &str = "parameter, region_code, year";

/// The setting of `parameter` (its code) for `region` and `year` (0 for any).
pub(in crate::records) fn setting_is(parameter: &str, region: i64, year: i64) -> Filter {
    Filter::new()
        .and("parameter = ?", vec![Arg::Text(parameter.into())])
        .and("region_code = ?", vec![Arg::Int(region)])
        .and("year = ?", vec![Arg::Int(year)])
}

/// Marks the roll-ups of the counties between two codes (the arguments) for refreshing: what
/// the lines judge (empty-shell and strong villages) changes with a setting.
pub(in crate::records) const MARK_COUNTIES_DIRTY: &str =
    "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
     WHERE level = 'county' AND code BETWEEN ? AND ? ON CONFLICT DO NOTHING";
