//! 述职评议考核 over HTTP: a county official scores the secretaries of the county's villages;
//! the totals are the weighted means and equal totals share a rank; changing the weights reorders
//! them; a secretary cannot score and another county's official does not reach them.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn officials_score_secretaries_and_the_county_ranks_them() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let county = app.sign_in("tianchang").await;
    for (id, village, name, start) in [
        ("S1", "341181100201", "李书记", "2015-01-01"),
        ("S2", "341181100202", "王书记", "2016-03-01"),
    ] {
        let r = app
            .post_form(
                &admin,
                "/records/secretaries",
                &[
                    ("secretary_id", id),
                    ("village_code", village),
                    ("name", name),
                    ("start_date", start),
                    ("_csrf", admin.csrf.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }
    let page = app
        .page_text(&county, "/secretaries/review?year=2016")
        .await;
    assert!(page.contains("李书记") && page.contains("王书记"), "{page}");
    assert!(page.contains("县乡党委领导核心作用 25"), "{page}");

    let score = |id: &'static str, s: [&'static str; 4]| {
        let app = &app;
        let county = &county;
        async move {
            app.post_form(
                county,
                &format!("/secretaries/review/{id}"),
                &[
                    ("year", "2016"),
                    ("county", "341181000000"),
                    ("score_leadership", s[0]),
                    ("score_backbone", s[1]),
                    ("score_fortress", s[2]),
                    ("score_vanguard", s[3]),
                    ("_csrf", county.csrf.as_str()),
                ],
            )
            .await
        }
    };
    assert_eq!(
        score("S1", ["90", "80", "85", "86"])
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        score("S2", ["80", "90", "90", "81"])
            .await
            .status()
            .as_u16(),
        303
    );
    let page = app
        .page_text(&county, "/secretaries/review?year=2016")
        .await;
    // (90 + 80 + 85 + 86) / 4 = 85.25 and (80 + 90 + 90 + 81) / 4 = 85.25: both first.
    assert_eq!(
        page.matches("<td class=\"total\">85.25</td>").count(),
        2,
        "{page}"
    );
    assert_eq!(
        score("S1", ["101", "80", "85", "86"])
            .await
            .status()
            .as_u16(),
        422
    );

    // The county weighs the leadership role more: 86.20 against 84.20.
    xplus_store::records::set_review_criteria(
        app.store.as_ref(),
        "cli:test",
        xplus_core::registry::RegionCode::parse("341181000000").ok(),
        Some(2016),
        &[
            ("leadership", "领导核心作用", 40),
            ("backbone", "骨干带头作用", 20),
            ("fortress", "战斗堡垒作用", 20),
            ("vanguard", "先锋模范作用", 20),
        ]
        .map(
            |(code, name, weight)| xplus_core::backbone::review::Criterion {
                code: code.into(),
                name: name.into(),
                weight,
            },
        ),
        "天长市考核办法（测试）",
    )
    .await
    .unwrap();
    let ranking = xplus_store::records::review_ranking(
        app.store.as_ref(),
        &xplus_core::accounts::Access::of_account(
            "tianchang",
            xplus_core::accounts::Role::Official,
            xplus_core::registry::RegionCode::parse("341181000000").ok(),
            None,
        ),
        xplus_core::registry::RegionCode::parse("341181000000").unwrap(),
        2016,
    )
    .await
    .unwrap();
    let lines: Vec<(Option<u32>, &str, Option<u32>)> = ranking
        .lines
        .iter()
        .map(|l| (l.rank, l.secretary_id.as_str(), l.total))
        .collect();
    assert_eq!(
        lines,
        [(Some(1), "S1", Some(8620)), (Some(2), "S2", Some(8420))]
    );

    // A secretary does not score; another county's official does not reach 甲村's.
    let jiacun = app.sign_in("jiacun").await;
    let r = app
        .post_form(
            &jiacun,
            "/secretaries/review/S1",
            &[
                ("year", "2016"),
                ("score_leadership", "100"),
                ("_csrf", jiacun.csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let xijian = app.sign_in("xijian").await;
    let r = app
        .post_form(
            &xijian,
            "/secretaries/review/S1",
            &[
                ("year", "2016"),
                ("score_leadership", "100"),
                ("_csrf", xijian.csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);

    // The same review in the API, the same scores through it, and as a workbook.
    let body = app
        .get_json(&county, "/api/v1/secretaries/review?year=2016")
        .await;
    assert_eq!(body["county"], "341181000000");
    let leadership = body["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "leadership");
    assert_eq!(leadership.unwrap()["weight"], 40);
    let first = &body["secretaries"][0];
    assert_eq!(
        (first["secretary_id"].as_str(), first["rank"].as_u64()),
        (Some("S1"), Some(1))
    );
    assert_eq!(first["total"], "86.20");
    let put = |who: &common::Session, scores: serde_json::Value| {
        app.http
            .put(format!("{}/api/v1/secretaries/S2/review", app.base))
            .header("cookie", &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .json(&serde_json::json!({ "year": 2016, "scores": scores }))
            .send()
    };
    let r = put(&county, serde_json::json!({ "leadership": 100 }))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204, "{}", r.text().await.unwrap());
    let body = app
        .get_json(&county, "/api/v1/secretaries/review?year=2016")
        .await;
    // (100 × 40 + 90 × 20 + 90 × 20 + 81 × 20) / 100 = 92.20: S2 is first now.
    assert_eq!(body["secretaries"][0]["secretary_id"], "S2");
    assert_eq!(body["secretaries"][0]["total"], "92.20");
    for (scores, status) in [
        (serde_json::json!({ "leadership": 101 }), 422),
        (serde_json::json!({ "no_such": 50 }), 422),
        (serde_json::json!({}), 422),
    ] {
        let r = put(&county, scores).await.unwrap();
        assert_eq!(r.status().as_u16(), status);
    }
    assert_eq!(
        put(&jiacun, serde_json::json!({ "leadership": 1 }))
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        put(&xijian, serde_json::json!({ "leadership": 1 }))
            .await
            .unwrap()
            .status(),
        404
    );
    let r = app
        .get(
            &county,
            "/api/v1/secretaries/review?year=2016&county=341182000000",
        )
        .await;
    assert_eq!(r.status().as_u16(), 404, "another county is out of reach");

    let page = app
        .page_text(&county, "/secretaries/review?year=2016")
        .await;
    assert!(
        page.contains("/secretaries/review.xlsx?county=341181000000"),
        "{page}"
    );
    let book = app
        .get(
            &county,
            "/secretaries/review.xlsx?county=341181000000&year=2016",
        )
        .await;
    assert_eq!(book.status(), 200);
    let bytes = book.bytes().await.unwrap();
    let mut sheets: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let ranking = sheets.worksheet_range("述职评议").unwrap();
    let row: Vec<String> = ranking
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        (
            row[0].as_str(),
            row[1].as_str(),
            row.last().unwrap().as_str()
        ),
        ("1", "S2", "92.2")
    );
    app.cleanup().await;
}
