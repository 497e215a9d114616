//! 讲学授课 (issue 23): the case report's "组织党员干部、党校老师、技能专家、致富能手等深入站点讲学授课
//! 近10万人次" — a year's training sessions at the stations and the person-times they reached
//! (attendances, attendance.csv: a household at a session), by the kind of lecturer.
//!
//! A session is counted where it was held, at its station's village; its attendances with it,
//! wherever the households live.

use super::LecturerKind;
use crate::backbone::posting::row_of;
use crate::registry::RegionCode;
use std::collections::BTreeMap;

/// Sessions and person-times, per lecturer kind in `LecturerKind::ALL`'s order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lectures {
    pub sessions: [u64; 4],
    pub person_times: [u64; 4],
}

impl Lectures {
    fn slot(kind: LecturerKind) -> usize {
        LecturerKind::ALL
            .iter()
            .position(|&k| k == kind)
            .expect("every kind is listed")
    }

    pub fn add(&mut self, kind: LecturerKind, sessions: u64, person_times: u64) {
        let i = Lectures::slot(kind);
        self.sessions[i] += sessions;
        self.person_times[i] += person_times;
    }

    pub fn sessions_of(&self, kind: LecturerKind) -> u64 {
        self.sessions[Lectures::slot(kind)]
    }

    pub fn person_times_of(&self, kind: LecturerKind) -> u64 {
        self.person_times[Lectures::slot(kind)]
    }

    pub fn total_sessions(&self) -> u64 {
        self.sessions.iter().sum()
    }

    pub fn total_person_times(&self) -> u64 {
        self.person_times.iter().sum()
    }

    /// "sessions / person-times", as the reports print them.
    pub fn shown(&self) -> String {
        format!("{} / {}", self.total_sessions(), self.total_person_times())
    }
}

/// One village's sessions of a kind, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VillageLectures {
    pub village: RegionCode,
    pub kind: LecturerKind,
    pub sessions: u64,
    pub person_times: u64,
}

/// In all and per row region (`posting::row_of`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LectureReport {
    pub total: Lectures,
    pub by_region: BTreeMap<RegionCode, Lectures>,
}

impl LectureReport {
    pub fn of(rows: &[VillageLectures], root: Option<RegionCode>) -> LectureReport {
        let mut report = LectureReport::default();
        for r in rows {
            report.total.add(r.kind, r.sessions, r.person_times);
            (report.by_region.entry(row_of(r.village, root)).or_default()).add(
                r.kind,
                r.sessions,
                r.person_times,
            );
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_and_person_times_add_up_by_kind_and_region() {
        let code = |s: &str| RegionCode::parse(s).unwrap();
        let v = |c: &str, kind, sessions, person_times| VillageLectures {
            village: code(c),
            kind,
            sessions,
            person_times,
        };
        let rows = [
            v("341181100201", LecturerKind::Cadre, 2, 30),
            v("341181100202", LecturerKind::Cadre, 1, 5),
            v("341182100201", LecturerKind::Expert, 3, 40),
        ];
        let r = LectureReport::of(&rows, None);
        assert_eq!(r.total.total_sessions(), 6);
        assert_eq!(r.total.total_person_times(), 75);
        assert_eq!(r.total.person_times_of(LecturerKind::Cadre), 35);
        assert_eq!(
            r.by_region[&code("341182000000")].sessions_of(LecturerKind::Expert),
            3
        );
        let town = LectureReport::of(&rows[..2], Some(code("341181100000")));
        assert_eq!(town.by_region.len(), 2);
    }
}
