//! 户的历史 / A household through time (book of record): its standing at the end of each year
//! (each year opening that year's 明白卡), the outcomes the assessments recorded, their
//! corrections, its helpers' pairings and its shares with their dates, its incomes by year and
//! its members as recorded now and those who joined or left, with the day — and, for the office that answers for the figures, the form
//! that corrects a past year's outcome.

use super::activity::Section;
use super::entries::Shown;
use super::{html, today, year_of, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::{form_value, url_encode};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::interchange::schema::{
    ASSESSMENT_OUTCOMES, CADRE_HOUSEHOLD_PAIRINGS, CORRECTIONS, INCOMES, INCOME_CORRECTIONS,
    MEMBERS, MEMBER_CHANGES, SHARE_EVENTS,
};
use xplus_core::interchange::FileSpec;
use xplus_core::registry::HouseholdStatus;
use xplus_store::records::{self, OutcomeCorrection};
use xplus_store::{Refusal, StoreError};

#[derive(Template)]
#[template(path = "household_history.html")]
struct HouseholdHistoryPage {
    c: Chrome,
    id: String,
    title: String,
    message: Option<(bool, String)>,
    sections: Vec<Section>,
    may_correct: bool,
    /// The statuses a correction may give, (code, label).
    statuses: Vec<(&'static str, String)>,
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    /// The year just corrected.
    #[serde(default)]
    pub corrected: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let message = done.corrected.filter(|y| !y.is_empty()).map(|y| {
        (
            true,
            format!(
                "{}{y}{}",
                l.t("已更正 ", "The outcome of "),
                l.t(" 年度的评估结果", " is corrected")
            ),
        )
    });
    render(&state, &user, l, &id, message, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    user: &Signed,
    l: Lang,
    id: &str,
    message: Option<(bool, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let years = records::standings_by_year(state.store.as_ref(), &user.access, id, today())
        .await?
        .ok_or_else(WebError::not_found)?;
    let text = |t: String| Shown {
        text: t,
        link: None,
    };
    let rows = years
        .iter()
        .rev()
        .map(|(year, st)| {
            vec![
                Shown {
                    text: year.to_string(),
                    link: Some(format!("/households/{}/card?year={year}", url_encode(id))),
                },
                text(l.label(st.status.code(), st.status.label_zh())),
                text(st.exit_year.map(|y| y.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    let mut sections = vec![Section {
        title: l
            .t(
                "历年年末状态（点击年度打开当年明白卡）",
                "Standing at the end of each year (a year opens its card)",
            )
            .to_string(),
        ledger: format!("/households/{}", url_encode(id)),
        headers: vec![
            l.t("年度", "Year").to_string(),
            l.t("年末状态", "Status at the year's end").to_string(),
            l.t("脱贫年度", "Exit year").to_string(),
        ],
        rows,
    }];
    let ledgers = [
        (
            &ASSESSMENT_OUTCOMES,
            l.t("年度评估结果", "Outcomes recorded"),
        ),
        (&CORRECTIONS, l.t("更正记录", "Corrections")),
        (
            &CADRE_HOUSEHOLD_PAIRINGS,
            l.t("结对帮扶（起止日期）", "Helpers paired (with their dates)"),
        ),
        (&SHARE_EVENTS, l.t("股权变动", "Share events")),
        (&INCOMES, l.t("历年收入", "Incomes by year")),
        (&INCOME_CORRECTIONS, l.t("收入更正", "Incomes corrected")),
        (
            &MEMBERS,
            l.t("家庭成员（现状）", "Members (as recorded now)"),
        ),
        (
            &MEMBER_CHANGES,
            l.t("成员变动（加入、减少）", "Members who joined or left"),
        ),
    ];
    for (spec, title) in ledgers {
        sections.push(ledger(state, user, l, spec, title, id).await?);
    }
    use HouseholdStatus::*;
    let statuses = [Poor, Exited, Monitored, Returned]
        .into_iter()
        .map(|s| (s.code(), l.label(s.code(), s.label_zh())))
        .collect();
    let page = HouseholdHistoryPage {
        c: Chrome::new(l, user, "households"),
        id: id.to_string(),
        title: format!("{id} {}", l.t("户的历史", "through time")),
        message,
        sections,
        may_correct: user.access.may_correct_past_years(),
        statuses,
    };
    let mut response = html(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// POST of the correction form: recorded, then back to the history; refused with the reason on
/// the same page (422, or 403 / 404), nothing written.
pub async fn correct(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let field = |name| form_value(&pairs, name).map(str::trim).unwrap_or("");
    if field("year").is_empty() {
        return Err(WebError::bad_request(
            "请填写评估年度 / the year is required",
        ));
    }
    let year = year_of(Some(field("year")))?;
    let status = HouseholdStatus::parse(field("status"))
        .ok_or_else(|| WebError::bad_request(format!("状态无效：{}", field("status"))))?;
    let exit_year = match field("exit_year") {
        "" => None,
        y => Some(year_of(Some(y))?),
    };
    let correction = OutcomeCorrection {
        household_id: id.clone(),
        year,
        status,
        exit_year,
        reason: field("reason").to_string(),
    };
    let actor = user.account.name.clone();
    let done = records::correct_outcome(
        state.store.as_ref(),
        &user.access,
        &actor,
        &correction,
        today(),
    )
    .await;
    match done {
        Ok(note) => Ok(Redirect::to(&format!(
            "/households/{}/history?corrected={}",
            url_encode(&id),
            note.year
        ))
        .into_response()),
        Err(StoreError::Refused(r)) => {
            let status = match r {
                Refusal::Forbidden(_) => StatusCode::FORBIDDEN,
                Refusal::NotFound(_) => return Err(WebError::not_found()),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(&state, &user, l, &id, Some((false, r.to_string())), status).await
        }
        Err(e) => Err(e.into()),
    }
}

/// One dated ledger of the household, each row as the bundle writes it; its link opens the
/// full ledger where there is one.
async fn ledger(
    state: &AppState,
    user: &Signed,
    l: Lang,
    spec: &'static FileSpec,
    title: &str,
    id: &str,
) -> Result<Section, WebError> {
    let rows =
        records::household_rows(state.store.as_ref(), &user.access, spec, id, today()).await?;
    let ledger = match records::entry_file(spec.name) {
        Some(_) => format!("/records/{}?household_id={}", spec.name, url_encode(id)),
        None => format!("/households/{}", url_encode(id)),
    };
    Ok(Section::of_rows(
        l,
        &user.access,
        spec,
        title,
        ledger,
        &rows,
    ))
}
