//! The module ledgers over HTTP: a row written from its page and from the API with the
//! importer's checks, a village's attendance entered on one page, helpers logging their own
//! visits, units' village pairings under rules.md §7, and the overviews in the OpenAPI document.

mod common;

use common::{id, App};

/// A save answered with "see other": the page it leads to.
async fn followed(app: &App, who: &common::Session, r: reqwest::Response) -> String {
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let page = app.get(who, &to).await;
    assert_eq!(page.status().as_u16(), 200, "{to}");
    page.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn ledgers_pages_quick_attendance_and_api() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();

    // A station and a session of 甲村 from their pages.
    let station = [
        ("_csrf", csrf.as_str()),
        ("station_id", "ST1"),
        ("village_code", "341181100201"),
        ("kind", "station"),
        ("name", "甲村远教站点"),
        ("investment", "12,000.50"),
    ];
    let r = app.post_form(&admin, "/records/stations", &station).await;
    let text = followed(&app, &admin, r).await;
    assert!(
        text.contains("id=\"saved\"") && text.contains("12000.50"),
        "{text}"
    );
    let bad_session = [
        ("_csrf", csrf.as_str()),
        ("session_id", "T1"),
        ("station_id", "NOPE"),
        ("date", "2026-03-05"),
        ("mode", "party_school"),
        ("lecturer_kind", "cadre"),
        ("topic", "policy"),
    ];
    let r = app
        .post_form(&admin, "/records/training_sessions", &bad_session)
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("id=\"e_station_id\"") && text.contains("value=\"NOPE\""),
        "the refusal beside the field, what was typed kept: {text}"
    );
    let mut session = bad_session;
    session[2] = ("station_id", "ST1");
    let r = app
        .post_form(&admin, "/records/training_sessions", &session)
        .await;
    followed(&app, &admin, r).await;

    let sessions = app.page_text(&admin, "/records/training_sessions").await;
    assert!(
        sessions.contains("href=\"/attendance?session=T1\""),
        "{sessions}"
    );

    // The village secretary ticks who came: the household H001 through one named member.
    let jiacun = app.sign_in("jiacun").await;
    let page = app.page_text(&jiacun, "/attendance?session=T1").await;
    assert!(
        page.contains("王大明") && page.contains("value=\"H001:0:"),
        "{page}"
    );
    let wang = id(341181, "1970-03-05", 11);
    let m = format!("H001:0:{}", &wang[wang.len() - 4..]);
    // A place in the roll whose person changed since the page was read is refused; so is a
    // village the session's station does not serve.
    let stale = [
        ("_csrf", jiacun.csrf.as_str()),
        ("session", "T1"),
        ("village", "341181100201"),
        ("m", "H001:0:0000"),
    ];
    let r = app.post_form(&jiacun, "/attendance", &stale).await;
    assert_eq!(r.status().as_u16(), 409);
    let elsewhere = [
        ("_csrf", jiacun.csrf.as_str()),
        ("session", "T1"),
        ("village", "341181100202"),
        ("h", "H002"),
    ];
    let r = app.post_form(&jiacun, "/attendance", &elsewhere).await;
    assert_eq!(r.status().as_u16(), 400);
    let form = [
        ("_csrf", jiacun.csrf.as_str()),
        ("session", "T1"),
        ("village", "341181100201"),
        ("m", &m),
    ];
    let r = app.post_form(&jiacun, "/attendance", &form).await;
    let page = followed(&app, &jiacun, r).await;
    assert!(page.contains("id=\"message\""), "{page}");
    assert!(
        page.contains("value=\"H001\" id=\"h_H001\" checked"),
        "{page}"
    );
    let named: serde_json::Value = app
        .http
        .get(format!(
            "{}/api/v1/records/attendance_members?session_id=T1",
            app.base
        ))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(named["total"], 1, "{named}");
    assert_eq!(named["rows"][0]["id_number"], wang.as_str(), "{named}");
    // An official sees the number masked.
    let tianchang = app.sign_in("tianchang").await;
    let masked: serde_json::Value = app
        .get(
            &tianchang,
            "/api/v1/records/attendance_members?session_id=T1",
        )
        .await
        .json()
        .await
        .unwrap();
    let shown = masked["rows"][0]["id_number"].as_str().unwrap();
    assert!(
        shown.contains("********") && !shown.contains(&wang[6..14]),
        "{masked}"
    );
    // An offset past what the databases can count is a page without rows, not a server error.
    let far = app
        .get(
            &admin,
            "/api/v1/records/attendance_members?offset=18446744073709551615",
        )
        .await;
    assert_eq!(far.status().as_u16(), 200);
    // Another county's official does not see 甲村's attendance.
    let xijian = app.sign_in("xijian").await;
    let text = app.page_text(&xijian, "/records/attendance").await;
    assert!(text.contains("<strong id=\"total\">0</strong>"), "{text}");

    // The API writes with the importer's words: a helper is not recalled (rules.md §7).
    let post = |who: &common::Session, path: &str, body: serde_json::Value| {
        app.http
            .post(format!("{}{path}", app.base))
            .header("cookie", &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .json(&body)
            .send()
    };
    let r = post(
        &admin,
        "/api/v1/records/recalls",
        serde_json::json!({"rows": [{"cadre_id": "C1", "decision_date": "2026-11-01", "reason": "不胜任"}]}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "cadre_id", "{problem}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("结对帮扶规定"),
        "{problem}"
    );

    // A helper logs a visit to their household, not to another one.
    let zhaojun = app.sign_in("zhaojun").await;
    let visit = |household: &'static str| serde_json::json!({"rows": [{"cadre_id": "C1", "household_id": household, "date": "2026-11-02", "activity": "走访慰问"}]});
    let r = post(&zhaojun, "/api/v1/records/visits", visit("H001"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let saved: serde_json::Value = r.json().await.unwrap();
    assert_eq!(saved["changed"], 1, "{saved}");
    // Another household is answered like one that does not exist (422, naming household_id).
    let r = post(&zhaojun, "/api/v1/records/visits", visit("H101"))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "household_id", "{problem}");
    let text = app.page_text(&zhaojun, "/visits?year=2026").await;
    assert!(text.contains("<th id=\"visits-total\">1</th>"), "{text}");

    // A unit takes on 甲村 from the units page; it cannot leave while 甲村 is poor.
    let pair = [
        ("_csrf", csrf.as_str()),
        ("unit_id", "U1"),
        ("village_code", "341181100201"),
        ("start_date", "2026-01-01"),
        ("joint_party_org", "1"),
        ("joint_party_org_date", "2026-03-01"),
    ];
    let r = app.post_form(&admin, "/units", &pair).await;
    let text = followed(&app, &admin, r).await;
    assert!(
        text.contains("<td class=\"form-code\" title=\"一个单位包一个村\">1+1</td>"),
        "{text}"
    );
    let mut end = pair.to_vec();
    end.push(("end_date", "2026-11-30"));
    let r = app.post_form(&admin, "/units", &end).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("结对帮扶规定"));

    // The ledger as a workbook; the history pages; the API in the OpenAPI document.
    let r = app.get(&admin, "/records/stations.xlsx").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        app.get(&admin, "/secretaries/NOPE").await.status().as_u16(),
        404
    );
    assert_eq!(
        app.get(&admin, "/records/nothing").await.status().as_u16(),
        404
    );
    let index = app.page_text(&admin, "/records").await;
    assert!(index.contains("/records/station_checks") && index.contains("/attendance"));
    let doc: serde_json::Value = app
        .http
        .get(format!("{}/api/openapi.json", app.base))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/records/{file}",
        "/api/v1/secretaries",
        "/api/v1/visits/monthly",
        "/api/v1/unit-pairings",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    app.cleanup().await;
}
