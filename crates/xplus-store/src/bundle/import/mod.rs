//! `xplus import`: a bundle is checked completely and written in one transaction — all of it,
//! or nothing when any row has an error (interchange.md, "Import semantics").
//!
//! Reading and checking run on a blocking thread and hand batches of good rows to the database
//! writer as they go, so parsing and writing overlap; a single error anywhere means the
//! transaction is rolled back at the end.

mod checks;
mod context;
mod decisions;
mod files;
mod history;
mod keys_only;
mod ledger_checks;
mod links;
mod modules;
mod party_building;
mod report;
mod written;

pub(crate) use written::check_rows;

use crate::bundle::source::{BundleSource, Encoding};
use crate::error::StoreError;
use crate::store::{Row, Store};
use context::{needed_from_database, Context, FROM_DB};
pub use report::{write_issues, FileRead, ImportProgress, ImportReport, ImportStage, Issue};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::mpsc;
use xplus_core::interchange::{cell, schema, FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_core::text;
use xplus_core::values::Date;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub encoding: Encoding,
    pub ignore_unknown_columns: bool,
    /// Birth dates and years after this day are errors.
    pub today: Date,
    /// Who imports, for the audit log (`cli:NAME`, or the signed-in user).
    pub actor: String,
    pub rules: RuleSet,
    /// Check everything and roll back even when the bundle is good (the web upload's
    /// validation step before the user confirms).
    pub dry_run: bool,
    /// The names its user gave the files of a web upload (kept in the import's audit entry, as
    /// the upload's own folder is a temporary one); None for a bundle read where it lies.
    pub uploaded_as: Option<String>,
}

/// Progress that goes nowhere (tests, piped output).
pub struct Quiet;

impl ImportProgress for Quiet {
    fn file(&self, _: &str) {}
    fn rows(&self, _: u64) {}
}

struct Batch {
    spec: &'static FileSpec,
    rows: Vec<Row>,
}

const BATCH_ROWS: usize = 2_000;

/// At most this many errors, and as many warnings, are kept for the report (the web page's
/// download, `--errors`); beyond it only the counts grow (`ImportReport::errors_total`).
pub const MAX_KEPT_ISSUES: usize = 100_000;

pub(crate) struct Validator {
    ctx: Context,
    rules: RuleSet,
    today: Date,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    /// All findings, kept or not: past `MAX_KEPT_ISSUES` only these counts grow.
    errors_total: u64,
    warnings_total: u64,
    /// Files whose header could not be read: references to them are not reported again.
    broken: HashSet<FileId>,
    file_names: HashMap<FileId, String>,
    region_rows: Vec<(u32, Vec<Value>)>,
    sender: Option<mpsc::Sender<Batch>>,
    batch: Vec<Row>,
    batch_spec: Option<&'static FileSpec>,
    /// Good rows when there is no writer to send them to (`check_rows`).
    kept: Vec<(&'static FileSpec, Row)>,
}

impl Validator {
    fn new(options: &ImportOptions) -> Validator {
        Validator {
            ctx: Context::default(),
            rules: options.rules.clone(),
            today: options.today,
            errors: Vec::new(),
            warnings: Vec::new(),
            errors_total: 0,
            warnings_total: 0,
            broken: HashSet::new(),
            file_names: HashMap::new(),
            region_rows: Vec::new(),
            sender: None,
            batch: Vec::new(),
            batch_spec: None,
            kept: Vec::new(),
        }
    }

    fn today_year(&self) -> i32 {
        use chrono::Datelike;
        self.today.year()
    }

    fn file_name(&self, spec: &FileSpec) -> String {
        self.file_names
            .get(&spec.id)
            .cloned()
            .unwrap_or_else(|| spec.file_name())
    }

    fn issue(
        &mut self,
        spec: &FileSpec,
        row: u32,
        column: &str,
        value: String,
        reason: String,
        error: bool,
    ) {
        // A message quotes the start of a long cell, never the whole of it (a 10 MB cell
        // would fill the page and the errors file).
        let short = |s: &str| text::excerpt(s, text::EXCERPT_CHARS).into_owned();
        let issue = Issue {
            file: self.file_name(spec),
            row,
            column: short(column),
            value: short(&value),
            reason,
        };
        self.keep(issue, error);
    }

    /// Keeps a finding, up to `MAX_KEPT_ISSUES` of each kind: a bundle with millions of bad
    /// rows must not hold them all in memory; the totals still count every one.
    fn keep(&mut self, issue: Issue, error: bool) {
        let (list, total) = if error {
            (&mut self.errors, &mut self.errors_total)
        } else {
            (&mut self.warnings, &mut self.warnings_total)
        };
        *total += 1;
        if list.len() < MAX_KEPT_ISSUES {
            list.push(issue);
        }
    }

    /// A finding about the cell in column `col` of a row, quoting its value.
    fn at(
        &mut self,
        spec: &FileSpec,
        row: u32,
        col: usize,
        value: &Value,
        reason: String,
        error: bool,
    ) {
        let column = &spec.columns[col];
        let text = cell::format(column, value, false);
        self.issue(spec, row, column.en, text, reason, error);
    }

    fn error_at(&mut self, spec: &FileSpec, row: u32, col: usize, value: &Value, reason: String) {
        self.at(spec, row, col, value, reason, true);
    }

    fn warning_at(&mut self, spec: &FileSpec, row: u32, col: usize, value: &Value, reason: String) {
        self.at(spec, row, col, value, reason, false);
    }

    /// Hands a good row to the writer, unless an error has already doomed the import (then
    /// there is no point writing more).
    fn queue(&mut self, spec: &'static FileSpec, values: Vec<Value>, county: Option<RegionCode>) {
        if !self.errors.is_empty() {
            return;
        }
        if self.batch_spec.is_some_and(|s| s.id != spec.id) {
            self.flush();
        }
        self.batch_spec = Some(spec);
        self.batch.push(Row { values, county });
        if self.batch.len() >= BATCH_ROWS {
            self.flush();
        }
    }

    fn flush(&mut self) {
        let Some(spec) = self.batch_spec else {
            return;
        };
        if self.batch.is_empty() || !self.errors.is_empty() {
            self.batch.clear();
            return;
        }
        let rows = std::mem::take(&mut self.batch);
        let Some(sender) = &self.sender else {
            self.kept.extend(rows.into_iter().map(|r| (spec, r)));
            return;
        };
        // The writer stops receiving only if its task is gone, and then the import fails anyway.
        let _ = sender.blocking_send(Batch { spec, rows });
    }

    /// Reads and checks every file of the bundle in dependency order, then the rules that span
    /// files. Runs on a blocking thread.
    fn run(
        &mut self,
        source: &BundleSource,
        options: &ImportOptions,
        progress: &dyn ImportProgress,
    ) -> Vec<FileRead> {
        let mut counts = Vec::new();
        progress.stage(ImportStage::Checking, source.files().len());
        for name in source.unknown() {
            let issue = Issue {
                file: name.clone(),
                row: 0,
                column: String::new(),
                value: String::new(),
                reason: "不是数据包中的文件（应为数据包格式中的文件，如 households.csv）/ not a file of the bundle format".into(),
            };
            self.keep(issue, true);
        }
        for file in source.files() {
            let spec = file.spec;
            let mut reader = match source.open_table(file) {
                Ok(r) => r,
                Err(e) => {
                    self.broken.insert(spec.id);
                    self.issue(spec, 0, "", String::new(), e.to_string(), true);
                    continue;
                }
            };
            self.file_names
                .insert(spec.id, reader.file_name().to_string());
            progress.file(reader.file_name());
            let Some(positions) =
                self.map_header(spec, reader.header(), options.ignore_unknown_columns)
            else {
                self.broken.insert(spec.id);
                continue;
            };
            let mut record = csv::StringRecord::new();
            let mut rows = 0u64;
            loop {
                let row = match reader.read(&mut record) {
                    Ok(Some(row)) => row,
                    Ok(None) => break,
                    Err(e) if e.row_problem().is_some() => {
                        // One bad row: report it where it is and read on, so that every error
                        // of the file is listed.
                        let (row, column) = e.row_problem().expect("checked");
                        self.issue(spec, row, column, String::new(), e.to_string(), true);
                        continue;
                    }
                    Err(e) => {
                        self.issue(spec, 0, "", String::new(), e.to_string(), true);
                        self.broken.insert(spec.id);
                        break;
                    }
                };
                rows += 1;
                if rows.is_multiple_of(10_000) {
                    progress.rows(rows);
                }
                if let Some(values) = self.parse_row(spec, row, &record, &positions) {
                    self.accept(spec, row, values);
                }
            }
            progress.rows(rows);
            tracing::info!(file = reader.file_name(), rows, "checked");
            if spec.id == FileId::Regions {
                self.finish_regions();
            }
            if spec.id == FileId::WeakOrganisations {
                self.check_relistings();
            }
            self.flush();
            self.ctx.finish_file(spec.id);
            counts.push(FileRead {
                name: reader.file_name().to_string(),
                rows,
                encoding: reader.encoding_used(),
            });
        }
        progress.stage(ImportStage::Finishing, 0);
        let members = self.check_members();
        self.check_pairings();
        self.check_shares();
        self.warn_incomes(&members);
        self.flush();
        tracing::info!(
            errors = self.errors.len(),
            warnings = self.warnings.len(),
            "cross-file rules checked"
        );
        counts
    }

    /// Maps the header to the file's columns: returns, per column, where it is in the row.
    fn map_header(
        &mut self,
        spec: &'static FileSpec,
        header: &[String],
        ignore_unknown: bool,
    ) -> Option<Vec<Option<usize>>> {
        let mut positions = vec![None; spec.columns.len()];
        let mut ok = true;
        for (pos, name) in header.iter().enumerate() {
            if name.trim().is_empty() {
                // Trailing empty header cells are dropped by the reader; one in the middle
                // would silently lose that column's data.
                if !ignore_unknown {
                    let letter = crate::bundle::source::column_letters(pos);
                    self.issue(
                        spec,
                        1,
                        &letter,
                        String::new(),
                        format!("第{letter}列没有列名 / column {letter} has no header"),
                        true,
                    );
                    ok = false;
                }
                continue;
            }
            match spec.find_header(name) {
                Some(i) if positions[i].is_some() => {
                    self.issue(
                        spec,
                        1,
                        name,
                        name.clone(),
                        "列名重复 / the column appears twice".into(),
                        true,
                    );
                    ok = false;
                }
                Some(i) => positions[i] = Some(pos),
                None if ignore_unknown => {}
                None => {
                    let known: Vec<&str> = spec.columns.iter().map(|c| c.en).collect();
                    self.issue(
                        spec,
                        1,
                        name,
                        name.clone(),
                        format!("未知的列（可用 --ignore-unknown-columns 忽略）；应为：{} / unknown column", known.join(", ")),
                        true,
                    );
                    ok = false;
                }
            }
        }
        for (i, column) in spec.columns.iter().enumerate() {
            if column.required && positions[i].is_none() {
                self.issue(
                    spec,
                    1,
                    column.en,
                    String::new(),
                    format!(
                        "缺少必需的列 {}（{}）/ the required column is missing",
                        column.en, column.zh
                    ),
                    true,
                );
                ok = false;
            }
        }
        ok.then_some(positions)
    }

    fn parse_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        record: &csv::StringRecord,
        positions: &[Option<usize>],
    ) -> Option<Vec<Value>> {
        let mut values = Vec::with_capacity(spec.columns.len());
        let mut ok = true;
        for (column, pos) in spec.columns.iter().zip(positions) {
            let raw = pos.and_then(|p| record.get(p)).unwrap_or("");
            match cell::parse(column, raw, self.today) {
                Ok(v) => values.push(v),
                Err(reason) => {
                    self.issue(spec, row, column.en, raw.to_string(), reason, true);
                    values.push(Value::Null);
                    ok = false;
                }
            }
        }
        if !ok {
            // Still register the key so that rows referring to it do not report it missing.
            self.register_key_only(spec, row, &values);
            return None;
        }
        Some(values)
    }
}

/// Imports a bundle (a folder of CSV files or one workbook) into `store`, all or nothing.
/// Bad input is not an `Err`: it comes back as the report's errors, with nothing written.
pub async fn import_bundle(
    store: &dyn Store,
    path: &Path,
    options: &ImportOptions,
    progress: Arc<dyn ImportProgress>,
) -> Result<ImportReport, StoreError> {
    let source = BundleSource::open(path, options.encoding)?;
    tracing::info!(bundle = %path.display(), files = source.files().len(), "import started");
    // The transaction comes first: it holds the database's write lock (SQLite) or the import
    // lock (PostgreSQL), so the stored rows read below cannot change before the bundle lands.
    let mut tx = store.begin_import(&options.actor).await?;
    let mut validator = Validator::new(options);
    if !store.is_empty().await? {
        progress.stage(ImportStage::Stored, 0);
        let present: Vec<FileId> = source.files().iter().map(|f| f.spec.id).collect();
        for id in needed_from_database(&present) {
            let spec = schema::spec(id);
            store
                .read_rows(spec, None, &mut |values| {
                    validator.accept(spec, FROM_DB, values.to_vec());
                    Ok(())
                })
                .await?;
        }
    }
    let (sender, mut receiver) = mpsc::channel::<Batch>(8);
    validator.sender = Some(sender);
    let options_owned = options.clone();
    let checker = tokio::task::spawn_blocking(move || {
        let counts = validator.run(&source, &options_owned, progress.as_ref());
        // Dropping the sender ends the writer's loop.
        validator.sender = None;
        let totals = (validator.errors_total, validator.warnings_total);
        (validator.errors, validator.warnings, counts, totals)
    });
    let mut write_error = None;
    while let Some(batch) = receiver.recv().await {
        if write_error.is_none() {
            if let Err(e) = tx.upsert(batch.spec, batch.rows).await {
                write_error = Some(e);
            }
        }
    }
    let (errors, warnings, files, (errors_total, warnings_total)) = checker
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?;
    let committed = errors.is_empty() && write_error.is_none() && !options.dry_run;
    tracing::info!(committed, "all rows written");
    if options.dry_run && write_error.is_none() {
        if let Err(e) = tx.rollback().await {
            tracing::info!(error = %e, "rolled back a checked bundle");
        }
    } else if committed {
        let rows: serde_json::Map<String, serde_json::Value> = files
            .iter()
            .map(|f| (f.name.clone(), serde_json::Value::from(f.rows)))
            .collect();
        let mut summary = serde_json::json!({ "rows": rows, "warnings": warnings.len() });
        if let Some(name) = &options.uploaded_as {
            summary["uploaded_as"] = serde_json::Value::from(name.as_str());
        }
        tx.audit(crate::audit::NewAudit {
            actor: options.actor.clone(),
            action: "import".into(),
            entity: "bundle".into(),
            record_key: path.display().to_string(),
            old_values: None,
            new_values: Some(summary.to_string()),
        })
        .await?;
        tx.commit().await?;
        let settings = |name: &str| {
            schema::find_file(name).is_some_and(|spec| spec.id == FileId::RuleSettings)
        };
        if files.iter().any(|f| settings(&f.name) && f.rows > 0) {
            // Committed already: a failure to mark is reported, and `report --verify` finds and
            // marks the counties whose figures the settings changed.
            if let Err(e) = crate::records::mark_all_for_refresh(store).await {
                tracing::warn!(error = %e, "imported rule settings; counties not marked for a refresh");
            }
        }
    } else if !errors.is_empty() {
        // Rows of a doomed import may have failed in the database too (a person listed twice
        // in one batch, say); the report of what is wrong with the bundle is what matters.
        if let Err(e) = tx.rollback().await {
            tracing::info!(error = %e, "rolled back a rejected import");
        }
    } else {
        let _ = tx.rollback().await;
        return Err(write_error.expect("not committed without errors means a write failed"));
    }
    tracing::info!("import finished");
    Ok(ImportReport {
        errors,
        warnings,
        errors_total,
        warnings_total,
        files,
        committed,
    })
}
