//! The bundle rows the asset register reads by name: projects (projects.csv) and a village's
//! collective income (collective_income.csv).

use crate::session::rows::{FromRow, Named};
use chrono::NaiveDate;
use xplus_core::collective::EquityModel;
use xplus_core::interchange::schema::{COLLECTIVE_INCOME, PROJECTS};
use xplus_core::interchange::FileSpec;
use xplus_core::registry::RegionCode;
use xplus_core::Fen;

/// Whether a project is run by a BOT enterprise, and the day its concession ends.
pub(in crate::records) struct Concession {
    pub enterprise: bool,
    pub end: Option<NaiveDate>,
}

impl FromRow for Concession {
    const SHAPE: &'static FileSpec = &PROJECTS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Concession {
            enterprise: r.text("bot_enterprise").is_some_and(|t| !t.is_empty()),
            end: r.date("concession_end"),
        })
    }
}

/// A project as the register shows it; rows without a project or village are skipped.
pub(in crate::records) struct ProjectRow {
    pub project_id: String,
    pub village: RegionCode,
    pub name: String,
    pub model: Option<EquityModel>,
    /// Share value × total shares.
    pub value: Fen,
    /// The BOT enterprise, when one is named.
    pub enterprise: Option<String>,
    pub concession_start: Option<NaiveDate>,
}

impl FromRow for ProjectRow {
    const SHAPE: &'static FileSpec = &PROJECTS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let village = r.region("village_code")?;
        let share_value = r.money("share_value").unwrap_or_default();
        let total = r.int("total_shares").unwrap_or(0);
        Some(ProjectRow {
            project_id: r.text("project_id")?.to_string(),
            village,
            name: r.string("name"),
            model: r.code("model").and_then(EquityModel::parse),
            value: Fen(share_value.0.saturating_mul(total)),
            enterprise: r
                .text("bot_enterprise")
                .filter(|t| !t.is_empty())
                .map(str::to_string),
            concession_start: r.date("concession_start"),
        })
    }
}

/// A village's operating income of a year; rows without either are skipped.
pub(in crate::records) struct IncomeRow {
    pub year: i32,
    pub income: Fen,
}

impl FromRow for IncomeRow {
    const SHAPE: &'static FileSpec = &COLLECTIVE_INCOME;

    fn from_row(r: Named<'_>) -> Option<Self> {
        let income = r.money("operating_income")?;
        Some(IncomeRow {
            year: r.int("year")? as i32,
            income,
        })
    }
}
