//! The statements of a backup's restore: counting what a target already holds, writing rows of
//! any table, moving the audit head, and PostgreSQL's id sequence.

use crate::session::shape::{column, shape, COUNT};
use xplus_core::interchange::{Column, FileId, FileSpec};

static COUNTED: [Column; 1] = [column("n", COUNT)];
/// One count.
pub(super) static COUNTED_SHAPE: FileSpec = shape(FileId::Households, "counted", "计数", &COUNTED);

/// The audit head moves to the entry just restored (the log's triggers accept only this order).
pub(super) const MOVE_HEAD: &str = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1";

/// The one row the migrations write into the roll-ups' state, replaced by the backup's.
pub(super) const CLEAR_ROLLUP_STATE: &str = "DELETE FROM rollup_state";

/// PostgreSQL hands out account numbers from a sequence: after a restore it continues after
/// the largest restored one (SQLite's AUTOINCREMENT follows inserted ids by itself).
pub(super) const FOLLOW_USER_IDS: &str = "SELECT setval(pg_get_serial_sequence('users', \
     'user_id'), coalesce(max(user_id), 1), max(user_id) IS NOT NULL) FROM users";

pub(super) fn count(table: &str) -> String {
    format!("SELECT count(*) AS n FROM {table}")
}
