//! 修改密码: every signed-in user changes their own password here, giving the current one; one
//! an administrator set must be changed here before any other page opens. Their other sessions
//! end; this one stays.

use super::{html, Chrome};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xplus_store::users::{self, PasswordChange};

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    c: Chrome,
    /// The password was set by an administrator.
    must: bool,
    done: bool,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn form(
    PageUser(user): PageUser,
    l: Lang,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    html(&PasswordPage {
        c: Chrome::new(l, &user, "password"),
        must: user.account.must_change_password,
        done: q.done.is_some(),
        message: None,
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    current: String,
    new: String,
    confirm: String,
}

/// Runs slow work (argon2) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| WebError::from(xplus_store::StoreError::Interrupted(e.to_string())))
}

pub async fn change(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    let name = user.account.name.clone();
    let again = |message: &str, status: StatusCode| -> Result<Response, WebError> {
        let page = PasswordPage {
            c: Chrome::new(l, &user, "password"),
            must: user.account.must_change_password,
            done: false,
            message: Some(l.pick(message)),
        };
        Ok((status, Html(page.render()?)).into_response())
    };
    // Guessing the current password from a session left open counts against the name, as
    // failed sign-ins do.
    let keys = vec![crate::throttle::name_key(&name)];
    if state.throttle.locked(&keys).await?.is_some() {
        return again(
            "尝试次数过多，请稍后再试 / too many attempts; try again later",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    // The stored hash, not the one cached with the session (it may have changed meanwhile).
    let account = state
        .store
        .find_account(&name)
        .await?
        .ok_or_else(WebError::not_found)?;
    let current = form.current.clone();
    let hash = account.password_hash.clone();
    if !blocking(move || xplus_store::accounts::verify_password(&current, &hash)).await? {
        state.throttle.failed(&keys).await?;
        return again(
            "当前密码不正确 / the current password is wrong",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if form.new != form.confirm {
        return again(
            "两次输入的新密码不一致 / the two new passwords differ",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if let Err(e) = xplus_core::accounts::check_new_password(&form.current, &form.new) {
        return again(&e.to_string(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new = form.new.clone();
    let hash = blocking(move || xplus_store::accounts::hash_password(&new)).await??;
    users::set_password(
        state.store.as_ref(),
        &name,
        &hash,
        PasswordChange::Own {
            keep_session: user.session_hash.clone(),
        },
        &name,
    )
    .await?;
    state.throttle.succeeded(&keys[0]).await?;
    state.sessions.forget_user(&name);
    tracing::info!(user = %name, "password changed");
    Ok(Redirect::to("/password?done=1").into_response())
}
