//! The rules configuration as stored: an administrator's settings of rules.md numbers per region
//! and year (`rule_settings`), read into xplus-core's [`RuleBook`], which resolves them.

use super::shape::column;
use crate::error::StoreError;
use crate::session::filter::{Arg, Filter};
use crate::store::{Row, Store};
use crate::NewAudit;
use xplus_core::interchange::{ColumnType, CountyFrom, FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_core::rules::{Parameter, RuleBook, Setting};

const ANY: ColumnType = ColumnType::Int {
    min: i64::MIN,
    max: i64::MAX,
};

pub(crate) static RULE_SETTINGS: FileSpec = FileSpec {
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

/// Every setting in force (a handful of rows: read whole).
pub async fn rule_book(store: &dyn Store) -> Result<RuleBook, StoreError> {
    let mut s = store.read_session().await?;
    let rows = s
        .select(
            &RULE_SETTINGS,
            &Filter::new(),
            "parameter, region_code, year",
            None,
        )
        .await?;
    let settings = rows
        .iter()
        .filter_map(|r| {
            Some(Setting {
                // A parameter this build does not know (set by a newer one) is left alone.
                parameter: Parameter::parse(r[0].as_text()?)?,
                region: match r[1].as_int()? {
                    0 => None,
                    code => Some(RegionCode::from_u64(u64::try_from(code).ok()?).ok()?),
                },
                year: match r[2].as_int()? {
                    0 => None,
                    y => Some(i32::try_from(y).ok()?),
                },
                value: r[3].as_int()?,
                source: r[4].as_text()?.to_string(),
            })
        })
        .collect();
    Ok(RuleBook::new(settings))
}

/// Records a setting (replacing the one with the same parameter, region and year) with an audit
/// entry of the values before and after. Values a parameter cannot take are refused.
pub async fn set_rule(store: &dyn Store, actor: &str, setting: &Setting) -> Result<(), StoreError> {
    // Core's one check of a setting, again here: every writer (CLI, web, a test) goes through it.
    let setting = &Setting::new(
        setting.parameter,
        setting.region,
        setting.year,
        setting.value,
        &setting.source,
    )
    .map_err(StoreError::Invalid)?;
    let source = setting.source.clone();
    let region = setting.region.map_or(0, |r| r.as_u64() as i64);
    let year = setting.year.map_or(0, i64::from);
    let key = vec![
        Value::Text(setting.parameter.code().into()),
        Value::Int(region),
        Value::Int(year),
    ];
    let mut s = store.write_session().await?;
    let before = s
        .select(
            &RULE_SETTINGS,
            &Filter::new()
                .and(
                    "parameter = ?",
                    vec![Arg::Text(setting.parameter.code().into())],
                )
                .and("region_code = ?", vec![Arg::Int(region)])
                .and("year = ?", vec![Arg::Int(year)]),
            "",
            None,
        )
        .await?;
    let as_json = |value: i64, source: &str| {
        serde_json::json!({ "value": value, "source": source }).to_string()
    };
    let mut values = key;
    values.push(Value::Int(setting.value));
    values.push(Value::Text(source.clone()));
    s.upsert(
        &RULE_SETTINGS,
        Row {
            values,
            county: None,
        },
    )
    .await?;
    s.append_audit(vec![NewAudit {
        actor: actor.to_string(),
        action: "rule_setting".into(),
        entity: "rule_settings".into(),
        record_key: format!("{}:{region}:{year}", setting.parameter),
        old_values: before.first().map(|r| {
            as_json(
                r[3].as_int().unwrap_or_default(),
                r[4].as_text().unwrap_or_default(),
            )
        }),
        new_values: Some(as_json(setting.value, &source)),
    }])
    .await?;
    // What the lines judge (empty-shell and strong villages) changes in every county below.
    let (lo, hi) = match setting.region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, u64::MAX >> 1),
    };
    s.execute(
        "INSERT INTO rollup_dirty (county_code) SELECT code FROM regions \
         WHERE level = 'county' AND code BETWEEN ? AND ? ON CONFLICT DO NOTHING",
        &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
    .await?;
    s.commit().await
}
