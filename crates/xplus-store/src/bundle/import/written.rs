//! Rows written from a page or the API go through the importer's own checks, so that a form and
//! a bundle accept and refuse the same rows.

use super::context::FROM_DB;
use super::{ImportOptions, Issue, Validator};
use crate::bundle::source::Encoding;
use crate::store::Row;
use xplus_core::interchange::{FileId, FileSpec, Value};
use xplus_core::rules::RuleSet;
use xplus_core::values::Date;

/// Rows written from a page or the API, checked exactly as the same rows in a bundle would be.
#[derive(Debug, Default)]
pub(crate) struct CheckedRows {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// The good rows with their county, in the order given (only when there is no error).
    pub rows: Vec<(&'static FileSpec, Row)>,
}

/// Checks `new` rows (per file, in dependency order; numbered as in a file, from row 2) against
/// `stored`, the stored rows they refer to and those the cross-file rules read (in dependency
/// order too). The per-row checks, keys, references and the membership of named attendees are
/// the importer's own, so a page and a bundle accept and refuse the same rows.
pub(crate) fn check_rows(
    rules: &RuleSet,
    today: Date,
    stored: Vec<(&'static FileSpec, Vec<Vec<Value>>)>,
    new: Vec<(&'static FileSpec, Vec<Vec<Value>>)>,
) -> CheckedRows {
    let options = ImportOptions {
        encoding: Encoding::Auto,
        ignore_unknown_columns: false,
        today,
        actor: String::new(),
        rules: rules.clone(),
        dry_run: true,
        uploaded_as: None,
    };
    let mut v = Validator::new(&options);
    for (spec, rows) in stored {
        for values in rows {
            v.accept(spec, FROM_DB, values);
        }
    }
    for (spec, rows) in new {
        for (i, values) in rows.into_iter().enumerate() {
            v.accept(spec, i as u32 + 2, values);
        }
        if spec.id == FileId::WeakOrganisations {
            v.check_relistings();
        }
        v.flush();
        v.ctx.finish_file(spec.id);
    }
    v.check_members();
    v.check_shares();
    v.flush();
    CheckedRows {
        rows: if v.errors.is_empty() {
            v.kept
        } else {
            Vec::new()
        },
        errors: v.errors,
        warnings: v.warnings,
    }
}
