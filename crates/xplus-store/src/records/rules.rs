//! The rules configuration as stored: an administrator's settings of rules.md numbers per region
//! and year (`rule_settings`), read into xplus-core's [`RuleBook`], which resolves them.

use super::rules_queries::{
    setting_is, StoredValue, MARK_COUNTIES_DIRTY, RULE_SETTINGS, SETTING_ORDER,
};
use crate::error::{Refusal, StoreError};
use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named};
use crate::store::{Row, Store};
use crate::NewAudit;
use xplus_core::interchange::Value;
use xplus_core::rules::{RuleBook, Setting};

/// Every setting in force (a handful of rows: read whole).
pub async fn rule_book(store: &dyn Store) -> Result<RuleBook, StoreError> {
    let mut s = store.read_session().await?;
    let rows = s
        .select(&RULE_SETTINGS, &Filter::new(), SETTING_ORDER, None)
        .await?;
    let settings = rows
        .iter()
        .filter_map(|r| Setting::from_row(Named::new(&RULE_SETTINGS, r)))
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
    .map_err(|m| StoreError::Refused(Refusal::Invalid(m)))?;
    let source = setting.source.clone();
    let region = setting.region.map_or(0, |r| r.as_u64() as i64);
    let year = setting.year.map_or(0, i64::from);
    let key = vec![
        Value::Text(setting.parameter.code().into()),
        Value::Int(region),
        Value::Int(year),
    ];
    let mut s = store.write_session().await?;
    let filter = setting_is(setting.parameter.code(), region, year);
    let before = s.select(&RULE_SETTINGS, &filter, "", None).await?;
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
        old_values: (before.first())
            .and_then(|r| StoredValue::from_row(Named::new(&RULE_SETTINGS, r)))
            .map(|old| as_json(old.value, &old.source)),
        new_values: Some(as_json(setting.value, &source)),
    }])
    .await?;
    // What the lines judge (empty-shell and strong villages) changes in every county below.
    let (lo, hi) = match setting.region {
        Some(r) => crate::sql::range_of(r.as_u64(), r.level()),
        None => (0, u64::MAX >> 1),
    };
    s.execute(
        MARK_COUNTIES_DIRTY,
        &[Arg::Int(lo as i64), Arg::Int(hi as i64)],
    )
    .await?;
    s.commit().await
}
