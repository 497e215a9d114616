//! The per-row checks of the registry files (regions, villages, households, members, incomes)
//! and what every file shares: keys and references; the module files are in `modules.rs`. Rows
//! read back from the database pass through the same code (with row number `FROM_DB`) so that
//! the bundle is checked against everything already stored.

use super::context::*;
use super::Validator;
use xplus_core::interchange::{schema, CountyFrom, FileId, FileSpec, Value};
use xplus_core::registry::checks::{self, HouseholdFacts, HouseholdField};
use xplus_core::registry::member::is_doubtful_child_labour;
use xplus_core::registry::{HouseholdStatus, Labour, RegionCode, Relation, YearlyIncome};
use xplus_core::values::Date;

pub(super) fn text(values: &[Value], i: usize) -> &str {
    values[i].as_text().unwrap_or("")
}

pub(super) fn region(values: &[Value], i: usize) -> u64 {
    values[i].as_region().map(RegionCode::as_u64).unwrap_or(0)
}

pub(super) fn int(values: &[Value], i: usize) -> i64 {
    values[i].as_int().unwrap_or(0)
}

pub(super) fn date(values: &[Value], i: usize) -> Option<Date> {
    values[i].as_date()
}

impl Validator {
    /// Resolves the reference in column `i` to an index (text ids) or code (regions); reports
    /// it when it names nothing. `None` means the row cannot be checked further.
    fn resolve(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        i: usize,
    ) -> Option<u64> {
        let column = &spec.columns[i];
        let target = column.refers?;
        if values[i].is_null() {
            return Some(u64::MAX);
        }
        let ctx = &self.ctx;
        let found = match target {
            FileId::Regions => {
                let code = region(values, i);
                ctx.regions.contains_key(&code).then_some(code)
            }
            FileId::Villages => {
                let code = region(values, i);
                ctx.villages.contains_key(&code).then_some(code)
            }
            FileId::Households => ctx.households.get(text(values, i)).map(u64::from),
            FileId::Stations => ctx.stations.get(text(values, i)).map(u64::from),
            FileId::TrainingSessions => ctx.sessions.get(text(values, i)).map(u64::from),
            FileId::Units => ctx.units.get(text(values, i)).map(u64::from),
            FileId::Cadres => ctx.cadres.get(text(values, i)).map(u64::from),
            FileId::Projects => ctx.projects.get(text(values, i)).map(u64::from),
            FileId::Secretaries => ctx.secretaries.get(text(values, i)).map(u64::from),
            FileId::PartyOrgs => ctx.party_orgs.get(text(values, i)).map(u64::from),
            FileId::OvopProjects => ctx.ovops.get(text(values, i)).map(u64::from),
            FileId::LabourCourses => ctx.courses.get(text(values, i)).map(u64::from),
            FileId::Commissioners => ctx.commissioners.get(text(values, i)).map(u64::from),
            FileId::VillageCadres => ctx.village_cadres.get(text(values, i)).map(u64::from),
            FileId::Startups => ctx.startups.get(text(values, i)).map(u64::from),
            other => unreachable!("no column refers to {other:?}"),
        };
        if found.is_none() && row != FROM_DB && !self.broken.contains(&target) {
            let target_spec = schema::spec(target);
            self.error_at(
                spec,
                row,
                i,
                &values[i],
                format!(
                    "引用的{}不存在（本次导入和数据库中都没有）/ no such {} in the bundle or the database",
                    target_spec.zh, target_spec.name
                ),
            );
        }
        found
    }

    /// Resolves every reference of the row; None if any is missing.
    fn resolve_all(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
    ) -> Option<Vec<u64>> {
        let mut out = vec![0; spec.columns.len()];
        let mut ok = true;
        for (i, slot) in out.iter_mut().enumerate() {
            if spec.columns[i].refers.is_some() {
                match self.resolve(spec, row, values, i) {
                    Some(v) => *slot = v,
                    None => ok = false,
                }
            }
        }
        ok.then_some(out)
    }

    pub(super) fn duplicate_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        earlier: u32,
    ) {
        self.duplicate(spec, row, values, earlier)
    }

    fn duplicate(&mut self, spec: &'static FileSpec, row: u32, values: &[Value], earlier: u32) {
        let k = spec.key[0];
        self.error_at(
            spec,
            row,
            k,
            &values[k],
            format!("与第{earlier}行重复（同一键值）/ duplicates row {earlier} (same key)"),
        );
    }

    pub(super) fn composite_key(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        key: u128,
    ) -> bool {
        match self.ctx.keys(spec.id).insert(key, row) {
            Some(earlier) => {
                self.duplicate(spec, row, values, earlier);
                false
            }
            None => true,
        }
    }

    /// Checks one parsed row and, when it holds, queues it for writing (bundle rows) or just
    /// records it (database rows).
    pub(super) fn accept(&mut self, spec: &'static FileSpec, row: u32, values: Vec<Value>) {
        let errors_before = self.errors_total;
        // A region's parent may come later in the same file; parents are checked at its end.
        let refs = if spec.id == FileId::Regions {
            None
        } else {
            self.resolve_all(spec, row, &values)
        };
        let ok = match spec.id {
            FileId::Regions => self.region_row(spec, row, &values),
            FileId::Villages => self.village_row(spec, row, &values, refs.is_some()),
            FileId::Households => self.household_row(spec, row, &values, refs.is_some()),
            _ => match refs {
                Some(refs) => self.dependent_row(spec, row, &values, &refs),
                None => {
                    // Its key still exists for the rows that name it: one wrong reference
                    // should not make every later row report this record missing.
                    self.register_key_only(spec, row, &values);
                    false
                }
            },
        };
        if row == FROM_DB || !ok || self.errors_total > errors_before {
            return;
        }
        if spec.id == FileId::Regions {
            self.region_rows.push((row, values));
            return;
        }
        let county = self.county_of(spec, &values);
        self.queue(spec, values, county);
    }

    fn county_of(&self, spec: &'static FileSpec, values: &[Value]) -> Option<RegionCode> {
        match spec.county {
            CountyFrom::None => None,
            CountyFrom::Column(i) => values[i].as_region().and_then(RegionCode::county),
            CountyFrom::Household(i) => {
                let h = self.ctx.households.get(text(values, i))?;
                RegionCode::from_u64(self.ctx.households.info[h as usize].village)
                    .ok()
                    .and_then(RegionCode::county)
            }
            CountyFrom::Secretary(i) => {
                let s = self.ctx.secretaries.get(text(values, i))?;
                RegionCode::from_u64(self.ctx.secretaries.info[s as usize].village)
                    .ok()
                    .and_then(RegionCode::county)
            }
            CountyFrom::VillageCadre(i) => {
                let c = self.ctx.village_cadres.get(text(values, i))?;
                RegionCode::from_u64(self.ctx.village_cadres.info[c as usize])
                    .ok()
                    .and_then(RegionCode::county)
            }
        }
    }

    fn region_row(&mut self, spec: &'static FileSpec, row: u32, values: &[Value]) -> bool {
        let Some(code) = values[0].as_region() else {
            return false;
        };
        let level_col = values[2].as_code().unwrap_or("");
        if row != FROM_DB && level_col != code.level().code() {
            self.error_at(
                spec,
                row,
                2,
                &values[2],
                format!(
                    "级别与区划代码不符，代码 {code} 是{} / the level does not match the code ({})",
                    code.level().label_zh(),
                    code.level().code()
                ),
            );
            return false;
        }
        let info = RegionInfo {
            level: code.level(),
            row,
        };
        match self.ctx.regions.insert(code.as_u64(), info) {
            Some(old) if old.row != FROM_DB && row != FROM_DB => {
                let earlier = old.row;
                self.ctx.regions.insert(code.as_u64(), old);
                self.duplicate(spec, row, values, earlier);
                false
            }
            _ => true,
        }
    }

    fn village_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        region_known: bool,
    ) -> bool {
        let Some(code) = values[0].as_region() else {
            return false;
        };
        if region_known && row != FROM_DB {
            if let Some(r) = self.ctx.regions.get(&code.as_u64()) {
                if r.level != xplus_core::registry::Level::Village {
                    self.error_at(
                        spec,
                        row,
                        0,
                        &values[0],
                        "该区划不是村级 / this region is not a village".into(),
                    );
                    return false;
                }
            }
        }
        let exit_year = values[3].as_int();
        let poor = values[1].as_bool().unwrap_or(false);
        if let Some(&earlier) = self.ctx.village_rows.get(&code.as_u64()) {
            if earlier != FROM_DB && row != FROM_DB {
                self.duplicate(spec, row, values, earlier);
                return false;
            }
        }
        self.ctx.village_rows.insert(code.as_u64(), row);
        self.ctx
            .villages
            .insert(code.as_u64(), VillageInfo { poor, exit_year });
        region_known
    }

    fn household_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        village_ok: bool,
    ) -> bool {
        let id = text(values, 0).to_string();
        let village = region(values, 1);
        let status = values[3]
            .as_code()
            .and_then(HouseholdStatus::parse)
            .unwrap_or(HouseholdStatus::Poor);
        let exit_year = values[4].as_int().map(|y| y as i32);
        let info = HouseholdInfo {
            village,
            status,
            exit_year,
            identified_year: int(values, 2) as i32,
        };
        // A stored household may only move along the lifecycle (identified → exited → monitored
        // → returned …); an exited household that falls back is `returned`, not `poor` again.
        let stored_status = self
            .ctx
            .households
            .get(&id)
            .filter(|&i| self.ctx.households.row[i as usize] == FROM_DB && row != FROM_DB)
            .map(|i| self.ctx.households.info[i as usize].status);
        let index = match self.ctx.households.insert(&id, info, row) {
            Insert::Duplicate(earlier) => {
                self.duplicate(spec, row, values, earlier);
                return false;
            }
            Insert::New(i) | Insert::Update(i) => i,
        };
        if row == FROM_DB {
            return true;
        }
        self.ctx.touch(index);
        let facts = HouseholdFacts {
            status,
            identified_year: int(values, 2),
            exit_year: values[4].as_int(),
        };
        for (field, reason) in
            checks::check_household(stored_status, &facts, i64::from(self.today_year()))
        {
            let col = match field {
                HouseholdField::IdentifiedYear => 2,
                HouseholdField::Status => 3,
                HouseholdField::ExitYear => 4,
            };
            self.error_at(spec, row, col, &values[col], reason);
        }
        village_ok
    }

    fn dependent_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::Members => self.member_row(spec, row, values, idx(0)),
            FileId::Incomes => {
                let key = KeyPacker::new().index(idx(0)).year(int(values, 1)).done();
                if !self.composite_key(spec, row, values, key) {
                    return false;
                }
                if row != FROM_DB {
                    if let Some(reason) =
                        checks::income_year_problem(int(values, 1), i64::from(self.today_year()))
                    {
                        self.error_at(spec, row, 1, &values[1], reason);
                    }
                    let money = |i: usize| values[i].as_money().unwrap_or_default();
                    let net = YearlyIncome {
                        wage: money(2),
                        production: money(3),
                        property: money(4),
                        transfer: money(5),
                        production_cost: money(6),
                        medical_cost: None,
                    }
                    .net();
                    self.ctx.incomes.push(IncomeSeen {
                        household: idx(0),
                        year: int(values, 1) as i32,
                        net,
                        row,
                    });
                }
                true
            }
            FileId::MemberChanges | FileId::IncomeCorrections => {
                self.history_row(spec, row, values, idx(0))
            }
            FileId::CommissionerTrainings | FileId::JobFairs | FileId::VillageEnterprises => {
                let parts = [text(values, 0).to_string()];
                self.text_key(spec, row, values, &parts)
            }
            FileId::Regions | FileId::Villages | FileId::Households => {
                unreachable!("handled above")
            }

            FileId::Stations
            | FileId::StationCoverage
            | FileId::TrainingSessions
            | FileId::Attendance
            | FileId::StationChecks
            | FileId::AttendanceMembers
            | FileId::StationServices => self.education_row(spec, row, values, refs),
            FileId::CollectiveIncome
            | FileId::Statistics
            | FileId::EmptyShellPlan
            | FileId::Funds
            | FileId::ProjectInvestors
            | FileId::Projects
            | FileId::ShareEvents
            | FileId::Distributions
            | FileId::Loans
            | FileId::DividendPayments => self.collective_row(spec, row, values, refs),
            FileId::OvopProjects
            | FileId::OvopHouseholds
            | FileId::Guidance
            | FileId::HouseholdIndustries
            | FileId::LabourCourses
            | FileId::CourseAttendance
            | FileId::Commissioners
            | FileId::Placements
            | FileId::IndustryTargets => self.industry_row(spec, row, values, refs),
            FileId::CadreHouseholdPairings
            | FileId::Cadres
            | FileId::OrgHouseholds
            | FileId::PairingBindings
            | FileId::PartyOrgs
            | FileId::Recalls
            | FileId::Secretaries
            | FileId::SecretaryChecks
            | FileId::SecretaryDevelopment
            | FileId::Startups
            | FileId::UnitVillagePairings
            | FileId::Units
            | FileId::Visits
            | FileId::Postings
            | FileId::WeakOrganisations
            | FileId::StandardisationChecks
            | FileId::VillageCadres
            | FileId::VillageCadreDevelopment
            | FileId::LeaderPool
            | FileId::StartupHouseholds => self.backbone_row(spec, row, values, refs),
            FileId::RuleSettings
            | FileId::AssessmentOutcomes
            | FileId::ExitBatches
            | FileId::ExitBatchHouseholds
            | FileId::ExitObjections
            | FileId::ExitAttachments
            | FileId::ReviewCriteria
            | FileId::SecretaryReviews
            | FileId::Corrections
            | FileId::DepartmentFindings => self.decision_row(spec, row, values, refs),
            // Department files are never read as a bundle (`find_file` does not know them).
            FileId::Deaths
            | FileId::Payroll
            | FileId::Vehicles
            | FileId::Businesses
            | FileId::Properties
            | FileId::Medical
            | FileId::Assistance => unreachable!("{} is not a bundle file", spec.name),
        }
    }

    pub(super) fn entity(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        insert: impl FnOnce(&mut Context) -> Insert,
    ) -> bool {
        match insert(&mut self.ctx) {
            Insert::Duplicate(earlier) => {
                self.duplicate(spec, row, values, earlier);
                false
            }
            _ => true,
        }
    }

    fn member_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        household: u32,
    ) -> bool {
        let Value::Id(id) = values[1] else {
            return false;
        };
        let relation = values[3]
            .as_code()
            .and_then(Relation::parse)
            .unwrap_or(Relation::Other);
        // One person, one household is checked once all rows are in (see check_members).
        self.ctx
            .members
            .push(MemberEntry::new(id.digits17(), household, relation, row));
        if row != FROM_DB {
            let labour = values[5]
                .as_code()
                .and_then(Labour::parse)
                .unwrap_or(Labour::None);
            let age = id.age_in_year(self.today_year());
            if is_doubtful_child_labour(age, labour) {
                self.warning_at(
                    spec,
                    row,
                    5,
                    &values[5],
                    format!("{age}岁却有劳动能力（疑点，请核实）/ a {age}-year-old with labour capacity (doubtful, please check)"),
                );
            }
            self.ctx.touch(household);
            self.ctx.note_member_row(household, row);
        }
        true
    }
}
