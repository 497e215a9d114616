//! The per-row checks of the module files (远教, 骨干, 集体): pairings, projects, share events and
//! loans. What spans rows (successors, capacity, ledgers, pledges) is checked in `checks.rs`.

use super::context::*;
use super::files::{date, int, text};
use super::Validator;
use xplus_core::collective::ShareEventKind;
use xplus_core::interchange::{FileSpec, Value};

impl Validator {
    pub(super) fn check_span(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        start: usize,
        end: usize,
    ) -> bool {
        if let (Some(s), Some(e)) = (date(values, start), date(values, end)) {
            if e < s && row != FROM_DB {
                self.error_at(
                    spec,
                    row,
                    end,
                    &values[end],
                    "结束日期早于开始日期 / ends before it starts".into(),
                );
                return false;
            }
        }
        true
    }

    pub(super) fn unit_pairing_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(start) = date(values, 2) else {
            return false;
        };
        let key = KeyPacker::new()
            .index(refs[0] as u32)
            .region(refs[1])
            .date(start)
            .done();
        if !self.composite_key(spec, row, values, key) || !self.check_span(spec, row, values, 2, 3)
        {
            return false;
        }
        if let Some(end) = date(values, 3) {
            // Checked once every village is known (a bundle may change a village's exit).
            let pairing = UnitPairingEnd {
                village: refs[1],
                end,
                row,
            };
            self.ctx.unit_ends.put(key, pairing);
        }
        true
    }

    pub(super) fn cadre_pairing_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(start) = date(values, 2) else {
            return false;
        };
        let (cadre, household) = (refs[0] as u32, refs[1] as u32);
        let key = KeyPacker::new()
            .index(cadre)
            .index(household)
            .date(start)
            .done();
        if !self.composite_key(spec, row, values, key) || !self.check_span(spec, row, values, 2, 3)
        {
            return false;
        }
        let pairing = Pairing {
            cadre,
            household,
            start,
            end: date(values, 3),
            row,
        };
        self.ctx.pairings.put(key, pairing);
        true
    }

    pub(super) fn project_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        if row != FROM_DB {
            let bot = [7, 8, 9].map(|i| !values[i].is_null());
            if bot.iter().any(|&b| b) && !bot.iter().all(|&b| b) {
                let missing = [7, 8, 9]
                    .into_iter()
                    .find(|&i| values[i].is_null())
                    .unwrap_or(7);
                self.error_at(
                    spec,
                    row,
                    missing,
                    &values[missing],
                    "BOT项目须同时填写企业、特许经营开始和结束日期 / a BOT project needs its enterprise, start and end".into(),
                );
                return false;
            }
            if !self.check_span(spec, row, values, 8, 9) {
                return false;
            }
        }
        let info = ProjectInfo {
            village: refs[1],
            share_value: values[4].as_money().unwrap_or_default(),
            total_shares: int(values, 6),
        };
        let id = text(values, 0).to_string();
        self.entity(spec, row, values, |ctx| ctx.projects.insert(&id, info, row))
    }

    pub(super) fn share_event_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(day) = date(values, 2) else {
            return false;
        };
        let kind = values[3]
            .as_code()
            .and_then(ShareEventKind::parse)
            .unwrap_or(ShareEventKind::Grant);
        let (project, household) = (refs[0] as u32, refs[1] as u32);
        let key = KeyPacker::new()
            .index(project)
            .index(household)
            .date(day)
            .flag(kind == ShareEventKind::Grant)
            .done();
        if !self.composite_key(spec, row, values, key) {
            return false;
        }
        if row != FROM_DB {
            let project_village = self.ctx.projects.info[project as usize].village;
            let household_village = self.ctx.households.info[household as usize].village;
            if project_village != household_village {
                self.warning_at(
                    spec,
                    row,
                    1,
                    &values[1],
                    "该户不在项目所在村 / the household is not in the project's village".into(),
                );
            }
        }
        let event = ShareEvent {
            project,
            household,
            date: day,
            kind,
            shares: int(values, 4),
            row,
        };
        self.ctx.events.put(key, event);
        true
    }

    pub(super) fn loan_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(start) = date(values, 5) else {
            return false;
        };
        if let Some(repaid) = date(values, 7) {
            if repaid < start && row != FROM_DB {
                self.error_at(
                    spec,
                    row,
                    7,
                    &values[7],
                    "还清日期早于贷款日期 / repaid before the loan started".into(),
                );
                return false;
            }
        }
        let info = LoanInfo {
            household: refs[1] as u32,
            project: refs[2] as u32,
            pledged: int(values, 3),
            amount: values[4].as_money().unwrap_or_default(),
            start,
            term_months: int(values, 6),
            repaid: date(values, 7),
        };
        let id = text(values, 0).to_string();
        self.entity(spec, row, values, |ctx| ctx.loans.insert(&id, info, row))
    }
}
