//! 集体 against its targets (rules.md §9): the "123" number of the year, the year by which no
//! village is to be empty-shell, the strong-village share, and the empty-shell plan
//! (空壳村消除计划) — each planned village's standing at the end of the year.
//!
//! The targets are those in force for the region viewed (the account's own region, everywhere for
//! an administrator): its own settings, else the nearest region's above it, else the defaults —
//! the rule book's one lookup. A county is thus measured against its own numbers, never the
//! city's unless it has none.

use super::queries::plan::PLAN_PROGRESS;
use crate::error::StoreError;
use crate::records::shape::village_bounds;
use crate::store::Store;
use xplus_core::accounts::{Access, Scope};
use xplus_core::collective::economy::{plan_status, PlanStatus};
use xplus_core::registry::RegionCode;
use xplus_core::rules::{RuleBook, Target, YearRules};
use xplus_core::Fen;

/// The region whose targets a page shows: the account's own (a town's are its county's, a
/// village's its county's, by the book's lookup); None for an account that sees everywhere or
/// only its paired households, which gets the settings for everywhere and the defaults.
pub fn viewed_region(access: &Access) -> Option<RegionCode> {
    match access.scope() {
        Scope::Region(r) => Some(*r),
        Scope::Everywhere | Scope::PairedWith(_) => None,
    }
}

/// The rules of `year` in force for the region `access` views.
pub fn rules_for_view(book: &RuleBook, access: &Access, year: i32) -> YearRules {
    book.for_place(viewed_region(access), year)
}

/// A village of the empty-shell plan at the end of the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedVillage {
    pub code: RegionCode,
    pub name: String,
    pub planned_year: i32,
    pub measure: Option<String>,
    /// None when no income is recorded for the year.
    pub income: Option<Fen>,
    pub status: PlanStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectiveTargets {
    pub year: i32,
    /// The region viewed (None: everywhere).
    pub region: Option<RegionCode>,
    /// "123": fewer empty-shell villages than the year before required in the year.
    pub reduction: Option<Target>,
    /// "3年消灭空壳村": the year by whose end none is to be empty-shell.
    pub zero_year: Target,
    pub strong_bp: Target,
    pub strong_year: Target,
    /// The villages of the plan within reach, by code.
    pub planned: Vec<PlannedVillage>,
}

impl CollectiveTargets {
    pub fn count(&self, status: PlanStatus) -> u64 {
        self.planned.iter().filter(|v| v.status == status).count() as u64
    }

    /// The villages still empty-shell in or after their planned year.
    pub fn overdue(&self) -> impl Iterator<Item = &PlannedVillage> {
        self.planned
            .iter()
            .filter(|v| v.status == PlanStatus::Overdue)
    }
}

/// The targets of `year` for the region `access` views, and the plan's villages within reach,
/// each judged by its own county's §9 minimum (a county may set it).
pub async fn collective_targets(
    store: &dyn Store,
    access: &Access,
    book: &RuleBook,
    year: i32,
) -> Result<CollectiveTargets, StoreError> {
    let range = village_bounds(access);
    let rules = rules_for_view(book, access, year);
    let mut s = store.read_session().await?;
    let rows = PLAN_PROGRESS
        .fetch(
            &mut *s,
            &[
                crate::session::filter::Arg::Int(i64::from(year)),
                range[0].clone(),
                range[1].clone(),
            ],
        )
        .await?;
    let planned = rows
        .into_iter()
        .map(|r| {
            let own = book.for_place(r.code.county(), year).set;
            PlannedVillage {
                status: plan_status(r.income, r.planned_year, year, &own),
                code: r.code,
                name: r.name,
                planned_year: r.planned_year,
                measure: r.measure,
                income: r.income,
            }
        })
        .collect();
    let t = rules.set.targets;
    Ok(CollectiveTargets {
        year,
        region: viewed_region(access),
        reduction: rules.empty_shell_reduction,
        zero_year: t.empty_shell_zero_year,
        strong_bp: t.strong_villages_bp,
        strong_year: t.strong_villages_year,
        planned,
    })
}
