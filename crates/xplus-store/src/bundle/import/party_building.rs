//! The per-row checks of 基层党组织建设 (core `backbone::party_building`): a village listed as
//! weak at most once a year, its planned and rectified dates kept to the year listed (and the
//! day judged rectified not after today); one check of an item a year, dated within it.

use super::context::*;
use super::files::{date, int};
use super::Validator;
use xplus_core::backbone::party_building::{
    checked_problem, planned_problem, rectified_problem, StandardItem,
};
use xplus_core::interchange::{FileSpec, Value};

impl Validator {
    /// 软弱涣散村党组织: key village and year; the planned date (column 5) and the day judged
    /// rectified (column 6) against the year listed.
    pub(super) fn weak_organisation_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let key = KeyPacker::new().region(refs[0]).year(int(values, 1)).done();
        if !self.composite_key(spec, row, values, key) {
            return false;
        }
        if row == FROM_DB {
            return true;
        }
        let year = int(values, 1) as i32;
        let problems = [
            (5, date(values, 5).and_then(|d| planned_problem(year, d))),
            (
                6,
                date(values, 6).and_then(|d| rectified_problem(year, d, self.today)),
            ),
        ];
        let mut ok = true;
        for (col, problem) in problems {
            if let Some(reason) = problem {
                self.error_at(spec, row, col, &values[col], reason);
                ok = false;
            }
        }
        ok
    }

    /// 党组织标准化建设: key village, year and item; the check dated within its year.
    pub(super) fn standard_check_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let item = values[2].as_code().unwrap_or_default();
        let item = (StandardItem::ALL.iter())
            .position(|i| i.code() == item)
            .unwrap_or(0);
        let key = KeyPacker::new()
            .region(refs[0])
            .year(int(values, 1))
            .index(item as u32)
            .done();
        if !self.composite_key(spec, row, values, key) {
            return false;
        }
        if row == FROM_DB {
            return true;
        }
        let year = int(values, 1) as i32;
        if let Some(reason) = date(values, 4).and_then(|d| checked_problem(year, d)) {
            self.error_at(spec, row, 4, &values[4], reason);
            return false;
        }
        true
    }
}
