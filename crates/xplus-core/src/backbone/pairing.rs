//! rules.md §7: 贫困户不脱贫、帮扶责任人不脱钩 — a household that still needs help is never left
//! without a helper.

use crate::registry::HouseholdStatus;
use crate::values::Date;
use chrono::Datelike;

/// One pairing's period. `end` is the last day it is active (§6: active on d when start ≤ d and
/// end is empty or ≥ d).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: Date,
    pub end: Option<Date>,
}

impl Span {
    pub fn is_active_on(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|e| e >= day)
    }
}

/// For the pairings of one household that still needs a helper (poor, returned or monitored),
/// the indices of those whose end leaves it uncovered: no other pairing is active on the day
/// after the end. A successor who takes over on the end day, or the next day, keeps it covered.
pub fn ends_without_successor(spans: &[Span]) -> Vec<usize> {
    spans
        .iter()
        .enumerate()
        .filter_map(|(i, span)| {
            let end = span.end?;
            let next_day = end.succ_opt()?;
            let covered = spans
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.is_active_on(next_day));
            (!covered).then_some(i)
        })
        .collect()
}

/// Whether an end of a pairing on `end` is bound by §7: the household still needs help
/// (poor, returned, monitored) and had not already exited before the year of the end — a
/// helper who left after the household's exit year left lawfully (§7 binds exited households
/// only where a county extends it, rules.md §5).
pub fn end_is_bound(status: HouseholdStatus, exit_year: Option<i32>, end: Date) -> bool {
    status.needs_helper() && exit_year.is_none_or(|exited| end.year() <= exited)
}

/// §7 capacity: one cadre's pairings, swept by start date; each time more than `capacity` are
/// active at once, the pairing blamed for it — among those active then and `blamable`, the one
/// with the greatest `(start, rank)` — and it is set aside so that one overload is reported
/// once. Stored pairings are not blamable: they kept the rule when they were written.
pub fn over_capacity(
    spans: &[Span],
    capacity: usize,
    blamable: impl Fn(usize) -> bool,
    rank: impl Fn(usize) -> u32,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| spans[i].start);
    let mut active: Vec<usize> = Vec::new();
    let mut blamed = Vec::new();
    for i in order {
        let start = spans[i].start;
        active.retain(|&j| spans[j].end.is_none_or(|end| end >= start));
        active.push(i);
        if active.len() <= capacity {
            continue;
        }
        if let Some(culprit) = active
            .iter()
            .copied()
            .filter(|&j| blamable(j))
            .max_by_key(|&j| (spans[j].start, rank(j)))
        {
            blamed.push(culprit);
            active.retain(|&j| j != culprit);
        }
    }
    blamed
}

crate::labelled_enum! {
    /// rules.md §7: how units and a village are paired (derived, never entered).
    pub enum PairingForm {
        OneToOne = ("1+1", "一个单位包一个村"),
        OneToMany = ("1+X", "一个单位包多个村"),
        ManyToOne = ("X+1", "多个单位包一个村"),
    }
}

/// The form of a village's pairing: several units on the village make it X+1; otherwise its one
/// unit's number of villages decides between 1+X and 1+1. None when no unit is paired.
pub fn form(units_on_village: usize, villages_of_unit: usize) -> Option<PairingForm> {
    match (units_on_village, villages_of_unit) {
        (0, _) => None,
        (1, v) if v > 1 => Some(PairingForm::OneToMany),
        (1, _) => Some(PairingForm::OneToOne),
        _ => Some(PairingForm::ManyToOne),
    }
}

/// §7 unit pairings: a unit or work team may not leave a poor village before it exits.
pub fn unit_may_end(village_is_poor: bool, village_exited: bool) -> bool {
    !village_is_poor || village_exited
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        crate::values::parse_date(s).unwrap()
    }

    fn span(start: &str, end: Option<&str>) -> Span {
        Span {
            start: d(start),
            end: end.map(d),
        }
    }

    #[test]
    fn an_end_needs_a_successor() {
        assert_eq!(
            ends_without_successor(&[span("2016-01-01", Some("2016-06-30"))]),
            vec![0]
        );
        // Successor from the next day or the same day: covered.
        let handed_over = [
            span("2016-01-01", Some("2016-06-30")),
            span("2016-07-01", None),
        ];
        assert!(ends_without_successor(&handed_over).is_empty());
        let same_day = [
            span("2016-01-01", Some("2016-06-30")),
            span("2016-06-30", None),
        ];
        assert!(ends_without_successor(&same_day).is_empty());
        // A gap of one day is not covered.
        let gap = [
            span("2016-01-01", Some("2016-06-30")),
            span("2016-07-02", None),
        ];
        assert_eq!(ends_without_successor(&gap), vec![0]);
        // A successor who also leaves must in turn be followed.
        let chain = [
            span("2016-01-01", Some("2016-06-30")),
            span("2016-07-01", Some("2016-12-31")),
        ];
        assert_eq!(ends_without_successor(&chain), vec![1]);
        assert!(ends_without_successor(&[span("2016-01-01", None)]).is_empty());
        assert!(ends_without_successor(&[]).is_empty());
    }

    #[test]
    fn capacity_blames_the_pairing_that_overloads() {
        let open = |start: &str| span(start, None);
        let five: Vec<Span> = (1..=5).map(|m| open(&format!("2016-0{m}-01"))).collect();
        assert!(over_capacity(&five, 5, |_| true, |i| i as u32).is_empty());
        let mut six = five.clone();
        six.push(open("2016-06-01"));
        assert_eq!(over_capacity(&six, 5, |_| true, |i| i as u32), vec![5]);
        // Stored pairings are not blamed: the new one is, even if it started earlier.
        let mut early = five.clone();
        early.insert(0, open("2015-12-01"));
        assert_eq!(over_capacity(&early, 5, |i| i == 0, |i| i as u32), vec![0]);
        // One that ended the day before the sixth starts frees its place.
        let mut freed = five.clone();
        freed[0] = span("2016-01-01", Some("2016-05-31"));
        freed.push(open("2016-06-01"));
        assert!(over_capacity(&freed, 5, |_| true, |i| i as u32).is_empty());
        // Ending on the day the sixth starts still overlaps it.
        freed[0] = span("2016-01-01", Some("2016-06-01"));
        assert_eq!(over_capacity(&freed, 5, |_| true, |i| i as u32), vec![5]);
    }

    #[test]
    fn an_end_is_bound_while_the_household_needs_help() {
        let end = d("2016-06-30");
        assert!(end_is_bound(HouseholdStatus::Poor, None, end));
        assert!(end_is_bound(HouseholdStatus::Monitored, Some(2016), end));
        assert!(!end_is_bound(HouseholdStatus::Monitored, Some(2015), end));
        assert!(!end_is_bound(HouseholdStatus::Exited, Some(2016), end));
        assert!(!end_is_bound(HouseholdStatus::Removed, None, end));
    }

    #[test]
    fn forms_of_unit_pairings() {
        assert_eq!(form(0, 0), None);
        assert_eq!(form(1, 1), Some(PairingForm::OneToOne));
        assert_eq!(form(1, 3), Some(PairingForm::OneToMany));
        assert_eq!(form(2, 1), Some(PairingForm::ManyToOne));
        assert_eq!(form(2, 4), Some(PairingForm::ManyToOne));
    }

    #[test]
    fn units_stay_until_the_village_exits() {
        assert!(!unit_may_end(true, false));
        assert!(unit_may_end(true, true));
        assert!(unit_may_end(false, false));
    }
}
