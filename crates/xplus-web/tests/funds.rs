//! 多元投入 over HTTP: funds recorded on the ledger page, the page of each region with its totals
//! by source, link and region, a city's region drilled into, the workbook, the API (same
//! figures, 404 outside reach), the yearly report's line, a helper kept out, and the English
//! interface in English.

mod common;

use common::App;

async fn record(app: &App, s: &common::Session, cells: &[(&str, &str)]) {
    let mut form: Vec<(&str, &str)> = cells.to_vec();
    form.push(("_csrf", s.csrf.as_str()));
    let r = app.post_form(s, "/records/funds", &form).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
}

fn fund<'a>(
    id: &'a str,
    region: &'a str,
    source: &'a str,
    link: &'a str,
    amount: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("fund_id", id),
        ("region_code", region),
        ("year", "2016"),
        ("source", source),
        ("link", link),
        ("amount", amount),
        ("project_id", ""),
        ("note", ""),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn funds_by_source_link_and_region_on_the_page_the_workbook_and_the_api() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;
    record(
        &app,
        &tianchang,
        &fund("F1", "341181000000", "fiscal", "industry", "1000000"),
    )
    .await;
    record(
        &app,
        &tianchang,
        &fund("F2", "341181100201", "社会资本", "集体", "250000.5"),
    )
    .await;
    record(
        &app,
        &admin,
        &fund("F3", "341102001001", "pairing", "backbone", "80000"),
    )
    .await;

    // 天长: its own funds (本级) and its town; 琅琊区's not at all.
    let page = app.page_text(&tianchang, "/funds").await;
    assert!(
        page.contains("<b id=\"funds-total\">1250000.50</b>"),
        "{page}"
    );
    assert!(page.contains("<b id=\"funds-count\">2</b>"), "{page}");
    assert!(page.contains("天长市（本级）"), "{page}");
    assert!(
        page.contains("href=\"/funds?year=2016&#38;region=341181100000\""),
        "{page}"
    );
    assert!(page.contains("class=\"table-wrap\""), "{page}");
    assert!(!page.contains("80000"), "{page}");
    // The administrator sees the province, and drills into 琅琊区.
    let page = app.page_text(&admin, "/funds?year=2016").await;
    assert!(
        page.contains("<b id=\"funds-total\">1330000.50</b>"),
        "{page}"
    );
    let page = app
        .page_text(&admin, "/funds?year=2016&region=341102000000")
        .await;
    assert!(
        page.contains("<b id=\"funds-total\">80000.00</b>"),
        "{page}"
    );
    assert!(page.contains("西涧街道"), "{page}");
    // The links to it.
    let page = app.page_text(&tianchang, "/collective?year=2016").await;
    assert!(page.contains("href=\"/funds?year=2016\""), "{page}");

    let body = app.get_json(&tianchang, "/api/v1/funds?year=2016").await;
    assert_eq!(body["amount"], "1250000.50", "{body}");
    assert_eq!(body["funds"], 2, "{body}");
    assert_eq!(body["by_source"][3]["code"], "social", "{body}");
    assert_eq!(body["by_source"][3]["amount"], "250000.50", "{body}");
    assert_eq!(body["by_link"][2]["amount"], "250000.50", "{body}");
    assert_eq!(body["regions"][0]["own"], true, "{body}");
    assert_eq!(body["regions"][0]["amount"], "1000000.00", "{body}");
    assert_eq!(body["years"][0]["year"], 2016, "{body}");
    let r = app
        .get(&tianchang, "/api/v1/funds?region=341102000000")
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app.get(&tianchang, "/api/v1/funds?year=3000").await;
    assert_eq!(r.status().as_u16(), 400);

    let r = app.get(&tianchang, "/funds.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");

    // The yearly report counts them.
    let page = app.page_text(&tianchang, "/report?year=2016").await;
    assert!(page.contains("1250000.50 / 2"), "{page}");
    let r = app.get(&tianchang, "/report.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);

    // A region's official records nothing at a city, nor outside their county.
    let mut form = fund("F4", "341100000000", "fiscal", "industry", "1");
    form.push(("_csrf", admin.csrf.as_str()));
    let r = app.post_form(&admin, "/records/funds", &form).await;
    assert_eq!(r.status().as_u16(), 422, "{}", r.text().await.unwrap());

    // A helper's reach is households.
    let helper = app.sign_in("zhaojun").await;
    let r = app.get(&helper, "/funds").await;
    assert_eq!(r.status().as_u16(), 404);

    let page = app.page_text(&tianchang, "/funds?year=2016&lang=en").await;
    assert!(page.contains("Social capital"), "{page}");
    assert!(!page.contains("社会资本"), "{page}");
    app.cleanup().await;
}
