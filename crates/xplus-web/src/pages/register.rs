//! Registering a household with its head on one form: a household is never stored without
//! exactly one head (interchange.md; core `registry::checks::check_heads`), so the head's
//! identity number, name and facts are asked with the household and saved with it as one.

use super::edit::{after_save, title, FormPage};
use super::{html, today, Chrome};
use crate::auth::PageUser;
use crate::error::{WebError, FIELDS_REFUSED};
use crate::forms::{self, form_value};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use xplus_core::interchange::schema::{HOUSEHOLDS, MEMBERS};
use xplus_store::records::{self, Change, FieldProblem};
use xplus_store::Refusal;
use xplus_store::StoreError;

#[derive(Deserialize)]
pub struct NewParams {
    village: Option<String>,
}

fn refuse_helpers(user: &crate::auth::Signed) -> Result<(), WebError> {
    if user.access.may_create_households() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "您的角色不能登记新户 / your role cannot register households",
        ))
    }
}

/// What the form shows: the household's and the head's text, and the problems of each.
struct Typed<'a> {
    household: &'a [String],
    head: &'a [String],
    household_problems: &'a [FieldProblem],
    head_problems: &'a [FieldProblem],
}

fn page(l: Lang, user: &crate::auth::Signed, typed: Typed, message: Option<String>) -> FormPage {
    FormPage {
        title: title(l, &HOUSEHOLDS, true),
        action: "/households".into(),
        back: "/households".into(),
        fields: forms::fields(
            l,
            &HOUSEHOLDS,
            typed.household,
            &[],
            typed.household_problems,
        ),
        head: forms::head_fields(l, typed.head, typed.head_problems),
        fingerprint: String::new(),
        member: String::new(),
        message,
        conflict: false,
        c: Chrome::new(l, user, "households"),
    }
}

pub async fn new_household(
    PageUser(user): PageUser,
    l: Lang,
    Query(q): Query<NewParams>,
) -> Result<Response, WebError> {
    refuse_helpers(&user)?;
    let mut household = vec![String::new(); HOUSEHOLDS.columns.len()];
    household[1] = q.village.unwrap_or_default();
    household[2] = chrono::Datelike::year(&today()).to_string();
    household[3] = "poor".into();
    let head = vec![String::new(); MEMBERS.columns.len()];
    let typed = Typed {
        household: &household,
        head: &head,
        household_problems: &[],
        head_problems: &[],
    };
    html(&page(l, &user, typed, None))
}

pub async fn create_household(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.check_csrf(form_value(&pairs, "_csrf"))?;
    refuse_helpers(&user)?;
    let household_text = forms::submitted(&HOUSEHOLDS, &pairs);
    let head_text = forms::submitted_head(&household_text[0], &pairs);
    let refused = |household_problems: Vec<FieldProblem>, head_problems: Vec<FieldProblem>| {
        // A rule of the whole household (the head count) has no field of its own here: it is
        // said above the form.
        let message = std::iter::once(l.pick(FIELDS_REFUSED))
            .chain(
                head_problems
                    .iter()
                    .filter(|p| p.field == "relation")
                    .map(|p| l.pick(&p.message)),
            )
            .collect::<Vec<_>>()
            .join("：");
        let typed = Typed {
            household: &household_text,
            head: &head_text,
            household_problems: &household_problems,
            head_problems: &head_problems,
        };
        let page = page(l, &user, typed, Some(message));
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, html(&page)?).into_response())
    };
    let household = forms::parse(&HOUSEHOLDS, &household_text, today());
    let head = forms::parse(&MEMBERS, &head_text, today());
    let (household, head) = match (household, head) {
        (Ok(h), Ok(m)) => (h, m),
        (h, m) => return refused(h.err().unwrap_or_default(), m.err().unwrap_or_default()),
    };
    let id = household_text[0].clone();
    let change = Change {
        household: Some(household),
        members: vec![head],
        ..Default::default()
    };
    match records::save_change(
        state.store.as_ref(),
        &user.access,
        &id,
        change,
        None,
        today(),
    )
    .await
    {
        Ok(saved) => Ok(after_save(&state, &saved.household_id)),
        Err(StoreError::Refused(Refusal::Rejected(problems))) => {
            // The store names columns; those of members belong to the head's part of the form.
            let (head, household): (Vec<_>, Vec<_>) = problems
                .into_iter()
                .partition(|p| HOUSEHOLDS.column_index(&p.field).is_none());
            refused(household, head)
        }
        Err(e) => Err(e.into()),
    }
}
