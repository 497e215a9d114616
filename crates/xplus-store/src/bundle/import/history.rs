//! The per-row checks of the registry's history files (schema/history.rs): who joined or left a
//! household (member_changes.csv) and the corrections of a past year's income
//! (income_corrections.csv). A copy of history is taken as it is — the rules of
//! `registry::membership` and `registry::income` guard changes as they are made —, except that
//! nothing lies ahead of today and each person's latest change agrees with members.

use super::context::*;
use super::files::{date, int};
use super::Validator;
use xplus_core::interchange::schema::{MEMBERS, MEMBER_CHANGES};
use xplus_core::interchange::{FileId, FileSpec, Value};
use xplus_core::registry::IdNumber;

impl Validator {
    pub(super) fn history_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        household: u32,
    ) -> bool {
        if spec.id == FileId::IncomeCorrections {
            let key = KeyPacker::new()
                .index(household)
                .year(int(values, 1))
                .index(int(values, 2) as u32)
                .done();
            if row != FROM_DB && date(values, 7).is_some_and(|d| d > self.today) {
                self.error_at(spec, row, 7, &values[7], "日期晚于今天".into());
            }
            self.composite_key(spec, row, values, key)
        } else {
            let key = KeyPacker::new()
                .index(household)
                .index(int(values, 1) as u32)
                .done();
            if !self.composite_key(spec, row, values, key) {
                return false;
            }
            if let (Value::Id(id), Some(on)) = (&values[5], date(values, 3)) {
                self.ctx.member_changes.push(ChangeSeen {
                    id: id.digits17(),
                    household,
                    on,
                    seq: int(values, 1),
                    joined: values[2].as_code() == Some("joined"),
                    row,
                    value: values[2].clone(),
                });
            }
            // What happened and when it was written down cannot lie ahead (a copy of history
            // is otherwise taken as it is: the rule of registry::membership guards changes).
            let today = self.today;
            for i in [3, 16] {
                if row != FROM_DB && date(values, i).is_some_and(|d| d > today) {
                    self.error_at(spec, row, i, &values[i], "日期晚于今天".into());
                }
            }
            true
        }
    }

    /// The latest change of each person in a household agrees with members: one who left is not
    /// among its members, one who joined (and did not leave since) is. A copy of history keeps
    /// both files in step; a bundle that does not is refused rather than counted twice.
    pub(super) fn check_member_changes(&mut self, members: &[MemberEntry]) {
        let mut changes = std::mem::take(&mut self.ctx.member_changes);
        changes.sort_by_key(|c| (c.id, c.household, c.on, c.seq));
        let mut findings = Vec::new();
        for (i, c) in changes.iter().enumerate() {
            let latest = changes
                .get(i + 1)
                .is_none_or(|n| (n.id, n.household) != (c.id, c.household));
            if !latest {
                continue;
            }
            let member = members
                .binary_search_by_key(&c.id, |m| m.id)
                .ok()
                .map(|i| members[i])
                .filter(|m| m.household() == c.household);
            let id = self.ctx.households.ids[c.household as usize].to_string();
            match (c.joined, member) {
                (false, Some(m)) if c.row != FROM_DB => findings.push((
                    c.clone(),
                    None,
                    format!("此人已于 {} 从户 {id} 减少，但家庭成员中仍有此人", c.on),
                    m.row,
                )),
                (false, Some(m)) if m.row != FROM_DB => findings.push((
                    c.clone(),
                    Some(m.row),
                    format!(
                        "此人已于 {} 从户 {id} 减少（成员变动），不能再列为该户成员",
                        c.on
                    ),
                    m.row,
                )),
                (true, None) if c.row != FROM_DB => findings.push((
                    c.clone(),
                    None,
                    format!("此人于 {} 加入户 {id}，但家庭成员中没有此人", c.on),
                    0,
                )),
                _ => {}
            }
        }
        for (c, member_row, reason, _) in findings {
            let id = IdNumber::from_digits17(c.id)
                .map(|i| i.to_string())
                .unwrap_or_default();
            match member_row {
                Some(row) => self.issue(&MEMBERS, row, "id_number", id, reason, true),
                None => self.error_at(&MEMBER_CHANGES, c.row, 2, &c.value, reason),
            }
        }
        self.ctx.member_changes = changes;
    }
}
