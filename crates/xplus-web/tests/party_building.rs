//! 基层党组织建设 over HTTP: a weak organisation and the standard's checks written on the records
//! pages with the importer's checks (a rectification before the year listed is refused), the
//! figures on Dec 31 per region within reach with the open organisations listed, 403 outside
//! reach, the same in the API and the workbook, the yearly report's line and the English page.

mod common;

use common::App;

const ITEMS: [&str; 7] = [
    "setting",
    "leadership",
    "members",
    "venue",
    "life",
    "systems",
    "support",
];

#[tokio::test(flavor = "multi_thread")]
async fn weak_organisations_and_the_standard_by_region_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();
    let weak = |rectified: &'static str| {
        vec![
            ("village_code", "341181100201"),
            ("year", "2016"),
            ("reasons", "disunited"),
            ("measures", "调整村两委班子"),
            ("leader", "张为民"),
            ("planned_date", "2016-12-31"),
            ("rectified_date", rectified),
            ("_csrf", csrf.as_str()),
        ]
    };
    // Judged rectified before the year it was listed.
    let r = app
        .post_form(&admin, "/records/weak_organisations", &weak("2015-12-01"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("早于列入年度"));
    let r = app
        .post_form(&admin, "/records/weak_organisations", &weak(""))
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    // 甲村 meets every item; 丙村 fails the venue.
    for (village, item, met) in
        (ITEMS.iter().map(|i| ("341181100201", *i, "1"))).chain([("341102001001", "venue", "0")])
    {
        let form = [
            ("village_code", village),
            ("year", "2016"),
            ("item", item),
            ("met", met),
            ("checked_date", "2016-11-01"),
            ("_csrf", csrf.as_str()),
        ];
        let r = app
            .post_form(&admin, "/records/standardisation_checks", &form)
            .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }

    // 天长: 甲村 listed and open, checked and meeting the standard.
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/party-building?year=2016").await;
    assert!(page.contains("<b id=\"weak\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"open\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"meeting\">1</b>"), "{page}");
    assert!(page.contains("100.00%"), "{page}");
    assert!(page.contains("id=\"open-organisations\""), "{page}");
    assert!(page.contains("张为民"), "{page}");
    assert!(page.contains("天长街道"), "{page}");
    assert!(!page.contains("丙村"), "{page}");
    // Not yet listed at the end of 2015.
    let page = app.page_text(&tianchang, "/party-building?year=2015").await;
    assert!(page.contains("<b id=\"weak\">0</b>"), "{page}");
    // 西涧: 丙村 checked, not meeting; 天长 is outside its reach.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/party-building?year=2016").await;
    assert!(page.contains("<b id=\"checked\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"meeting\">0</b>"), "{page}");
    assert!(!page.contains("张为民"), "{page}");
    let r = app
        .get(&xijian, "/party-building?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .get(
            &xijian,
            "/api/v1/party-building?year=2016&region=341181000000",
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Everything: one row per county, and the same figures in the API.
    let page = app.page_text(&admin, "/party-building?year=2016").await;
    assert!(page.contains("region=341181000000"), "{page}");
    let body = app
        .get_json(&admin, "/api/v1/party-building?year=2016")
        .await;
    assert_eq!(body["weak_organisations"], 1, "{body}");
    assert_eq!(body["open"], 1, "{body}");
    assert_eq!(body["villages_checked"], 2, "{body}");
    assert_eq!(body["villages_meeting"], 1, "{body}");
    assert_eq!(body["meeting_bp"], 5000, "{body}");
    assert_eq!(body["poor_meeting"], 1, "{body}");
    assert_eq!(body["regions"].as_array().unwrap().len(), 2, "{body}");
    assert_eq!(
        body["open_organisations"][0]["village_code"], "341181100201",
        "{body}"
    );

    // The workbook: the figures and the open organisations.
    let r = app.get(&tianchang, "/party-building.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let rows = |book: &mut calamine::Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        (book.worksheet_range(name).unwrap().rows())
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let figures = rows(&mut book, "基层党组织建设");
    assert_eq!(figures.len(), 3, "{figures:?}");
    assert_eq!(figures[1][0], "天长市（合计）");
    assert_eq!(figures[2][0], "天长街道");
    assert_eq!(figures[1][2], "1");
    let open = rows(&mut book, "未整顿转化");
    assert_eq!(open.len(), 2, "{open:?}");
    assert_eq!(open[1][3], "张为民");

    let report = app.page_text(&admin, "/report?year=2016").await;
    assert!(report.contains("软弱涣散村党组织整顿转化"), "{report}");
    assert!(report.contains("1 / 2"), "{report}");
    // The English page speaks English.
    let page = app
        .page_text(&admin, "/party-building?year=2016&lang=en")
        .await;
    assert!(page.contains("Village party organisations"), "{page}");
    assert!(!page.contains("软弱涣散"), "{page}");
    // The API describes the call.
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
    assert!(doc["paths"]["/api/v1/party-building"]["get"].is_object());
    app.cleanup().await;
}
