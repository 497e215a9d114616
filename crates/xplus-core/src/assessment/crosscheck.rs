//! 部门数据比对 (rules.md §12, departments.md): what a row of another department's list means
//! for a member of the registry. A finding is a fact to verify (核查) or a department warning
//! for §5 monitoring; it never changes a household by itself. The thresholds are rule settings
//! (`RuleSet::business_capital_min`, `medical_self_paid_min`); the boundaries are exact.

use crate::money::Fen;
use crate::registry::{HouseholdStatus, RegionCode};
use chrono::NaiveDate;

crate::labelled_enum! {
    /// What a department's row says about a member.
    pub enum Finding {
        Deceased = ("deceased", "死亡"),
        PublicPayroll = ("public_payroll", "财政供养"),
        Vehicle = ("vehicle", "机动车"),
        Business = ("business", "市场主体"),
        Property = ("property", "不动产"),
        MedicalBurden = ("medical_burden", "大额医疗自付"),
        Assistance = ("assistance", "兜底保障"),
    }
}

impl Finding {
    /// A department warning for §5 monitoring rather than a fact to verify.
    pub fn is_warning(self) -> bool {
        self == Finding::MedicalBurden
    }

    /// Shown on the household only (兜底保障 is help it has, not a doubt about it).
    pub fn is_note(self) -> bool {
        self == Finding::Assistance
    }
}

crate::labelled_enum! {
    pub enum VehicleKind {
        Car = ("car", "小型汽车"),
        Truck = ("truck", "货车"),
        Tractor = ("tractor", "拖拉机"),
        Motorcycle = ("motorcycle", "摩托车"),
    }
}

crate::labelled_enum! {
    pub enum BusinessRole {
        LegalRep = ("legal_rep", "法定代表人"),
        Shareholder = ("shareholder", "股东"),
    }
}

crate::labelled_enum! {
    pub enum PropertyKind {
        Residential = ("residential", "住宅"),
        Commercial = ("commercial", "商业"),
    }
}

crate::labelled_enum! {
    pub enum AssistanceProgram {
        Dibao = ("dibao", "低保"),
        Tekun = ("tekun", "特困供养"),
        Disability = ("disability", "残疾证"),
        EducationAid = ("education_aid", "教育资助"),
    }
}

/// Whether a household with this status at the day checked has its members checked: every
/// household of the registry but one removed from it (清退).
pub fn is_checked(status: HouseholdStatus) -> bool {
    status != HouseholdStatus::Removed
}

/// `deceased`: died on or before the day checked.
pub fn deceased(died_on: NaiveDate, as_of: NaiveDate) -> bool {
    died_on <= as_of
}

/// `public_payroll`: on the public payroll since a day on or before the day checked.
pub fn public_payroll(since: NaiveDate, as_of: NaiveDate) -> bool {
    since <= as_of
}

/// `vehicle`: a car or a truck registered by the day checked; tractors and motorcycles are
/// tools of a farm, never a sign of wealth.
pub fn vehicle(kind: VehicleKind, registered_on: NaiveDate, as_of: NaiveDate) -> bool {
    matches!(kind, VehicleKind::Car | VehicleKind::Truck) && registered_on <= as_of
}

/// `business`: a business registered by the day checked with at least `min` capital.
pub fn business(capital: Fen, registered_on: NaiveDate, as_of: NaiveDate, min: Fen) -> bool {
    registered_on <= as_of && capital >= min
}

/// `property`: registered by the day checked, and commercial or outside the household's county.
pub fn property(
    kind: PropertyKind,
    location: RegionCode,
    household_county: Option<RegionCode>,
    registered_on: NaiveDate,
    as_of: NaiveDate,
) -> bool {
    let elsewhere = location.county() != household_county;
    registered_on <= as_of && (kind == PropertyKind::Commercial || elsewhere)
}

/// `medical_burden`: the member's self-paid costs of the year add up to at least `min`.
pub fn medical_burden(self_paid_in_year: Fen, min: Fen) -> bool {
    self_paid_in_year >= min
}

/// `assistance`: 低保 or 特困供养 in force on the day checked.
pub fn assistance(
    program: AssistanceProgram,
    start: NaiveDate,
    end: Option<NaiveDate>,
    as_of: NaiveDate,
) -> bool {
    matches!(program, AssistanceProgram::Dibao | AssistanceProgram::Tekun)
        && start <= as_of
        && end.is_none_or(|e| e >= as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn each_boundary_is_exact() {
        let day = d("2016-12-31");
        assert!(deceased(day, day));
        assert!(!deceased(d("2017-01-01"), day));
        let min = Fen::from_yuan(100_000);
        assert!(!business(Fen(9_999_999), day, day, min));
        assert!(business(Fen(10_000_000), day, day, min));
        let self_paid = Fen::from_yuan(10_000);
        assert!(!medical_burden(Fen(999_999), self_paid));
        assert!(medical_burden(Fen(1_000_000), self_paid));
        assert!(vehicle(VehicleKind::Car, day, day));
        assert!(vehicle(VehicleKind::Truck, day, day));
        assert!(!vehicle(VehicleKind::Tractor, day, day));
        assert!(!vehicle(VehicleKind::Motorcycle, day, day));
        assert!(!vehicle(VehicleKind::Car, d("2017-01-01"), day));
    }

    #[test]
    fn property_counts_when_commercial_or_outside_the_county() {
        let day = d("2016-06-30");
        let county = RegionCode::parse("341181").unwrap();
        let inside = RegionCode::parse("341181100201").unwrap();
        let outside = RegionCode::parse("341102001001").unwrap();
        let p = |kind, at| property(kind, at, Some(county), day, day);
        assert!(!p(PropertyKind::Residential, inside));
        assert!(p(PropertyKind::Residential, outside));
        assert!(p(PropertyKind::Commercial, inside));
    }

    #[test]
    fn assistance_is_dibao_or_tekun_in_force() {
        let day = d("2016-06-30");
        let a = |p, s, e: Option<&str>| assistance(p, d(s), e.map(d), day);
        assert!(a(AssistanceProgram::Dibao, "2016-06-30", None));
        assert!(a(
            AssistanceProgram::Tekun,
            "2015-01-01",
            Some("2016-06-30")
        ));
        assert!(!a(
            AssistanceProgram::Dibao,
            "2015-01-01",
            Some("2016-06-29")
        ));
        assert!(!a(AssistanceProgram::Dibao, "2016-07-01", None));
        assert!(!a(AssistanceProgram::Disability, "2015-01-01", None));
        assert!(!a(AssistanceProgram::EducationAid, "2015-01-01", None));
    }

    #[test]
    fn only_removed_households_are_left_out() {
        for s in HouseholdStatus::ALL {
            assert_eq!(is_checked(*s), *s != HouseholdStatus::Removed);
        }
    }

    proptest! {
        /// A business counts exactly from the threshold, whatever it is set to.
        #[test]
        fn business_counts_from_its_threshold(capital in 0i64..100_000_000, min in 1i64..100_000_000) {
            let day = d("2016-01-01");
            prop_assert_eq!(business(Fen(capital), day, day, Fen(min)), capital >= min);
        }

        /// A death counts on the day checked and before, never after.
        #[test]
        fn a_death_counts_up_to_the_day_checked(offset in -1000i64..1000) {
            let day = d("2016-07-01");
            let died = day + chrono::Duration::days(offset);
            prop_assert_eq!(deceased(died, day), offset <= 0);
        }
    }
}
