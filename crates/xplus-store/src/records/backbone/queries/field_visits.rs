//! What visits recorded in the field ask of the database (field_visits.rs): a visit as a typed
//! row, its photos' descriptions and content (base64 text, see migration 0023), and the last
//! visit of each of a page of households.

use crate::session::filter::{marks, Arg, Filter};
use crate::session::rows::{FromRow, Named, Query};
use crate::session::shape::{column, shape, COUNT};
use chrono::NaiveDate;
use xplus_core::backbone::visits::VisitKind;
use xplus_core::interchange::schema::VISITS;
use xplus_core::interchange::{ColumnType, FileId, FileSpec, Value};

/// A visit as visits.csv holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldVisit {
    pub cadre_id: String,
    pub household_id: String,
    pub date: NaiveDate,
    /// None for a visit recorded before the kind was asked.
    pub kind: Option<VisitKind>,
    /// What was done (帮扶内容).
    pub activity: String,
    /// What was found (发现的情况).
    pub found: Option<String>,
    /// "纬度,经度", when the helper gave it.
    pub location: Option<String>,
}

/// Which visit: its cadre, household and day (visits.csv's key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitKey {
    pub cadre_id: String,
    pub household_id: String,
    pub date: NaiveDate,
}

impl VisitKey {
    /// The condition "this visit" on `visits` or `visit_photos`.
    pub(in crate::records) fn filter(&self) -> Filter {
        Filter::new().and(
            "cadre_id = ? AND household_id = ? AND date = ?",
            self.args().to_vec(),
        )
    }

    /// Its columns as query arguments, in key order.
    pub(in crate::records) fn args(&self) -> [Arg; 3] {
        [
            Arg::Text(self.cadre_id.clone()),
            Arg::Text(self.household_id.clone()),
            Arg::Date(self.date),
        ]
    }
}

impl FieldVisit {
    pub fn key(&self) -> VisitKey {
        VisitKey {
            cadre_id: self.cadre_id.clone(),
            household_id: self.household_id.clone(),
            date: self.date,
        }
    }

    /// The visits row, in file order.
    pub fn row(&self) -> Vec<Value> {
        let text = |t: &Option<String>| t.clone().map_or(Value::Null, Value::Text);
        vec![
            Value::Text(self.cadre_id.clone()),
            Value::Text(self.household_id.clone()),
            Value::Date(self.date),
            Value::Text(self.activity.clone()),
            self.kind.map_or(Value::Null, |k| Value::Code(k.code())),
            text(&self.found),
            text(&self.location),
        ]
    }

    /// A visits row (in file order, as a form or a file parsed it) read as a visit.
    pub fn from_values(values: &[Value]) -> Option<FieldVisit> {
        crate::session::rows::read_row(values)
    }

    /// A short digest of what the visit says: a form sends back the version it replaces, so
    /// that a visit saved meanwhile (on another phone, or before a queued one is sent) is not
    /// overwritten unseen.
    pub fn version(&self) -> String {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.kind.map_or("", |k| k.code()),
            self.activity,
            self.found.as_deref().unwrap_or(""),
            self.location.as_deref().unwrap_or("")
        );
        xplus_core::assessment::attachment::sha256_hex(text.as_bytes())[..16].to_string()
    }
}

impl FromRow for FieldVisit {
    const SHAPE: &'static FileSpec = &VISITS;

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(FieldVisit {
            cadre_id: r.string("cadre_id"),
            household_id: r.string("household_id"),
            date: r.date("date")?,
            kind: r.code("kind").and_then(VisitKind::parse),
            activity: r.string("activity"),
            found: r.text("found").map(str::to_string),
            location: r.text("location").map(str::to_string),
        })
    }
}

const DATE: ColumnType = ColumnType::Date;
const TEXT: ColumnType = ColumnType::Text;

/// A photo kept with a visit, without its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoMeta {
    pub cadre_id: String,
    pub household_id: String,
    pub date: NaiveDate,
    /// The visit's n-th photo, from 1.
    pub seq: i64,
    pub width: i64,
    pub height: i64,
    pub size: i64,
    pub sha256: String,
    pub added_by: String,
    pub added_on: NaiveDate,
}

impl FromRow for PhotoMeta {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visit_photos",
        "走访照片",
        &[
            column("cadre_id", TEXT),
            column("household_id", TEXT),
            column("date", DATE),
            column("seq", COUNT),
            column("width", COUNT),
            column("height", COUNT),
            column("size", COUNT),
            column("sha256", TEXT),
            column("added_by", TEXT),
            column("added_on", DATE),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PhotoMeta {
            cadre_id: r.string("cadre_id"),
            household_id: r.string("household_id"),
            date: r.date("date")?,
            seq: r.int("seq")?,
            width: r.int("width")?,
            height: r.int("height")?,
            size: r.int("size")?,
            sha256: r.string("sha256"),
            added_by: r.string("added_by"),
            added_on: r.date("added_on")?,
        })
    }
}

const PHOTO_COLUMNS: &str =
    "cadre_id, household_id, date, seq, width, height, size, sha256, added_by, added_on";

/// The photos of one visit (`?`: cadre, household, date), in number order.
pub(in crate::records) const PHOTOS_OF_VISIT: Query<PhotoMeta> = Query::new(
    "SELECT cadre_id, household_id, date, seq, width, height, size, sha256, added_by, added_on \
     FROM visit_photos WHERE cadre_id = ? AND household_id = ? AND date = ? ORDER BY seq",
);

/// The photos of a household's visits on or after a day (`?`: household, day), newest first.
pub(in crate::records) const PHOTOS_OF_HOUSEHOLD: Query<PhotoMeta> = Query::new(
    "SELECT cadre_id, household_id, date, seq, width, height, size, sha256, added_by, added_on \
     FROM visit_photos WHERE household_id = ? AND date >= ? ORDER BY date DESC, cadre_id, seq",
);

/// Keeps a photo (`?`: the columns of `PHOTO_COLUMNS`, then the county and the content).
pub(in crate::records) fn insert_photo_sql() -> String {
    format!(
        "INSERT INTO visit_photos ({PHOTO_COLUMNS}, county_code, content) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
}

/// The stored content of one photo.
pub(in crate::records) struct PhotoContent {
    pub base64: String,
}

impl FromRow for PhotoContent {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "visit_photo_content",
        "照片内容",
        &[column("content", TEXT)],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(PhotoContent {
            base64: r.string("content"),
        })
    }
}

/// The content of a photo (`?`: cadre, household, date, number).
pub(in crate::records) const PHOTO_CONTENT: Query<PhotoContent> = Query::new(
    "SELECT content FROM visit_photos \
     WHERE cadre_id = ? AND household_id = ? AND date = ? AND seq = ?",
);

/// A household's last visit (by anyone, and by one cadre).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::records) struct LastVisit {
    pub household_id: String,
    pub last: Option<NaiveDate>,
    pub last_by_cadre: Option<NaiveDate>,
}

impl FromRow for LastVisit {
    const SHAPE: &'static FileSpec = &shape(
        FileId::Visits,
        "last_visits",
        "最近走访",
        &[
            column("household_id", TEXT),
            column("last", DATE),
            column("last_by_cadre", DATE),
        ],
    );

    fn from_row(r: Named<'_>) -> Option<Self> {
        Some(LastVisit {
            household_id: r.string("household_id"),
            last: r.date("last"),
            last_by_cadre: r.date("last_by_cadre"),
        })
    }
}

/// The last visit of each household named (`?`: the cadre, then `n` household ids): one
/// grouped read over the index on `visits (household_id, cadre_id, date)`.
pub(in crate::records) fn last_visits_sql(n: usize) -> String {
    format!(
        "SELECT household_id, MAX(date) AS last, \
         MAX(CASE WHEN cadre_id = ? THEN date END) AS last_by_cadre \
         FROM visits WHERE household_id IN ({}) GROUP BY household_id",
        marks(n)
    )
}

/// The condition "this household" on `households`.
pub(in crate::records) fn household_is(household: &str) -> Filter {
    Filter::new().and("household_id = ?", vec![Arg::Text(household.to_string())])
}

/// The condition "a visit of this household on or after `since`".
pub(in crate::records) fn household_since(household: &str, since: NaiveDate) -> Filter {
    Filter::new().and(
        "household_id = ? AND date >= ?",
        vec![Arg::Text(household.to_string()), Arg::Date(since)],
    )
}

/// Newest first (a household's visits).
pub(in crate::records) const NEWEST_FIRST: &str = "date DESC, cadre_id";

/// The condition "one of these households" (`ids`: their ids as text).
pub(in crate::records) fn households_among(ids: Vec<Arg>) -> Filter {
    Filter::new().and(format!("household_id IN ({})", marks(ids.len())), ids)
}

/// The condition "paired with `cadre` on `today`" on `cadre_household_pairings`.
pub(in crate::records) fn pairing_in_force(cadre: &str, today: NaiveDate) -> Filter {
    Filter::new().and(
        "cadre_id = ? AND start_date <= ? AND (end_date IS NULL OR end_date >= ?)",
        vec![
            Arg::Text(cadre.to_string()),
            Arg::Date(today),
            Arg::Date(today),
        ],
    )
}

/// The household list's order: village by village.
pub(in crate::records) const BY_VILLAGE: &str = "village_code, household_id";
