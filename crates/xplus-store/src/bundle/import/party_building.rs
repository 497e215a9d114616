//! The checks of 基层党组织建设 (core `backbone::party_building`): a village listed as weak at
//! most once a year, its planned and rectified dates kept to the year listed (and the day judged
//! rectified not after today), and listed again only once its earlier listing was rectified;
//! one check of an item a year, dated within it.

use super::context::*;
use super::files::{date, int};
use super::Validator;
use xplus_core::backbone::party_building::{
    checked_problem, planned_problem, rectified_problem, relisting_problem, StandardItem,
};
use xplus_core::interchange::schema::WEAK_ORGANISATIONS;
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
        let year = int(values, 1) as i32;
        // A bundle row replaces the stored listing of its village and year; a refused row is
        // left out, so that its bad date is not reported twice.
        let seen = WeakSeen {
            village: refs[0],
            year,
            rectified: date(values, 6),
            row,
        };
        if row == FROM_DB {
            self.ctx.weak_listings.put(key, seen);
            return true;
        }
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
        if ok {
            self.ctx.weak_listings.put(key, seen);
        }
        ok
    }

    /// Once weak_organisations.csv is read: a village listed in a later year while an earlier
    /// listing is still open (stored listings that already disagree are left to stand). The
    /// error is put on the bundle's row — the later listing's, or the earlier one's when only
    /// that comes from the bundle.
    pub(super) fn check_relistings(&mut self) {
        let mut by_village: std::collections::BTreeMap<u64, Vec<&WeakSeen>> = Default::default();
        for l in &self.ctx.weak_listings.items {
            by_village.entry(l.village).or_default().push(l);
        }
        let mut findings = Vec::new();
        for listings in by_village.values_mut() {
            listings.sort_by_key(|l| l.year);
            for (i, earlier) in listings.iter().enumerate() {
                for later in &listings[i + 1..] {
                    let Some(reason) =
                        relisting_problem(earlier.year, earlier.rectified, later.year)
                    else {
                        continue;
                    };
                    let (row, col, value) = match (later.row, earlier.row) {
                        (FROM_DB, FROM_DB) => continue,
                        (FROM_DB, row) => {
                            let shown = earlier.rectified.map(xplus_core::values::format_date);
                            (row, 6, shown.unwrap_or_default())
                        }
                        (row, _) => (row, 1, later.year.to_string()),
                    };
                    findings.push((row, col, value, reason));
                }
            }
        }
        findings.sort();
        findings.dedup_by_key(|f| f.0);
        for (row, col, value, reason) in findings {
            let column = WEAK_ORGANISATIONS.columns[col].en;
            self.issue(&WEAK_ORGANISATIONS, row, column, value, reason, true);
        }
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
