//! 村干部与村级带头人后备库 over HTTP: rows written on the records pages with the importer's checks
//! (an end before the start is refused), the figures on Dec 31 per region within reach with the
//! poor villages whose secretary was not trained listed, 403 outside reach, the same in the API,
//! the yearly report's lines and the English page.

mod common;

use common::App;

/// A form's fields with its CSRF token.
fn form<'a>(fields: &[(&'a str, &'a str)], csrf: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = fields.to_vec();
    f.push(("_csrf", csrf));
    f
}

#[tokio::test(flavor = "multi_thread")]
async fn village_cadres_and_the_pool_by_region_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();
    let with_csrf = |fields: &[(&'static str, &'static str)]| form(fields, &csrf);
    let writes: [(&str, &[(&str, &str)]); 5] = [
        (
            "/records/secretaries",
            &[
                ("secretary_id", "S1"),
                ("village_code", "341181100201"),
                ("name", "钱广"),
                ("start_date", "2010-01-01"),
            ],
        ),
        (
            "/records/secretary_development",
            &[
                ("secretary_id", "S1"),
                ("kind", "training"),
                ("start_date", "2016-03-01"),
            ],
        ),
        (
            "/records/village_cadres",
            &[
                ("village_cadre_id", "V1"),
                ("village_code", "341181100201"),
                ("name", "王林"),
                ("post", "committee_director"),
                ("start_date", "2014-03-01"),
            ],
        ),
        (
            "/records/village_cadre_development",
            &[
                ("village_cadre_id", "V1"),
                ("kind", "degree"),
                ("start_date", "2016-09-01"),
            ],
        ),
        (
            "/records/leader_pool",
            &[
                ("leader_id", "L1"),
                ("village_code", "341181100201"),
                ("name", "郑一"),
                ("source", "returnee"),
                ("entered_date", "2015-05-01"),
            ],
        ),
    ];
    for (path, fields) in writes {
        let r = app.post_form(&admin, path, &with_csrf(fields)).await;
        assert_eq!(
            r.status().as_u16(),
            303,
            "{path}: {}",
            r.text().await.unwrap()
        );
    }
    // A term that ends before it begins is refused, as the importer refuses it.
    let bad = with_csrf(&[
        ("village_cadre_id", "V2"),
        ("village_code", "341181100201"),
        ("name", "赵梅"),
        ("post", "group_leader"),
        ("start_date", "2016-03-01"),
        ("end_date", "2015-03-01"),
    ]);
    let r = app.post_form(&admin, "/records/village_cadres", &bad).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("结束日期早于开始日期"));

    // 天长: 甲村 is its one poor village, its secretary trained in 2016.
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/village-cadres?year=2016").await;
    for (id, n) in [
        ("in-office", 1),
        ("degree", 1),
        ("poor-villages", 1),
        ("trained", 1),
        ("pool", 1),
    ] {
        assert!(
            page.contains(&format!("<b id=\"{id}\">{n}</b>")),
            "{id}: {page}"
        );
    }
    assert!(page.contains("天长街道"), "{page}");
    assert!(page.contains("村委会主任"), "{page}");
    assert!(page.contains("外出务工返乡人员"), "{page}");
    assert!(!page.contains("丙村"), "{page}");
    // Before the records began.
    let page = app.page_text(&tianchang, "/village-cadres?year=2013").await;
    assert!(page.contains("<b id=\"in-office\">0</b>"), "{page}");
    // 西涧: 丙村 is poor and has no secretary trained.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/village-cadres?year=2016").await;
    assert!(page.contains("<b id=\"untrained\">1</b>"), "{page}");
    assert!(page.contains("id=\"untrained-villages\""), "{page}");
    assert!(page.contains("丙村"), "{page}");
    let r = app
        .get(&xijian, "/village-cadres?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .get(&xijian, "/api/v1/leader-pool?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Everything: one row per county, and the same figures in the API.
    let page = app.page_text(&admin, "/village-cadres?year=2016").await;
    assert!(page.contains("region=341181000000"), "{page}");
    let body = app
        .get_json(&admin, "/api/v1/village-cadres?year=2016")
        .await;
    assert_eq!(body["in_office"], 1, "{body}");
    assert_eq!(body["by_post"]["committee_director"], 1, "{body}");
    assert_eq!(body["degree"], 1, "{body}");
    assert_eq!(body["poor_villages"], 2, "{body}");
    assert_eq!(body["secretaries_trained"], 1, "{body}");
    assert_eq!(body["untrained_villages"][0], "341102001001", "{body}");
    assert_eq!(body["regions"].as_array().unwrap().len(), 2, "{body}");
    let body = app.get_json(&admin, "/api/v1/leader-pool?year=2016").await;
    assert_eq!(body["members"], 1, "{body}");
    assert_eq!(body["by_source"]["returnee"], 1, "{body}");
    assert_eq!(body["promoted"], 0, "{body}");
    let body = app.get_json(&admin, "/api/v1/leader-pool?year=2014").await;
    assert_eq!(body["members"], 0, "{body}");

    let report = app.page_text(&admin, "/report?year=2016").await;
    assert!(report.contains("贫困村书记年内培训"), "{report}");
    assert!(report.contains("1 / 2"), "{report}");
    let page = app.page_text(&admin, "/secretaries?year=2016").await;
    assert!(page.contains("/village-cadres?year=2016"), "{page}");
    // The English page speaks English.
    let page = app
        .page_text(&admin, "/village-cadres?year=2016&lang=en")
        .await;
    assert!(page.contains("Village cadres and future leaders"), "{page}");
    assert!(page.contains("committee director"), "{page}");
    assert!(!page.contains("后备"), "{page}");
    app.cleanup().await;
}
