//! rules.md §7: 贫困户不脱贫、帮扶责任人不脱钩 — a household that still needs help is never left
//! without a helper.

use crate::values::Date;

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
    fn units_stay_until_the_village_exits() {
        assert!(!unit_may_end(true, false));
        assert!(unit_may_end(true, true));
        assert!(unit_may_end(false, false));
    }
}
