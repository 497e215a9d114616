//! 贫困户退出程序 pages (rules.md §3): the batches of a year within reach, and one village's
//! batch — the households the assessment finds eligible, the proposal, the democratic review,
//! the public notice with its objections, the town's and the county's approval — each step a
//! form for those who may take it.

use super::{html, today, year_of, Chrome, YearParam};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::forms::{form_value, url_encode};
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xplus_core::assessment::procedure::{may_take, ExitStep};
use xplus_core::registry::RegionCode;
use xplus_store::records::{self, BatchState, BatchSummary, ExitAct, ExitView};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "exits.html")]
struct ExitsPage {
    c: Chrome,
    year: i32,
    batches: Vec<BatchSummary>,
    /// Exits the county recorded with `xplus assess --apply`, outside the procedure.
    direct: Vec<records::DirectExits>,
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<YearParam>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let batches = records::exit_batches(state.store.as_ref(), &user.access, year).await?;
    let direct = records::direct_exits(state.store.as_ref(), &user.access, year).await?;
    html(&ExitsPage {
        c: Chrome::new(l, &user, "exits"),
        year,
        batches,
        direct,
    })
}

#[derive(Deserialize)]
pub struct OpenQuery {
    village: Option<String>,
    year: Option<String>,
}

/// The form of the list page: a village code typed in leads to its batch.
pub async fn open(
    State(state): State<AppState>,
    Query(q): Query<OpenQuery>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, q.year.as_deref()).await?;
    let village = q.village.unwrap_or_default();
    let code = RegionCode::parse(village.trim()).map_err(|_| {
        WebError::bad_request(format!("村代码 {village} 无效 / invalid village code"))
    })?;
    Ok(Redirect::to(&format!("/exits/{code}/{year}")).into_response())
}

/// One household line of the batch page.
pub struct Line {
    pub id: String,
    pub members: i64,
    pub per_capita: String,
    pub state: Option<BatchState>,
}

#[derive(Template)]
#[template(path = "exit_batch.html")]
struct BatchPage {
    c: Chrome,
    v: ExitView,
    lines: Vec<Line>,
    /// Steps this user may take now.
    can: Vec<ExitStep>,
    message: Option<(bool, String)>,
    today: String,
    /// The batch's attachments (scanned minutes, the 公示 photo …), and whether this user may add one.
    attachments: Vec<records::AttachmentMeta>,
    may_attach: bool,
    steps: &'static [ExitStep],
}

impl BatchPage {
    fn may(&self, step: &str) -> bool {
        self.can.iter().any(|s| s.code() == step)
    }

    fn stage(&self) -> String {
        match &self.v.batch {
            Some(b) => self.c.l.label(b.stage.code(), b.stage.label_zh()),
            None => self.c.l.t("尚未提名", "Not proposed yet").to_string(),
        }
    }

    fn state_label(&self, state: &Option<BatchState>) -> String {
        match state {
            Some(s) => self.c.l.label(s.code(), s.label_zh()),
            None => "-".into(),
        }
    }

    fn step_label(&self, step: &ExitStep) -> String {
        self.c.l.label(step.code(), step.label_zh())
    }
}

pub(super) async fn render(
    state: &AppState,
    user: &crate::auth::Signed,
    l: Lang,
    village: RegionCode,
    year: i32,
    message: Option<(bool, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let v = records::exit_view(state.store.as_ref(), &user.access, village, year).await?;
    let lines = match &v.batch {
        Some(b) => b
            .households
            .iter()
            .map(|(id, st)| {
                let found = v.assessed.iter().find(|h| h.household_id == *id);
                Line {
                    id: id.clone(),
                    members: found.map_or(0, |h| h.members),
                    per_capita: found
                        .and_then(|h| h.per_capita)
                        .map_or_else(|| "-".into(), |p| p.to_string()),
                    state: Some(*st),
                }
            })
            .collect(),
        None => v
            .eligible
            .iter()
            .map(|h| Line {
                id: h.household_id.clone(),
                members: h.members,
                per_capita: h.per_capita.map_or_else(|| "-".into(), |p| p.to_string()),
                state: None,
            })
            .collect(),
    };
    let stage = v.batch.as_ref().map(|b| b.stage);
    let attachments =
        records::exit_attachments(state.store.as_ref(), &user.access, village, year).await?;
    let may_attach = v.batch.is_some() && user.access.may_write();
    let can = ExitStep::ALL
        .iter()
        .copied()
        .filter(|s| may_take(&user.access, *s, village))
        .filter(|s| xplus_core::assessment::procedure::check_order(stage, *s).is_ok())
        .collect();
    let mut page = html(&BatchPage {
        c: Chrome::new(l, user, "exits"),
        v,
        lines,
        can,
        message,
        today: xplus_core::values::format_date(today()),
        attachments,
        may_attach,
        steps: ExitStep::ALL,
    })?;
    *page.status_mut() = status;
    Ok(page)
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    /// The number of the attachment just added.
    attached: Option<String>,
}

pub async fn batch(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((village, year)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let village = super::region_of(&village)?;
    let year = year_of(Some(&year))?;
    let message = q.done.as_deref().and_then(ExitStep::parse).map(|s| {
        (
            true,
            format!(
                "{}：{}",
                l.t("已完成", "Done"),
                l.label(s.code(), s.label_zh())
            ),
        )
    });
    let attached = q.attached.filter(|n| !n.is_empty()).map(|n| {
        (
            true,
            format!("{}{n}", l.t("已添加附件 ", "Attachment added: ")),
        )
    });
    let message = message.or(attached);
    render(&state, &user, l, village, year, message, StatusCode::OK).await
}

fn date_field(pairs: &[(String, String)], name: &str) -> Result<chrono::NaiveDate, StoreError> {
    let raw = form_value(pairs, name).unwrap_or("").trim();
    xplus_core::values::parse_date(raw).map_err(|_| {
        StoreError::Refused(Refusal::Invalid(format!(
            "日期“{raw}”无效（YYYY-MM-DD） / bad date '{raw}' (YYYY-MM-DD)"
        )))
    })
}

/// The day a step happened: the field's date, today when it is left empty (the form fills it).
fn dated(pairs: &[(String, String)], name: &str) -> Result<chrono::NaiveDate, StoreError> {
    match form_value(pairs, name).map(str::trim) {
        None | Some("") => Ok(today()),
        Some(_) => date_field(pairs, name),
    }
}

fn act_of(step: ExitStep, pairs: &[(String, String)]) -> Result<ExitAct, StoreError> {
    let text = |name| form_value(pairs, name).unwrap_or("").trim().to_string();
    Ok(match step {
        ExitStep::Propose => ExitAct::Propose {
            date: dated(pairs, "proposed_on")?,
        },
        ExitStep::Review => ExitAct::Review {
            date: date_field(pairs, "review_date")?,
            attendees: text("attendees").parse().map_err(|_| {
                StoreError::Refused(Refusal::Invalid(
                    "请填写参加评议的人数 / give the number of people at the review".into(),
                ))
            })?,
            agreed: pairs
                .iter()
                .filter(|(k, _)| k == "agreed")
                .map(|(_, v)| v.clone())
                .collect(),
        },
        ExitStep::Notice => ExitAct::Notice {
            start: date_field(pairs, "notice_start")?,
        },
        ExitStep::Object => ExitAct::Object {
            household_id: text("household_id"),
            raised_on: date_field(pairs, "raised_on")?,
            raised_by: text("raised_by"),
            content: text("content"),
        },
        ExitStep::Resolve => ExitAct::Resolve {
            no: text("no").parse().map_err(|_| {
                StoreError::Refused(Refusal::Invalid(
                    "异议编号无效 / bad objection number".into(),
                ))
            })?,
            resolution: text("resolution"),
            upheld: form_value(pairs, "upheld") == Some("1"),
            date: dated(pairs, "resolved_on")?,
        },
        ExitStep::TownApproval => ExitAct::TownApproval {
            date: dated(pairs, "approved_on")?,
            opinion: text("opinion"),
        },
        ExitStep::CountyApproval => ExitAct::CountyApproval {
            date: dated(pairs, "approved_on")?,
            opinion: text("opinion"),
        },
    })
}

/// A step's form: taken, then back to the page; refused, the page again with the reason.
pub async fn step(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path((village, year, step)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let village = super::region_of(&village)?;
    let year = year_of(Some(&year))?;
    let step = ExitStep::parse(&step).ok_or_else(WebError::not_found)?;
    let result = match act_of(step, &pairs) {
        Ok(act) => {
            records::take_exit_step(
                state.store.as_ref(),
                &user.access,
                village,
                year,
                act,
                today(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/exits/{village}/{year}?done={}",
            url_encode(step.code())
        ))
        .into_response()),
        Err(
            e @ (StoreError::Refused(Refusal::Invalid(_))
            | StoreError::Refused(Refusal::Conflict(_))
            | StoreError::Refused(Refusal::Forbidden(_))),
        ) => {
            let status = match e {
                StoreError::Refused(Refusal::Forbidden(_)) => StatusCode::FORBIDDEN,
                StoreError::Refused(Refusal::Conflict(_)) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            render(
                &state,
                &user,
                l,
                village,
                year,
                Some((false, e.to_string())),
                status,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
