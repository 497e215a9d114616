//! `xplus correct --household H --year Y --status S [--exit-year N] --reason TEXT [--by NAME]`:
//! corrects what the applied assessment of a past year recorded for a household (book of
//! record). The year's figures change, `report --year Y` lists the correction, and the audit log
//! and corrections.csv keep who, when and why.

use crate::commands::{bad_input, open, Failure};
use crate::output::Output;
use std::process::ExitCode;
use xplus_core::accounts::{Access, Role};
use xplus_core::registry::HouseholdStatus;
use xplus_store::records::{self, OutcomeCorrection};

/// The correction as typed on the command line.
pub struct Typed<'a> {
    pub household: &'a str,
    pub year: i32,
    pub status: &'a str,
    pub exit_year: Option<i32>,
    pub reason: &'a str,
    pub by: Option<&'a str>,
}

pub async fn run(db: &str, out: &Output, typed: Typed<'_>) -> Result<ExitCode, Failure> {
    crate::commands::checked_year(typed.year)?;
    let status = HouseholdStatus::parse(typed.status).ok_or_else(|| {
        bad_input(vec![format!(
            "--status：“{}”不是户的状态（poor、exited、monitored、returned，或其中文名）/ not a household status",
            typed.status
        )])
    })?;
    // Who corrects: the name given, else the operating-system user (as `assess --apply`).
    let actor = crate::assess::Decided::new(typed.year, typed.by, None)?.actor;
    let store = open(db).await?;
    let today = chrono::Local::now().date_naive();
    // The command line holds the database itself: it acts as its administrator.
    let access = Access::of_account(&actor, Role::Admin, None, None);
    let correction = OutcomeCorrection {
        household_id: typed.household.trim().to_string(),
        year: typed.year,
        status,
        exit_year: typed.exit_year,
        reason: typed.reason.to_string(),
    };
    let note =
        records::correct_outcome(store.as_ref(), &access, &actor, &correction, today).await?;
    out.say(
        &format!(
            "已更正户 {} 的 {} 年度评估结果：{} → {}（第 {} 次更正，{}，{}）",
            note.household_id,
            note.year,
            note.recorded.status.label_zh(),
            note.corrected.status.label_zh(),
            note.seq,
            note.corrected_by,
            note.corrected_on
        ),
        &format!(
            "corrected the {} outcome of household {}: {} → {} (correction {}, {}, {})",
            note.year,
            note.household_id,
            note.recorded.status.code(),
            note.corrected.status.code(),
            note.seq,
            note.corrected_by,
            note.corrected_on
        ),
    );
    crate::commands::refresh_rollups(store.as_ref(), out).await?;
    Ok(ExitCode::SUCCESS)
}
