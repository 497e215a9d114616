//! A row with a bad cell still registers its key, so that rows referring to it are not
//! reported as missing on top of the real error.

use super::{context, Validator};
use xplus_core::interchange::{FileId, FileSpec, Value};
use xplus_core::registry::RegionCode;

impl Validator {
    /// For a row with a bad cell: remember its key (if that parsed) so later references to it
    /// are not reported as missing on top of the real error.
    pub(super) fn register_key_only(
        &mut self,
        spec: &'static FileSpec,
        row: u32,
        values: &[Value],
    ) {
        let key = &values[spec.key[0]];
        match (spec.id, key) {
            (FileId::Households, Value::Text(id)) => {
                let village = values[1].as_region().map(RegionCode::as_u64).unwrap_or(0);
                let info = context::HouseholdInfo {
                    village,
                    status: xplus_core::registry::HouseholdStatus::Removed,
                    exit_year: None,
                    identified_year: 0,
                };
                self.ctx.households.insert(id, info, row);
            }
            (FileId::Stations, Value::Text(id)) => {
                self.ctx.stations.insert(id, 0, row);
            }
            (FileId::TrainingSessions, Value::Text(id)) => {
                self.ctx.sessions.insert(id, (), row);
            }
            (FileId::Units, Value::Text(id)) => {
                self.ctx.units.insert(id, (), row);
            }
            (FileId::Cadres, Value::Text(id)) => {
                // Unknown role: the role checks of recalls and start-ups stay quiet.
                self.ctx.cadres.insert(id, None, row);
            }
            (FileId::Secretaries, Value::Text(id)) => {
                let village = values[1].as_region().map(RegionCode::as_u64).unwrap_or(0);
                let info = context::StartInfo {
                    village,
                    start: None,
                };
                self.ctx.secretaries.insert(id, info, row);
            }
            (FileId::Startups, Value::Text(id)) => {
                let info = context::StartInfo {
                    village: 0,
                    start: None,
                };
                self.ctx.startups.insert(id, info, row);
            }
            (FileId::PartyOrgs, Value::Text(id)) => {
                self.ctx.party_orgs.insert(id, (), row);
            }
            (FileId::VillageCadres, Value::Text(id)) => {
                let village = values[1].as_region().map(RegionCode::as_u64).unwrap_or(0);
                self.ctx.village_cadres.insert(id, village, row);
            }
            (FileId::OvopProjects, Value::Text(id)) => {
                self.ctx.ovops.insert(id, (), row);
            }
            (FileId::LabourCourses, Value::Text(id)) => {
                self.ctx.courses.insert(id, (), row);
            }
            (FileId::Commissioners, Value::Text(id)) => {
                self.ctx.commissioners.insert(id, (), row);
            }
            (FileId::Projects, Value::Text(id)) => {
                let info = context::ProjectInfo {
                    village: 0,
                    share_value: Default::default(),
                    total_shares: i64::MAX,
                };
                self.ctx.projects.insert(id, info, row);
            }
            (FileId::Regions, Value::Region(code)) => {
                self.ctx.regions.insert(
                    code.as_u64(),
                    context::RegionInfo {
                        level: code.level(),
                        row,
                    },
                );
            }
            (FileId::Villages, Value::Region(code)) => {
                self.ctx.villages.insert(
                    code.as_u64(),
                    context::VillageInfo {
                        poor: false,
                        exit_year: None,
                    },
                );
            }
            _ => {}
        }
    }
}
