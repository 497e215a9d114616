//! Village party secretaries: the "312" model tiers against their targets, and vacancies — a
//! village whose secretary left and nobody is in office — and their filling (配齐).

use super::pairing::Span;
use super::SecretaryTier;
use crate::values::Date;
use chrono::Datelike;

/// Secretaries of each tier against its target, in the order of `SecretaryTier::ALL`.
pub fn tier_progress(
    tiers: impl IntoIterator<Item = SecretaryTier>,
    targets: [u32; 3],
) -> Vec<(SecretaryTier, u32, u32)> {
    let mut actual = [0u32; 3];
    for t in tiers {
        let i = SecretaryTier::ALL
            .iter()
            .position(|x| *x == t)
            .expect("every tier is listed");
        actual[i] += 1;
    }
    SecretaryTier::ALL
        .iter()
        .zip(actual.into_iter().zip(targets))
        .map(|(t, (a, target))| (*t, a, target))
        .collect()
}

/// The "312" tier a secretary holds at the end of `year`: a tier rated in a later year (评定年度)
/// does not count yet, so that a past year's progress does not move with later ratings. A tier
/// without a rating year counts (nothing says when it was rated).
pub fn tier_by(
    tier: Option<SecretaryTier>,
    rated: Option<i32>,
    year: i32,
) -> Option<SecretaryTier> {
    tier.filter(|_| rated.is_none_or(|r| r <= year))
}

/// A village with recorded secretaries is vacant on `day` when none of their terms is active.
/// (A village without any record is not called vacant: nothing is known of it.)
pub fn is_vacant(terms: &[Span], day: Date) -> bool {
    !terms.is_empty() && !terms.iter().any(|t| t.is_active_on(day))
}

/// Terms starting in `year` that filled a vacancy: the village had a secretary before and
/// nobody was in office the day before this term began.
pub fn vacancies_filled(terms: &[Span], year: i32) -> u32 {
    terms
        .iter()
        .filter(|t| t.start.year() == year)
        .filter(|t| {
            let Some(eve) = t.start.pred_opt() else {
                return false;
            };
            let had_one = terms.iter().any(|o| o.start < t.start);
            had_one
                && !terms
                    .iter()
                    .any(|o| o.start < t.start && o.is_active_on(eve))
        })
        .count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::parse_date;

    fn span(start: &str, end: Option<&str>) -> Span {
        Span {
            start: parse_date(start).unwrap(),
            end: end.map(|e| parse_date(e).unwrap()),
        }
    }

    #[test]
    fn tiers_against_targets() {
        use SecretaryTier::*;
        let p = tier_progress([County, Provincial, County], [30, 100, 200]);
        assert_eq!(
            p,
            vec![(Provincial, 1, 30), (Municipal, 0, 100), (County, 2, 200)]
        );
    }

    #[test]
    fn a_tier_counts_from_its_rating_year() {
        use SecretaryTier::*;
        assert_eq!(tier_by(Some(County), Some(2016), 2015), None);
        assert_eq!(tier_by(Some(County), Some(2016), 2016), Some(County));
        assert_eq!(tier_by(Some(County), None, 2015), Some(County));
        assert_eq!(tier_by(None, Some(2015), 2016), None);
    }

    #[test]
    fn vacancies_and_their_filling() {
        let day = parse_date("2016-06-01").unwrap();
        let left = [span("2010-01-01", Some("2016-03-31"))];
        assert!(is_vacant(&left, day));
        assert!(!is_vacant(&[], day));
        // The successor starts the day after: no vacancy, nothing filled.
        let handed = [
            span("2010-01-01", Some("2016-03-31")),
            span("2016-04-01", None),
        ];
        assert!(!is_vacant(&handed, day));
        assert_eq!(vacancies_filled(&handed, 2016), 0);
        // A gap of a day or more, then an appointment: one vacancy filled in 2016.
        let gap = [
            span("2010-01-01", Some("2016-03-31")),
            span("2016-04-02", None),
        ];
        assert_eq!(vacancies_filled(&gap, 2016), 1);
        assert_eq!(vacancies_filled(&gap, 2015), 0);
        // The first secretary on record fills nothing.
        assert_eq!(vacancies_filled(&[span("2016-02-01", None)], 2016), 0);
    }
}
