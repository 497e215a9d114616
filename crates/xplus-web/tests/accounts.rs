//! Accounts over HTTP, on SQLite and (with XPLUS_TEST_DATABASE_URL) on PostgreSQL: the
//! administrators' pages, a password set by an administrator changed before anything else,
//! changing one's own password, disabling, API tokens that expire and are revoked, sign-in that
//! takes as long for an unknown name, and a throttle that outlives a restart.

mod common;

use common::{App, Session, PASSWORD};

async fn status(app: &App, s: &Session, path: &str) -> u16 {
    app.get(s, path).await.status().as_u16()
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The password or token a page shows once.
fn secret(page: &str) -> String {
    let marker = "<code id=\"secret-value\">";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("no secret in {page}"))
        + marker.len();
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

async fn post(app: &App, s: &Session, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let mut with_csrf = vec![("_csrf", s.csrf.as_str())];
    with_csrf.extend_from_slice(form);
    app.post_form(s, path, &with_csrf).await
}

async fn add(
    app: &App,
    admin: &Session,
    name: &str,
    role: &str,
    region: &str,
) -> reqwest::Response {
    let form = [
        ("name", name),
        ("role", role),
        ("region", region),
        ("cadre", ""),
    ];
    post(app, admin, "/users", &form).await
}

async fn change(
    app: &App,
    s: &Session,
    current: &str,
    new: &str,
    confirm: &str,
) -> reqwest::Response {
    let form = [("current", current), ("new", new), ("confirm", confirm)];
    post(app, s, "/password", &form).await
}

async fn api_status(app: &App, token: &str) -> u16 {
    app.http
        .get(format!("{}/api/v1/households", app.base))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn administrators_add_reset_disable_and_enable_accounts() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    for who in ["tianchang", "auditor", "zhaojun"] {
        let s = app.sign_in(who).await;
        assert_eq!(status(&app, &s, "/users").await, 403, "{who}");
        assert_eq!(status(&app, &s, "/users/jiacun").await, 403, "{who}");
        let r = post(&app, &s, "/users/jiacun/disable", &[]).await;
        assert_eq!(r.status().as_u16(), 403, "{who}");
        assert!(!app
            .page_text(&s, "/households")
            .await
            .contains("href=\"/users\""));
    }
    let list = app.page_text(&admin, "/users").await;
    assert!(
        list.contains("href=\"/users\"") && list.contains("账号管理"),
        "{list}"
    );
    assert!(
        list.contains(">jiacun</a>") && list.contains("村书记"),
        "{list}"
    );
    assert!(
        !list.contains("Accounts"),
        "English in the Chinese page: {list}"
    );
    // A form without the session's token changes nothing.
    let forged = app
        .post_form(&admin, "/users/jiacun/disable", &[("_csrf", "forged")])
        .await;
    assert_eq!(forged.status().as_u16(), 403);

    // Adding: the scope is checked, the name must be free, the password is shown once.
    let refused = add(&app, &admin, "新书记", "secretary", "341181000000").await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("村书记账号的区划须是村"));
    let refused = add(&app, &admin, "jiacun", "secretary", "341181100202").await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("已存在"));
    let added = add(&app, &admin, "新书记", "secretary", "341181100202").await;
    assert_eq!(added.status().as_u16(), 200);
    assert_eq!(added.headers()["cache-control"], "no-store");
    let page = added.text().await.unwrap();
    let first = secret(&page);
    assert!(page.contains("待改密码"), "{page}");

    // The new user must change the password before anything else.
    let s = app.try_sign_in("新书记", &first).await.unwrap();
    let r = app.get(&s, "/households").await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/password".to_string())
    );
    assert_eq!(status(&app, &s, "/api/v1/households").await, 403);
    assert!(app
        .page_text(&s, "/password")
        .await
        .contains("id=\"must-change\""));
    for (current, new, confirm, says) in [
        (
            "not-the-password",
            "my-own-password-1",
            "my-own-password-1",
            "当前密码不正确",
        ),
        (first.as_str(), "short", "short", "至少需要10个字符"),
        (
            first.as_str(),
            "my-own-password-1",
            "my-own-password-2",
            "不一致",
        ),
        (
            first.as_str(),
            first.as_str(),
            first.as_str(),
            "须与原密码不同",
        ),
    ] {
        let r = change(&app, &s, current, new, confirm).await;
        assert_eq!(r.status().as_u16(), 422, "{says}");
        assert!(r.text().await.unwrap().contains(says), "{says}");
    }
    let r = change(&app, &s, &first, "my-own-password-1", "my-own-password-1").await;
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/password?done=1".to_string())
    );
    // Only 乙村's household is within a secretary of 乙村's reach.
    assert!(app
        .page_text(&s, "/households")
        .await
        .contains("id=\"total\">1<"));
    assert_eq!(app.try_sign_in("新书记", &first).await.err(), Some(401));

    // A reset ends the user's sessions and asks for a change again.
    let reset = post(&app, &admin, "/users/新书记/password", &[]).await;
    assert_eq!(reset.status().as_u16(), 200);
    let second = secret(&reset.text().await.unwrap());
    assert_ne!(second, first);
    let r = app.get(&s, "/households").await;
    assert!(location(&r).starts_with("/login"), "{}", location(&r));
    let s = app.try_sign_in("新书记", &second).await.unwrap();
    assert_eq!(location(&app.get(&s, "/regions").await), "/password");

    // Disabling ends a live session at once (this server forgets its cached copy), and the
    // right password no longer signs in.
    let live = app.sign_in("jiacun").await;
    assert_eq!(status(&app, &live, "/households").await, 200);
    let r = post(&app, &admin, "/users/jiacun/disable", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&app.get(&live, "/households").await).starts_with("/login"));
    assert_eq!(app.try_sign_in("jiacun", PASSWORD).await.err(), Some(403));
    assert!(app
        .page_text(&admin, "/users/jiacun")
        .await
        .contains("已停用"));
    let own = post(&app, &admin, "/users/admin/disable", &[]).await;
    assert_eq!(own.status().as_u16(), 422);
    assert_eq!(status(&app, &admin, "/users").await, 200);
    let r = post(&app, &admin, "/users/jiacun/enable", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    app.sign_in("jiacun").await;
    assert_eq!(status(&app, &admin, "/users/nobody").await, 404);

    // Every change is in the log in the administrator's name, never a password.
    let log = app.page_text(&admin, "/audit?entity=users").await;
    assert!(
        log.contains("admin 新增了 账号 新书记") && log.contains("admin 修改了 账号 jiacun"),
        "{log}"
    );
    for word in [
        first.as_str(),
        second.as_str(),
        "my-own-password-1",
        "argon2",
    ] {
        assert!(!log.contains(word), "{word} in the log");
    }
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_my_password_needs_the_current_one_and_ends_my_other_sessions() {
    let app = App::start().await;
    let here = app.sign_in("jiacun").await;
    let there = app.sign_in("jiacun").await;
    assert!(app
        .page_text(&here, "/households")
        .await
        .contains("href=\"/password\""));
    let form = [
        ("current", PASSWORD),
        ("new", "a-new-password-9"),
        ("confirm", "a-new-password-9"),
    ];
    let mut forged = vec![("_csrf", "forged")];
    forged.extend_from_slice(&form);
    assert_eq!(
        app.post_form(&here, "/password", &forged)
            .await
            .status()
            .as_u16(),
        403
    );
    let r = post(&app, &here, "/password", &form).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(app
        .page_text(&here, "/password?done=1")
        .await
        .contains("id=\"changed\""));
    assert_eq!(status(&app, &here, "/households").await, 200);
    assert!(location(&app.get(&there, "/households").await).starts_with("/login"));
    assert_eq!(app.try_sign_in("jiacun", PASSWORD).await.err(), Some(401));
    assert!(app.try_sign_in("jiacun", "a-new-password-9").await.is_ok());
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_tokens_expire_are_revoked_and_stop_with_their_account() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    for days in ["0", "3651", "abc"] {
        let r = post(
            &app,
            &admin,
            "/users/tianchang/tokens",
            &[("label", "x"), ("days", days)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{days}");
    }
    let made = post(
        &app,
        &admin,
        "/users/tianchang/tokens",
        &[("label", "县系统"), ("days", "30")],
    )
    .await;
    assert_eq!(made.status().as_u16(), 200);
    assert_eq!(made.headers()["cache-control"], "no-store");
    let token = secret(&made.text().await.unwrap());
    assert_eq!(api_status(&app, &token).await, 200);
    // One that has expired is refused.
    let old = xplus_store::users::NewToken {
        user: "tianchang".into(),
        token_hash: xplus_store::sessions::secret_hash("an-old-token"),
        label: "旧系统".into(),
        expires_at: chrono::Utc::now().timestamp() - 60,
    };
    xplus_store::users::add_token(app.store.as_ref(), old, "test")
        .await
        .unwrap();
    assert_eq!(api_status(&app, "an-old-token").await, 401);
    let page = app.page_text(&admin, "/users/tianchang").await;
    assert!(page.contains("县系统") && page.contains("已过期") && page.contains("有效"));
    assert!(!page.contains(&token), "the token is shown only once");

    // A token is the system's: a reset of the person's password does not stop it; disabling the
    // account does, at once, and enabling it again lets it work.
    assert_eq!(
        post(&app, &admin, "/users/tianchang/password", &[])
            .await
            .status()
            .as_u16(),
        200
    );
    assert_eq!(api_status(&app, &token).await, 200);
    post(&app, &admin, "/users/tianchang/disable", &[]).await;
    assert_eq!(api_status(&app, &token).await, 401);
    post(&app, &admin, "/users/tianchang/enable", &[]).await;
    assert_eq!(api_status(&app, &token).await, 200);

    // Revoking one by its id on the page, then all.
    let id = &xplus_store::sessions::secret_hash(&token)[..12];
    let r = post(
        &app,
        &admin,
        "/users/tianchang/tokens/revoke",
        &[("token", id)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(api_status(&app, &token).await, 401);
    let again = post(
        &app,
        &admin,
        "/users/tianchang/tokens/revoke",
        &[("token", id)],
    )
    .await;
    assert_eq!(again.status().as_u16(), 422);
    let made = post(
        &app,
        &admin,
        "/users/tianchang/tokens",
        &[("label", "备份")],
    )
    .await;
    let second = secret(&made.text().await.unwrap());
    assert_eq!(api_status(&app, &second).await, 200);
    post(
        &app,
        &admin,
        "/users/tianchang/tokens/revoke",
        &[("token", "all")],
    )
    .await;
    assert_eq!(api_status(&app, &second).await, 401);
    let log = app.page_text(&admin, "/audit?entity=api_tokens").await;
    assert!(log.contains("撤销时间") && !log.contains(&token) && !log.contains(&second));
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_throttle_survives_a_restart() {
    let mut app = App::start().await;
    for _ in 0..5 {
        assert_eq!(
            app.try_sign_in("jiacun", "wrong-password-x").await.err(),
            Some(401)
        );
    }
    assert_eq!(app.try_sign_in("jiacun", PASSWORD).await.err(), Some(429));
    app.restart().await;
    assert_eq!(app.try_sign_in("jiacun", PASSWORD).await.err(), Some(429));
    // The name is locked, not the address: another account signs in.
    app.sign_in("tianchang").await;
    app.cleanup().await;
}
