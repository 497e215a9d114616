//! The per-row checks of the module files (远教, 骨干, 集体): pairings, projects, share events and
//! loans. What spans rows (successors, capacity, ledgers, pledges) is checked in `checks.rs`.

use super::context::*;
use super::files::{date, int, text};
use super::Validator;
use xplus_core::collective::{funds, ShareEventKind};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::RegionCode;

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

    /// 社会资本入股: one row per project and investor; the shares are checked with the project's
    /// ledger once every row is in (`check_shares`).
    pub(super) fn investor_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let investor = text(values, 1).to_string();
        let parts = [refs[0].to_string(), investor.clone()];
        if !self.text_key(spec, row, values, &parts) {
            return false;
        }
        let key = (refs[0] as u32, investor);
        // A stored row never replaces the bundle's (stored rows are read first anyway).
        if row == FROM_DB
            && self
                .ctx
                .investors
                .get(&key)
                .is_some_and(|s| s.row != FROM_DB)
        {
            return true;
        }
        let seen = InvestorSeen {
            shares: values[4].as_int().unwrap_or(0),
            row,
        };
        self.ctx.investors.insert(key, seen);
        true
    }

    /// 多元投入: a fund is recorded at a county, town or village, and the collective project it
    /// names (if any) lies within that region (core `collective::funds`).
    pub(super) fn fund_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        if row != FROM_DB {
            let Some(region) = values[1].as_region() else {
                return false;
            };
            if let Some(reason) = funds::fund_region_problem(region) {
                self.error_at(spec, row, 1, &values[1], reason);
                return false;
            }
            let project = refs[6];
            if project != u64::MAX {
                let village = self.ctx.projects.info[project as usize].village;
                let problem = RegionCode::from_u64(village)
                    .ok()
                    .and_then(|v| funds::fund_project_problem(region, v));
                if let Some(reason) = problem {
                    self.error_at(spec, row, 6, &values[6], reason);
                    return false;
                }
            }
        }
        let parts = [text(values, 0).to_string()];
        self.text_key(spec, row, values, &parts)
    }
}

impl Validator {
    pub(super) fn attendee_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Value::Id(id) = values[2] else {
            return false;
        };
        let key = KeyPacker::new()
            .index(refs[0] as u32)
            .push_wide(id.digits17())
            .done();
        if !self.composite_key(spec, row, values, key) {
            return false;
        }
        if row != FROM_DB {
            // Whether the person belongs to the household is known once every member is read.
            self.ctx.attendees.push(Attendee {
                file: spec,
                col: 2,
                id: id.digits17(),
                household: refs[1] as u32,
                row,
                value: values[2].clone(),
            });
        }
        true
    }

    /// rules.md §7: only selected cadres (first secretaries, work-team members) are recalled,
    /// and a replacement is someone else.
    pub(super) fn recall_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(day) = date(values, 1) else {
            return false;
        };
        let cadre = refs[0] as u32;
        let key = KeyPacker::new().index(cadre).date(day).done();
        if !self.composite_key(spec, row, values, key) || row == FROM_DB {
            return true;
        }
        if let Some(role) = self.ctx.cadres.info[cadre as usize] {
            if !role.is_selected() {
                self.error_at(
                    spec,
                    row,
                    0,
                    &values[0],
                    format!(
                        "该干部角色为“{}”，只有选派第一书记和驻村工作队员可召回（结对帮扶规定）/ only selected cadres (first secretaries, work-team members) are recalled, not a {} — pairing rules",
                        role.label_zh(),
                        role.code()
                    ),
                );
                return false;
            }
        }
        if refs[3] != u64::MAX && refs[3] as u32 == cadre {
            self.error_at(
                spec,
                row,
                3,
                &values[3],
                "接替干部不能是被召回的干部本人 / the replacement must be another cadre".into(),
            );
            return false;
        }
        true
    }

    /// 选派干部驻村: one posting per cadre, village and start; only selected cadres are posted
    /// (core `backbone::posting::role_problem`).
    pub(super) fn posting_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let Some(start) = date(values, 2) else {
            return false;
        };
        let cadre = refs[0] as u32;
        let key = KeyPacker::new()
            .index(cadre)
            .region(refs[1])
            .date(start)
            .done();
        if !self.composite_key(spec, row, values, key) || !self.check_span(spec, row, values, 2, 3)
        {
            return false;
        }
        self.ctx.posted_cadres.insert(cadre);
        if row == FROM_DB {
            return true;
        }
        let role = self.ctx.cadres.info[cadre as usize];
        if let Some(reason) = role.and_then(xplus_core::backbone::posting::role_problem) {
            self.error_at(spec, row, 0, &values[0], reason);
            return false;
        }
        true
    }

    /// 村级带头人后备库: one row per member, a stay that does not end before it begins, and a
    /// promotion to a secretary of the same county whose term began on or after the day the
    /// member entered the pool (core `backbone::village_cadre`).
    pub(super) fn leader_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        if !self.check_span(spec, row, values, 5, 6) {
            return false;
        }
        if row != FROM_DB && refs[7] != u64::MAX {
            use xplus_core::backbone::village_cadre::{promotion_date_problem, promotion_problem};
            let secretary = &self.ctx.secretaries.info[refs[7] as usize];
            let village = RegionCode::from_u64(secretary.village).ok();
            let place =
                (values[1].as_region().zip(village)).and_then(|(p, s)| promotion_problem(p, s));
            let day = (date(values, 5).zip(secretary.start))
                .and_then(|(entered, start)| promotion_date_problem(entered, start));
            if let Some(reason) = place.or(day) {
                self.error_at(spec, row, 7, &values[7], reason);
                return false;
            }
        }
        let id = text(values, 0).to_string();
        self.entity(spec, row, values, |ctx| {
            let leaders = ctx.text_keys.entry(spec.id).or_default();
            leaders.insert(&id, (), row)
        })
    }

    /// Start-ups are those of graduate village officials (大学生村官).
    pub(super) fn startup_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let cadre = refs[1] as u32;
        let role = self.ctx.cadres.info[cadre as usize];
        let problem = role.and_then(|r| xplus_core::backbone::startup_role_problem(r, false));
        if let (Some(reason), true) = (problem, row != FROM_DB) {
            self.error_at(spec, row, 1, &values[1], reason);
            return false;
        }
        self.ctx.cadres_with_startups.insert(cadre);
        let id = text(values, 0).to_string();
        let info = StartInfo {
            village: refs[2],
            start: date(values, 7),
        };
        self.entity(spec, row, values, |ctx| ctx.startups.insert(&id, info, row))
    }

    /// 创业带动贫困户: one link per start-up and household; the household a registered poor one
    /// of the start-up's county in the year it joined, not before the start-up began (core
    /// `backbone::startup`); its end not before it joined.
    pub(super) fn startup_household_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        use xplus_core::backbone::startup::{county_problem, join_problem, poor_problem};
        let (startup, household) = (refs[0] as u32, refs[1] as u32);
        let key = KeyPacker::new().index(startup).index(household).done();
        if !self.composite_key(spec, row, values, key) || !self.check_span(spec, row, values, 2, 3)
        {
            return false;
        }
        let Some(joined) = date(values, 2).filter(|_| row != FROM_DB) else {
            return true;
        };
        let s = &self.ctx.startups.info[startup as usize];
        let h = &self.ctx.households.info[household as usize];
        // A start-up or household whose own row was refused is not judged again here.
        if s.village == 0 || h.identified_year == 0 {
            return true;
        }
        let code = |c: u64| RegionCode::from_u64(c).ok();
        let problems = [
            (code(h.village).zip(code(s.village)))
                .and_then(|(hv, sv)| county_problem(hv, sv))
                .map(|p| (1, p)),
            poor_problem(h.status, h.identified_year, h.exit_year, joined).map(|p| (1, p)),
            join_problem(s.start, joined).map(|p| (2, p)),
        ];
        let mut ok = true;
        for (col, reason) in problems.into_iter().flatten() {
            self.error_at(spec, row, col, &values[col], reason);
            ok = false;
        }
        ok
    }
}

impl Validator {
    /// A row naming a person of a household (a course attendee, a placement): keyed by `key`,
    /// and the person must be a member of that household (checked once all members are read).
    pub(super) fn member_row_of(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        household: u32,
        id_col: usize,
        key: KeyPacker,
    ) -> bool {
        let Value::Id(id) = values[id_col] else {
            return false;
        };
        if !self.composite_key(spec, row, values, key.push_wide(id.digits17()).done()) {
            return false;
        }
        if row != FROM_DB {
            self.ctx.attendees.push(Attendee {
                file: spec,
                col: id_col,
                id: id.digits17(),
                household,
                row,
                value: values[id_col].clone(),
            });
        }
        true
    }

    /// A file keyed by text columns (and references) rather than one id: `parts` joined.
    pub(super) fn text_key(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        parts: &[String],
    ) -> bool {
        let key = parts.join("\u{1f}");
        let entities = self.ctx.text_keys.entry(spec.id).or_default();
        match entities.insert(&key, (), row) {
            Insert::Duplicate(earlier) => {
                self.duplicate_row(spec, row, values, earlier);
                false
            }
            _ => true,
        }
    }
}
