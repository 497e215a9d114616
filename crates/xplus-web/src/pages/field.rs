//! 记录走访 from a household, made for a phone (issue 20): the day (today by default), how the
//! visit was made, what was done and found, the household's income updated on the spot with
//! the same rules and messages as its own form, photos from the camera and the place. The
//! form works without script; with it, app.js sends it in the background and keeps it on the
//! phone (IndexedDB) while there is no connection. A conflict — the same day's visit kept
//! meanwhile, or the household changed in the office since the form was read — is shown with
//! both versions, and the helper chooses.

use super::today;
use crate::auth::Signed;
use crate::error::WebError;
use crate::forms::{self, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::Multipart;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use chrono::{Datelike, NaiveDate};
use xplus_core::backbone::photos::{self, KeptPhoto, MAX_PER_VISIT, MAX_SENT_BYTES};
use xplus_core::interchange::schema::INCOMES;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, FieldProblem, FieldVisit, HouseholdRecord, NewVisit};
use xplus_store::{Refusal, StoreError};

fn problem(field: &str, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        field: field.to_string(),
        message: message.into(),
    }
}

/// The largest body the visit form takes: its photos as sent and its fields.
pub(crate) const MAX_VISIT_BODY: usize = MAX_PER_VISIT * MAX_SENT_BYTES + 256 * 1024;

/// What the form (or the API, or a queued offline visit) sent.
#[derive(Default)]
pub(crate) struct Sent {
    pub pairs: Vec<(String, String)>,
    pub photos: Vec<Vec<u8>>,
    pub too_large: bool,
    pub too_many: bool,
}

impl Sent {
    pub fn value(&self, name: &str) -> Option<&str> {
        forms::form_value(&self.pairs, name)
    }

    /// A form's hidden field (`_name`) or the API's plain one (`name`), when not empty.
    fn either(&self, hidden: &str, plain: &str) -> Option<String> {
        (self.value(hidden).or_else(|| self.value(plain)))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    }

    fn text(&self, name: &str) -> String {
        self.value(name).unwrap_or("").trim().to_string()
    }
}

/// Reads the multipart body: text fields, and the photos in chunks, stopped as soon as one
/// passes core's size limit or there are more than a visit keeps.
pub(crate) async fn read_sent(mut multipart: Multipart) -> Result<Sent, WebError> {
    let bad =
        || WebError::bad_request("上传中断或格式有误 / the upload was interrupted or malformed");
    let mut sent = Sent::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or("").to_string();
        if name == "photos" {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                if bytes.len() + chunk.len() > MAX_SENT_BYTES {
                    sent.too_large = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            // A file input left empty sends one empty part.
            if !bytes.is_empty() {
                sent.photos.push(bytes);
            }
            sent.too_many |= sent.photos.len() > MAX_PER_VISIT;
            if sent.too_large || sent.too_many {
                break;
            }
        } else {
            let text = field.text().await.map_err(|_| bad())?;
            sent.pairs.push((name, text));
        }
    }
    Ok(sent)
}

/// Photos decoded at once, server-wide.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
const BUSY: &str = "照片未能处理，请稍后再试 / the photos could not be processed; try again later";

/// The photos as kept (core's rule), off the async threads: decoding a phone's photo takes a
/// tenth of a second or more.
async fn kept_photos(sent: &Sent) -> Result<Vec<KeptPhoto>, Vec<FieldProblem>> {
    if sent.too_large {
        return Err(vec![problem(
            "photos",
            format!(
                "照片超过 {} MB / a photo is over {} MB",
                MAX_SENT_BYTES >> 20,
                MAX_SENT_BYTES >> 20
            ),
        )]);
    }
    if sent.too_many {
        return Err(vec![problem(
            "photos",
            format!("一次走访最多保存 {MAX_PER_VISIT} 张照片 / a visit keeps at most {MAX_PER_VISIT} photos"),
        )]);
    }
    // Decoding a large photo takes a few hundred megabytes for a moment: two at a time, so
    // that many uploads at once queue here instead of exhausting the server's memory.
    let _turn = (DECODING.acquire().await).map_err(|_| vec![problem("photos", BUSY)])?;
    let all = sent.photos.clone();
    let kept = tokio::task::spawn_blocking(move || {
        all.iter()
            .enumerate()
            .map(|(i, b)| photos::keep(b).map_err(|m| format!("第 {} 张：{m}", i + 1)))
            .collect::<Result<Vec<_>, String>>()
    })
    .await
    .map_err(|_| vec![problem("photos", BUSY)])?;
    kept.map_err(|m| vec![problem("photos", m)])
}

/// The visit as typed, parsed as a visits.csv row would be (same messages as an import).
fn visit_of(sent: &Sent, cadre: &str, household: &str) -> Result<FieldVisit, Vec<FieldProblem>> {
    let spec = &xplus_core::interchange::schema::VISITS;
    let date = sent.text("date");
    let text: Vec<String> = vec![
        cadre.to_string(),
        household.to_string(),
        if date.is_empty() {
            today().to_string()
        } else {
            date
        },
        sent.text("activity"),
        sent.text("kind"),
        sent.text("found"),
        sent.text("location"),
    ];
    let mut problems = Vec::new();
    if cadre.is_empty() {
        problems.push(problem(
            "cadre_id",
            "请填写走访干部的编号 / give the visiting cadre's id",
        ));
    }
    let values = forms::parse(spec, &text, today()).map_err(|mut p| {
        problems.append(&mut p);
        std::mem::take(&mut problems)
    })?;
    if !problems.is_empty() {
        return Err(problems);
    }
    FieldVisit::from_values(&values)
        .ok_or_else(|| vec![problem("date", "日期有误 / the date is not accepted")])
}

/// The household's income of the form's year as typed, when the helper chose to update it.
fn income_change(
    sent: &Sent,
    household: &str,
) -> Result<Option<records::Change>, Vec<FieldProblem>> {
    if sent.value("update_income") != Some("1") {
        return Ok(None);
    }
    let mut text = forms::submitted(&INCOMES, &sent.pairs);
    text[0] = household.to_string();
    let values = forms::parse(&INCOMES, &text, today())?;
    let mut change =
        records::Change::one(&INCOMES, values).map_err(|e| vec![problem("year", e.to_string())])?;
    // A past year's stored income is a correction, which needs its reason (the API may send
    // one; the form offers only this year).
    change.reason = sent.value("reason").map(str::to_string);
    Ok(Some(change))
}

/// A kept visit as the pages (and the API) show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct VisitView {
    pub date: String,
    pub cadre_id: String,
    /// How, as its label; `kind_code` as sent back.
    pub kind: String,
    pub kind_code: String,
    pub activity: String,
    pub found: String,
    pub location: String,
    /// The photos' addresses, in number order.
    pub photos: Vec<String>,
    /// What a form sends back to replace it (`FieldVisit::version`).
    pub version: String,
}

impl VisitView {
    pub fn of(l: Lang, v: &records::VisitWithPhotos) -> VisitView {
        let visit = &v.visit;
        VisitView {
            date: visit.date.to_string(),
            cadre_id: visit.cadre_id.clone(),
            kind: visit
                .kind
                .map(|k| l.label(k.code(), k.label_zh()))
                .unwrap_or_default(),
            kind_code: visit.kind.map(|k| k.code().to_string()).unwrap_or_default(),
            activity: visit.activity.clone(),
            found: visit.found.clone().unwrap_or_default(),
            location: visit.location.clone().unwrap_or_default(),
            photos: v.photos.iter().map(photo_url).collect(),
            version: visit.version(),
        }
    }
}

pub(crate) fn photo_url(p: &records::PhotoMeta) -> String {
    format!(
        "/households/{}/visits/{}/{}/photos/{}",
        forms::url_encode(&p.household_id),
        forms::url_encode(&p.cadre_id),
        p.date,
        p.seq
    )
}

/// What is kept now, for a conflict: the household's fingerprint, its income of the form's
/// year (label, value) and the same day's visit.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Current {
    pub fingerprint: String,
    pub income_year: i32,
    pub income: Vec<Labelled>,
    pub visit: Option<VisitView>,
}

/// A value with its label (an income's column).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub(crate) struct Labelled {
    pub label: String,
    pub value: String,
}

/// How a recording ended.
pub(crate) enum Outcome {
    Saved(records::RecordedVisit),
    /// Refused by a rule, by field; nothing written.
    Problems(Vec<FieldProblem>),
    /// Something changed since the form was read; nothing written.
    Conflict {
        message: String,
        current: Current,
    },
}

/// Records what `sent` holds for household `id`: the rules of core through the store, in one
/// transaction (see `records::record_visit`).
pub(crate) async fn record(
    state: &AppState,
    user: &Signed,
    l: Lang,
    id: &str,
    sent: &Sent,
) -> Result<Outcome, WebError> {
    let cadre = records::own_cadre(&user.access)
        .map(str::to_string)
        .unwrap_or_else(|| sent.text("cadre_id"));
    let visit = visit_of(sent, &cadre, id);
    let change = income_change(sent, id);
    let photos = kept_photos(sent).await;
    let (visit, change, photos) = match (visit, change, photos) {
        (Ok(v), Ok(c), Ok(p)) => (v, c, p),
        (v, c, p) => {
            let problems = [v.err(), c.err(), p.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            return Ok(Outcome::Problems(problems));
        }
    };
    let (date, year) = (visit.date, income_year(sent));
    let new = NewVisit {
        visit,
        photos,
        change,
        fingerprint: sent.either("_fingerprint", "fingerprint"),
        replaces: sent.either("_replaces", "replaces"),
    };
    let store = state.store.as_ref();
    match records::record_visit(store, &user.access, &RuleSet::default(), new, today()).await {
        Ok(saved) => {
            state.counts.changed();
            if saved.changed {
                state.refresh_soon();
            }
            Ok(Outcome::Saved(saved))
        }
        Err(StoreError::Refused(Refusal::Rejected(problems))) => Ok(Outcome::Problems(problems)),
        Err(StoreError::Refused(Refusal::Conflict(message))) => {
            let current = current(state, user, l, id, &cadre, date, year).await?;
            Ok(Outcome::Conflict { message, current })
        }
        Err(e) => Err(e.into()),
    }
}

fn income_year(sent: &Sent) -> i32 {
    sent.value("year")
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or_else(|| today().year())
}

async fn current(
    state: &AppState,
    user: &Signed,
    l: Lang,
    id: &str,
    cadre: &str,
    date: NaiveDate,
    year: i32,
) -> Result<Current, WebError> {
    let store = state.store.as_ref();
    let record = records::household(store, &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let key = records::VisitKey {
        cadre_id: cadre.to_string(),
        household_id: id.to_string(),
        date,
    };
    let visit = records::visit_of_day(store, &user.access, &key, today()).await?;
    Ok(Current {
        fingerprint: record.fingerprint.clone(),
        income_year: year,
        income: income_fields(l, &record, year)
            .into_iter()
            .skip(2)
            .map(|f| Labelled {
                label: f.label,
                value: f.value,
            })
            .collect(),
        visit: visit.as_ref().map(|v| VisitView::of(l, v)),
    })
}

/// The income fields of `year` showing what is stored (empty for a year not recorded yet); the
/// household and the year cannot be changed here.
pub(crate) fn income_fields(l: Lang, record: &HouseholdRecord, year: i32) -> Vec<Field> {
    let stored = record.incomes.iter().find(|i| i.year == year);
    let text = match stored {
        Some(i) => forms::row_text(&INCOMES, &i.to_row()),
        None => {
            let mut t = vec![String::new(); INCOMES.columns.len()];
            t[0] = record.household.id.clone();
            t[1] = year.to_string();
            t
        }
    };
    forms::fields(l, &INCOMES, &text, &[0, 1], &[])
}

/// Whether the request asks for JSON (the page's script, the API).
pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    (headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()))
        .is_some_and(|a| a.contains("application/json"))
}

/// An outcome as JSON: 200 with what was kept, 422 with the problems by field, 409 with the
/// message and what is kept now.
pub(crate) fn outcome_json(l: Lang, outcome: Outcome) -> Response {
    match outcome {
        Outcome::Saved(saved) => Json(serde_json::json!({
            "household_id": saved.visit.household_id,
            "cadre_id": saved.visit.cadre_id,
            "date": saved.visit.date.to_string(),
            "version": saved.visit.version(),
            "photos": saved.photos.iter().map(photo_url).collect::<Vec<_>>(),
            "fingerprint": saved.fingerprint,
            "changed": saved.changed,
        }))
        .into_response(),
        Outcome::Problems(problems) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({
                "problems": problems.iter().map(|p| serde_json::json!({
                    "field": p.field, "message": l.pick(&p.message)
                })).collect::<Vec<_>>()
            })),
        )
            .into_response(),
        Outcome::Conflict { message, current } => (
            StatusCode::CONFLICT,
            Json(serde_json::json!({ "conflict": l.pick(&message), "current": current })),
        )
            .into_response(),
    }
}

/// Photo `seq` of the visit `key` names, as the JPEG it is kept as (a page's and the API's
/// answer alike); not found outside the account's reach.
pub(crate) async fn photo_response(
    state: &AppState,
    user: &Signed,
    key: records::VisitKey,
    seq: i64,
) -> Result<Response, WebError> {
    let (_, bytes) = records::visit_photo(state.store.as_ref(), &user.access, &key, seq, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            // Not left in a shared computer's cache; a helper's phone keeps its own copy for
            // offline reading (the service worker's, cleared when another account signs in).
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        bytes,
    )
        .into_response())
}
