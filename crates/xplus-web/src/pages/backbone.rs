//! 骨干 pages: a household's helpers (pair, end with a successor — rules.md §7 checked by the
//! store) and 谁来扶, the suggested helpers for poor households without one, each confirmed by
//! a person.

use super::paging::{asked_page, Pager};
use super::{html, is_htmx, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::url_encode;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use xplus_core::rules::RuleSet;
use xplus_core::values::{format_date, parse_date};
use xplus_store::records::{
    self, HelperSuggestion, PairingRequest, PairingView, SecretariesOverview,
};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "pairings.html")]
struct PairingsPage {
    c: Chrome,
    household_id: String,
    pairings: Vec<PairingView>,
    may_assign: bool,
    /// What the refused form held, and why (field, message).
    typed: Typed,
    problems: Vec<(String, String)>,
    message: String,
}

#[derive(Default)]
struct Typed {
    cadre_id: String,
    start_date: String,
    end_date: String,
    successor: String,
}

impl PairingsPage {
    fn role(&self, p: &PairingView) -> String {
        p.role
            .map(|r| self.c.l.label(r.code(), r.label_zh()))
            .unwrap_or_default()
    }

    fn date(&self, d: &Option<NaiveDate>) -> String {
        d.map(format_date).unwrap_or_default()
    }
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

async fn page(
    state: &AppState,
    user: &Signed,
    l: Lang,
    id: &str,
    typed: Typed,
    problems: Vec<(String, String)>,
    message: String,
) -> Result<Response, WebError> {
    let pairings = records::household_pairings(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    html(&PairingsPage {
        c: Chrome::new(l, user, "households"),
        household_id: id.to_string(),
        pairings,
        may_assign: user.access.may_write() && user.access.may_assign_helpers(),
        typed,
        problems,
        message,
    })
}

pub async fn pairings(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    page(
        &state,
        &user,
        l,
        &id,
        Typed::default(),
        Vec::new(),
        String::new(),
    )
    .await
}

/// Pairs a cadre with the household, or ends a pairing (same cadre and start) with an optional
/// successor who takes over on the end day. `back` returns to the 谁来扶 page after a confirm.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(Some(value(&pairs, "_csrf")))?;
    let typed = Typed {
        cadre_id: value(&pairs, "cadre_id").to_string(),
        start_date: value(&pairs, "start_date").to_string(),
        end_date: value(&pairs, "end_date").to_string(),
        successor: value(&pairs, "successor").to_string(),
    };
    let mut problems = Vec::new();
    let mut date = |field: &str, text: &str, required: bool| -> Option<NaiveDate> {
        if text.is_empty() {
            if required {
                problems.push((field.to_string(), l.t("必填", "required").to_string()));
            }
            return None;
        }
        parse_date(text)
            .map_err(|e| problems.push((field.to_string(), l.pick(&e.to_string()))))
            .ok()
    };
    let start = date("start_date", &typed.start_date, true);
    let end = date("end_date", &typed.end_date, false);
    if typed.cadre_id.is_empty() {
        problems.push(("cadre_id".into(), l.t("必填", "required").into()));
    }
    let back = value(&pairs, "back");
    if problems.is_empty() {
        let request = PairingRequest {
            household_id: id.clone(),
            cadre_id: typed.cadre_id.clone(),
            start: start.expect("checked"),
            end,
            successor: (!typed.successor.is_empty()).then(|| typed.successor.clone()),
        };
        let rules = RuleSet::default();
        match records::save_pairing(
            state.store.as_ref(),
            &user.access,
            &request,
            &rules,
            today(),
        )
        .await
        {
            Ok(()) if back == "/helpers" => return Ok(Redirect::to("/helpers").into_response()),
            Ok(()) => {
                let to = format!("/pairings/{}", url_encode(&id));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(StoreError::Refused(Refusal::Rejected(fields))) => {
                problems.extend(fields.into_iter().map(|f| (f.field, l.pick(&f.message))))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let mut response = page(
        &state,
        &user,
        l,
        &id,
        typed,
        problems,
        l.t("未保存", "Not saved").to_string(),
    )
    .await?;
    *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "helpers.html")]
struct HelpersPage {
    c: Chrome,
    today: String,
    capacity: u32,
    list: HelpersList,
}

/// A page of the suggestions (the part htmx swaps).
#[derive(Template)]
#[template(path = "helpers_list.html")]
struct HelpersList {
    l: Lang,
    pager: Pager,
    suggestions: Vec<HelperSuggestion>,
    csrf: String,
    today: String,
    may_assign: bool,
}

/// `/helpers`: the page of the list.
#[derive(serde::Deserialize, Default)]
pub struct HelpersParams {
    page: Option<String>,
}

/// 谁来扶. The suggestions are made in one pass over the households (each suggestion loads a
/// cadre for the next), so the whole list is computed and a page of it shown.
pub async fn helpers(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    headers: HeaderMap,
    Query(p): Query<HelpersParams>,
) -> Result<Response, WebError> {
    let asked = asked_page(p.page.as_deref())?;
    let rules = RuleSet::default();
    let day = today();
    // Computed once per change of the data and day, then paged from (a province's unpaired
    // households take a second or more). Changes not yet folded into the roll-ups (a helper just
    // assigned) are folded in the background, after which the list is kept again.
    state.refresh_soon();
    let compute = records::helper_suggestions(state.store.as_ref(), &user.access, &rules, day);
    let all = state
        .computed("helpers", &user.access, 0, day, compute)
        .await?;
    let pager = Pager::new(all.len() as u64, asked, "/helpers", "", "list");
    let window = pager.window();
    let list = HelpersList {
        l,
        suggestions: all
            .iter()
            .skip(usize::try_from(window.offset).unwrap_or(usize::MAX))
            .take(window.limit as usize)
            .cloned()
            .collect(),
        pager,
        csrf: user.csrf.clone(),
        today: format_date(today()),
        may_assign: user.access.may_write() && user.access.may_assign_helpers(),
    };
    if is_htmx(&headers) {
        return html(&list);
    }
    html(&HelpersPage {
        c: Chrome::new(l, &user, "helpers"),
        today: format_date(today()),
        capacity: rules.helper_capacity.value,
        list,
    })
}

#[derive(Template)]
#[template(path = "secretaries.html")]
struct SecretariesPage {
    c: Chrome,
    year: i32,
    o: SecretariesOverview,
    /// The year's review of the account's county, where it has one (强化结果运用).
    review: Option<ReviewUse>,
}

/// The review's result as the secretaries' page puts it to use: how many secretaries have a
/// total, and those ranked first and last (rank, name, village, total).
pub struct ReviewUse {
    pub county: String,
    pub scored: usize,
    pub in_office: usize,
    pub first: Vec<(u32, String, String, String)>,
    pub last: Vec<(u32, String, String, String)>,
}

/// How many of the ranking's head and tail the page lists.
const REVIEW_SHOWN: usize = 3;

fn review_use(r: records::ReviewRanking) -> ReviewUse {
    let ranked: Vec<(u32, String, String, String)> = (r.lines.iter())
        .filter_map(|l| {
            let total = l.total?;
            Some((
                l.rank?,
                l.name.clone(),
                l.village_name.clone(),
                xplus_core::backbone::review::show_total(total),
            ))
        })
        .collect();
    let first: Vec<_> = ranked.iter().take(REVIEW_SHOWN).cloned().collect();
    // The tail only when it is not the head again.
    let tail = ranked.len().saturating_sub(REVIEW_SHOWN).max(first.len());
    ReviewUse {
        county: r.county.to_string(),
        scored: ranked.len(),
        in_office: r.lines.len(),
        first,
        last: ranked[tail..].to_vec(),
    }
}

impl SecretariesPage {
    fn tier(&self, t: &xplus_core::backbone::SecretaryTier) -> String {
        self.c.l.label(t.code(), t.label_zh())
    }

    /// Where each tier's target was set and its source, in the order of the tiers.
    fn targets(&self) -> Vec<super::targets::TargetShown> {
        let show = super::targets::TargetShown::plain;
        (self.o.targets.iter())
            .map(|t| super::targets::TargetShown::new(self.c.l, t, show, None))
            .collect()
    }
}

/// Village party secretaries: "312" tiers against the targets, the year's check-ups,
/// vacancies today and those filled in the year.
pub async fn secretaries(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    axum::extract::Query(p): axum::extract::Query<super::YearParam>,
) -> Result<Response, WebError> {
    let year = super::year_of(p.year.as_deref())?;
    // The "312" targets of the region viewed, in force in the year.
    let book = records::rule_book(state.store.as_ref()).await?;
    let rules = records::rules_for_view(&book, &user.access, year).set;
    let o =
        records::secretaries_overview(state.store.as_ref(), &user.access, &rules, year, today())
            .await?;
    // A county's (or a town's) officials see where their county's review put its secretaries.
    let county = match user.access.scope() {
        xplus_core::accounts::Scope::Region(r) => r.county(),
        _ => None,
    };
    let review = match county {
        Some(c) => Some(review_use(
            records::review_ranking(state.store.as_ref(), &user.access, c, year).await?,
        )),
        None => None,
    };
    html(&SecretariesPage {
        c: Chrome::new(l, &user, "secretaries"),
        year,
        o,
        review,
    })
}
