//! 述职评议考核 page: the village secretaries of a county in a year, scored by criterion, with
//! their weighted totals and ranks; officials enter the scores here.

use super::{html, today, year_of, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::form_value;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xplus_core::accounts::{Role, Scope};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, ReviewRanking};

#[derive(Deserialize)]
pub struct ReviewQuery {
    county: Option<String>,
    year: Option<String>,
    saved: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    c: Chrome,
    county: String,
    year: i32,
    ranking: Option<ReviewRanking>,
    may_score: bool,
    saved: bool,
}

impl ReviewPage {
    fn total(&self, t: &Option<u32>) -> String {
        t.map_or_else(|| "-".into(), xplus_core::backbone::review::show_total)
    }

    fn score(&self, line: &records::ReviewLine, code: &str) -> String {
        line.scores
            .get(code)
            .map(|s| s.to_string())
            .unwrap_or_default()
    }
}

/// The county an account looks at by default: its own.
fn own_county(scope: &Scope) -> Option<RegionCode> {
    match scope {
        Scope::Region(r) => r.county(),
        _ => None,
    }
}

/// The county asked for (`county=`), else the account's own; None when neither.
pub(crate) fn county_asked(
    county: Option<&str>,
    scope: &Scope,
) -> Result<Option<RegionCode>, WebError> {
    match county.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Ok(Some(RegionCode::parse(c).map_err(|_| {
            WebError::bad_request(format!("区划代码 {c} 无效 / invalid region code"))
        })?)),
        None => Ok(own_county(scope)),
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, WebError> {
    let year = year_of(q.year.as_deref())?;
    let county = county_asked(q.county.as_deref(), user.access.scope())?;
    let ranking = match county {
        Some(c) => {
            Some(records::review_ranking(state.store.as_ref(), &user.access, c, year).await?)
        }
        None => None,
    };
    html(&ReviewPage {
        c: Chrome::new(l, &user, "secretaries"),
        county: county.map(|c| c.to_string()).unwrap_or_default(),
        year,
        ranking,
        may_score: matches!(user.access.role(), Role::Admin | Role::Official),
        saved: q.saved.is_some(),
    })
}

/// The review as a workbook (the ranking and the criteria in force): `/secretaries/review.xlsx`.
pub async fn export(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ReviewQuery>,
) -> Result<Response, WebError> {
    let year = year_of(q.year.as_deref())?;
    let county = county_asked(q.county.as_deref(), user.access.scope())?
        .ok_or_else(|| WebError::bad_request("请选择县（区）/ choose a county".to_string()))?;
    let ranking = records::review_ranking(state.store.as_ref(), &user.access, county, year).await?;
    super::xlsx_download(format!("review-{county}-{year}.xlsx"), move || {
        Ok(xplus_output::review::review_workbook(&ranking)?)
    })
    .await
}

/// One secretary's scores: `score_{criterion}` fields, 0–100; empty ones are left as they were.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let year = year_of(form_value(&pairs, "year"))?;
    let county = match form_value(&pairs, "county")
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => super::region_of(c)?.to_string(),
        None => String::new(),
    };
    let mut scores = Vec::new();
    for (k, v) in &pairs {
        let Some(code) = k.strip_prefix("score_") else {
            continue;
        };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let score: u32 = v.parse().map_err(|_| {
            WebError::bad_request(format!(
                "得分“{v}”不是0到100的整数 / '{v}' is not a whole score from 0 to 100"
            ))
        })?;
        scores.push((code.to_string(), score));
    }
    records::save_review(
        state.store.as_ref(),
        &user.access,
        &id,
        year,
        &scores,
        today(),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/secretaries/review?county={county}&year={year}&saved=1"
    ))
    .into_response())
}
