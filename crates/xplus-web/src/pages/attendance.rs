//! Quick entry of a whole village's attendance at one session on one page: every household of
//! the village within reach with its members, ticked as they came; what is already recorded
//! stays ticked. Saved as attendance and attendance_members rows in one write, checked as an
//! import would check them.

use super::{html, today, Chrome};
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::form_value;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use xplus_core::accounts::Scope;
use xplus_core::interchange::schema::{ATTENDANCE, ATTENDANCE_MEMBERS, TRAINING_SESSIONS};
use xplus_core::interchange::Value;
use xplus_core::registry::RegionCode;
use xplus_core::rules::RuleSet;
use xplus_store::records::{self, RollHousehold, SessionVillages};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Template)]
#[template(path = "attendance.html")]
struct AttendancePage {
    c: Chrome,
    session_id: String,
    /// Date, mode, topic and title of the session, as read.
    session: Option<String>,
    villages: Vec<String>,
    village: String,
    roll: Vec<RollHousehold>,
    may_write: bool,
    access: xplus_core::accounts::Access,
    message: Option<(bool, String)>,
}

impl AttendancePage {
    fn status(&self, h: &RollHousehold) -> String {
        h.status
            .map(|s| self.c.l.label(s.code(), s.label_zh()))
            .unwrap_or_default()
    }

    fn last4(&self, id: &xplus_core::registry::IdNumber) -> String {
        let text = id.to_string();
        text[text.len() - 4..].to_string()
    }

    fn id_number(&self, id: &xplus_core::registry::IdNumber) -> String {
        self.access.id_number(*id)
    }
}

fn describe(l: Lang, s: &SessionVillages) -> String {
    [2usize, 3, 5, 6]
        .iter()
        .map(|&i| super::entries::shown_no_id(l, &TRAINING_SESSIONS.columns[i], &s.session[i]))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn may_write(user: &Signed) -> bool {
    user.access.may_write() && !matches!(user.access.scope(), Scope::PairedWith(_))
}

async fn page(
    state: &AppState,
    user: &Signed,
    l: Lang,
    session_id: &str,
    village: &str,
    message: Option<(bool, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let found = if session_id.is_empty() {
        None
    } else {
        records::session_villages(state.store.as_ref(), &user.access, session_id, today()).await?
    };
    let villages: Vec<RegionCode> = found
        .as_ref()
        .map(|s| s.villages.clone())
        .unwrap_or_default();
    // The village asked for, or the station's own when the session serves one village only.
    let chosen = RegionCode::parse(village)
        .ok()
        .filter(|v| villages.contains(v))
        .or_else(|| (villages.len() == 1).then(|| villages[0]));
    let roll = match chosen {
        Some(v) => {
            records::attendance_roll(state.store.as_ref(), &user.access, session_id, v, today())
                .await?
        }
        None => Vec::new(),
    };
    let message = message.or_else(|| {
        (!session_id.is_empty() && found.is_none()).then(|| {
            (
                false,
                format!(
                    "{}{session_id}",
                    l.t("没有这个培训编号：", "no session with the id ")
                ),
            )
        })
    });
    let mut r = html(&AttendancePage {
        c: Chrome::new(l, user, "records"),
        session_id: session_id.to_string(),
        session: found.as_ref().map(|s| describe(l, s)),
        villages: villages.iter().map(|v| v.to_string()).collect(),
        village: chosen.map(|v| v.to_string()).unwrap_or_default(),
        roll,
        may_write: may_write(user),
        access: user.access.clone(),
        message,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let session = form_value(&q, "session").unwrap_or("").trim().to_string();
    let village = form_value(&q, "village").unwrap_or("").trim().to_string();
    let message = form_value(&q, "saved")
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| {
            (
                true,
                format!(
                    "{}{n}",
                    l.t("已保存，新增或更新的记录：", "Saved; rows new or changed: ")
                ),
            )
        });
    page(
        &state,
        &user,
        l,
        &session,
        &village,
        message,
        StatusCode::OK,
    )
    .await
}

/// Records the ticked households (`h`) and members (`m` = household id, the member's place in
/// the roll and the last four characters of their identity number, colon-separated: the place
/// finds them, the four characters make sure the roll did not change in between).
/// A household with a ticked member is recorded as attending even if its own box was not.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    let session = form_value(&pairs, "session")
        .unwrap_or("")
        .trim()
        .to_string();
    let village = form_value(&pairs, "village")
        .unwrap_or("")
        .trim()
        .to_string();
    let code = RegionCode::parse(&village)
        .map_err(|_| WebError::bad_request(format!("村代码 {village} 无效 / invalid village")))?;
    let serves = records::session_villages(state.store.as_ref(), &user.access, &session, today())
        .await?
        .is_some_and(|s| s.villages.contains(&code));
    if !serves {
        return Err(WebError::bad_request(format!(
            "培训 {session} 的站点不服务村 {village} / the station of session {session} does not serve village {village}"
        )));
    }
    // Members are sent by their place in the roll, not their number: officials see numbers
    // masked, and the roll is read again here within the same reach.
    let roll =
        records::attendance_roll(state.store.as_ref(), &user.access, &session, code, today())
            .await?;
    let Some((households, members)) = ticked(&pairs, &roll, &session) else {
        let message = l
            .t(
                "本村名单在您打开后有变动，未保存；请重新打开后再勾选",
                "the village's roll changed after you opened it; nothing was saved — reopen it and tick again",
            )
            .to_string();
        return page(
            &state,
            &user,
            l,
            &session,
            &village,
            Some((false, message)),
            StatusCode::CONFLICT,
        )
        .await;
    };
    let attendance: Vec<Vec<Value>> = households
        .iter()
        .map(|h| vec![Value::Text(session.clone()), Value::Text(h.clone())])
        .collect();
    let result = records::save_entries(
        state.store.as_ref(),
        &user.access,
        &RuleSet::default(),
        vec![(&ATTENDANCE, attendance), (&ATTENDANCE_MEMBERS, members)],
        today(),
    )
    .await;
    match result {
        Ok(saved) => Ok(Redirect::to(&format!(
            "/attendance?session={}&village={village}&saved={}",
            crate::forms::url_encode(&session),
            saved.changed
        ))
        .into_response()),
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            let text = problems
                .iter()
                .map(|p| l.pick(&p.message))
                .collect::<Vec<_>>()
                .join("；");
            let message = format!("{}{text}", l.t("未保存：", "Not saved: "));
            page(
                &state,
                &user,
                l,
                &session,
                &village,
                Some((false, message)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(StoreError::Refused(Refusal::Forbidden(m))) => {
            page(
                &state,
                &user,
                l,
                &session,
                &village,
                Some((false, l.pick(&m))),
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Reads the ticks of the form against the roll: the households to record as attending (in
/// the order first ticked, with those of ticked members) and the attendance_members rows of
/// `session`. `None` when a ticked member no longer matches the roll.
fn ticked(
    pairs: &[(String, String)],
    roll: &[RollHousehold],
    session: &str,
) -> Option<(Vec<String>, Vec<Vec<Value>>)> {
    let mut households: Vec<String> = Vec::new();
    let mut members: Vec<Vec<Value>> = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "h" if roll.iter().any(|h| h.household_id == *v) && !households.contains(v) => {
                households.push(v.clone());
            }
            "m" => {
                let mut parts = v.rsplitn(3, ':');
                let (Some(last4), Some(i), Some(h)) = (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let member = roll
                    .iter()
                    .find(|r| r.household_id == h)
                    .and_then(|r| i.parse::<usize>().ok().and_then(|i| r.members.get(i)));
                let member = member.filter(|m| m.id_number.to_string().ends_with(last4))?;
                if !households.iter().any(|x| x == h) {
                    households.push(h.to_string());
                }
                members.push(vec![
                    Value::Text(session.to_string()),
                    Value::Text(h.to_string()),
                    Value::Id(member.id_number),
                ]);
            }
            _ => {}
        }
    }
    Some((households, members))
}
