//! rules.md §8 over each project's whole ledger at the end of an import: the households never
//! hold more than the project's total less its investors' shares (社会资本入股), blamed on the
//! bundle row that broke it.

use super::checks::Finding;
use super::context::*;
use super::Validator;
use std::collections::HashMap;
use xplus_core::collective::ledger;
use xplus_core::interchange::schema::{PROJECTS, PROJECT_INVESTORS, SHARE_EVENTS};

impl Validator {
    /// Per project with investors: the shares they hold together, and the latest bundle row of
    /// them with its shares (the row a new violation is blamed on).
    fn investors_by_project(&self) -> HashMap<u32, (i64, Option<(u32, i64)>)> {
        let mut out: HashMap<u32, (i64, Option<(u32, i64)>)> = HashMap::new();
        for ((project, _), seen) in &self.ctx.investors {
            let entry = out.entry(*project).or_default();
            entry.0 += seen.shares;
            if seen.row != FROM_DB && entry.1.is_none_or(|(row, _)| row < seen.row) {
                entry.1 = Some((seen.row, seen.shares));
            }
        }
        out
    }

    /// Each project's share ledger (rules.md §8) against its total less its investors' shares
    /// (社会资本入股), on the bundle row that broke it: a grant, else an investor, else the
    /// project's total.
    pub(super) fn ledger_findings(&self, by_project: &HashMap<u32, Vec<usize>>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        let investors = self.investors_by_project();
        let mut projects: Vec<u32> = by_project.keys().chain(investors.keys()).copied().collect();
        projects.sort_unstable();
        projects.dedup();
        let no_events = Vec::new();
        for project in projects {
            let idxs = by_project.get(&project).unwrap_or(&no_events);
            let events = self.ledger_events(idxs);
            let total = self.ctx.projects.info[project as usize].total_shares;
            let project_row = self.ctx.projects.row[project as usize];
            let (held_by_investors, investor_row) =
                investors.get(&project).copied().unwrap_or_default();
            let on_investor = |reason: String| {
                investor_row.map(|(row, shares)| {
                    let value = shares.to_string();
                    (&PROJECT_INVESTORS, row, "shares", value, reason)
                })
            };
            let on_project = |reason: String| {
                (project_row != FROM_DB).then(|| {
                    (
                        &PROJECTS,
                        project_row,
                        "total_shares",
                        total.to_string(),
                        reason,
                    )
                })
            };
            let households = match ledger::households_total(total, held_by_investors) {
                Ok(n) => n,
                Err(v) => {
                    let reason = v.describe();
                    findings.extend(on_investor(reason.clone()).or_else(|| on_project(reason)));
                    continue;
                }
            };
            for (k, violation) in ledger::check(households, &events) {
                let e = &self.ctx.events.items[idxs[k]];
                let reason = violation.describe();
                if let Some(b) = self.latest_bundle_event(idxs, e.date) {
                    findings.push((&SHARE_EVENTS, b.row, "shares", b.shares.to_string(), reason));
                    continue;
                }
                let beside = ledger::LedgerViolation::BeyondInvestors {
                    investors: held_by_investors,
                    total,
                }
                .describe();
                findings.extend(on_investor(beside).or_else(|| on_project(reason)));
            }
        }
        findings
    }
}
