//! The search box in every page's header, its page `/search`, the API's `/api/v1/search` and the
//! region picker's suggestions (`/regions/pick`): within the account's reach, with clear words
//! for what cannot be searched for.

mod common;

use common::App;

/// `s` percent-encoded for a query string.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_header_box_leads_to_results_within_reach() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    // Every page carries the box.
    let regions = app.page_text(&admin, "/regions").await;
    assert!(regions.contains(r#"action="/search""#), "{regions}");
    // Part of a name: the member with her relation and the head's name.
    let page = app
        .page_text(&admin, &format!("/search?q={}", enc("秀英")))
        .await;
    assert!(page.contains("李秀英"), "{page}");
    assert!(page.contains("配偶"), "{page}");
    assert!(page.contains("王大明"), "{page}");
    assert!(page.contains(r#"href="/households/H001""#), "{page}");
    // A page past the end of a group shows its last page, not an empty table.
    let past = app
        .page_text(
            &admin,
            &format!("/search?q={}&group=people&page=99", enc("秀英")),
        )
        .await;
    assert!(past.contains("李秀英"), "{past}");
    // The last six digits of an identity number.
    let liu = common::id(341102, "1980-11-30", 52);
    let page = app
        .page_text(&admin, &format!("/search?q={}", &liu[12..]))
        .await;
    assert!(page.contains("刘芳"), "{page}");
    // A village by its name, linked to its page.
    let page = app
        .page_text(&admin, &format!("/search?q={}", enc("丙村")))
        .await;
    assert!(page.contains(r#"href="/regions/341102001001""#), "{page}");
    // 天长市's official does not find 琅琊区's 刘芳, by name or number, nor its village.
    let tianchang = app.sign_in("tianchang").await;
    for q in ["刘芳", &liu[12..], "丙村", "H10"] {
        let page = app
            .page_text(&tianchang, &format!("/search?q={}", enc(q)))
            .await;
        assert!(!page.contains("/households/H101"), "{q}: {page}");
        assert!(!page.contains("/regions/341102001001"), "{q}: {page}");
        assert!(page.contains("search-nothing"), "{q}: {page}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn words_that_cannot_be_searched_for_are_told() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    for (q, words) in [
        ("王", "请至少输入2个字"),
        ("%E2%80%8B%20%20", "请输入要查找的"),
        ("", "请输入要查找的"),
    ] {
        let r = app.get(&admin, &format!("/search?q={q}")).await;
        assert_eq!(r.status(), 200, "{q}");
        let page = r.text().await.unwrap();
        assert!(page.contains(words), "{q}: {page}");
        assert!(!page.contains(" / "), "Chinese only: {page}");
    }
    let long = "王".repeat(300);
    let page = app
        .page_text(&admin, &format!("/search?q={}", enc(&long)))
        .await;
    assert!(page.contains("最多40个"), "{page}");
    for q in ["%25%25", "__", "%27%22", "%00%00", "a%00b"] {
        let r = app.get(&admin, &format!("/search?q={q}")).await;
        assert_eq!(r.status(), 200, "{q}");
    }
    let r = app.get(&admin, "/search?q=ab&group=nope").await;
    assert_eq!(r.status(), 400);
    // The English page speaks English.
    let page = app
        .page_text(&admin, &format!("/search?q={}&lang=en", enc("王")))
        .await;
    assert!(
        page.contains("at least 2") && !page.contains("请至少"),
        "{page}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn the_api_answers_groups_and_masks_numbers() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    let v = app
        .get_json(&official, &format!("/api/v1/search?q={}", enc("王大")))
        .await;
    assert_eq!(v["people"]["total"], 1, "{v}");
    let person = &v["people"]["items"][0];
    assert_eq!(person["name"], "王大明");
    assert_eq!(person["relation"], "head");
    assert!(person["id_number"].as_str().unwrap().contains("********"));
    let v = app
        .get_json(&official, "/api/v1/search?q=H00&group=households")
        .await;
    assert_eq!(v["households"]["total"], 2, "{v}");
    assert!(v["people"].is_null());
    let r = app.get(&official, "/api/v1/search?q=%20").await;
    assert_eq!(r.status(), 400);
    let doc = app.get_json(&official, "/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/search"]["get"].is_object());
    app.cleanup().await;
}

#[tokio::test]
async fn the_region_picker_suggests_regions_within_reach() {
    let app = App::start().await;
    let official = app.sign_in("tianchang").await;
    let options = app
        .page_text(&official, &format!("/regions/pick?region={}", enc("甲村")))
        .await;
    assert!(
        options.contains(r#"<option value="341181100201">"#),
        "{options}"
    );
    let options = app
        .page_text(&official, &format!("/regions/pick?region={}", enc("丙村")))
        .await;
    assert!(!options.contains("option"), "{options}");
    let admin = app.sign_in("admin").await;
    let options = app
        .page_text(
            &admin,
            &format!("/regions/pick?level=county&county={}", enc("天长")),
        )
        .await;
    assert!(options.contains("341181000000"), "{options}");
    assert!(!options.contains("341181100000"), "{options}");
    // A typed start of a code.
    let options = app.page_text(&admin, "/regions/pick?q=34110200").await;
    assert!(options.contains("341102001001"), "{options}");
    // Words too short suggest nothing; a bad level is refused.
    let options = app.page_text(&admin, "/regions/pick?q=%E7%94%B2").await;
    assert!(!options.contains("option"), "{options}");
    let r = app.get(&admin, "/regions/pick?q=ab&level=planet").await;
    assert_eq!(r.status(), 400);
    // The filters that take a region carry the picker, and still take a typed code.
    let page = app.page_text(&admin, "/households").await;
    assert!(page.contains(r#"hx-get="/regions/pick""#), "{page}");
    let page = app
        .page_text(&admin, "/households?region=341181100201")
        .await;
    assert!(page.contains("H001") && !page.contains("H101"), "{page}");
    let page = app.page_text(&admin, "/secretaries/review").await;
    assert!(page.contains("/regions/pick?level=county"), "{page}");
    app.cleanup().await;
}

#[tokio::test]
async fn the_household_list_names_heads_only() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    // 李秀英 is 王大明's spouse: her name lists no household headed by another.
    let page = app
        .page_text(&admin, &format!("/households?q={}", enc("李秀英")))
        .await;
    assert!(!page.contains(r#"href="/households/H001""#), "{page}");
    let page = app
        .page_text(&admin, &format!("/households?q={}", enc("王大明")))
        .await;
    assert!(page.contains(r#"href="/households/H001""#), "{page}");
    app.cleanup().await;
}
