//! The keys and cross-row rules of the files that hang off the registry, one function per link
//! of the chain (the registry's own files are in `files.rs`).

use super::context::*;
use super::files::{date, int, text};
use super::Validator;
use xplus_core::backbone::{CadreRole, DevelopmentKind};
use xplus_core::education::{StationCheckItem, StationService};
use xplus_core::interchange::{FileId, FileSpec, Value};

impl Validator {
    /// 远教: stations, their coverage, checks and services, training sessions and attendance.
    pub(super) fn education_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::Stations => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| {
                    ctx.stations.insert(&id, refs[1], row)
                })
            }
            FileId::StationCoverage => {
                let key = KeyPacker::new().index(idx(0)).region(refs[1]).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::TrainingSessions => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.sessions.insert(&id, (), row))
            }
            FileId::Attendance => {
                let key = KeyPacker::new().index(idx(0)).index(idx(1)).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::StationChecks => {
                let item = values[2].as_code().unwrap_or_default();
                let item = StationCheckItem::ALL
                    .iter()
                    .position(|i| i.code() == item)
                    .unwrap_or(0);
                let key = KeyPacker::new()
                    .index(idx(0))
                    .year(int(values, 1))
                    .index(item as u32)
                    .done();
                self.composite_key(spec, row, values, key)
            }
            FileId::AttendanceMembers => self.attendee_row(spec, row, values, refs),
            FileId::StationServices => {
                let Some(day) = date(values, 2) else {
                    return false;
                };
                let service = values[3].as_code().unwrap_or_default();
                let service = StationService::ALL
                    .iter()
                    .position(|s| s.code() == service)
                    .unwrap_or(0);
                let key = KeyPacker::new()
                    .index(idx(0))
                    .index(idx(1))
                    .date(day)
                    .index(service as u32)
                    .done();
                self.composite_key(spec, row, values, key)
            }
            _ => unreachable!("dispatched by dependent_row"),
        }
    }

    /// 骨干: units, cadres, pairings, visits, recalls, start-ups, secretaries, party organisations,
    /// postings and the households start-ups bring along, weak organisations and
    /// standardisation checks, village cadres and the pool of future leaders.
    pub(super) fn backbone_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::Units => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.units.insert(&id, (), row))
            }
            FileId::Cadres => {
                let id = text(values, 0).to_string();
                let role = values[3].as_code().and_then(CadreRole::parse);
                self.entity(spec, row, values, |ctx| ctx.cadres.insert(&id, role, row))
                    && self.cadre_role_kept(spec, row, values, &id, role)
            }
            FileId::UnitVillagePairings => self.unit_pairing_row(spec, row, values, refs),
            FileId::CadreHouseholdPairings => self.cadre_pairing_row(spec, row, values, refs),
            FileId::PairingBindings => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.bindings.insert(&id, (), row))
            }
            FileId::Visits => {
                let Some(day) = date(values, 2) else {
                    return false;
                };
                if let Value::Text(place) = &values[6] {
                    if let Err(reason) = xplus_core::backbone::visits::location(place) {
                        self.error_at(spec, row, 6, &values[6], reason);
                        return false;
                    }
                }
                let key = KeyPacker::new()
                    .index(idx(0))
                    .index(idx(1))
                    .date(day)
                    .done();
                self.composite_key(spec, row, values, key)
            }
            FileId::Recalls => self.recall_row(spec, row, values, refs),
            FileId::Postings => self.posting_row(spec, row, values, refs),
            FileId::Startups => self.startup_row(spec, row, values, refs),
            FileId::StartupHouseholds => self.startup_household_row(spec, row, values, refs),
            FileId::Secretaries => {
                if !self.check_span(spec, row, values, 3, 4) {
                    return false;
                }
                let id = text(values, 0).to_string();
                let info = StartInfo {
                    village: refs[1],
                    start: date(values, 3),
                };
                self.entity(spec, row, values, |ctx| {
                    ctx.secretaries.insert(&id, info, row)
                })
            }
            FileId::VillageCadres => {
                if !self.check_span(spec, row, values, 4, 5) {
                    return false;
                }
                let id = text(values, 0).to_string();
                let village = refs[1];
                self.entity(spec, row, values, |ctx| {
                    ctx.village_cadres.insert(&id, village, row)
                })
            }
            FileId::LeaderPool => self.leader_row(spec, row, values, refs),
            // A village cadre's development is checked as a secretary's: the same columns.
            FileId::SecretaryDevelopment | FileId::VillageCadreDevelopment => {
                let Some(start) = date(values, 2) else {
                    return false;
                };
                let kind = values[1].as_code().unwrap_or_default();
                let kind = DevelopmentKind::ALL
                    .iter()
                    .position(|k| k.code() == kind)
                    .unwrap_or(0);
                let key = KeyPacker::new()
                    .index(idx(0))
                    .index(kind as u32)
                    .date(start)
                    .done();
                self.composite_key(spec, row, values, key)
                    && self.check_span(spec, row, values, 2, 3)
            }
            FileId::SecretaryChecks => {
                let key = KeyPacker::new().index(idx(0)).year(int(values, 1)).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::PartyOrgs => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.party_orgs.insert(&id, (), row))
            }
            FileId::OrgHouseholds => {
                let Some(start) = date(values, 2) else {
                    return false;
                };
                let key = KeyPacker::new()
                    .index(idx(0))
                    .index(idx(1))
                    .date(start)
                    .done();
                self.composite_key(spec, row, values, key)
                    && self.check_span(spec, row, values, 2, 3)
            }
            FileId::WeakOrganisations => self.weak_organisation_row(spec, row, values, refs),
            FileId::StandardisationChecks => self.standard_check_row(spec, row, values, refs),
            _ => unreachable!("dispatched by dependent_row"),
        }
    }

    /// 集体: village income and statistics, the empty-shell plan, the funds, projects, their
    /// investors, shares, distributions, loans and dividends.
    pub(super) fn collective_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::CollectiveIncome | FileId::Statistics => {
                let key = KeyPacker::new().region(refs[0]).year(int(values, 1)).done();
                self.composite_key(spec, row, values, key)
            }
            // One plan per village (its planned year is checked by the column's range).
            FileId::EmptyShellPlan => {
                let key = KeyPacker::new().region(refs[0]).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::Funds => self.fund_row(spec, row, values, refs),
            FileId::ProjectInvestors => self.investor_row(spec, row, values, refs),
            FileId::Projects => self.project_row(spec, row, values, refs),
            FileId::ShareEvents => self.share_event_row(spec, row, values, refs),
            FileId::Distributions => {
                let key = KeyPacker::new().index(idx(0)).year(int(values, 1)).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::Loans => self.loan_row(spec, row, values, refs),
            FileId::DividendPayments => {
                let key = KeyPacker::new()
                    .index(idx(0))
                    .year(int(values, 1))
                    .index(idx(2))
                    .done();
                self.composite_key(spec, row, values, key)
            }
            _ => unreachable!("dispatched by dependent_row"),
        }
    }

    /// 产业: one-village-one-product projects, guidance, industries, courses, commissioners, placements.
    pub(super) fn industry_row(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        refs: &[u64],
    ) -> bool {
        let idx = |i: usize| refs[i] as u32;
        match spec.id {
            FileId::OvopProjects => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.ovops.insert(&id, (), row))
            }
            FileId::OvopHouseholds => {
                let key = KeyPacker::new().index(idx(0)).index(idx(1)).done();
                self.composite_key(spec, row, values, key)
            }
            FileId::Guidance => {
                let parts = [
                    refs[0].to_string(),
                    int(values, 1).to_string(),
                    text(values, 2).to_string(),
                ];
                self.text_key(spec, row, values, &parts)
            }
            FileId::HouseholdIndustries => {
                let parts = [
                    refs[0].to_string(),
                    int(values, 1).to_string(),
                    text(values, 3).to_string(),
                ];
                self.text_key(spec, row, values, &parts)
            }
            FileId::LabourCourses => {
                if !self.check_span(spec, row, values, 4, 5) {
                    return false;
                }
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| ctx.courses.insert(&id, (), row))
            }
            FileId::CourseAttendance => {
                let key = KeyPacker::new().index(idx(0));
                self.member_row_of(spec, row, values, idx(1), 2, key)
            }
            FileId::Commissioners => {
                let id = text(values, 0).to_string();
                self.entity(spec, row, values, |ctx| {
                    ctx.commissioners.insert(&id, (), row)
                })
            }
            FileId::Placements => {
                let Some(start) = date(values, 4) else {
                    return false;
                };
                let key = KeyPacker::new().date(start);
                self.member_row_of(spec, row, values, idx(0), 1, key)
            }
            // A household is chosen once a year (its year checked by the column's range).
            FileId::IndustryTargets => {
                let key = KeyPacker::new().index(idx(0)).year(int(values, 1)).done();
                self.composite_key(spec, row, values, key)
            }
            _ => unreachable!("dispatched by dependent_row"),
        }
    }

    /// A cadre's row from the bundle changing the role of a cadre with stored postings or
    /// start-ups: the role must still allow them.
    fn cadre_role_kept(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
        id: &str,
        role: Option<CadreRole>,
    ) -> bool {
        let (Some(role), Some(cadre), true) = (role, self.ctx.cadres.get(id), row != FROM_DB)
        else {
            return true;
        };
        let posted = self.ctx.posted_cadres.contains(&cadre);
        let problem = (posted)
            .then(|| xplus_core::backbone::posting::role_change_problem(role))
            .flatten()
            .or_else(|| {
                (self.ctx.cadres_with_startups.contains(&cadre))
                    .then(|| xplus_core::backbone::startup_role_problem(role, true))
                    .flatten()
            });
        match problem {
            Some(reason) => {
                self.error_at(spec, row, 3, &values[3], reason);
                false
            }
            None => true,
        }
    }
}
