//! Appending to the audit log and checking it. The chain rule is xplus-core's (`audit.rs`);
//! here an entry gets its number, time and hashes, and the stored log is read back in order.

use xplus_core::audit::{chain_hash, AuditEntry};
use xplus_core::interchange::{cell, FileSpec, Value};

/// What happened, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    /// `cli:NAME` for the command line, the user's name for the web application.
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub record_key: String,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
}

/// Gives `new` the next number, the current time and its hashes.
pub(crate) fn seal(prev_seq: i64, prev_hash: &str, new: NewAudit) -> AuditEntry {
    let mut entry = AuditEntry {
        seq: prev_seq + 1,
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        actor: new.actor,
        action: new.action,
        entity: new.entity,
        record_key: new.record_key,
        old_values: new.old_values,
        new_values: new.new_values,
        prev_hash: prev_hash.to_string(),
        hash: String::new(),
    };
    entry.hash = chain_hash(prev_hash, &entry);
    entry
}

/// A record's key cells, as text: what pairs a bundle row with its stored row.
pub(crate) fn key_cells(file: &FileSpec, values: &[Value]) -> Vec<String> {
    file.key
        .iter()
        .map(|&k| cell::format(&file.columns[k], &values[k], false))
        .collect()
}

/// How a record is named in the log: its key cells joined by " / ".
pub(crate) fn record_key(file: &FileSpec, values: &[Value]) -> String {
    key_cells(file, values).join(" / ")
}

/// Multi-valued cells are sets: the same causes in another order are not a change.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Codes(x), Value::Codes(y)) => x.len() == y.len() && x.iter().all(|c| y.contains(c)),
        _ => a == b,
    }
}

/// The audit entry of a bundle row written over a table that already had rows: an `insert`
/// with every value when the key is new, an `update` with the columns that differ when it is
/// stored, nothing when the row repeats what is stored.
pub(crate) fn row_change(
    actor: &str,
    file: &'static FileSpec,
    old: Option<&Vec<Value>>,
    new: &[Value],
) -> Option<NewAudit> {
    let text = |column: &xplus_core::interchange::Column, v: &Value| match v {
        Value::Null => serde_json::Value::Null,
        v => serde_json::Value::String(cell::format(column, v, false)),
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    for (i, column) in file.columns.iter().enumerate() {
        match old {
            Some(o) if same(&o[i], &new[i]) => {}
            Some(o) => {
                before.insert(column.en.to_string(), text(column, &o[i]));
                after.insert(column.en.to_string(), text(column, &new[i]));
            }
            None => {
                after.insert(column.en.to_string(), text(column, &new[i]));
            }
        }
    }
    (!after.is_empty()).then(|| NewAudit {
        actor: actor.to_string(),
        action: if old.is_some() { "update" } else { "insert" }.into(),
        entity: file.name.to_string(),
        record_key: record_key(file, new),
        old_values: old.map(|_| serde_json::Value::Object(before).to_string()),
        new_values: Some(serde_json::Value::Object(after).to_string()),
    })
}

/// The audit entry of a row removed (a member who left, an outcome that should not have been
/// recorded): every value it had, as `old_values`.
pub(crate) fn row_removed(actor: &str, file: &'static FileSpec, old: &[Value]) -> NewAudit {
    NewAudit {
        actor: actor.to_string(),
        action: "delete".into(),
        entity: file.name.to_string(),
        record_key: record_key(file, old),
        old_values: row_change(actor, file, None, old).and_then(|a| a.new_values),
        new_values: None,
    }
}

/// Reads the audit log through an sqlx pool of either backend (the same SQL and columns, in
/// `audit_queries.rs`).
macro_rules! read_audit_with {
    ($pool:expr, $sink:expr) => {{
        use futures_util::TryStreamExt as _;
        let context = || "读取审计日志 / reading the audit log".to_string();
        // The head first: entries are only appended and commit together with the head, so
        // reading up to it is consistent even while another write adds entries.
        let head: $crate::audit_queries::AuditHead =
            sqlx::query_as($crate::audit_queries::AUDIT_HEAD)
                .fetch_one($pool)
                .await
                .context(context())?;
        let mut rows = sqlx::query_as::<_, $crate::audit_queries::AuditRow>(
            $crate::audit_queries::AUDIT_LOG_UP_TO,
        )
        .bind(head.seq)
        .fetch($pool);
        while let Some(row) = rows.try_next().await.context(context())? {
            ($sink)(xplus_core::audit::AuditEntry::from(row))?;
        }
        drop(rows);
        Ok((head.seq, head.hash))
    }};
}

pub(crate) use read_audit_with;
