//! The 远教 and 骨干 pages over HTTP: a household's helpers with rules.md §7 refusals, who may
//! change pairings, 谁来扶 with its confirm, and the training coverage page and workbook.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn pairings_keep_rule_7_and_only_the_office_changes_them() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let page = app.get(&admin, "/pairings/H001").await;
    assert_eq!(page.status().as_u16(), 200);
    let text = page.text().await.unwrap();
    assert!(
        text.contains("C1") && text.contains("赵军") && text.contains("滁州市财政局"),
        "{text}"
    );

    // Ending the only helper of a poor household is refused, the rule named, nothing saved.
    let end = [
        ("_csrf", admin.csrf.as_str()),
        ("cadre_id", "C1"),
        ("start_date", "2015-01-01"),
        ("end_date", "2016-12-31"),
    ];
    let r = app.post_form(&admin, "/pairings/H001", &end).await;
    assert_eq!(r.status().as_u16(), 422);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("结对帮扶规定") && text.contains("value=\"2016-12-31\""),
        "{text}"
    );
    let text = app.page_text(&admin, "/pairings/H001").await;
    assert!(!text.contains("<td>2016-12-31</td>"), "{text}");

    // A helper sees the pairings of their household but cannot change them; another county's
    // official does not see them at all.
    let helper = app.sign_in("zhaojun").await;
    let text = app.page_text(&helper, "/pairings/H001").await;
    assert!(
        text.contains("赵军") && !text.contains("name=\"cadre_id\""),
        "{text}"
    );
    let form = [
        ("_csrf", helper.csrf.as_str()),
        ("cadre_id", "C1"),
        ("start_date", "2016-12-01"),
    ];
    assert_eq!(
        app.post_form(&helper, "/pairings/H001", &form)
            .await
            .status()
            .as_u16(),
        403
    );
    let xijian = app.sign_in("xijian").await;
    assert_eq!(
        app.get(&xijian, "/pairings/H001").await.status().as_u16(),
        404
    );
    // Without the form's token nothing happens.
    let forged = [("cadre_id", "C1"), ("start_date", "2016-12-01")];
    assert_eq!(
        app.post_form(&admin, "/pairings/H101", &forged)
            .await
            .status()
            .as_u16(),
        403
    );

    // 谁来扶: H101 (西涧) has no helper and its village no paired unit: nobody to suggest. The
    // list is kept once the roll-ups are up to date (the dashboard folds the fixture in).
    app.page_text(&admin, "/dashboard").await;
    for _ in 0..2 {
        let text = app.page_text(&admin, "/helpers").await;
        assert!(text.contains("H101") && text.contains("请增派"), "{text}");
    }
    // Paired by hand, it leaves the list.
    let pair = [
        ("_csrf", admin.csrf.as_str()),
        ("cadre_id", "C1"),
        ("start_date", "2016-12-01"),
    ];
    let r = app.post_form(&admin, "/pairings/H101", &pair).await;
    assert!(r.status().is_redirection(), "{}", r.status());
    // Before and after the pairing's county is folded into the roll-ups: never the kept list.
    for fold in [false, true] {
        if fold {
            app.page_text(&admin, "/dashboard").await;
        }
        let text = app.page_text(&admin, "/helpers").await;
        assert!(
            !text.contains("H101") && text.contains("每户都有帮扶干部"),
            "{text}"
        );
    }
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn coverage_page_and_workbook_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    // Poor at the start of 2016: H001 and H101; nobody attended a session.
    let text = app
        .page_text(&admin, "/coverage?year=2016&from=2016-01-01")
        .await;
    assert!(
        text.contains("id=\"poor\">2<") && text.contains("id=\"trained\">0<"),
        "{text}"
    );
    assert!(text.contains("H001") && text.contains("H101"), "{text}");
    let official = app.sign_in("tianchang").await;
    let text = app.page_text(&official, "/coverage?year=2016").await;
    assert!(
        text.contains("id=\"poor\">1<") && !text.contains("H101"),
        "{text}"
    );

    let r = app.get(&admin, "/coverage.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        app.get(&admin, "/coverage?year=20x6")
            .await
            .status()
            .as_u16(),
        400
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn module_api_coverage_pairings_and_suggestions() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let get = |path: &str| {
        app.http
            .get(format!("{}{path}", app.base))
            .header("cookie", &admin.cookie)
            .send()
    };
    let body: serde_json::Value = get("/api/v1/coverage?year=2016&from=2016-01-01")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["total"]["poor"], 2, "{body}");
    assert_eq!(body["gaps"].as_array().unwrap().len(), 2, "{body}");

    let list: serde_json::Value = get("/api/v1/households/H001/pairings")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["cadre_id"], "C1", "{list}");

    // Ending the only helper: 422 problem details naming the field and the rule.
    let r = app
        .http
        .post(format!("{}/api/v1/households/H001/pairings", app.base))
        .header("cookie", &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .json(&serde_json::json!({"cadre_id": "C1", "start_date": "2015-01-01", "end_date": "2016-12-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "end_date", "{problem}");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("结对帮扶规定"),
        "{problem}"
    );
    // Without the CSRF header a cookie session cannot write.
    let r = app
        .http
        .post(format!("{}/api/v1/households/H101/pairings", app.base))
        .header("cookie", &admin.cookie)
        .json(&serde_json::json!({"cadre_id": "C1", "start_date": "2016-12-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let s: serde_json::Value = get("/api/v1/helper-suggestions")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s[0]["household_id"], "H101", "{s}");
    assert!(s[0]["cadre_id"].is_null(), "{s}");
    let doc: serde_json::Value = get("/api/openapi.json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/households/{id}/pairings"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/coverage"]["get"].is_object());
    app.cleanup().await;
}
