//! 骨干: how often a helper visits the households paired with them. The workbench lists a
//! paired household as overdue when its helper has not visited it for longer than the rule
//! setting `visit_interval_days` (31 by default: "每月至少走访一次").

use chrono::NaiveDate;

crate::labelled_enum! {
    /// How a visit was made (走访方式). Visits recorded before it was asked have none.
    pub enum VisitKind {
        Home = ("home", "入户走访"),
        Phone = ("phone", "电话"),
        Group = ("group", "集中帮扶"),
    }
}

/// The place a visit was recorded at, as "纬度,经度" in decimal degrees (what a phone's
/// location gives), written back with six decimals (about 0.1 m), or why it is refused
/// (Chinese / English). A comma of either width and spaces are accepted.
pub fn location(text: &str) -> Result<String, String> {
    let refuse = || {
        "位置须为“纬度,经度”的十进制度数，如 32.301234,118.312345 / a location is \"latitude,longitude\" in decimal degrees, e.g. 32.301234,118.312345".to_string()
    };
    let (lat, lon) = text.split_once([',', '，']).ok_or_else(refuse)?;
    let degrees = |t: &str, limit: f64| -> Result<f64, String> {
        let t = t.trim();
        let plain = !t.is_empty()
            && t.len() <= 16
            && t.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
        let v: f64 = if plain {
            t.parse().map_err(|_| refuse())?
        } else {
            return Err(refuse());
        };
        if v.is_finite() && v.abs() <= limit {
            Ok(v)
        } else {
            Err(refuse())
        }
    };
    let (lat, lon) = (degrees(lat, 90.0)?, degrees(lon, 180.0)?);
    Ok(format!("{lat:.6},{lon:.6}"))
}

/// Whether a pairing that began on `paired_since`, last visited on `last_visit` (None: never),
/// is overdue on `as_of` under an interval of `interval_days`. A pairing newer than the interval
/// is not overdue yet: the helper has had less than the interval to make the first visit.
pub fn overdue(
    paired_since: NaiveDate,
    last_visit: Option<NaiveDate>,
    as_of: NaiveDate,
    interval_days: i64,
) -> bool {
    days_without_visit(paired_since, last_visit, as_of) > interval_days
}

/// The days on `as_of` since the pairing's last visit, or since it began when it has none (a
/// visit before the pairing, another helper's time, does not count for this one).
pub fn days_without_visit(
    paired_since: NaiveDate,
    last_visit: Option<NaiveDate>,
    as_of: NaiveDate,
) -> i64 {
    (as_of - counted_from(paired_since, last_visit)).num_days()
}

/// The day a pairing's time without a visit counts from: its last visit, or its start when it
/// has none since (the longest without a visit is the earliest of these).
pub fn counted_from(paired_since: NaiveDate, last_visit: Option<NaiveDate>) -> NaiveDate {
    last_visit.map_or(paired_since, |v| v.max(paired_since))
}

/// The day the counts are taken on for a year: its last day, or today within the year (a year
/// not begun yet counts as of its first day).
pub fn as_of_in_year(year: i32, today: NaiveDate) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    today.min(last).max(first)
}

/// The last day a visit may have been made on for a pairing not to be overdue on `as_of`: a
/// visit (or a pairing start) before it is too old. What the store's query compares with, so
/// that [`overdue`] and the query agree.
pub fn oldest_on_time(as_of: NaiveDate, interval_days: i64) -> NaiveDate {
    as_of - chrono::Duration::days(interval_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_two_decimal_degrees_within_range() {
        assert_eq!(
            location("32.3012346, 118.31").unwrap(),
            "32.301235,118.310000"
        );
        assert_eq!(location("32.3，118.3").unwrap(), "32.300000,118.300000");
        assert_eq!(location("-90,180").unwrap(), "-90.000000,180.000000");
        for bad in [
            "",
            "32.3",
            "91,118",
            "32,181",
            "NaN,1",
            "1e2,3",
            "32.3;118.3",
            "inf,0",
        ] {
            assert!(location(bad).is_err(), "{bad}");
        }
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_month_without_a_visit_is_overdue_one_day_later() {
        let paired = d("2016-01-01");
        let as_of = d("2016-03-01");
        // 31 days since the last visit: on time; 32: overdue.
        assert!(!overdue(paired, Some(d("2016-01-30")), as_of, 31));
        assert!(overdue(paired, Some(d("2016-01-29")), as_of, 31));
        assert!(overdue(paired, None, as_of, 31));
        // A new pairing has the interval to make its first visit.
        assert!(!overdue(d("2016-02-15"), None, as_of, 31));
        // A visit before the pairing (another helper's time) does not count for this one.
        assert!(!overdue(d("2016-02-15"), Some(d("2015-01-01")), as_of, 31));
    }

    #[test]
    fn the_query_boundary_agrees_with_the_rule() {
        let as_of = d("2016-03-01");
        let oldest = oldest_on_time(as_of, 31);
        assert!(!overdue(oldest, Some(oldest), as_of, 31));
        let older = oldest.pred_opt().unwrap();
        assert!(overdue(older, Some(older), as_of, 31));
    }

    #[test]
    fn a_year_is_counted_at_its_end_or_today() {
        assert_eq!(as_of_in_year(2016, d("2026-12-04")), d("2016-12-31"));
        assert_eq!(as_of_in_year(2026, d("2026-12-04")), d("2026-12-04"));
        assert_eq!(as_of_in_year(2027, d("2026-12-04")), d("2027-01-01"));
    }
}
