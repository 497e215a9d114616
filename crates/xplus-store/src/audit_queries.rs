//! The SQL of reading the audit log back (`audit::read_audit_with`) and its rows, by name. The
//! backends run these on their own sqlx pool (`$1`, which SQLite and PostgreSQL both take).

use xplus_core::audit::AuditEntry;

/// The newest entry's number and hash: reading up to it is reading a whole chain.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// The head of the log (no arguments).
pub(crate) const AUDIT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";

/// An entry of the log as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub record_key: String,
    pub old_values: Option<String>,
    pub new_values: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            record_key: r.record_key,
            old_values: r.old_values,
            new_values: r.new_values,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The entries up to a number, in order. Arguments: the head's number.
pub(crate) const AUDIT_LOG_UP_TO: &str =
    "SELECT seq, at, actor, action, entity, record_key, old_values, new_values, prev_hash, hash \
     FROM audit_log WHERE seq <= $1 ORDER BY seq";
