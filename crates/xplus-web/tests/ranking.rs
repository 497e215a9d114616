//! 区域排名 over HTTP: the regions below an account's, ranked on the year's indicators from the
//! roll-ups — the registry's provinces, or every county below; a county's towns; the order
//! following the indicator asked; a region out of reach, a helper, an unknown indicator or level
//! refused; the workbook; the API with the same figures; and the English page in English.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn regions_ranked_by_the_indicator_asked_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;

    // The registry's one province, or its two counties (across the city between them).
    let page = app.page_text(&admin, "/ranking").await;
    assert!(page.contains("区域排名"), "{page}");
    assert!(page.contains("安徽省"), "{page}");
    assert!(!page.contains("天长市"), "{page}");
    let page = app
        .page_text(&admin, "/ranking?year=2016&level=county")
        .await;
    assert!(page.contains("天长市") && page.contains("琅琊区"), "{page}");
    assert!(page.contains("id=\"ranking\""), "{page}");

    // The API: both counties, each indicator's parts, value and rank; the figures are the
    // dashboard's (H001 in 天长 and H101 in 琅琊 are poor at the end of 2016).
    let body = app
        .get_json(
            &admin,
            "/api/v1/ranking?year=2016&level=county&by=incidence",
        )
        .await;
    assert_eq!(body["by"], "incidence", "{body}");
    let regions = body["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2, "{body}");
    for r in regions {
        let worker = &r["indicators"]["one_worker"];
        assert_eq!(worker["denominator"], 1, "{body}");
        assert!(
            r["indicators"]["incidence"]["rank"].as_u64().is_some(),
            "{body}"
        );
    }
    // Listed by the incidence: the lower first.
    let incidence = |i: usize| {
        regions[i]["indicators"]["incidence"]["value_bp"]
            .as_i64()
            .unwrap()
    };
    assert!(incidence(0) <= incidence(1), "{body}");
    assert_eq!(regions[0]["indicators"]["incidence"]["rank"], 1, "{body}");

    // A county's official ranks its towns, and nothing outside the county.
    let page = app.page_text(&tianchang, "/ranking?year=2016").await;
    assert!(page.contains("天长街道"), "{page}");
    assert!(!page.contains("琅琊区"), "{page}");
    let r = app.get(&tianchang, "/ranking?region=341102000000").await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .get(&tianchang, "/api/v1/ranking?region=341102000000")
        .await;
    assert_eq!(r.status().as_u16(), 403);
    for bad in [
        "/ranking?by=speed",
        "/ranking?level=village",
        "/ranking?year=3000",
    ] {
        let r = app.get(&tianchang, bad).await;
        assert_eq!(r.status().as_u16(), 400, "{bad}");
    }
    let helper = app.sign_in("zhaojun").await;
    let r = app.get(&helper, "/ranking").await;
    assert_eq!(r.status().as_u16(), 403);

    // The dashboard links to it; the workbook opens.
    let page = app.page_text(&tianchang, "/dashboard?year=2016").await;
    assert!(page.contains("id=\"ranking-link\""), "{page}");
    let r = app
        .get(&admin, "/ranking.xlsx?year=2016&level=county&by=full_chain")
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an xlsx is a zip");

    let page = app.page_text(&admin, "/ranking?year=2016&lang=en").await;
    assert!(
        page.contains("Regions ranked") && page.contains("Households exited"),
        "{page}"
    );
    assert!(!page.contains("区域排名"), "{page}");
    app.cleanup().await;
}
