//! The SQL of the 远教 distance-education operations and the rows it returns, by name: the
//! operations in this folder hold the rules, this file holds what is asked of the database.

use crate::session::filter::{Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape};
use chrono::NaiveDate;
use xplus_core::interchange::{ColumnType, FileId, FileSpec};
use xplus_core::registry::RegionCode;

/// A household at a session: an attendance row, or a member named as attending.
pub(in crate::records) struct Attended {
    pub household: String,
    pub session: String,
}

impl FromRow for Attended {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Attendance,
        "attended",
        "参训",
        &[
            column("household_id", ColumnType::Text),
            column("session_id", ColumnType::Text),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Attended {
            household: r.text("household_id")?.to_string(),
            session: r.text("session_id")?.to_string(),
        })
    }
}

/// The rows of the attendance table (`named`: of the named attendees, a row per person) of
/// sessions between two dates (the `?` arguments, in order), with `{within}` where the
/// registry's `within_scope` puts the reach of the households; and the alias of the table.
pub(in crate::records) fn attended_sql(named: bool) -> (String, &'static str) {
    let (table, alias) = if named {
        ("attendance_members", "m")
    } else {
        ("attendance", "a")
    };
    let sql = format!(
        "SELECT {alias}.household_id, {alias}.session_id FROM {table} {alias} \
         JOIN training_sessions s ON s.session_id = {alias}.session_id \
         WHERE s.date BETWEEN ? AND ?{{within}}"
    );
    (sql, alias)
}

/// A station serving a village (its own, or one of its coverage list).
pub(in crate::records) struct Serves {
    pub station: String,
    pub village: RegionCode,
}

impl FromRow for Serves {
    const SHAPE: &'static FileSpec = &shape(
        FileId::StationCoverage,
        "station_serves",
        "站点服务村",
        &[
            column("station_id", ColumnType::Text),
            column("village_code", ColumnType::Region),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(Serves {
            station: r.text("station_id")?.to_string(),
            village: r.region("village_code")?,
        })
    }
}

/// Every station with the villages it serves: its own village and its coverage list. No
/// arguments.
pub(in crate::records) const SERVES: Query<Serves> = Query::new(
    "SELECT station_id, village_code FROM stations \
     UNION SELECT station_id, village_code FROM station_coverage",
);

/// A station's training session on a day.
pub(in crate::records) struct StationSession {
    pub station: String,
    pub session: String,
    pub date: NaiveDate,
}

impl FromRow for StationSession {
    const SHAPE: &'static FileSpec = &shape(
        FileId::TrainingSessions,
        "station_sessions",
        "站点培训",
        &[
            column("station_id", ColumnType::Text),
            column("session_id", ColumnType::Text),
            column("date", ColumnType::Date),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(StationSession {
            station: r.text("station_id")?.to_string(),
            session: r.text("session_id")?.to_string(),
            date: r.date("date")?,
        })
    }
}

/// Sessions on or after a day (the argument).
pub(in crate::records) const SESSIONS_FROM: Query<StationSession> =
    Query::new("SELECT station_id, session_id, date FROM training_sessions WHERE date >= ?");

// The attendance roll (conditions on bundle tables).

/// `filter` and "session `session`" (sessions, attendance and named attendees).
pub(in crate::records) fn session_is(filter: Filter, session: &str) -> Filter {
    filter.and("session_id = ?", vec![Arg::Text(session.to_string())])
}

/// The rows of station `station` (stations, coverage lists).
pub(in crate::records) fn station_is(station: &str) -> Filter {
    Filter::new().and("station_id = ?", vec![Arg::Text(station.to_string())])
}

/// `filter` and "village `village`" (households).
pub(in crate::records) fn village_is(filter: Filter, village: RegionCode) -> Filter {
    filter.and("village_code = ?", vec![Arg::Int(village.as_u64() as i64)])
}

/// The members of the households of `village` (all of them: the households are narrowed to the
/// account's reach on their own).
pub(in crate::records) fn members_of_village(village: RegionCode) -> Filter {
    Filter::new().and(
        "household_id IN (SELECT household_id FROM households WHERE village_code = ?)",
        vec![Arg::Int(village.as_u64() as i64)],
    )
}

/// A coverage list is read by village.
pub(in crate::records) const COVERAGE_ORDER: &str = "village_code";
/// Households by number.
pub(in crate::records) const HOUSEHOLD_ORDER: &str = "household_id";
/// Members by household, then identity number.
pub(in crate::records) const MEMBER_ORDER: &str = "household_id, id_number";

/// A village's sessions of one lecturer kind and their attendances.
pub(in crate::records) struct LectureRow {
    pub village: RegionCode,
    pub kind: xplus_core::education::LecturerKind,
    pub sessions: u64,
    pub person_times: u64,
}

impl FromRow for LectureRow {
    const SHAPE: &'static FileSpec = &shape(
        FileId::TrainingSessions,
        "lectures",
        "讲学授课",
        &[
            column("village_code", ColumnType::Region),
            column(
                "lecturer_kind",
                ColumnType::Enum(&xplus_core::education::LecturerKind::SPEC),
            ),
            column("sessions", crate::session::shape::COUNT),
            column("person_times", crate::session::shape::COUNT),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LectureRow {
            village: r.region("village_code")?,
            kind: r
                .code("lecturer_kind")
                .and_then(xplus_core::education::LecturerKind::parse)?,
            sessions: r.count("sessions"),
            person_times: r.count("person_times"),
        })
    }
}

/// The sessions between two days held at the stations of the villages between two codes, by
/// village and lecturer kind, with their attendances (`?`: the days, then the codes).
pub(in crate::records) const LECTURES_IN: Query<LectureRow> = Query::new(
    "SELECT st.village_code, t.lecturer_kind, COUNT(DISTINCT t.session_id), \
     COUNT(a.household_id) FROM training_sessions t \
     JOIN stations st ON st.station_id = t.station_id \
     LEFT JOIN attendance a ON a.session_id = t.session_id \
     WHERE t.date BETWEEN ? AND ? AND st.village_code BETWEEN ? AND ? \
     GROUP BY st.village_code, t.lecturer_kind",
);
