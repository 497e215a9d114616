//! 选派干部驻村 over HTTP: a posting written on the records page with the importer's checks (a
//! helper is refused), coverage of the poor villages on Dec 31 per region within reach with the
//! uncovered villages listed, the same in the API, and the yearly report's line.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn coverage_of_poor_villages_by_region_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();
    let cadre = [
        ("cadre_id", "C2"),
        ("name", "孙丽"),
        ("unit_id", "U1"),
        ("role", "first_secretary"),
        ("_csrf", csrf.as_str()),
    ];
    let r = app.post_form(&admin, "/records/cadres", &cadre).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let posting = |cadre: &'static str, start: &'static str| {
        vec![
            ("cadre_id", cadre),
            ("village_code", "341181100201"),
            ("start_date", start),
            ("_csrf", csrf.as_str()),
        ]
    };
    // C1 is a helper, not a selected cadre.
    let r = app
        .post_form(&admin, "/records/postings", &posting("C1", "2015-03-01"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("只有选派第一书记和驻村工作队员可驻村"));
    let r = app
        .post_form(&admin, "/records/postings", &posting("C2", "2015-03-01"))
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    // Once posted, the cadre's role cannot become one that is never posted.
    let mut demoted = cadre;
    demoted[3] = ("role", "helper");
    let r = app.post_form(&admin, "/records/cadres", &demoted).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("该干部有驻村记录"));

    // 天长: 甲村 is its one poor village, and covered.
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/postings?year=2016").await;
    assert!(page.contains("<b id=\"poor-villages\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"covered\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"cadres-posted\">1</b>"), "{page}");
    assert!(page.contains("天长街道"), "{page}");
    assert!(!page.contains("丙村"), "{page}");
    // Not yet at the end of 2014.
    let page = app.page_text(&tianchang, "/postings?year=2014").await;
    assert!(page.contains("<b id=\"covered\">0</b>"), "{page}");
    // 西涧: 丙村 is poor and has nobody.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/postings?year=2016").await;
    assert!(page.contains("<b id=\"uncovered\">1</b>"), "{page}");
    assert!(page.contains("id=\"uncovered-villages\""), "{page}");
    assert!(page.contains("丙村"), "{page}");
    // Another county's region is outside 西涧's reach.
    let r = app
        .get(&xijian, "/postings?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Everything: one row per county, and the same figures in the API.
    let page = app.page_text(&admin, "/postings?year=2016").await;
    assert!(page.contains("region=341181000000"), "{page}");
    let body = app.get_json(&admin, "/api/v1/postings?year=2016").await;
    assert_eq!(body["poor_villages"], 2, "{body}");
    assert_eq!(body["covered"], 1, "{body}");
    assert_eq!(body["cadres_posted"], 1, "{body}");
    assert_eq!(body["uncovered_villages"][0], "341102001001", "{body}");
    assert_eq!(body["regions"].as_array().unwrap().len(), 2, "{body}");

    let report = app.page_text(&admin, "/report?year=2016").await;
    assert!(report.contains("贫困村选派干部覆盖"), "{report}");
    assert!(report.contains("1 / 2"), "{report}");
    // The English page speaks English.
    let page = app.page_text(&admin, "/postings?year=2016&lang=en").await;
    assert!(page.contains("Selected cadres in villages"), "{page}");
    assert!(!page.contains("驻村"), "{page}");
    app.cleanup().await;
}
