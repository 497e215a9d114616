//! The dashboard over HTTP: each account sees its own region (a county its towns, the registry
//! its provinces), a region out of reach and a helper's account are refused, a record saved by
//! the form shows on the next dashboard, and the drill-down lists narrow to the region asked.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn dashboards_by_reach_follow_the_records_and_drill_down() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;
    let xijian = app.sign_in("xijian").await;
    let helper = app.sign_in("zhaojun").await;

    // The registry: H001 (天长) and H101 (琅琊) are poor at the end of 2016, the default year;
    // the figure opens the list of those households as they stood then.
    let page = app.page_text(&admin, "/dashboard").await;
    assert!(
        page.contains(
            "id=\"fact-poor-households\" href=\"/households?region=&#38;poor=1&#38;at_end=2016\">2<"
        ),
        "{page}"
    );
    assert!(page.contains("安徽省"), "{page}");
    assert!(page.contains("data-chart="), "{page}");

    // Tianchang's official: the county, its town as the child, H001 alone.
    let page = app.page_text(&tianchang, "/dashboard").await;
    assert!(page.contains("数据看板 · 天长市"), "{page}");
    assert!(page.contains("poor=1&#38;at_end=2016\">1<"), "{page}");
    assert!(page.contains("天长街道"), "{page}");
    assert!(!page.contains("西涧街道"), "{page}");

    // The drill-down lists count what they list: Tianchang has H001 (poor) and H002 (exited in
    // 2015); each filter has its own total, not the one of the list read before it.
    for (path, want) in [
        ("/households?region=341181000000", 2),
        ("/households?region=341181000000&poor=1", 1),
        ("/households?region=341181000000&poor=1&at_end=2016", 1),
        (
            "/households?region=341181000000&exit_year=2015&at_end=2015",
            1,
        ),
        ("/households?region=341181000000&poor=1&at_end=2013", 0),
        ("/households?region=341181000000&exit_year=2015", 1),
        ("/households?region=341181000000&exit_year=2014", 0),
        ("/households?region=341181000000&income_year=2016&band=4", 1),
        ("/households?region=341181000000&income_year=2016&band=3", 0),
    ] {
        let page = app.page_text(&tianchang, path).await;
        assert!(
            page.contains(&format!("<strong id=\"total\">{want}</strong>")),
            "{path}: {page}"
        );
    }
    assert_eq!(
        app.get(&tianchang, "/households?income_year=2016&band=9")
            .await
            .status(),
        400
    );

    // Out of reach: another county, the city above; a helper has no region at all.
    for path in [
        "/dashboard?region=341102000000",
        "/dashboard?region=341100000000",
    ] {
        assert_eq!(app.get(&tianchang, path).await.status(), 403, "{path}");
    }
    assert_eq!(app.get(&helper, "/dashboard").await.status(), 403);
    assert_eq!(
        app.get(&admin, "/dashboard?region=34118").await.status(),
        400
    );
    // The drill-down pages narrow to a region within reach, and refuse one outside it.
    assert_eq!(
        app.get(&xijian, "/chain?year=2016&region=341181000000")
            .await
            .status(),
        403
    );
    let chain = app
        .page_text(&admin, "/chain?year=2016&region=341102000000")
        .await;
    assert!(chain.contains("region=341102000000"), "{chain}");
    assert!(!chain.contains("甲村"), "{chain}");

    // H101 exits in 2016 through the form: the next dashboard counts it.
    let fingerprint = app.fingerprint("H101").await;
    let form = common::household_form(
        &xijian.csrf,
        &fingerprint,
        "341102001001",
        &[("status", "exited"), ("exit_year", "2016")],
    );
    let res = app.post_form(&xijian, "/households/H101/edit", &form).await;
    assert_eq!(res.status().as_u16(), 303);
    let page = app.page_text(&xijian, "/dashboard?year=2016").await;
    assert!(page.contains("id=\"fact-exited-households\" href=\"/households?region=341102001000&#38;exit_year=2016\">1<"), "{page}");
    let list = app
        .page_text(&xijian, "/households?region=341102001000&exit_year=2016")
        .await;
    assert!(list.contains("H101"), "{list}");
    app.cleanup().await;
}

/// The year chosen on one report page opens the others: a cookie keeps it, a page asked with
/// its own year keeps that one, and an invalid year is refused and not remembered.
#[tokio::test(flavor = "multi_thread")]
async fn the_year_chosen_on_one_page_opens_the_next() {
    let app = App::start().await;
    let mut admin = app.sign_in("admin").await;
    let chosen = app.get(&admin, "/chain?year=2015").await;
    assert_eq!(chosen.status(), 200);
    let kept: Vec<String> = chosen
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .filter(|v| v.starts_with("xplus_year="))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].starts_with("xplus_year=2015;"), "{kept:?}");
    assert!(kept[0].contains("HttpOnly"), "{kept:?}");
    admin.cookie = format!("{}; xplus_year=2015", admin.cookie);
    for path in ["/monitoring", "/chain?region=", "/coverage"] {
        let page = app.page_text(&admin, path).await;
        assert!(
            page.contains("name=\"year\" value=\"2015\""),
            "{path}: {page}"
        );
    }
    // A page asked with its own year shows that year.
    let page = app.page_text(&admin, "/monitoring?year=2016").await;
    assert!(page.contains("name=\"year\" value=\"2016\""), "{page}");
    // An invalid year is refused and not kept.
    let bad = app.get(&admin, "/chain?year=20x5").await;
    assert_eq!(bad.status(), 400);
    assert!(bad.headers().get("set-cookie").is_none());
    // Pages without a year selector are not touched: the card keeps its own default.
    let card = app.get(&admin, "/households/H001/card").await;
    assert_eq!(card.status(), 200);
    // H002 exited in 2015: without a year its card is that of 2015. Were a kept 2016 applied to
    // the card, it would answer 404 (not poor at the start of 2016).
    admin.cookie = admin.cookie.replace("xplus_year=2015", "xplus_year=2016");
    let card = app.get(&admin, "/households/H002/card").await;
    assert_eq!(card.status(), 200);
    assert_eq!(
        app.get(&admin, "/households/H002/card?year=2016")
            .await
            .status(),
        404
    );
    app.cleanup().await;
}
