//! Rules that span rows and files, checked once the whole bundle has been read: parents of
//! regions, exactly one head per household, §7 (no household left without a helper, helper
//! capacity) and §8 (share ledgers, pledge-loan caps, pledged shares kept).

use super::context::*;
use super::Validator;
use chrono::Datelike;
use std::collections::HashMap;
use xplus_core::backbone::pairing::{self, Span};
use xplus_core::collective::{ledger, loan, ShareEventKind};
use xplus_core::interchange::schema::{
    self, CADRE_HOUSEHOLD_PAIRINGS, HOUSEHOLDS, LOANS, MEMBERS, PROJECTS, REGIONS, SHARE_EVENTS,
    UNIT_VILLAGE_PAIRINGS, VILLAGES,
};
use xplus_core::interchange::{FileSpec, Value};
use xplus_core::registry::checks;
use xplus_core::registry::{standing_at_end, IdNumber, RegionCode, Relation, Standing};
use xplus_core::values::Date;
use xplus_core::Fen;

/// A rule broken by a row: (file, row, column, value, reason).
pub(super) type Finding = (&'static FileSpec, u32, &'static str, String, String);

impl Validator {
    /// Regions may be listed in any order: parents are checked once the file is read, and the
    /// rows are written parents first.
    pub(super) fn finish_regions(&mut self) {
        let mut rows = std::mem::take(&mut self.region_rows);
        for (row, values) in &rows {
            let Some(code) = values[0].as_region() else {
                continue;
            };
            let parent = values[3].as_region();
            let reason = match (code.parent(), parent) {
                (None, None) => continue,
                (None, Some(_)) => "省级区划没有上级 / a province has no parent".to_string(),
                (Some(_), None) => "缺少上级区划代码 / the parent code is missing".to_string(),
                (Some(_), Some(p)) if !(code.is_within(p) && p.level() < code.level()) => format!(
                    "上级区划 {p} 不包含 {code} / {p} does not contain {code}"
                ),
                (Some(_), Some(p)) if !self.ctx.regions.contains_key(&p.as_u64()) => format!(
                    "上级区划 {p} 不存在（本次导入和数据库中都没有）/ no such parent region in the bundle or the database"
                ),
                _ => continue,
            };
            self.error_at(&REGIONS, *row, 3, &values[3], reason);
        }
        rows.sort_by_key(|(_, v)| v[0].as_region().map(|c| (c.level(), c)));
        for (_, values) in rows {
            self.queue(&REGIONS, values, None);
        }
    }

    /// One person, one household, and exactly one head per household the bundle touches; also
    /// the doubtful pairs of a head and spouse of the same sex. Returns member counts per
    /// household.
    pub(super) fn check_members(&mut self) -> Vec<u32> {
        let mut members = std::mem::take(&mut self.ctx.members);
        // Stored rows (row 0) sort before the bundle's rows of the same person.
        members.sort_unstable_by_key(|m| (m.id, m.row));
        let mut findings: Vec<(u32, u64, String)> = Vec::new();
        let mut kept = 0;
        let mut i = 0;
        while i < members.len() {
            let start = i;
            while i < members.len() && members[i].id == members[start].id {
                i += 1;
            }
            let group = &members[start..i];
            let stored = group.iter().find(|m| m.row == FROM_DB).copied();
            let mut from_bundle = group.iter().filter(|m| m.row != FROM_DB);
            let mut keep = stored;
            if let Some(first) = from_bundle.next().copied() {
                for later in from_bundle {
                    findings.push((
                        later.row,
                        later.id,
                        format!("同一人在本文件第{}行已出现（一人只能属于一户）/ the same person is already on row {} (one person, one household)", first.row, first.row),
                    ));
                }
                if let Some(s) = stored.filter(|s| s.household() != first.household()) {
                    let other = &self.ctx.households.ids[s.household() as usize];
                    findings.push((
                        first.row,
                        first.id,
                        checks::one_household_problem(Some(other.as_ref())),
                    ));
                }
                keep = Some(first);
            }
            if let Some(k) = keep {
                members[kept] = k;
                kept += 1;
            }
        }
        members.truncate(kept);
        findings.sort_by_key(|f| f.0);
        for (row, id, reason) in findings {
            let id = IdNumber::from_digits17(id)
                .map(|i| i.to_string())
                .unwrap_or_default();
            self.issue(&MEMBERS, row, "id_number", id, reason, true);
        }

        let n = self.ctx.households.len();
        let mut counts = vec![0u32; n];
        let mut heads = vec![0u8; n];
        let mut head_sex = vec![None; n];
        for m in &members {
            let h = m.household() as usize;
            counts[h] += 1;
            if m.relation() == Relation::Head {
                heads[h] = heads[h].saturating_add(1);
                head_sex[h] = IdNumber::from_digits17(m.id).map(|id| id.sex());
            }
        }
        let touched = std::mem::take(&mut self.ctx.touched);
        for (h, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
            let id = self.ctx.households.ids[h].to_string();
            let Some(reason) = checks::head_count_problem(&id, usize::from(heads[h])) else {
                continue;
            };
            let household_row = self.ctx.households.row[h];
            if household_row != FROM_DB {
                self.error_at(&HOUSEHOLDS, household_row, 0, &Value::Text(id), reason);
            } else {
                let row = self.ctx.first_member_row.get(h).copied().unwrap_or(0);
                self.issue(&MEMBERS, row, "relation", String::new(), reason, true);
            }
        }
        let mut doubtful = Vec::new();
        for m in &members {
            let h = m.household() as usize;
            if m.row == FROM_DB
                || m.relation() != Relation::Spouse
                || !touched.get(h).copied().unwrap_or(false)
            {
                continue;
            }
            let (Some(id), Some(head)) = (IdNumber::from_digits17(m.id), head_sex[h]) else {
                continue;
            };
            if id.sex() == head {
                doubtful.push((m.row, id));
            }
        }
        doubtful.sort_by_key(|(row, _)| *row);
        for (row, id) in doubtful {
            self.issue(
                &MEMBERS,
                row,
                "relation",
                id.to_string(),
                "户主与配偶性别相同（疑点，请核实）/ head and spouse of the same sex (doubtful, please check)".into(),
                false,
            );
        }
        self.check_attendees(&members);
        self.check_member_changes(&members);
        counts
    }

    /// A member named in attendance_members.csv belongs to the household named beside them.
    /// `members` is sorted by identity number, one entry per person.
    fn check_attendees(&mut self, members: &[MemberEntry]) {
        let attendees = std::mem::take(&mut self.ctx.attendees);
        // A person who left a household since (member_changes) is still the one an earlier
        // training or placement of that household names.
        let former: std::collections::HashSet<(u64, u32)> = (self.ctx.member_changes.iter())
            .map(|c| (c.id, c.household))
            .collect();
        for a in attendees {
            let found = members
                .binary_search_by_key(&a.id, |m| m.id)
                .ok()
                .map(|i| members[i].household());
            if found == Some(a.household) || former.contains(&(a.id, a.household)) {
                continue;
            }
            let id = self.ctx.households.ids[a.household as usize].to_string();
            let reason = match found {
                Some(other) => {
                    let other = &self.ctx.households.ids[other as usize];
                    format!("此人是户 {other} 的成员，不是户 {id} 的 / this person is a member of household {other}, not of {id}")
                }
                None => format!("此人不是户 {id} 的成员（家庭成员中没有）/ this person is not a member of household {id}"),
            };
            self.error_at(a.file, a.row, a.col, &a.value, reason);
        }
    }

    /// rules.md §7: no household that still needs help loses its last helper; no cadre has more
    /// households at once than the capacity allows.
    pub(super) fn check_pairings(&mut self) {
        let mut by_household: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut by_cadre: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, p) in self.ctx.pairings.items.iter().enumerate() {
            by_household.entry(p.household).or_default().push(i);
            by_cadre.entry(p.cadre).or_default().push(i);
        }
        let replaced = self.ctx.replaced_standings();
        let mut findings: Vec<(u32, &'static FileSpec, usize, String, String)> = Vec::new();
        for (household, idxs) in &by_household {
            let status = self.ctx.households.info[*household as usize].status;
            if !status.needs_helper() {
                continue;
            }
            let spans: Vec<Span> = idxs
                .iter()
                .map(|&i| Span {
                    start: self.ctx.pairings.items[i].start,
                    end: self.ctx.pairings.items[i].end,
                })
                .collect();
            let today = Standing {
                status,
                exit_year: self.ctx.households.info[*household as usize].exit_year,
            };
            let replaced = replaced.get(household).map(Vec::as_slice).unwrap_or(&[]);
            for k in pairing::ends_without_successor(&spans) {
                let p = &self.ctx.pairings.items[idxs[k]];
                if let Some(end) = p.end {
                    // Judged by what the household was in the year the helper left, not by what
                    // a later year made it: a copy of history is not a change.
                    let then = standing_at_end(today, replaced.iter().copied(), end.year());
                    if !pairing::end_is_bound(then.status, then.exit_year, end) {
                        continue;
                    }
                }
                let reason = format!(
                    "该户状态为“{}”，结束帮扶须有接任干部在次日前接续（结对帮扶规定：贫困户不脱贫、帮扶责任人不脱钩）/ a {} household may not be left without a helper; a successor must take over — pairing rules",
                    status.label_zh(),
                    status.code()
                );
                if p.row != FROM_DB {
                    let end = p
                        .end
                        .map(xplus_core::values::format_date)
                        .unwrap_or_default();
                    findings.push((p.row, &CADRE_HOUSEHOLD_PAIRINGS, 3, end, reason));
                } else {
                    let hrow = self.ctx.households.row[*household as usize];
                    if hrow != FROM_DB {
                        findings.push((hrow, &HOUSEHOLDS, 3, status.code().to_string(), reason));
                    }
                }
            }
        }
        let capacity = self.rules.helper_capacity.value as usize;
        for (cadre, idxs) in by_cadre {
            let items = &self.ctx.pairings.items;
            let spans: Vec<Span> = idxs
                .iter()
                .map(|&i| Span {
                    start: items[i].start,
                    end: items[i].end,
                })
                .collect();
            let blamed = pairing::over_capacity(
                &spans,
                capacity,
                |k| items[idxs[k]].row != FROM_DB,
                |k| items[idxs[k]].row,
            );
            for k in blamed {
                let id = self.ctx.cadres.ids[cadre as usize].to_string();
                findings.push((
                    items[idxs[k]].row,
                    &CADRE_HOUSEHOLD_PAIRINGS,
                    0,
                    id.clone(),
                    format!(
                        "干部 {id} 同时帮扶超过{capacity}户（结对帮扶规定）/ cadre {id} would help more than {capacity} households at once — pairing rules ({})",
                        self.rules.helper_capacity.source
                    ),
                ));
            }
        }
        for p in &self.ctx.unit_ends.items {
            let Some(village) = self.ctx.villages.get(&p.village) else {
                continue;
            };
            let exited_by_then = village
                .exit_year
                .is_some_and(|y| y <= i64::from(p.end.year()));
            if pairing::unit_may_end(village.poor, exited_by_then) {
                continue;
            }
            let reason = "贫困村未出列，帮扶单位不得撤出（结对帮扶规定：贫困村不出列、工作队不撤出）/ a unit may not leave a poor village before it exits — pairing rules".to_string();
            let village_row = self
                .ctx
                .village_rows
                .get(&p.village)
                .copied()
                .unwrap_or(FROM_DB);
            if p.row != FROM_DB {
                let end = xplus_core::values::format_date(p.end);
                findings.push((p.row, &UNIT_VILLAGE_PAIRINGS, 3, end, reason));
            } else if village_row != FROM_DB {
                let exit = village.exit_year.map(|y| y.to_string()).unwrap_or_default();
                findings.push((village_row, &VILLAGES, 3, exit, reason));
            }
        }
        findings.sort_by_key(|f| (f.1.id, f.0));
        findings.dedup_by(|a, b| a.0 == b.0 && a.1.id == b.1.id && a.2 == b.2 && a.4 == b.4);
        for (row, spec, col, value, reason) in findings {
            let column = spec.columns[col].en;
            self.issue(spec, row, column, value, reason, true);
        }
    }

    pub(super) fn ledger_events(&self, idxs: &[usize]) -> Vec<ledger::LedgerEvent> {
        idxs.iter()
            .map(|&i| {
                let e = &self.ctx.events.items[i];
                ledger::LedgerEvent {
                    household: e.household,
                    date: e.date,
                    kind: e.kind,
                    shares: e.shares,
                }
            })
            .collect()
    }

    /// The bundle's share event among `idxs` that is latest on or before `day`: the rows
    /// stored before kept the rules, so a new violation is the bundle's doing.
    pub(super) fn latest_bundle_event(&self, idxs: &[usize], day: Date) -> Option<&ShareEvent> {
        idxs.iter()
            .map(|&i| &self.ctx.events.items[i])
            .filter(|e| e.row != FROM_DB && e.date <= day)
            .max_by_key(|e| (e.date, e.row))
    }

    /// rules.md §8: every project's ledger, every loan's caps, and pledged shares kept until the
    /// loan is repaid. A violation is reported on the bundle row that brought it about.
    pub(super) fn check_shares(&mut self) {
        let mut by_project: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut by_holding: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
        for (i, e) in self.ctx.events.items.iter().enumerate() {
            by_project.entry(e.project).or_default().push(i);
            by_holding
                .entry((e.project, e.household))
                .or_default()
                .push(i);
        }
        let mut findings = self.ledger_findings(&by_project);
        let mut loans_by_holding: HashMap<(u32, u32), Vec<usize>> = HashMap::new();
        for l in 0..self.ctx.loans.len() {
            let info = &self.ctx.loans.info[l];
            loans_by_holding
                .entry((info.project, info.household))
                .or_default()
                .push(l);
        }
        let no_events = Vec::new();
        for (holding, loans) in &loans_by_holding {
            let idxs = by_holding.get(holding).unwrap_or(&no_events);
            let events = self.ledger_events(idxs);
            self.loan_findings(*holding, loans, idxs, &events, &mut findings);
            self.reclaim_findings(holding.1, loans, idxs, &events, &mut findings);
        }
        findings.sort_by_key(|f| (f.0.id, f.1));
        findings.dedup_by(|a, b| a.0.id == b.0.id && a.1 == b.1 && a.2 == b.2 && a.4 == b.4);
        for (spec, row, column, value, reason) in findings {
            self.issue(spec, row, column, value, reason, true);
        }
    }

    /// Whether loan `l` is unpaid on `day`.
    fn unpaid_on(&self, l: usize, day: Date) -> bool {
        let info = &self.ctx.loans.info[l];
        info.start <= day && info.repaid.is_none_or(|r| r > day)
    }

    /// The caps of each loan of a holding (project, household): the pledge covered on every day
    /// the loan is unpaid, the amount and the term.
    fn loan_findings(
        &self,
        (project, household): (u32, u32),
        loans: &[usize],
        idxs: &[usize],
        events: &[ledger::LedgerEvent],
        findings: &mut Vec<Finding>,
    ) {
        let unpaid_on = |l: usize, day: Date| self.unpaid_on(l, day);
        for &l in loans {
            let info = &self.ctx.loans.info[l];
            let row = self.ctx.loans.row[l];
            let project_row = self.ctx.projects.row[project as usize];
            // The pledge must be covered on every day the loan is unpaid: when it starts,
            // and whenever another loan of the holding starts while it runs (stored or
            // written now, earlier or later).
            let free_on = |day: Date| {
                let pledged_by_others: i64 = loans
                    .iter()
                    .filter(|&&o| o != l && unpaid_on(o, day))
                    .map(|&o| self.ctx.loans.info[o].pledged)
                    .sum();
                ledger::holding_on(events, household, day) - pledged_by_others
            };
            let shares_held = loans
                .iter()
                .map(|&o| self.ctx.loans.info[o].start)
                .filter(|&day| day == info.start || unpaid_on(l, day))
                .map(free_on)
                .min()
                .unwrap_or_else(|| free_on(info.start));
            let terms = loan::LoanTerms {
                pledged_shares: info.pledged,
                shares_held,
                share_value: self.ctx.projects.info[project as usize].share_value,
                amount: info.amount,
                term_months: info.term_months,
            };
            for v in loan::check(&terms, &self.rules) {
                let value = match v {
                    loan::LoanViolation::PledgeExceedsHolding { pledged, .. } => {
                        pledged.to_string()
                    }
                    loan::LoanViolation::AmountOverCap { .. } => info.amount.to_string(),
                    loan::LoanViolation::TermTooLong { .. } => info.term_months.to_string(),
                };
                if row != FROM_DB {
                    findings.push((&LOANS, row, v.column(), value, v.describe()));
                } else if let (loan::LoanViolation::AmountOverCap { .. }, true) =
                    (&v, project_row != FROM_DB)
                {
                    let share_value = self.ctx.projects.info[project as usize].share_value;
                    findings.push((
                        &PROJECTS,
                        project_row,
                        "share_value",
                        share_value.to_string(),
                        v.describe(),
                    ));
                } else if let Some(b) = self.latest_bundle_event(idxs, info.start) {
                    findings.push((
                        &SHARE_EVENTS,
                        b.row,
                        "shares",
                        b.shares.to_string(),
                        v.describe(),
                    ));
                }
            }
        }
    }

    /// After each reclaim, the unpaid loans' pledges must still be covered.
    fn reclaim_findings(
        &self,
        household: u32,
        loans: &[usize],
        idxs: &[usize],
        events: &[ledger::LedgerEvent],
        findings: &mut Vec<Finding>,
    ) {
        let unpaid_on = |l: usize, day: Date| self.unpaid_on(l, day);
        for &i in idxs {
            let e = &self.ctx.events.items[i];
            if e.kind != ShareEventKind::Reclaim {
                continue;
            }
            let pledged: i64 = loans
                .iter()
                .filter(|&&l| unpaid_on(l, e.date))
                .map(|&l| self.ctx.loans.info[l].pledged)
                .sum();
            if pledged == 0 || ledger::holding_on(events, household, e.date) >= pledged {
                continue;
            }
            let unpaid: Vec<String> = loans
                .iter()
                .filter(|&&l| unpaid_on(l, e.date))
                .map(|&l| self.ctx.loans.ids[l].to_string())
                .collect();
            let reason = format!(
                "这些股份已质押给未还清的贷款 {}，还清前不得收回 / the shares are pledged to unpaid loan {} and cannot be reclaimed before it is repaid — collective equity rules",
                unpaid.join("、"),
                unpaid.join(", ")
            );
            if e.row != FROM_DB {
                findings.push((&SHARE_EVENTS, e.row, "shares", e.shares.to_string(), reason));
            } else if let Some(&l) = loans
                .iter()
                .filter(|&&l| self.ctx.loans.row[l] != FROM_DB && unpaid_on(l, e.date))
                .max_by_key(|&&l| self.ctx.loans.row[l])
            {
                let info = &self.ctx.loans.info[l];
                findings.push((
                    &LOANS,
                    self.ctx.loans.row[l],
                    "pledged_shares",
                    info.pledged.to_string(),
                    reason,
                ));
            }
        }
    }

    /// A per-capita income more than ten times its village's median that year is doubtful.
    pub(super) fn warn_incomes(&mut self, members: &[u32]) {
        const FACTOR: i64 = 10;
        let mut by_village: HashMap<(u64, i32), Vec<(Fen, u32)>> = HashMap::new();
        for inc in &self.ctx.incomes {
            let n = members.get(inc.household as usize).copied().unwrap_or(0);
            if n == 0 {
                continue;
            }
            let village = self.ctx.households.info[inc.household as usize].village;
            by_village
                .entry((village, inc.year))
                .or_default()
                .push((inc.net.div_round(i64::from(n)), inc.row));
        }
        let mut doubtful = Vec::new();
        for ((village, year), mut list) in by_village {
            list.sort();
            let median = list[list.len() / 2].0;
            if median.0 <= 0 {
                continue;
            }
            for (per_capita, row) in list {
                if per_capita.0 > median.0 * FACTOR {
                    let village = RegionCode::from_u64(village)
                        .map(|c| c.to_string())
                        .unwrap_or_default();
                    doubtful.push((row, per_capita, median, village, year));
                }
            }
        }
        doubtful.sort_by_key(|d| d.0);
        for (row, per_capita, median, village, year) in doubtful {
            self.issue(
                &schema::INCOMES,
                row,
                "wage",
                per_capita.to_string(),
                format!("{year}年人均纯收入 {per_capita} 元，超过本村（{village}）中位数 {median} 元的{FACTOR}倍（疑点，请核实）/ per-capita income over {FACTOR}× the village median (doubtful, please check)"),
                false,
            );
        }
    }
}
