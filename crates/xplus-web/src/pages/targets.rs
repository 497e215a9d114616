//! How a page shows a target (rules.md §9, "312", coverage): the number in force for the region
//! viewed, where it was set (the region's own setting, one above it, everywhere, or the default)
//! and its source, in the page's language.

use crate::i18n::Lang;
use xplus_core::rules::{Origin, Target};

/// A target as its page line shows it.
pub struct TargetShown {
    pub value: String,
    /// Where it was set: "默认" / "滁州市（341100000000）设置" …
    pub origin: String,
    pub source: String,
    /// Whether the actual figure meets it (None: not judged on this line).
    pub met: Option<bool>,
}

/// Where a target was set, in words.
pub fn origin_text(l: Lang, origin: Origin) -> String {
    origin.describe(l.is_en())
}

/// A basis-point share as a percentage with two decimals (core's one formatting).
pub fn percent(bp: i64) -> String {
    xplus_core::assessment::village::format_bp_percent(bp)
}

impl TargetShown {
    /// `t` with its value shown by `show` (a count, a year, a percentage).
    pub fn new(l: Lang, t: &Target, show: fn(i64) -> String, met: Option<bool>) -> TargetShown {
        TargetShown {
            value: show(t.value),
            origin: origin_text(l, t.origin),
            source: l.pick(&t.source),
            met,
        }
    }

    /// A count or a year as it is.
    pub fn plain(v: i64) -> String {
        v.to_string()
    }

    /// "达到" / "未达到" / "" for a line without a judgement.
    pub fn verdict(&self, l: &Lang) -> &'static str {
        match self.met {
            Some(true) => l.t("✓ 达到", "✓ met"),
            Some(false) => l.t("✗ 未达到", "✗ not met"),
            None => "",
        }
    }
}

/// Which coverage target a page compares with.
#[derive(Clone, Copy)]
pub enum Coverage {
    Industry,
    Training,
}

/// The coverage target of `year` in force for the region `access` views.
pub async fn coverage_target_in_force(
    state: &crate::state::AppState,
    access: &xplus_core::accounts::Access,
    which: Coverage,
    year: i32,
) -> Result<Target, xplus_store::StoreError> {
    let book = xplus_store::records::rule_book(state.store.as_ref()).await?;
    let targets = xplus_store::records::rules_for_view(&book, access, year)
        .set
        .targets;
    Ok(match which {
        Coverage::Industry => targets.industry_coverage_bp,
        Coverage::Training => targets.training_coverage_bp,
    })
}

/// The coverage target of `year` in force for the region `access` views, judged on `n` of `d`
/// households (core's exact comparison).
pub async fn coverage_target(
    state: &crate::state::AppState,
    access: &xplus_core::accounts::Access,
    l: Lang,
    which: Coverage,
    year: i32,
    (n, d): (u64, u64),
) -> Result<TargetShown, xplus_store::StoreError> {
    let t = coverage_target_in_force(state, access, which, year).await?;
    let met = (d > 0).then(|| t.share_met(n, d));
    Ok(TargetShown::new(l, &t, percent, met))
}

/// The coverage target as a workbook's 目标 sheet line (workbooks are Chinese first).
pub async fn coverage_target_row(
    state: &crate::state::AppState,
    access: &xplus_core::accounts::Access,
    which: Coverage,
    year: i32,
    covered: (u64, u64),
) -> Result<xplus_output::workbooks::TargetRow, xplus_store::StoreError> {
    let t = coverage_target_in_force(state, access, which, year).await?;
    let what = match which {
        Coverage::Industry => "产业就业覆盖率",
        Coverage::Training => "远教培训覆盖率",
    };
    Ok(xplus_output::workbooks::TargetRow::share(what, &t, covered))
}
