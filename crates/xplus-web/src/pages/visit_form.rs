//! The visit form's pages: the form itself (GET), its submission (a plain form post, or JSON
//! for the page's script and queued offline visits), and a visit's photos.

use super::field::{self, Current, Outcome, Sent, VisitView};
use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::{self, Field};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use xplus_core::backbone::visits::VisitKind;
use xplus_store::records::{self, FieldProblem, HouseholdRecord};

#[derive(Template)]
#[template(path = "visit_form.html")]
struct VisitForm {
    c: Chrome,
    id: String,
    head: String,
    village: String,
    /// None: the account is a helper, who records their own visits.
    cadre_input: Option<String>,
    date: String,
    /// The server's day, so that a copy of the form opened on a later day starts on that day.
    today: String,
    /// (code, label, chosen)
    kinds: Vec<(String, String, bool)>,
    activity: String,
    found: String,
    location: String,
    income_year: i32,
    income_fields: Vec<Field>,
    update_income: bool,
    fingerprint: String,
    replaces: String,
    /// The same day's visit already kept: the form then replaces it.
    earlier: Option<VisitView>,
    message: Option<String>,
    /// Field name → message.
    errors: Vec<(String, String)>,
    conflict: Option<Current>,
}

impl VisitForm {
    fn error(&self, field: &str) -> Option<&str> {
        (self.errors.iter())
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn kinds(l: Lang, chosen: &str) -> Vec<(String, String, bool)> {
    (VisitKind::ALL.iter())
        .map(|k| {
            (
                k.code().to_string(),
                l.label(k.code(), k.label_zh()),
                k.code() == chosen,
            )
        })
        .collect()
}

async fn household(state: &AppState, user: &Signed, id: &str) -> Result<HouseholdRecord, WebError> {
    records::household(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)
}

/// The form, filled with today's visit when one is kept (the form then replaces it).
pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let record = household(&state, &user, &id).await?;
    let cadre = records::own_cadre(&user.access).map(str::to_string);
    let earlier = match &cadre {
        Some(c) => {
            let key = records::VisitKey {
                cadre_id: c.clone(),
                household_id: id.clone(),
                date: today(),
            };
            records::visit_of_day(state.store.as_ref(), &user.access, &key, today())
                .await?
                .map(|v| VisitView::of(l, &v))
        }
        None => None,
    };
    let kind = earlier
        .as_ref()
        .map_or_else(|| "home".to_string(), |v| v.kind_code.clone());
    let page = page(
        l,
        &user,
        &record,
        cadre.is_none(),
        Filled::default(),
        earlier,
        &kind,
    );
    html(&page)
}

/// What the user typed, shown again with the problems beside it.
#[derive(Default)]
struct Filled {
    pairs: Vec<(String, String)>,
    message: Option<String>,
    errors: Vec<(String, String)>,
    conflict: Option<Current>,
}

fn page(
    l: Lang,
    user: &Signed,
    record: &HouseholdRecord,
    ask_cadre: bool,
    filled: Filled,
    earlier: Option<VisitView>,
    default_kind: &str,
) -> VisitForm {
    let typed = |name: &str| forms::form_value(&filled.pairs, name).map(str::to_string);
    let year = typed("year")
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| today().year());
    // The household is the form's own: only the year (fixed) and the amounts are shown.
    let mut income_fields = field::income_fields(l, record, year);
    income_fields.remove(0);
    if !filled.pairs.is_empty() {
        for f in income_fields.iter_mut().skip(1) {
            f.value = typed(&f.name).unwrap_or_default();
            f.error = (filled.errors.iter())
                .find(|(n, _)| *n == f.name)
                .map(|(_, m)| m.clone());
        }
    }
    let from_earlier = |pick: fn(&VisitView) -> String| earlier.as_ref().map(pick);
    let kind_code = typed("kind").unwrap_or_else(|| default_kind.to_string());
    let conflict = filled.conflict;
    VisitForm {
        c: Chrome::new(l, user, "mine"),
        id: record.household.id.clone(),
        head: record.head().map(|m| m.name.clone()).unwrap_or_default(),
        village: record.village_name.clone(),
        cadre_input: ask_cadre.then(|| typed("cadre_id").unwrap_or_default()),
        date: typed("date").unwrap_or_else(|| today().to_string()),
        today: today().to_string(),
        kinds: kinds(l, &kind_code),
        activity: typed("activity")
            .or_else(|| from_earlier(|v| v.activity.clone()))
            .unwrap_or_default(),
        found: typed("found")
            .or_else(|| from_earlier(|v| v.found.clone()))
            .unwrap_or_default(),
        location: typed("location")
            .or_else(|| from_earlier(|v| v.location.clone()))
            .unwrap_or_default(),
        income_year: year,
        income_fields,
        update_income: typed("update_income").as_deref() == Some("1"),
        // After a conflict the form carries what is kept now: sending it again keeps the
        // helper's version over it, knowingly.
        fingerprint: (conflict.as_ref().map(|c| c.fingerprint.clone()))
            .or_else(|| typed("_fingerprint"))
            .unwrap_or_else(|| record.fingerprint.clone()),
        replaces: (conflict.as_ref())
            .and_then(|c| c.visit.as_ref().map(|v| v.version.clone()))
            .or_else(|| from_earlier(|v| v.version.clone()))
            .or_else(|| typed("_replaces"))
            .unwrap_or_default(),
        earlier: conflict.as_ref().and_then(|c| c.visit.clone()).or(earlier),
        message: filled.message,
        errors: filled.errors,
        conflict,
    }
}

/// Records the visit: JSON for the page's script (and a queued offline visit), otherwise the
/// household's page, or the form again with what was refused or what changed meanwhile.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let sent = field::read_sent(multipart).await?;
    user.check_csrf(sent.value("_csrf"))?;
    let outcome = field::record(&state, &user, l, &id, &sent).await?;
    if field::wants_json(&headers) {
        return Ok(field::outcome_json(l, outcome));
    }
    let (status, filled) = match outcome {
        Outcome::Saved(_) => {
            let to = format!("/households/{}?saved=visit#visits", forms::url_encode(&id));
            return Ok(Redirect::to(&to).into_response());
        }
        Outcome::Problems(problems) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            refused(l, &sent, problems),
        ),
        Outcome::Conflict { message, current } => (
            StatusCode::CONFLICT,
            Filled {
                pairs: sent.pairs.clone(),
                message: Some(l.pick(&message)),
                errors: Vec::new(),
                conflict: Some(current),
            },
        ),
    };
    let record = household(&state, &user, &id).await?;
    let ask_cadre = records::own_cadre(&user.access).is_none();
    let page = page(l, &user, &record, ask_cadre, filled, None, "");
    Ok((status, html(&page)?).into_response())
}

fn refused(l: Lang, sent: &Sent, problems: Vec<FieldProblem>) -> Filled {
    Filled {
        pairs: sent.pairs.clone(),
        message: Some(
            l.t(
                "有内容不符合要求，请按提示修改；照片需重新选择",
                "some values are not accepted; see the notes beside them, and choose the photos again",
            )
            .to_string(),
        ),
        errors: problems
            .iter()
            .map(|p| (p.field.clone(), l.pick(&p.message)))
            .collect(),
        conflict: None,
    }
}

/// One photo of a visit, as the JPEG it is kept as.
pub async fn photo(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, cadre, date, seq)): Path<(String, String, String, i64)>,
) -> Result<Response, WebError> {
    let date: NaiveDate = date.parse().map_err(|_| WebError::not_found())?;
    let key = records::VisitKey {
        cadre_id: cadre,
        household_id: id,
        date,
    };
    field::photo_response(&state, &user, key, seq).await
}
