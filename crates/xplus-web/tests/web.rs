//! The web application end to end over HTTP, on SQLite and (with XPLUS_TEST_DATABASE_URL) on
//! PostgreSQL: who may read and write what, sign-in, CSRF, optimistic locking, the API.

mod common;

use common::{household_form, App};

/// Who reads what: (account, path, status). Outside the account's reach is 404, the same as a
/// record that does not exist.
const READS: &[(&str, &str, u16)] = &[
    ("admin", "/households/H001", 200),
    ("admin", "/households/H101", 200),
    ("tianchang", "/households/H001", 200),
    ("tianchang", "/households/H002", 200),
    ("tianchang", "/households/H101", 404),
    ("tianchang", "/regions/341102001001", 404),
    ("tianchang", "/regions/341181100201", 200),
    ("xijian", "/households/H101", 200),
    ("xijian", "/households/H001", 404),
    ("jiacun", "/households/H001", 200),
    ("jiacun", "/households/H002", 404),
    ("jiacun", "/households/H101", 404),
    ("zhaojun", "/households/H001", 200),
    ("zhaojun", "/households/H002", 404),
    ("zhaojun", "/households/H101", 404),
    ("auditor", "/households/H001", 200),
    ("auditor", "/households/H101", 200),
    ("auditor", "/audit", 200),
    ("admin", "/audit", 200),
    ("tianchang", "/audit", 403),
    ("jiacun", "/audit", 403),
    ("zhaojun", "/audit", 403),
    ("tianchang", "/imports", 403),
    ("admin", "/imports", 200),
    ("tianchang", "/api/v1/households/H101", 404),
    ("xijian", "/api/v1/households/H101", 200),
    ("zhaojun", "/api/v1/households/H002", 404),
    ("auditor", "/api/v1/audit", 200),
    ("jiacun", "/api/v1/audit", 403),
];

/// Who changes what: (account, household, its village, changes, status). 303 is the redirect
/// to the saved household; a write outside the account's reach is 403.
type Write = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    u16,
);

const WRITES: &[Write] = &[
    (
        "admin",
        "H101",
        "341102001001",
        &[("causes", "labour")],
        303,
    ),
    (
        "tianchang",
        "H001",
        "341181100201",
        &[("housing_safe", "0")],
        303,
    ),
    ("tianchang", "H101", "341102001001", &[], 403),
    // Moving a household into another county's village is a write there.
    ("tianchang", "H001", "341102001001", &[], 403),
    (
        "xijian",
        "H101",
        "341102001001",
        &[("water_safe", "0")],
        303,
    ),
    ("xijian", "H001", "341181100201", &[], 403),
    (
        "jiacun",
        "H001",
        "341181100201",
        &[("food_secure", "0")],
        303,
    ),
    (
        "jiacun",
        "H002",
        "341181100202",
        &[("status", "exited"), ("exit_year", "2015")],
        403,
    ),
    (
        "zhaojun",
        "H001",
        "341181100201",
        &[("clothing_secure", "0")],
        303,
    ),
    (
        "zhaojun",
        "H002",
        "341181100202",
        &[("status", "exited"), ("exit_year", "2015")],
        403,
    ),
    ("auditor", "H001", "341181100201", &[], 403),
    // A number that does not exist gets the same answer as one outside the reach; only an
    // account that reaches everything is told it is missing.
    ("xijian", "H999", "341102001001", &[], 403),
    ("admin", "H999", "341102001001", &[], 404),
];

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix() {
    let app = App::start().await;
    let mut sessions = std::collections::HashMap::new();
    for (name, ..) in common::ACCOUNTS {
        sessions.insert(*name, app.sign_in(name).await);
    }
    let mut wrong = Vec::new();
    for (who, path, want) in READS {
        let got = app.get(&sessions[who], path).await.status().as_u16();
        if got != *want {
            wrong.push(format!("{who} GET {path}: {got}, expected {want}"));
        }
    }
    for (who, id, village, changes, want) in WRITES {
        let s = &sessions[who];
        let fingerprint = app.fingerprint(id).await;
        let form = household_form(&s.csrf, &fingerprint, village, changes);
        let response = app
            .post_form(s, &format!("/households/{id}/edit"), &form)
            .await;
        let got = response.status().as_u16();
        if got != *want {
            let body = response.text().await.unwrap_or_default();
            wrong.push(format!(
                "{who} POST {id} in {village}: {got}, expected {want}: {}",
                &body[..body.len().min(400)]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Every accepted write is in the log, in its author's name.
    let log = app
        .get(&sessions["auditor"], "/audit?entity=households")
        .await
        .text()
        .await
        .unwrap();
    for who in ["admin", "tianchang", "xijian", "jiacun", "zhaojun"] {
        assert!(
            log.contains(&format!("<td>{who} 修改了 户 ")),
            "no entry by {who}"
        );
    }
    assert!(xplus_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_are_cut_to_the_account() {
    let app = App::start().await;
    for (who, want) in [
        ("admin", 3),
        ("tianchang", 2),
        ("xijian", 1),
        ("jiacun", 1),
        ("zhaojun", 1),
    ] {
        let s = app.sign_in(who).await;
        let page = app.get(&s, "/households").await.text().await.unwrap();
        assert!(
            page.contains(&format!("id=\"total\">{want}<")),
            "{who}: {page}"
        );
        let api: serde_json::Value = app
            .get(&s, "/api/v1/households")
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], want, "{who}");
    }
    let admin = app.sign_in("admin").await;
    // Search by a member's identity number finds the household.
    let idno = common::id(341102, "1980-11-30", 52);
    let page = app
        .get(&admin, &format!("/households?q={idno}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"total\">1<") && page.contains("H101"),
        "{page}"
    );
    let page = app
        .get(&admin, "/households?status=exited")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"total\">1<") && page.contains("H002"));
    let bad = app.get(&admin, "/households?status=rich").await;
    assert_eq!(bad.status().as_u16(), 400);
    // An official sees identity numbers masked; a secretary whole.
    let official = app.sign_in("tianchang").await;
    let page = app
        .get(&official, "/households/H001")
        .await
        .text()
        .await
        .unwrap();
    let whole = common::id(341181, "1970-03-05", 11);
    assert!(
        !page.contains(&whole)
            && page.contains(&format!("{}********{}", &whole[..6], &whole[14..]))
    );
    let secretary = app.sign_in("jiacun").await;
    assert!(app
        .get(&secretary, "/households/H001")
        .await
        .text()
        .await
        .unwrap()
        .contains(&whole));
    // The spreadsheet of a filtered list is a real workbook.
    let xlsx = app.get(&admin, "/households/export.xlsx?status=poor").await;
    assert_eq!(xlsx.status().as_u16(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn second_stale_save_is_refused_and_keeps_what_was_typed() {
    let app = App::start().await;
    let a = app.sign_in("admin").await;
    let b = app.sign_in("tianchang").await;
    let fingerprint = app.fingerprint("H001").await;
    let first = household_form(&a.csrf, &fingerprint, "341181100201", &[("causes", "land")]);
    assert_eq!(
        app.post_form(&a, "/households/H001/edit", &first)
            .await
            .status()
            .as_u16(),
        303
    );
    let second = household_form(
        &b.csrf,
        &fingerprint,
        "341181100201",
        &[("causes", "capital")],
    );
    let response = app.post_form(&b, "/households/H001/edit", &second).await;
    assert_eq!(response.status().as_u16(), 409);
    let page = response.text().await.unwrap();
    assert!(page.contains("已被他人修改"), "{page}");
    // The refused form still holds the second editor's choice.
    assert!(page.contains("value=\"capital\" checked"), "{page}");
    let now = app.get(&a, "/households/H001").await.text().await.unwrap();
    assert!(now.contains("缺土地") && !now.contains("缺资金"));
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn field_errors_land_beside_their_fields() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let fingerprint = app.fingerprint("H001").await;
    let form = household_form(
        &s.csrf,
        &fingerprint,
        "341181100201",
        &[("identified_year", "20x4"), ("status", "monitored")],
    );
    let response = app.post_form(&s, "/households/H001/edit", &form).await;
    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("id=\"e_identified_year\""), "{page}");
    // A rule of the lifecycle: poor cannot become monitored directly.
    let form = household_form(
        &s.csrf,
        &fingerprint,
        "341181100201",
        &[("status", "monitored"), ("exit_year", "2016")],
    );
    let page = app
        .post_form(&s, "/households/H001/edit", &form)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"e_status\""), "{page}");
    // A second head is refused on the relation field.
    let fingerprint = app.fingerprint("H001").await;
    let idno = common::id(341181, "1990-01-01", 71);
    let member = [
        ("_csrf", s.csrf.as_str()),
        ("_fingerprint", fingerprint.as_str()),
        ("id_number", idno.as_str()),
        ("name", "王二"),
        ("relation", "head"),
        ("health", "healthy"),
        ("labour", "ordinary"),
        ("schooling", "none"),
    ];
    let page = app
        .post_form(&s, "/households/H001/members", &member)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"e_relation\"") && page.contains("有2名户主"),
        "{page}"
    );
    let mut child = member.to_vec();
    child[4] = ("relation", "child");
    let response = app.post_form(&s, "/households/H001/members", &child).await;
    assert_eq!(response.status().as_u16(), 303);
    let page = app.get(&s, "/households/H001").await.text().await.unwrap();
    assert!(page.contains("王二"));
    // The new member's entry in the history is masked for an official, as on the member list.
    let official = app.sign_in("tianchang").await;
    let page = app
        .get(&official, "/households/H001")
        .await
        .text()
        .await
        .unwrap();
    let masked = format!("{}********{}", &idno[..6], &idno[14..]);
    assert!(!page.contains(&idno) && page.contains(&masked), "{page}");
    let api: serde_json::Value = app
        .get(
            &app.sign_in("auditor").await,
            "/api/v1/audit?entity=members",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api[0]["record_key"], masked.as_str());
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_is_guarded() {
    let app = App::start().await;
    // Pages need a session.
    let anonymous = app
        .http
        .get(format!("{}/households/H001", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 303);
    assert!(anonymous.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?next="));
    let api = app
        .http
        .get(format!("{}/api/v1/households", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    // The session cookie is HttpOnly and SameSite; pages forbid inline script and framing.
    let s = app.sign_in("admin").await;
    assert!(s.set_cookie.contains("HttpOnly") && s.set_cookie.contains("SameSite=Lax"));
    let page = app.get(&s, "/households").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert!(!page.text().await.unwrap().contains("<script>"));
    // A form without the session's CSRF token changes nothing.
    let fingerprint = app.fingerprint("H001").await;
    let form = household_form(
        "forged",
        &fingerprint,
        "341181100201",
        &[("causes", "land")],
    );
    assert_eq!(
        app.post_form(&s, "/households/H001/edit", &form)
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(app.fingerprint("H001").await, fingerprint);
    // Five wrong passwords lock the name out, even with the right one after.
    for _ in 0..5 {
        assert_eq!(
            app.try_sign_in("jiacun", "wrong-password-x").await.err(),
            Some(401)
        );
    }
    assert_eq!(
        app.try_sign_in("jiacun", common::PASSWORD).await.err(),
        Some(429)
    );
    // Signing out ends the session on the server.
    let out = app
        .post_form(&s, "/logout", &[("_csrf", s.csrf.as_str())])
        .await;
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(app.get(&s, "/households").await.status().as_u16(), 303);
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn api_tokens_if_match_and_problems() {
    let app = App::start().await;
    let token = "t0ken-for-the-county-system-000000000000";
    let new = xplus_store::users::NewToken {
        user: "tianchang".into(),
        token_hash: xplus_store::sessions::secret_hash(token),
        label: "county system".into(),
        expires_at: chrono::Utc::now().timestamp() + 86_400,
    };
    xplus_store::users::add_token(app.store.as_ref(), new, "test")
        .await
        .unwrap();
    let auth = format!("Bearer {token}");
    let url = format!("{}/api/v1/households/H001", app.base);
    let read = app
        .http
        .get(&url)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status().as_u16(), 200);
    let etag = read.headers()["etag"].to_str().unwrap().to_string();
    let body: serde_json::Value = read.json().await.unwrap();
    assert_eq!(body["household"]["status"], "poor");
    let mut household: serde_json::Map<String, serde_json::Value> =
        body["household"].as_object().unwrap().clone();
    household.insert("causes".into(), "illness;land".into());
    let put = |etag: Option<String>, h: serde_json::Value| {
        let mut r = app.http.put(&url).header("authorization", &auth).json(&h);
        if let Some(e) = etag {
            r = r.header("if-match", e);
        }
        r.send()
    };
    let missing = put(None, household.clone().into()).await.unwrap();
    assert_eq!(missing.status().as_u16(), 428);
    let ok = put(Some(etag.clone()), household.clone().into())
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    let stale = put(Some(etag.clone()), household.clone().into())
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 412);
    assert_eq!(stale.headers()["content-type"], "application/problem+json");
    let fresh = app
        .http
        .get(&url)
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    let etag = fresh.headers()["etag"].to_str().unwrap().to_string();
    household.insert("water_safe".into(), "maybe".into());
    let bad = put(Some(etag), household.clone().into()).await.unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    let problem: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "water_safe");
    // The token's account is an official of 天长市: another county is 404, a write there 403.
    let other = app
        .http
        .get(format!("{}/api/v1/households/H101", app.base))
        .header("authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status().as_u16(), 404);
    let write = app
        .http
        .put(format!("{}/api/v1/households/H101", app.base))
        .header("authorization", &auth)
        .header("if-match", "\"x\"")
        .json(&serde_json::json!({"village_code": "341102001001", "identified_year": "2015", "status": "poor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(write.status().as_u16(), 403);
    let wrong = app
        .http
        .get(&url)
        .header("authorization", "Bearer nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    // A body that is not JSON is a problem too, not plain text.
    let garbage = app
        .http
        .put(&url)
        .header("authorization", &auth)
        .header("if-match", "\"x\"")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status().as_u16(), 400);
    assert_eq!(
        garbage.headers()["content-type"],
        "application/problem+json"
    );
    // The description of it all.
    let doc: serde_json::Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/households/{id}"]["put"].is_object());
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn htmx_gets_the_list_alone_and_english_on_request() {
    let app = App::start().await;
    let s = app.sign_in("admin").await;
    let part = app.htmx_text(&s, "/households?status=poor").await;
    assert!(
        !part.contains("<html") && part.contains("id=\"total\">2<"),
        "{part}"
    );
    let english = app
        .get(&s, "/households?lang=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("Households") && english.contains(">Search<"),
        "{english}"
    );
    let tree = app
        .get(&s, "/regions/341181000000")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        tree.contains("天长街道") && !tree.contains("西涧街道"),
        "{tree}"
    );
    // The breadcrumb names the regions above.
    assert!(
        tree.contains(">滁州市</a>") && tree.contains(">安徽省</a>"),
        "{tree}"
    );
    app.cleanup().await;
}
