//! 大学生村官创业 over HTTP: a start-up and the households it brings along written on the records
//! page with the importer's checks (another county's household is refused), the start-ups of a
//! year per region within reach with their households, the same in the API, the yearly
//! report's line, and the English page.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn startups_and_their_households_by_region_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let csrf = admin.csrf.clone();
    let cadre = [
        ("cadre_id", "C5"),
        ("name", "郑洁"),
        ("unit_id", "U1"),
        ("role", "graduate_official"),
        ("_csrf", csrf.as_str()),
    ];
    let r = app.post_form(&admin, "/records/cadres", &cadre).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let startup = [
        ("startup_id", "ST1"),
        ("cadre_id", "C5"),
        ("village_code", "341181100201"),
        ("name", "电商服务站"),
        ("base", "甲村创业园"),
        ("funding", "250000"),
        ("start_date", "2016-01-15"),
        ("_csrf", csrf.as_str()),
    ];
    let r = app.post_form(&admin, "/records/startups", &startup).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let link = |household: &'static str| {
        vec![
            ("startup_id", "ST1"),
            ("household_id", household),
            ("join_date", "2016-03-01"),
            ("_csrf", csrf.as_str()),
        ]
    };
    // H101 lives in 琅琊区, not in the start-up's county.
    let r = app
        .post_form(&admin, "/records/startup_households", &link("H101"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("不在创业项目所在县"));
    let r = app
        .post_form(&admin, "/records/startup_households", &link("H001"))
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());

    // 天长: one start-up in 天长街道 with one household.
    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/startups?year=2016").await;
    assert!(page.contains("<b id=\"startups\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"funding\">250000.00</b>"), "{page}");
    assert!(page.contains("<b id=\"households\">1</b>"), "{page}");
    assert!(page.contains("天长街道"), "{page}");
    assert!(page.contains("电商服务站"), "{page}");
    // Not yet at the end of 2015.
    let page = app.page_text(&tianchang, "/startups?year=2015").await;
    assert!(page.contains("<b id=\"startups\">0</b>"), "{page}");
    // 西涧 sees none, and not 天长's region.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/startups?year=2016").await;
    assert!(page.contains("<b id=\"households\">0</b>"), "{page}");
    let r = app
        .get(&xijian, "/startups?year=2016&region=341181000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Everything: one row per county, and the same figures in the API.
    let page = app.page_text(&admin, "/startups?year=2016").await;
    assert!(page.contains("region=341181000000"), "{page}");
    let body = app.get_json(&admin, "/api/v1/startups?year=2016").await;
    assert_eq!(body["total"]["startups"], 1, "{body}");
    assert_eq!(body["total"]["households"], 1, "{body}");
    assert_eq!(body["total"]["funding"], "250000.00", "{body}");
    assert_eq!(body["startups"][0]["startup_id"], "ST1", "{body}");
    assert_eq!(body["regions"].as_array().unwrap().len(), 1, "{body}");

    let report = app.page_text(&admin, "/report?year=2016").await;
    assert!(report.contains("大学生村官创业项目"), "{report}");
    assert!(report.contains("1 / 250000.00"), "{report}");
    // The secretaries' page links here.
    let page = app.page_text(&admin, "/secretaries?year=2016").await;
    assert!(page.contains("/startups?year=2016"), "{page}");
    // The English page speaks English.
    let page = app.page_text(&admin, "/startups?year=2016&lang=en").await;
    assert!(page.contains("Poor households brought along"), "{page}");
    // The start-up's own name and base are data, shown as recorded; the page's words are not.
    assert!(
        !page.contains("大学生村官") && !page.contains("带动贫困户"),
        "{page}"
    );
    app.cleanup().await;
}
