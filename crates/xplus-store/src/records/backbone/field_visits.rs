//! 走访 recorded in the field (issue 20): a helper's visit with how it was made, what was found,
//! where, its photos, and the household's income updated on the spot — kept whole in one
//! transaction or not at all, so that a visit sent from a phone with a weak signal, or queued
//! offline and sent later, never lands half. A visit already kept for the same helper,
//! household and day, or a household changed in the office since the phone read it, is a
//! conflict: nothing is written and the caller shows both versions.

use super::queries::field_visits::{
    household_is, household_since, insert_photo_sql, NEWEST_FIRST, PHOTOS_OF_HOUSEHOLD,
    PHOTOS_OF_VISIT, PHOTO_CONTENT,
};
pub use super::queries::field_visits::{FieldVisit, PhotoMeta, VisitKey};
use crate::audit::NewAudit;
use crate::error::{FieldProblem, Refusal, StoreError};
use crate::records::entries::save_entries_within;
use crate::records::registry::household::{load, HouseholdRecord};
use crate::records::registry::read::household_scope;
use crate::records::registry::save::{save_change_within, Change};
use crate::session::filter::Arg;
use crate::session::rows::select_rows;
use crate::session::WriteSession;
use crate::store::Store;
use base64::Engine as _;
use chrono::NaiveDate;
use xplus_core::accounts::{Access, Scope};
use xplus_core::assessment::attachment::sha256_hex;
use xplus_core::backbone::photos::{KeptPhoto, MAX_PER_VISIT};
use xplus_core::interchange::schema::{HOUSEHOLDS, VISITS};
use xplus_core::rules::RuleSet;

/// A visit to record, as a form or the API sends it.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub visit: FieldVisit,
    /// Photos already kept by core's rule (`backbone::photos::keep`).
    pub photos: Vec<KeptPhoto>,
    /// The household's facts updated on the spot (its income of a year), if any.
    pub change: Option<Change>,
    /// The household's fingerprint when the form was filled in: needed with a change.
    pub fingerprint: Option<String>,
    /// The version (`FieldVisit::version`) of the same day's visit the form showed and replaces;
    /// None when the form showed none.
    pub replaces: Option<String>,
}

/// What was kept.
#[derive(Debug, Clone)]
pub struct RecordedVisit {
    pub visit: FieldVisit,
    pub photos: Vec<PhotoMeta>,
    /// The household as it now stands (its fingerprint for the next edit).
    pub fingerprint: String,
    /// Whether anything was written (a visit sent twice writes nothing the second time).
    pub changed: bool,
}

/// Why a visit was not kept because something changed since the form was filled in.
fn visit_conflict(household: &str, date: NaiveDate) -> StoreError {
    StoreError::Refused(Refusal::Conflict(format!(
        "户 {household} 在 {date} 已有同一干部的另一条走访记录，本次未保存；请对照两条记录后选择保留哪一条 \
         / household {household} already has another visit of the same cadre on {date}; this one \
         was not saved — compare the two and choose which to keep"
    )))
}

/// Keeps `new` for `access` (a helper records their own visits; an official or a secretary
/// may record a cadre's visit within their reach, as on the ledger page).
///
/// Errors: `NotFound` (no such household within reach), `Forbidden`, `Conflict` (the same
/// day's visit differs from the one the form replaced; the household changed since the form
/// read it — both only when something would be overwritten), `Rejected` (a rule, by field).
pub async fn record_visit(
    store: &dyn Store,
    access: &Access,
    rules: &RuleSet,
    mut new: NewVisit,
    today: NaiveDate,
) -> Result<RecordedVisit, StoreError> {
    if !access.may_write() {
        return Err(StoreError::Refused(Refusal::Forbidden(
            "审计员账号只读 / an auditor's account is read-only".into(),
        )));
    }
    if let Some(place) = new.visit.location.as_deref() {
        new.visit.location = Some(
            xplus_core::backbone::visits::location(place).map_err(|m| rejected("location", m))?,
        );
    }
    let id = new.visit.household_id.clone();
    let mut s = store.write_session().await?;
    let Some(stored) = load(s.as_mut(), Some(access), &id, today).await? else {
        return Err(StoreError::Refused(Refusal::NotFound(format!(
            "没有户 {id}，或不在您的范围内 / no household {id} within your reach"
        ))));
    };
    let key = new.visit.key().filter();
    let earlier: Option<FieldVisit> = select_rows(s.as_mut(), &key, "").await?.pop();
    if let Some(earlier) = &earlier {
        let same = earlier.version() == new.visit.version();
        if !same && new.replaces.as_deref() != Some(earlier.version().as_str()) {
            return Err(visit_conflict(&id, new.visit.date));
        }
    }
    let mut changed = false;
    let mut fingerprint = stored.fingerprint.clone();
    // A change that says what is stored already (the same visit sent again after its answer
    // was lost) writes nothing, and so needs no fingerprint.
    if let Some(change) = new.change.take().filter(|c| !repeats_stored(c, &stored)) {
        let expected = new.fingerprint.as_deref().unwrap_or("");
        let saved = save_change_within(s.as_mut(), access, &id, change, expected, today).await?;
        changed |= saved.changed;
        fingerprint = saved.fingerprint;
    }
    let row = new.visit.row();
    let saved =
        save_entries_within(s.as_mut(), access, rules, vec![(&VISITS, vec![row])], today).await?;
    changed |= saved.changed > 0;
    let (photos, added) =
        keep_photos(s.as_mut(), access, &stored, &new.visit, &new.photos, today).await?;
    changed |= added;
    if changed {
        s.commit().await?;
    }
    Ok(RecordedVisit {
        visit: new.visit,
        photos,
        fingerprint,
        changed,
    })
}

/// Whether every row of `change` is an income row equal to the one stored for its year.
fn repeats_stored(change: &Change, stored: &HouseholdRecord) -> bool {
    use xplus_core::registry::Income;
    change.household.is_none()
        && change.members.is_empty()
        && change.incomes.iter().all(|row| {
            Income::from_row(row).is_ok_and(|new| {
                (stored.incomes.iter())
                    .any(|old| old.year == new.year && old.amounts == new.amounts)
            })
        })
}

fn rejected(field: &'static str, message: String) -> StoreError {
    StoreError::Refused(Refusal::Rejected(vec![FieldProblem::new(field, message)]))
}

/// Adds the photos the visit does not hold yet (the same photo sent twice — a queued visit
/// resent after a lost answer — is kept once), with their audit entries. Returns the visit's
/// photos and whether any was added.
async fn keep_photos(
    s: &mut dyn WriteSession,
    access: &Access,
    household: &HouseholdRecord,
    visit: &FieldVisit,
    photos: &[KeptPhoto],
    today: NaiveDate,
) -> Result<(Vec<PhotoMeta>, bool), StoreError> {
    let mut kept = PHOTOS_OF_VISIT.fetch(s, &visit.key().args()).await?;
    let mut added = Vec::new();
    for photo in photos {
        let sha256 = sha256_hex(&photo.jpeg);
        if kept.iter().any(|p| p.sha256 == sha256) {
            continue;
        }
        if kept.len() >= MAX_PER_VISIT {
            return Err(rejected(
                "photos",
                format!(
                    "一次走访最多保存 {MAX_PER_VISIT} 张照片 / a visit keeps at most {MAX_PER_VISIT} photos"
                ),
            ));
        }
        let meta = PhotoMeta {
            cadre_id: visit.cadre_id.clone(),
            household_id: visit.household_id.clone(),
            date: visit.date,
            seq: kept.iter().map(|p| p.seq).max().unwrap_or(0) + 1,
            width: i64::from(photo.width),
            height: i64::from(photo.height),
            size: photo.jpeg.len() as i64,
            sha256,
            added_by: access.user().to_string(),
            added_on: today,
        };
        let county = household
            .household
            .village
            .county()
            .map_or(0, |c| c.as_u64());
        let mut args = visit.key().args().to_vec();
        args.extend([
            Arg::Int(meta.seq),
            Arg::Int(meta.width),
            Arg::Int(meta.height),
            Arg::Int(meta.size),
            Arg::Text(meta.sha256.clone()),
            Arg::Text(meta.added_by.clone()),
            Arg::Date(today),
            Arg::Int(county as i64),
            Arg::Text(base64::engine::general_purpose::STANDARD.encode(&photo.jpeg)),
        ]);
        s.execute(&insert_photo_sql(), &args).await?;
        added.push(photo_audit(&meta));
        kept.push(meta);
    }
    let any = !added.is_empty();
    if any {
        s.append_audit(added).await?;
    }
    Ok((kept, any))
}

/// The audit entry of a photo added: what identifies it, not its content.
fn photo_audit(meta: &PhotoMeta) -> NewAudit {
    let new_values = serde_json::json!({
        "seq": meta.seq,
        "width": meta.width,
        "height": meta.height,
        "size": meta.size,
        "sha256": meta.sha256,
    });
    NewAudit {
        actor: meta.added_by.clone(),
        action: "insert".into(),
        entity: "visit_photos".into(),
        record_key: format!(
            "{}|{}|{}|{}",
            meta.cadre_id, meta.household_id, meta.date, meta.seq
        ),
        old_values: None,
        new_values: Some(new_values.to_string()),
    }
}

/// A household's visits with their photos.
#[derive(Debug, Clone)]
pub struct VisitWithPhotos {
    pub visit: FieldVisit,
    pub photos: Vec<PhotoMeta>,
}

/// The newest `limit` visits of household `id` on or after `since` (any day when None), newest
/// first, with their photos; empty when the household is not within reach. A helper sees every
/// visit of a household paired with them (its other helpers' too: the household's story is one).
pub async fn household_visits(
    store: &dyn Store,
    access: &Access,
    id: &str,
    since: Option<NaiveDate>,
    limit: u64,
    today: NaiveDate,
) -> Result<Vec<VisitWithPhotos>, StoreError> {
    let mut s = store.read_session().await?;
    if !reaches(s.as_mut(), access, id, today).await? {
        return Ok(Vec::new());
    }
    // No visit is older than the registry (the bundle's years start at 1949).
    let floor = NaiveDate::from_ymd_opt(1949, 1, 1).expect("a day");
    let filter = household_since(id, since.unwrap_or(floor).max(floor));
    let page = crate::session::Page { limit, offset: 0 };
    let rows = s.select(&VISITS, &filter, NEWEST_FIRST, Some(page)).await?;
    let visits: Vec<FieldVisit> = rows
        .iter()
        .filter_map(|r| FieldVisit::from_values(r))
        .collect();
    let Some(oldest) = visits.last().map(|v| v.date) else {
        return Ok(Vec::new());
    };
    let photos = PHOTOS_OF_HOUSEHOLD
        .fetch(s.as_mut(), &[Arg::Text(id.to_string()), Arg::Date(oldest)])
        .await?;
    Ok(visits
        .into_iter()
        .map(|visit| {
            let photos = (photos.iter())
                .filter(|p| p.cadre_id == visit.cadre_id && p.date == visit.date)
                .cloned()
                .collect();
            VisitWithPhotos { visit, photos }
        })
        .collect())
}

/// Whether `access` reaches household `id` (one count, not the household's whole record).
async fn reaches(
    s: &mut dyn crate::records::ReadSession,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<bool, StoreError> {
    let filter = household_scope(access, today).merge(household_is(id));
    Ok(s.count(&HOUSEHOLDS, &filter).await? > 0)
}

/// The visit `key` names, if kept and within reach, with its photos: what the visit form shows
/// to be replaced.
pub async fn visit_of_day(
    store: &dyn Store,
    access: &Access,
    key: &VisitKey,
    today: NaiveDate,
) -> Result<Option<VisitWithPhotos>, StoreError> {
    let mut s = store.read_session().await?;
    if !reaches(s.as_mut(), access, &key.household_id, today).await? {
        return Ok(None);
    }
    let Some(visit) = select_rows::<FieldVisit>(s.as_mut(), &key.filter(), "")
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let photos = PHOTOS_OF_VISIT.fetch(s.as_mut(), &key.args()).await?;
    Ok(Some(VisitWithPhotos { visit, photos }))
}

/// Photo `seq` of the visit `key` names, and its content checked against its SHA-256; None out
/// of reach or when there is no such photo.
pub async fn visit_photo(
    store: &dyn Store,
    access: &Access,
    key: &VisitKey,
    seq: i64,
    today: NaiveDate,
) -> Result<Option<(PhotoMeta, Vec<u8>)>, StoreError> {
    let mut s = store.read_session().await?;
    if !reaches(s.as_mut(), access, &key.household_id, today).await? {
        return Ok(None);
    }
    let photos = PHOTOS_OF_VISIT.fetch(s.as_mut(), &key.args()).await?;
    let Some(meta) = photos.into_iter().find(|p| p.seq == seq) else {
        return Ok(None);
    };
    let mut args = key.args().to_vec();
    args.push(Arg::Int(seq));
    let Some(stored) = PHOTO_CONTENT.fetch(s.as_mut(), &args).await?.pop() else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(stored.base64.as_bytes())
        .ok()
        .filter(|b| sha256_hex(b) == meta.sha256)
        .ok_or_else(|| {
            StoreError::Refused(Refusal::Conflict(
                "照片内容与其 SHA-256 不符，未发送 / the photo does not match its SHA-256; not sent"
                    .into(),
            ))
        })?;
    Ok(Some((meta, bytes)))
}

/// The cadre a helper's account is, None for other accounts.
pub fn own_cadre(access: &Access) -> Option<&str> {
    match access.scope() {
        Scope::PairedWith(cadre) => Some(cadre.as_str()),
        _ => None,
    }
}
