//! The SQL of the case report's headline figures (case_figures.rs). Each statement reads one
//! table (or one joined set named like a table) and counts up to three things as `n`, `a`, `b`
//! (the industry page's tally row); the reach of an account is added by the caller as
//! conditions on the table's own columns, so each statement ends in a WHERE it can extend.
//! Rows without a date count as of every year, as the report's 一村一品 projects do.

/// A sum as BIGINT, zero over no rows.
macro_rules! total {
    ($e:literal) => {
        concat!("CAST(COALESCE(SUM(", $e, "), 0) AS BIGINT)")
    };
}

/// Upgraded stations (n) and what was invested in them (a), upgraded in or before the year
/// (`?` twice); learning households (b).
pub(in crate::records) const STATIONS: &str = concat!(
    "SELECT ",
    total!("CASE WHEN kind = 'station' AND upgraded_year <= ? THEN 1 ELSE 0 END"),
    ", ",
    total!(
        "CASE WHEN kind = 'station' AND upgraded_year <= ? THEN COALESCE(investment, 0) ELSE 0 END"
    ),
    ", ",
    total!("CASE WHEN kind = 'learning_household' THEN 1 ELSE 0 END"),
    " FROM stations WHERE 1 = 1"
);

/// Villages with a joint party organisation by a day (`?`).
pub(in crate::records) const JOINT_ORGS: &str = "SELECT COUNT(DISTINCT village_code), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM unit_village_pairings \
     WHERE joint_party_org = TRUE AND (joint_party_org_date IS NULL OR joint_party_org_date <= ?)";

/// First secretaries and work-team members (选派) posted to a village by a day (`?`), each
/// once, placed by the villages of their postings (a recalled cadre was posted, and counts).
pub(in crate::records) const SELECTED_CADRES: &str = "SELECT COUNT(DISTINCT cadre_id), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM postings WHERE start_date <= ? \
     AND cadre_id IN (SELECT cadre_id FROM cadres WHERE role IN ('first_secretary', 'work_team'))";

/// Recalls decided by a day (`?`).
pub(in crate::records) const RECALLS: &str = "SELECT COUNT(*), CAST(0 AS BIGINT), \
     CAST(0 AS BIGINT) FROM recalls WHERE decision_date <= ?";

/// Degree courses (n) and secondments (a) begun by a day (`?`).
pub(in crate::records) const DEVELOPMENT: &str = concat!(
    "SELECT ",
    total!("CASE WHEN kind = 'degree' THEN 1 ELSE 0 END"),
    ", ",
    total!("CASE WHEN kind = 'exchange' THEN 1 ELSE 0 END"),
    ", CAST(0 AS BIGINT) FROM secretary_development WHERE start_date <= ?"
);

/// Start-ups begun by a day (`?`): their funds (n) and distinct bases (a). The households they
/// brought along are counted from their links (`STARTUP_HOUSEHOLDS`), not from the declared
/// `households_brought`.
pub(in crate::records) const STARTUPS: &str = concat!(
    "SELECT ",
    total!("funding"),
    ", COUNT(DISTINCT base), CAST(0 AS BIGINT) FROM startups \
     WHERE (start_date IS NULL OR start_date <= ?)"
);

/// The poor households linked by a day (`?`) to start-ups begun by it (`?`), each once; a link
/// that ended still counts (the household was brought along).
pub(in crate::records) const STARTUP_HOUSEHOLDS: &str = "SELECT COUNT(DISTINCT household_id), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM startup_households WHERE join_date <= ? \
     AND startup_id IN (SELECT startup_id FROM startups \
     WHERE start_date IS NULL OR start_date <= ?)";

/// Pledge loans issued by a day (`?`): how many (n) and their amount (a).
pub(in crate::records) const LOANS: &str = concat!(
    "SELECT COUNT(*), ",
    total!("amount"),
    ", CAST(0 AS BIGINT) FROM loans WHERE start_date <= ?"
);

/// Party organisations on industry chains (bases, associations, cooperatives) established by
/// a day (`?`).
pub(in crate::records) const CHAIN_ORGS: &str = "SELECT COUNT(*), CAST(0 AS BIGINT), \
     CAST(0 AS BIGINT) FROM party_orgs WHERE kind IN ('base', 'association', 'cooperative') \
     AND (established_date IS NULL OR established_date <= ?)";

/// Households with crops or livestock recorded for a year (`?`).
pub(in crate::records) const SPECIALTY: &str = "SELECT COUNT(DISTINCT household_id), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM household_industries \
     WHERE year = ? AND kind IN ('crop', 'livestock')";

/// Commissioners registered.
pub(in crate::records) const COMMISSIONERS: &str = "SELECT COUNT(*), CAST(0 AS BIGINT), \
     CAST(0 AS BIGINT) FROM commissioners WHERE 1 = 1";

/// Participants of the commissioners' trainings between two days (`?`, `?`).
pub(in crate::records) const COMMISSIONER_TRAININGS: &str = concat!(
    "SELECT ",
    total!("participants"),
    ", CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM commissioner_trainings WHERE date BETWEEN ? AND ?"
);

/// The distinct bases of labour courses begun by a day (`?`).
pub(in crate::records) const LABOUR_BASES: &str = "SELECT COUNT(DISTINCT base), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM labour_courses WHERE start_date <= ?";

/// Attendances (n) and the persons among them placed in a job that began between the course's
/// start and the end of the year (a), of labour courses running some day of the year; `?`: the
/// last day (placements), the last and the first day (courses). Named `course_attendance`'s
/// columns, so that a reach on that table applies.
pub(in crate::records) const COURSES: &str = "SELECT COUNT(*), COUNT(DISTINCT placed), \
     CAST(0 AS BIGINT) FROM (SELECT a.household_id, a.id_number, \
     (SELECT MIN(p.id_number) FROM placements p WHERE p.id_number = a.id_number \
      AND p.start_date >= k.start_date AND p.start_date <= ?) AS placed \
     FROM course_attendance a JOIN labour_courses k ON k.course_id = a.course_id \
     WHERE k.start_date <= ? AND COALESCE(k.end_date, k.start_date) >= ?) course_attendance \
     WHERE 1 = 1";

/// Job fairs between two days (`?`, `?`): how many (n) and the posts offered (a).
pub(in crate::records) const JOB_FAIRS: &str = concat!(
    "SELECT COUNT(*), ",
    total!("posts"),
    ", CAST(0 AS BIGINT) FROM job_fairs WHERE date BETWEEN ? AND ?"
);

/// The persons on a day of the households named (`?` the day, then one `?` per household):
/// today's members with the changes after the day undone (core
/// `registry::membership::persons_on`), summed.
pub(in crate::records) fn persons_of(households: usize) -> String {
    format!(
        "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT), CAST(0 AS BIGINT), CAST(0 AS BIGINT) \
         FROM ({}) x",
        crate::records::industry::queries::persons_each(households)
    )
}

/// Households chosen as industry and start-up support targets by a year (`?`), each once.
pub(in crate::records) const INDUSTRY_TARGETS: &str = "SELECT COUNT(DISTINCT household_id), \
     CAST(0 AS BIGINT), CAST(0 AS BIGINT) FROM industry_targets WHERE year <= ?";
