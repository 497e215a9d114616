//! 贫困户退出程序 pages (rules.md §3): the batches of a year within reach, and one village's
//! batch — the households the assessment finds eligible, the proposal, the democratic review,
//! the public notice with its objections, the town's and the county's approval — each step a
//! form for those who may take it.

use super::{html, today, year_of, Chrome};
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
    /// With `?step=`: the batches waiting for that step that this account may take (the
    /// workbench's count), and the step.
    waiting: Option<(ExitStep, Vec<records::WaitingBatch>)>,
    may_run: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    year: Option<String>,
    step: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(p): Query<ListQuery>,
) -> Result<Response, WebError> {
    let year = super::assessment::assessment_year(&state, p.year.as_deref()).await?;
    let store = state.store.as_ref();
    let batches = records::exit_batches(store, &user.access, year).await?;
    let direct = records::direct_exits(store, &user.access, year).await?;
    let waiting = match p.step.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(code) => {
            let step = ExitStep::parse(code).ok_or_else(|| {
                WebError::bad_request(format!("步骤“{code}”无效 / unknown step {code}"))
            })?;
            let open = records::open_batches(store, &user.access, today()).await?;
            Some((
                step,
                open.into_iter()
                    .filter(|b| b.mine && b.step == Some(step))
                    .collect(),
            ))
        }
    };
    html(&ExitsPage {
        c: Chrome::new(l, &user, "exits"),
        year,
        batches,
        direct,
        waiting,
        may_run: xplus_core::assessment::procedure::may_run_assessment(&user.access),
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
    pub head: String,
    pub members: i64,
    pub per_capita: String,
    pub state: Option<BatchState>,
    /// §3's criteria the household does not meet (empty: eligible).
    pub failed: String,
}

impl Line {
    fn of(
        l: Lang,
        v: &ExitView,
        h: &records::HouseholdAssessment,
        state: Option<BatchState>,
    ) -> Line {
        Line {
            id: h.household_id.clone(),
            head: v.heads.get(&h.household_id).cloned().unwrap_or_default(),
            members: h.members,
            per_capita: h.per_capita.map_or_else(|| "-".into(), |p| p.to_string()),
            state,
            failed: h
                .exit()
                .map(|d| {
                    d.failed()
                        .iter()
                        .map(|c| l.label(c.code(), c.label_zh()))
                        .collect::<Vec<_>>()
                        .join(l.t("、", ", "))
                })
                .unwrap_or_default(),
        }
    }

    /// A household of the batch that the assessment no longer finds (moved, removed).
    fn unknown(v: &ExitView, id: &str, state: BatchState) -> Line {
        Line {
            id: id.to_string(),
            head: v.heads.get(id).cloned().unwrap_or_default(),
            members: 0,
            per_capita: "-".into(),
            state: Some(state),
            failed: String::new(),
        }
    }
}

/// The lines of the page: the batch's households, or before a proposal the eligible households
/// (to choose from) and then the others with the criteria they fail.
pub(super) fn lines_of(l: Lang, v: &ExitView) -> (Vec<Line>, Vec<Line>) {
    match &v.batch {
        Some(b) => {
            let lines = b
                .households
                .iter()
                .map(
                    |(id, st)| match v.assessed.iter().find(|h| h.household_id == *id) {
                        Some(h) => Line::of(l, v, h, Some(*st)),
                        None => Line::unknown(v, id, *st),
                    },
                )
                .collect();
            (lines, Vec::new())
        }
        None => {
            let eligible = v.eligible.iter().map(|h| Line::of(l, v, h, None)).collect();
            let others = v
                .assessed
                .iter()
                .filter(|h| !v.eligible.iter().any(|e| e.household_id == h.household_id))
                .filter(|h| h.exit().is_some_and(|d| !d.eligible()))
                .map(|h| Line::of(l, v, h, None))
                .collect();
            (eligible, others)
        }
    }
}

#[derive(Template)]
#[template(path = "exit_batch.html")]
struct BatchPage {
    c: Chrome,
    v: ExitView,
    lines: Vec<Line>,
    /// Before a proposal: the village's households §3 finds not eligible, with why.
    others: Vec<Line>,
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

    fn is_proposed(&self, state: &Option<BatchState>) -> bool {
        *state == Some(BatchState::Proposed)
    }

    fn head(&self, id: &str) -> &str {
        self.v.heads.get(id).map_or("", String::as_str)
    }

    /// The 公示 list can be printed once the review has agreed on it.
    fn notice_printable(&self) -> bool {
        self.v.batch.as_ref().is_some_and(|b| {
            b.households
                .iter()
                .any(|(_, st)| matches!(st, BatchState::Agreed | BatchState::Exited))
        })
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
    let v = records::exit_view(state.store.as_ref(), &user.access, village, year, today()).await?;
    let (lines, others) = lines_of(l, &v);
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
        others,
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

/// Every value of a repeated form field.
fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn act_of(step: ExitStep, pairs: &[(String, String)]) -> Result<ExitAct, StoreError> {
    let text = |name| form_value(pairs, name).unwrap_or("").trim().to_string();
    Ok(match step {
        ExitStep::Propose => ExitAct::Propose {
            date: dated(pairs, "proposed_on")?,
            // The page's form says it lists the households to choose from (`choose`): then the
            // ticked ones are proposed, and none ticked is refused rather than read as "all".
            households: form_value(pairs, "choose").map(|_| values(pairs, "household")),
        },
        ExitStep::Review => ExitAct::Review {
            date: date_field(pairs, "review_date")?,
            attendees: text("attendees").parse().map_err(|_| {
                StoreError::Refused(Refusal::Invalid(
                    "请填写参加评议的人数 / give the number of people at the review".into(),
                ))
            })?,
            // The form lists the proposed households and ticks those the review did not agree
            // on ("approve all but the ticked ones").
            // (A client that names the agreed households instead is taken at its word.)
            agreed: match values(pairs, "agreed") {
                agreed if !agreed.is_empty() => agreed,
                _ => {
                    let not_agreed = values(pairs, "not_agreed");
                    values(pairs, "proposed")
                        .into_iter()
                        .filter(|h| !not_agreed.contains(h))
                        .collect()
                }
            },
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
