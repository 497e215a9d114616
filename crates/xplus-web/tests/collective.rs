//! The 集体 pages over HTTP: a village's collective income written from its ledger and read
//! against the empty-shell threshold, a household's shares page, and the API.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn collective_economy_pages_and_api() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    for (village, income) in [("341181100201", "49,999.99"), ("341181100202", "100000")] {
        let form = [
            ("_csrf", admin.csrf.as_str()),
            ("village_code", village),
            ("year", "2016"),
            ("operating_income", income),
        ];
        let r = app
            .post_form(&admin, "/records/collective_income", &form)
            .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }
    // One fen under 50,000 yuan is empty-shell; 100,000 is strong. 天长市 sees its two villages.
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/collective?year=2016").await;
    assert!(page.contains("<b id=\"empty-shell\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"strong\">1</b>"), "{page}");
    assert!(page.contains("<td class=\"target\">200</td>"), "{page}");
    let body = app
        .get_json(&tianchang, "/api/v1/collective?year=2016")
        .await;
    assert_eq!(body["villages"].as_array().unwrap().len(), 2, "{body}");
    assert_eq!(
        body["villages"][0]["operating_income"], "49999.99",
        "{body}"
    );
    // 西涧 reaches neither village.
    let xijian = app.sign_in("xijian").await;
    let body = app.get_json(&xijian, "/api/v1/collective?year=2016").await;
    assert_eq!(body["empty_shell"], 0, "{body}");

    let shares = app.get(&admin, "/households/H001/shares").await;
    assert_eq!(shares.status().as_u16(), 200);
    assert!(shares.text().await.unwrap().contains("未持股"));
    assert_eq!(
        app.get(&xijian, "/households/H001/shares")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&admin, "/projects/NOPE").await.status().as_u16(),
        404
    );
    // A co-operative recorded from its ledger shows on the village's page; 西涧 does not reach it.
    let form = [
        ("_csrf", admin.csrf.as_str()),
        ("enterprise_id", "QY1"),
        ("village_code", "341181100201"),
        ("name", "甲村农民专业合作社"),
        ("kind", "cooperative"),
        ("households", "46"),
    ];
    let r = app
        .post_form(&admin, "/records/village_enterprises", &form)
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let page = app
        .page_text(&tianchang, "/collective/villages/341181100201")
        .await;
    assert!(page.contains("甲村农民专业合作社"), "{page}");
    assert!(page.contains("空壳村"), "49,999.99 yuan in 2016: {page}");
    assert_eq!(
        app.get(&xijian, "/collective/villages/341181100201")
            .await
            .status()
            .as_u16(),
        404
    );
    let body = app
        .get_json(&tianchang, "/api/v1/collective/villages/341181100201")
        .await;
    assert_eq!(body["incomes"][0]["empty_shell"], true, "{body}");
    assert_eq!(body["enterprises"][0]["kind"], "cooperative", "{body}");
    let assets = app.page_text(&tianchang, "/assets?date=2016-12-31").await;
    assert!(assets.contains("id=\"assets\""), "{assets}");
    assert_eq!(
        app.get(&tianchang, "/api/v1/assets?date=2016-13-01")
            .await
            .status()
            .as_u16(),
        400
    );

    let ledger = app.page_text(&admin, "/records/share_events").await;
    assert!(
        !ledger.contains("id=\"form\""),
        "the share ledger is read-only here"
    );
    app.cleanup().await;
}
