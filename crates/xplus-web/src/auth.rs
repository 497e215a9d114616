//! Who is asking: a session cookie (pages, and the API from a page) or an API token (other
//! systems). Sessions live in the database; the cookie carries a random id, signed, HttpOnly,
//! SameSite=Lax. Every form carries the session's CSRF token; sign-in is throttled and takes
//! the same time whether or not the name has an account. An account whose password an
//! administrator set sees only "change my password" until it is changed.

use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, SameSite, SignedCookieJar};
use serde::Deserialize;
use xplus_core::accounts::Access;
use xplus_store::accounts::{check_sign_in, random_secret, SignInCheck};
use xplus_store::sessions::{secret_hash, Account, NewSession};

pub const SESSION_COOKIE: &str = "xplus_session";
const LOGIN_COOKIE: &str = "xplus_login";
/// A working day and then some; signing in again after that is not a burden.
const SESSION_SECONDS: i64 = 12 * 3600;

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct Signed {
    pub account: Account,
    pub access: Access,
    pub csrf: String,
    /// Came with an API token rather than a session cookie (no CSRF applies).
    pub via_token: bool,
    /// The SHA-256 of the session's id (None for a token): the session a password change keeps.
    pub session_hash: Option<String>,
}

impl Signed {
    /// Compares a submitted CSRF token with the session's, in constant time.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), WebError> {
        if self.via_token {
            return Ok(());
        }
        let given = submitted.unwrap_or("").as_bytes();
        let want = self.csrf.as_bytes();
        let same = given.len() == want.len()
            && given
                .iter()
                .zip(want)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(WebError::csrf())
        }
    }
}

async fn from_cookie(parts: &mut Parts, state: &AppState) -> Result<Option<Signed>, WebError> {
    let jar = SignedCookieJar::<axum_extra::extract::cookie::Key>::from_request_parts(parts, state)
        .await
        .map_err(|_| WebError::not_found())?;
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = secret_hash(cookie.value());
    let found = match state.sessions.get(&id_hash) {
        Some(hit) => Some(hit),
        None => {
            let now = chrono::Utc::now().timestamp();
            let found = state.store.session_account(&id_hash, now).await?;
            if let Some((account, csrf)) = &found {
                state
                    .sessions
                    .put(id_hash.clone(), account.clone(), csrf.clone());
            }
            found
        }
    };
    Ok(found.map(|(account, csrf)| Signed {
        access: account.access(),
        account,
        csrf,
        via_token: false,
        session_hash: Some(id_hash),
    }))
}

async fn from_token(parts: &Parts, state: &AppState) -> Result<Option<Signed>, WebError> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let now = chrono::Utc::now().timestamp();
    let account = state.store.token_account(&secret_hash(token), now).await?;
    match account {
        Some(account) => Ok(Some(Signed {
            access: account.access(),
            account,
            csrf: String::new(),
            via_token: true,
            session_hash: None,
        })),
        // Unknown, expired, revoked, or its account disabled: one answer.
        None => Err(WebError::new(
            StatusCode::UNAUTHORIZED,
            "接口令牌无效、已过期或已吊销 / the API token is not valid, has expired or was revoked",
        )),
    }
}

/// For pages: the signed-in user, or a redirect to the sign-in page.
pub struct PageUser(pub Signed);

pub enum PageRejection {
    SignIn(String),
    /// The password was set by an administrator: it is changed before anything else.
    ChangePassword,
    Error(WebError),
}

/// The page a user whose password must change is sent to.
pub const PASSWORD_PATH: &str = "/password";

/// What such a user may still do: change it, or sign out.
fn open_before_change(path: &str) -> bool {
    path == PASSWORD_PATH || path == "/logout"
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::SignIn(next) => {
                let target = format!("/login?next={}", crate::forms::url_encode(&next));
                Redirect::to(&target).into_response()
            }
            PageRejection::ChangePassword => Redirect::to(PASSWORD_PATH).into_response(),
            PageRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<PageUser, PageRejection> {
        match from_cookie(parts, state).await {
            Ok(Some(s))
                if s.account.must_change_password && !open_before_change(parts.uri.path()) =>
            {
                Err(PageRejection::ChangePassword)
            }
            Ok(Some(s)) => Ok(PageUser(s)),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_else(|| "/".into());
                Err(PageRejection::SignIn(next))
            }
            Err(e) => Err(PageRejection::Error(e)),
        }
    }
}

/// For the API: a token or a session; otherwise 401 as problem+json.
pub struct ApiUser(pub Signed);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = crate::api::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ApiUser, crate::api::ApiError> {
        if let Some(s) = from_token(parts, state).await? {
            return Ok(ApiUser(s));
        }
        match from_cookie(parts, state).await? {
            // A token is the system's, not the person's: only a session waits for the change.
            Some(s) if s.account.must_change_password => Err(WebError::forbidden(
                "请先修改密码（管理员设置的密码须由本人更改）/ change your password first (one an administrator set must be changed by its user)",
            )
            .into()),
            Some(s) => Ok(ApiUser(s)),
            None => Err(WebError::new(
                StatusCode::UNAUTHORIZED,
                "请先登录或提供接口令牌（Authorization: Bearer …）/ sign in or send an API token (Authorization: Bearer …)",
            )
            .into()),
        }
    }
}

/// The client's address, for throttling (absent in tests that call the router directly).
fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<ClientIp, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Lang,
    csrf: String,
    next: String,
    name: String,
    message: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only paths of this site: `next` must not send anyone elsewhere after signing in.
pub fn safe_next(next: Option<&str>) -> String {
    let path_chars = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~?&=%+,;:@".contains(c))
    };
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && path_chars(n) => n.into(),
        _ => "/".into(),
    }
}

/// A browser-session cookie: the server decides when the session ends.
fn cookie(name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .build()
}

pub async fn login_page(
    jar: SignedCookieJar,
    lang: Lang,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Result<Response, WebError> {
    let token = random_secret(16);
    let page = LoginPage {
        l: lang,
        csrf: token.clone(),
        next: safe_next(q.next.as_deref()),
        name: String::new(),
        message: None,
    };
    let jar = jar.add(cookie(LOGIN_COOKIE, token));
    Ok((jar, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    #[serde(rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    jar: SignedCookieJar,
    lang: Lang,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let expected = jar.get(LOGIN_COOKIE).map(|c| c.value().to_string());
    if expected.as_deref() != Some(form.csrf.as_str()) || form.csrf.is_empty() {
        return Err(WebError::csrf());
    }
    let name = form.name.trim().to_string();
    let keys = crate::throttle::keys(&name, &ip);
    let again = |message: String, status: StatusCode| -> Result<Response, WebError> {
        let page = LoginPage {
            l: lang,
            csrf: form.csrf.clone(),
            next: safe_next(form.next.as_deref()),
            name: name.clone(),
            message: Some(message),
        };
        Ok((status, Html(page.render()?)).into_response())
    };
    let locked = match state.throttle.locked(&keys).await? {
        Some(wait) => Some(wait),
        None => state.throttle.attempt(&keys[0]).await?,
    };
    if let Some(wait) = locked {
        let minutes = wait.div_ceil(60);
        return again(
            lang.pick(&format!(
                "登录失败次数过多，请 {minutes} 分钟后再试 / too many failed sign-ins; try again in {minutes} minutes"
            )),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let account = state.store.find_account(&name).await?;
    let password = form.password.clone();
    // One argon2 verification whatever the name: against the account's hash, or against a hash
    // made for names without an account, so the time taken does not tell who has one.
    let (account, check) = tokio::task::spawn_blocking(move || {
        let check = check_sign_in(account.as_ref(), &password);
        (account, check)
    })
    .await
    .map_err(|e| WebError::from(xplus_store::StoreError::Interrupted(e.to_string())))?;
    let account = match (account, check) {
        (Some(account), SignInCheck::Accepted) => account,
        (_, SignInCheck::Disabled) => {
            tracing::info!(user = %name, %ip, "sign-in to a disabled account refused");
            return again(
                lang.pick(
                    "此账号已停用，请联系管理员 / this account is disabled; ask an administrator",
                ),
                StatusCode::FORBIDDEN,
            );
        }
        _ => {
            // The name's attempt is counted already; the address's only when it fails.
            state.throttle.failed(&keys[1..]).await?;
            tracing::info!(user = %name, %ip, "sign-in refused");
            return again(
                lang.pick("用户名或密码不正确 / wrong user name or password"),
                StatusCode::UNAUTHORIZED,
            );
        }
    };
    state.throttle.succeeded(&keys[0]).await?;
    let id = random_secret(32);
    state
        .store
        .start_session(&NewSession {
            id_hash: secret_hash(&id),
            user_id: account.id,
            csrf_token: random_secret(16),
            expires_at: chrono::Utc::now().timestamp() + SESSION_SECONDS,
        })
        .await?;
    tracing::info!(user = %account.name, "signed in");
    let jar = jar
        .remove(Cookie::build(LOGIN_COOKIE).path("/").build())
        .add(cookie(SESSION_COOKIE, id));
    Ok((jar, Redirect::to(&safe_next(form.next.as_deref()))).into_response())
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

pub async fn logout(
    State(state): State<AppState>,
    jar: SignedCookieJar,
    PageUser(user): PageUser,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    user.check_csrf(form.csrf.as_deref())?;
    if let Some(c) = jar.get(SESSION_COOKIE) {
        let id_hash = secret_hash(c.value());
        state.sessions.remove(&id_hash);
        state.store.end_session(&id_hash).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/households?q=H001&page=2")),
            "/households?q=H001&page=2"
        );
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/a b",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
