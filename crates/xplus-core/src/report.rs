//! Figures of the yearly report (issue 7; interchange.md `xplus report`) that are rules rather
//! than counts: the year-on-year growth of the official rural income per head.

use crate::money::Fen;
use std::fmt;

/// A growth rate in tenths of a percent (88 is 8.8%), as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Growth(pub i64);

impl Growth {
    /// `(current − previous) / previous`, rounded half away from zero to a tenth of a percent;
    /// None without a previous figure above zero (a growth from nothing is not a rate).
    pub fn between(previous: Fen, current: Fen) -> Option<Growth> {
        if previous.0 <= 0 {
            return None;
        }
        let num = i128::from(current.0 - previous.0) * 1000;
        let den = i128::from(previous.0);
        let half_up = (num.abs() * 2 + den) / (den * 2);
        let tenths = if num < 0 { -half_up } else { half_up };
        i64::try_from(tenths).ok().map(Growth)
    }

    /// The rate as a fraction (0.088 for 8.8%), for spreadsheets.
    pub fn fraction(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl fmt::Display for Growth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{}%", self.0.abs() / 10, self.0.abs() % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    #[test]
    fn chuzhou_2015_to_2016_is_8_8_percent() {
        // The case report: 10,070 → 10,956 yuan (8.798…%).
        let g = Growth::between(yuan(10_070), yuan(10_956)).unwrap();
        assert_eq!(g, Growth(88));
        assert_eq!(g.to_string(), "8.8%");
    }

    #[test]
    fn halves_round_away_from_zero() {
        // 0.05% exactly: up to 0.1%; and down to -0.1% when falling.
        assert_eq!(Growth::between(yuan(10_000), yuan(10_005)), Some(Growth(1)));
        assert_eq!(Growth::between(yuan(10_000), yuan(9_995)), Some(Growth(-1)));
        // Just under half a tenth: rounds to zero.
        assert_eq!(
            Growth::between(yuan(10_000), Fen(1_000_499)),
            Some(Growth(0))
        );
    }

    #[test]
    fn falls_show_a_minus_and_no_change_is_zero() {
        let g = Growth::between(yuan(11_720), yuan(10_821)).unwrap();
        assert_eq!(g.to_string(), "-7.7%");
        assert_eq!(
            Growth::between(yuan(5_000), yuan(5_000))
                .unwrap()
                .to_string(),
            "0.0%"
        );
    }

    #[test]
    fn no_rate_from_nothing() {
        assert_eq!(Growth::between(Fen(0), yuan(10_956)), None);
        assert_eq!(Growth::between(Fen(-1), yuan(10_956)), None);
    }

    #[test]
    fn fraction_for_spreadsheets() {
        assert!((Growth(88).fraction() - 0.088).abs() < 1e-12);
    }
}
