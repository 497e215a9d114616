//! 账号管理 for administrators: the accounts with their role, reach and state; adding one,
//! disabling and enabling, resetting a password, and the account's API tokens (made, listed,
//! revoked). A password or token made here is shown once, on the page that answers the form,
//! and never stored in clear. Every change is audited in the administrator's name.

use super::account::blocking;
use super::Chrome;
use crate::auth::{PageUser, Signed};
use crate::error::WebError;
use crate::forms::url_encode;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use xplus_core::accounts::{self, AccountRequest, Role};
use xplus_store::accounts::{generate_password, hash_password, random_secret, NewUser};
use xplus_store::sessions::secret_hash;
use xplus_store::users::{self, NewToken, PasswordChange, Revoke, TokenState};
use xplus_store::Refusal;
use xplus_store::StoreError;

/// An account as a row of the list.
pub struct UserRow {
    pub name: String,
    /// The page of the account (the name percent-encoded).
    pub href: String,
    pub role: String,
    pub region: String,
    pub cadre: String,
    pub state: String,
    /// `good`, `warn` or `bad`: the state's colour.
    pub tone: &'static str,
    pub disabled: bool,
    pub live_tokens: u64,
}

impl UserRow {
    fn of(l: Lang, u: &users::UserView) -> UserRow {
        let (state, tone) = if u.disabled {
            (l.t("已停用", "disabled"), "bad")
        } else if u.must_change_password {
            (l.t("待改密码", "must change password"), "warn")
        } else {
            (l.t("正常", "active"), "good")
        };
        UserRow {
            name: u.name.clone(),
            href: format!("/users/{}", url_encode(&u.name)),
            role: l.label(u.role.code(), u.role.label_zh()),
            region: u.region.map(|r| r.to_string()).unwrap_or_default(),
            cadre: u.cadre.clone().unwrap_or_default(),
            state: state.to_string(),
            tone,
            disabled: u.disabled,
            live_tokens: u.live_tokens,
        }
    }
}

pub struct TokenRow {
    pub id: String,
    pub label: String,
    pub created: String,
    pub expires: String,
    pub state: String,
    pub live: bool,
}

/// What was just made, shown this once.
pub struct Secret {
    pub what: String,
    pub value: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    /// The add form as typed (name, role, region, cadre).
    typed: [String; 4],
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    c: Chrome,
    user: UserRow,
    tokens: Vec<TokenRow>,
    secret: Option<Secret>,
    done: Option<String>,
    message: Option<String>,
    /// The administrator's own account (not disabled from here).
    own: bool,
    default_days: u32,
}

fn admin_only(user: &Signed) -> Result<(), WebError> {
    if user.access.may_manage_accounts() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "账号由管理员管理 / accounts are managed by an administrator",
        ))
    }
}

fn no_store(status: StatusCode, body: String) -> Response {
    // The page holds a password or a token: no cache keeps it.
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

async fn list_page(
    state: &AppState,
    user: &Signed,
    l: Lang,
    typed: [String; 4],
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let rows = users::list_users(state.store.as_ref()).await?;
    let page = UsersPage {
        c: Chrome::new(l, user, "users"),
        users: rows.iter().map(|u| UserRow::of(l, u)).collect(),
        roles: Role::ALL
            .iter()
            .map(|r| (r.code(), l.label(r.code(), r.label_zh())))
            .collect(),
        typed,
        message,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let typed = [
        String::new(),
        "official".into(),
        String::new(),
        String::new(),
    ];
    list_page(&state, &user, l, typed, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    name: String,
    role: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    cadre: String,
}

/// Adds an account with a generated password, shown once; the user chooses their own at the
/// first sign-in.
pub async fn add(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Form(form): Form<AddForm>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let typed = [
        form.name.clone(),
        form.role.clone(),
        form.region.clone(),
        form.cadre.clone(),
    ];
    let refused = |message: String| {
        list_page(
            &state,
            &user,
            l,
            typed.clone(),
            Some(l.pick(&message)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let request = match AccountRequest::parse(
        &form.name,
        &form.role,
        Some(&form.region),
        Some(&form.cadre),
    ) {
        Ok(r) => r,
        Err(e) => return refused(e.to_string()).await,
    };
    let password = generate_password();
    let typed_password = password.clone();
    let hash = blocking(move || hash_password(&typed_password)).await??;
    let new = NewUser {
        name: request.name.clone(),
        role: request.role,
        region: request.region,
        cadre: request.cadre,
        password_hash: hash,
        must_change_password: true,
    };
    match xplus_store::users::add_user(state.store.as_ref(), new, &user.account.name).await {
        Ok(()) => {}
        Err(StoreError::Refused(Refusal::Invalid(m))) => return refused(m).await,
        Err(e) => return Err(e.into()),
    }
    let secret = Secret {
        what: l
            .t(
                "初始密码（只显示这一次，请交给本人；首次登录后须修改）",
                "Initial password (shown only this once; hand it to the user, who changes it at the first sign-in)",
            )
            .to_string(),
        value: password,
    };
    user_page(&state, &user, l, &request.name, Some(secret), None, None).await
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn user_page(
    state: &AppState,
    user: &Signed,
    l: Lang,
    name: &str,
    secret: Option<Secret>,
    done: Option<String>,
    message: Option<(String, StatusCode)>,
) -> Result<Response, WebError> {
    let Some(found) = users::find_user(state.store.as_ref(), name).await? else {
        return Err(WebError::not_found());
    };
    let now = chrono::Utc::now().timestamp();
    let tokens = users::list_tokens(state.store.as_ref(), name)
        .await?
        .into_iter()
        .map(|t| {
            let (state, live) = match t.state(now) {
                TokenState::Live => (l.t("有效", "live"), true),
                TokenState::Expired => (l.t("已过期", "expired"), false),
                TokenState::Revoked => (l.t("已吊销", "revoked"), false),
            };
            TokenRow {
                expires: chrono::DateTime::from_timestamp(t.expires_at, 0)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                created: t.created_at.get(..10).unwrap_or_default().to_string(),
                id: t.id,
                label: t.label,
                state: state.to_string(),
                live,
            }
        })
        .collect();
    let (message, status) = match message {
        Some((m, status)) => (Some(l.pick(&m)), status),
        None => (None, StatusCode::OK),
    };
    let page = UserPage {
        c: Chrome::new(l, user, "users"),
        own: found.name == user.account.name,
        user: UserRow::of(l, &found),
        tokens,
        secret,
        done,
        message,
        default_days: accounts::DEFAULT_TOKEN_DAYS,
    };
    Ok(no_store(status, page.render()?))
}

pub async fn one(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let done = q.done.map(|d| {
        match d.as_str() {
            "disabled" => l.t(
                "账号已停用，其登录和接口令牌即刻失效",
                "The account is disabled; its sessions and tokens stop at once",
            ),
            "enabled" => l.t("账号已启用", "The account is enabled"),
            "revoked" => l.t("令牌已吊销", "Revoked"),
            _ => l.t("已保存", "Saved"),
        }
        .to_string()
    });
    user_page(&state, &user, l, &name, None, done, None).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

async fn set_disabled(
    state: AppState,
    user: Signed,
    l: Lang,
    name: String,
    csrf: Option<String>,
    disabled: bool,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    user.check_csrf(csrf.as_deref())?;
    if disabled && name == user.account.name {
        let m = "不能停用自己的账号 / you cannot disable your own account".to_string();
        let refused = Some((m, StatusCode::UNPROCESSABLE_ENTITY));
        return user_page(&state, &user, l, &name, None, None, refused).await;
    }
    users::set_disabled(state.store.as_ref(), &name, disabled, &user.account.name)
        .await
        .map_err(unknown_is_missing)?;
    // Its sessions were removed from the database; this server forgets them too.
    state.sessions.forget_user(&name);
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(Redirect::to(&format!("/users/{}?done={done}", url_encode(&name))).into_response())
}

/// An account that does not exist (gone since the page was loaded) is a missing page.
fn unknown_is_missing(e: StoreError) -> WebError {
    match e {
        StoreError::Refused(Refusal::Invalid(_)) => WebError::not_found(),
        e => e.into(),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    set_disabled(state, user, l, name, form.csrf, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    set_disabled(state, user, l, name, form.csrf, false).await
}

/// Resets the password to a generated one, shown once; the account's sessions end and the
/// user must choose their own at the next sign-in.
pub async fn reset(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let password = generate_password();
    let typed = password.clone();
    let hash = blocking(move || hash_password(&typed)).await??;
    users::set_password(
        state.store.as_ref(),
        &name,
        &hash,
        PasswordChange::Reset,
        &user.account.name,
    )
    .await
    .map_err(unknown_is_missing)?;
    state.sessions.forget_user(&name);
    let secret = Secret {
        what: l
            .t(
                "新密码（只显示这一次，请交给本人；下次登录后须修改）",
                "New password (shown only this once; hand it to the user, who changes it at the next sign-in)",
            )
            .to_string(),
        value: password,
    };
    user_page(&state, &user, l, &name, Some(secret), None, None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    #[serde(default)]
    label: String,
    #[serde(default)]
    days: String,
}

/// Makes an API token for the account, shown once.
pub async fn add_token(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let days = match form.days.trim() {
        "" => Ok(accounts::DEFAULT_TOKEN_DAYS),
        d => d
            .parse::<u32>()
            .map_err(|_| accounts::AccountError::TokenDays),
    }
    .and_then(|d| accounts::check_token_days(d).map(|()| d));
    let days = match days {
        Ok(d) => d,
        Err(e) => {
            let refused = Some((e.to_string(), StatusCode::UNPROCESSABLE_ENTITY));
            return user_page(&state, &user, l, &name, None, None, refused).await;
        }
    };
    let label = match form.label.trim() {
        "" => "api".to_string(),
        l => l.to_string(),
    };
    let token = random_secret(32);
    let new = NewToken {
        user: name.clone(),
        token_hash: secret_hash(&token),
        label,
        expires_at: chrono::Utc::now().timestamp() + i64::from(days) * 86_400,
    };
    users::add_token(state.store.as_ref(), new, &user.account.name)
        .await
        .map_err(unknown_is_missing)?;
    let secret = Secret {
        what: l
            .t(
                "接口令牌（只显示这一次；请求时放在 Authorization: Bearer 之后）",
                "API token (shown only this once; send it as Authorization: Bearer …)",
            )
            .to_string(),
        value: token,
    };
    user_page(&state, &user, l, &name, Some(secret), None, None).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    /// A token's id, or `all`.
    token: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    l: Lang,
    Path(name): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let which = match form.token.trim() {
        "all" => Revoke::All,
        id => Revoke::Id(id.to_string()),
    };
    match users::revoke_tokens(state.store.as_ref(), &name, &which, &user.account.name).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/users/{}?done=revoked", url_encode(&name))).into_response())
        }
        Err(StoreError::Refused(Refusal::Invalid(m))) => {
            let refused = Some((m, StatusCode::UNPROCESSABLE_ENTITY));
            user_page(&state, &user, l, &name, None, None, refused).await
        }
        Err(e) => Err(e.into()),
    }
}
