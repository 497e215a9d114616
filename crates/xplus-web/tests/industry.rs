//! The 产业 page and API over HTTP: a household joins a one-village-one-product project through
//! the ledger forms and then counts as in industry (rules.md §6) for its county, not for a town
//! that does not reach it; the workbook downloads.

mod common;

use common::App;

#[tokio::test(flavor = "multi_thread")]
async fn industry_page_api_and_workbook() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;
    // Before anything is recorded H001 (poor since 2014) is a gap.
    let body = app.get_json(&tianchang, "/api/v1/industry?year=2016").await;
    assert_eq!(
        (body["poor"].as_u64(), body["in_industry"].as_u64()),
        (Some(1), Some(0)),
        "{body}"
    );
    assert_eq!(body["gaps"][0]["household_id"], "H001", "{body}");
    // The organisations are computed once per change of the data: none yet.
    assert_eq!(
        body["party_orgs"].as_array().map(Vec::len),
        Some(0),
        "{body}"
    );

    for (file, form) in [
        (
            "party_orgs",
            vec![
                ("org_id", "DZ1"),
                ("village_code", "341181100201"),
                ("name", "甲村葡萄合作社党支部"),
                ("kind", "cooperative"),
                ("focus", ""),
                ("party_members", "7"),
                ("established_date", "2015-03-01"),
            ],
        ),
        (
            "ovop_projects",
            vec![
                ("ovop_id", "YP1"),
                ("village_code", "341181100201"),
                ("product", "甲村葡萄"),
                ("investment", "120000"),
                ("year", "2016"),
            ],
        ),
        (
            "ovop_households",
            vec![
                ("ovop_id", "YP1"),
                ("household_id", "H001"),
                ("join_date", "2016-04-01"),
            ],
        ),
    ] {
        let mut form = form;
        form.push(("_csrf", admin.csrf.as_str()));
        let r = app
            .post_form(&admin, &format!("/records/{file}"), &form)
            .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }

    let page = app.page_text(&tianchang, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"in-industry\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"gaps-total\">0</b>"), "{page}");
    let body = app.get_json(&tianchang, "/api/v1/industry?year=2016").await;
    assert_eq!(body["in_industry"], 1, "{body}");
    assert_eq!(body["by_link"]["joined_project"], 1, "{body}");
    assert_eq!(body["gaps"].as_array().unwrap().len(), 0, "{body}");
    assert_eq!(body["gaps_total"], 0, "{body}");
    // The organisation recorded since the first read is counted: what was kept went with the
    // change.
    assert_eq!(body["party_orgs"][0]["orgs"], 1, "{body}");
    assert_eq!(body["party_orgs"][0]["party_members"], 7, "{body}");
    // A job fair of the whole city belongs to no county's roll-ups; recording it still moves
    // the kept figures on, so the next read counts it.
    let before = app.get_json(&admin, "/api/v1/industry?year=2016").await;
    let form = [
        ("fair_id", "JF-CITY-1"),
        ("region_code", "341100000000"),
        ("date", "2016-05-01"),
        ("posts", "30"),
        ("employers", "5"),
        ("_csrf", admin.csrf.as_str()),
    ];
    let r = app.post_form(&admin, "/records/job_fairs", &form).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let after = app.get_json(&admin, "/api/v1/industry?year=2016").await;
    assert_eq!(
        after["job_fairs"].as_u64(),
        before["job_fairs"].as_u64().map(|n| n + 1),
        "{before} {after}"
    );

    // The year before it joined, H001 is still a gap.
    let body = app.get_json(&tianchang, "/api/v1/industry?year=2015").await;
    assert_eq!(body["in_industry"], 0, "{body}");

    // 西涧 (a town of another county) reaches only its own H101, in no industry.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"poor\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"in-industry\">0</b>"), "{page}");
    assert!(page.contains("/households/H101"), "{page}");
    assert!(!page.contains("H001"), "{page}");
    assert_eq!(
        app.get(&tianchang, "/api/v1/industry?year=20160")
            .await
            .status()
            .as_u16(),
        400
    );

    // A helper sees the households paired with them and nothing placed by village.
    let zhaojun = app.sign_in("zhaojun").await;
    let body = app.get_json(&zhaojun, "/api/v1/industry?year=2016").await;
    assert_eq!(
        (body["poor"].as_u64(), body["in_industry"].as_u64()),
        (Some(1), Some(1)),
        "{body}"
    );
    assert_eq!(
        body["planned_exit_villages"].as_array().unwrap().len(),
        0,
        "{body}"
    );
    let assets = app.get_json(&zhaojun, "/api/v1/assets").await;
    assert_eq!(assets.as_array().unwrap().len(), 0, "{assets}");
    assert_eq!(
        app.get(&zhaojun, "/collective/villages/341181100201")
            .await
            .status()
            .as_u16(),
        404
    );

    let r = app.get(&tianchang, "/industry.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("industry-2016.xlsx"));
    let bytes = r.bytes().await.unwrap();
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["各村", "未参与产业户", "预出列村一村一品", "目标"]
    );
    let villages = book.worksheet_range("各村").unwrap();
    let row: Vec<String> = villages
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(row, ["341181100201", "甲村", "1", "1", "0"]);
    app.cleanup().await;
}

/// The planned-exit villages are paged: 60 more villages of 天长街道 plan to exit in 2017 beside
/// 甲村, 50 on `/industry`'s first page, the other 11 on the second, which htmx swaps in alone
/// and which stands as a page of its own without htmx.
#[tokio::test(flavor = "multi_thread")]
async fn the_villages_planned_to_exit_are_paged() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let codes: Vec<String> = (300..360).map(|i| format!("341181100{i}")).collect();
    let mut regions = String::from("code,name,level,parent_code\n");
    let mut villages =
        String::from("village_code,poor_village,population,exit_year,planned_exit_year\n");
    for c in &codes {
        regions += &format!("{c},新村{},village,341181100000\n", &c[9..]);
        villages += &format!("{c},1,500,,2017\n");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("regions.csv"), regions).unwrap();
    std::fs::write(dir.path().join("villages.csv"), villages).unwrap();
    let report = common::import_folder(app.store.as_ref(), dir.path(), false).await;
    assert!(report.committed, "{:?}", report.errors);
    let rows = |html: &str| {
        let table = html.split("id=\"planned-exit\"").nth(1).unwrap();
        let body = table.split("</tbody>").next().unwrap();
        body.matches("<tr").count() - 1
    };
    let page = app.page_text(&admin, "/industry?year=2017").await;
    assert_eq!(rows(&page), 50, "{page}");
    assert!(page.contains("1 / 2") && page.contains("新村300"), "{page}");
    assert!(!page.contains("新村359"), "{page}");
    let part = app
        .htmx_text(&admin, "/industry/villages?year=2017&page=2")
        .await;
    assert!(!part.contains("<html"), "{part}");
    assert_eq!(rows(&part), 11, "{part}");
    assert!(part.contains("新村359") && part.contains("2 / 2"), "{part}");
    assert!(part.contains("hx-target=\"#planned-exit-list\""), "{part}");
    let alone = app
        .page_text(&admin, "/industry/villages?year=2017&page=9")
        .await;
    assert!(
        alone.contains("<html") && alone.contains("2 / 2"),
        "{alone}"
    );
    assert_eq!(
        app.get(&admin, "/industry/villages?year=2017&page=x")
            .await
            .status(),
        400
    );
    app.cleanup().await;
}

/// 产业创业扶贫对象: a target recorded through the ledger form counts for its year and after, as
/// of Dec 31, with its persons and share, per region below the one viewed; a target chosen in
/// 2017 does not count for 2016, and another county's official does not see 天长's.
#[tokio::test(flavor = "multi_thread")]
async fn the_industry_targets_are_counted_by_region() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;
    for (household, year) in [("H001", "2016"), ("H101", "2017")] {
        let form = [
            ("household_id", household),
            ("year", year),
            ("industry", "特色种植"),
            ("_csrf", admin.csrf.as_str()),
        ];
        let r = app
            .post_form(&admin, "/records/industry_targets", &form)
            .await;
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    }
    let page = app.page_text(&tianchang, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"target-households\">1</b>"), "{page}");
    assert!(
        page.contains("<b id=\"target-share\">100.00%</b>"),
        "{page}"
    );
    assert!(page.contains("<td>天长街道</td><td>1</td>"), "{page}");
    let body = app.get_json(&tianchang, "/api/v1/industry?year=2016").await;
    let t = &body["industry_targets"];
    assert_eq!(
        (
            t["households"].as_u64(),
            t["poor"].as_u64(),
            t["share_bp"].as_u64()
        ),
        (Some(1), Some(1), Some(10_000)),
        "{body}"
    );
    assert!(t["persons"].as_u64() > Some(0), "{body}");
    let regions = body["industry_targets_by_region"].as_array().unwrap();
    assert!(
        regions
            .iter()
            .all(|r| r["region_code"].as_str().unwrap().starts_with("341181")),
        "{body}"
    );
    // H101 was chosen in 2017: everywhere, 2016 counts H001 alone, 2017 both.
    let all = |year: i32| {
        let app = &app;
        let admin = &admin;
        async move {
            let body = app
                .get_json(admin, &format!("/api/v1/industry?year={year}"))
                .await;
            body["industry_targets"]["households"].as_u64()
        }
    };
    assert_eq!(all(2016).await, Some(1));
    assert_eq!(all(2017).await, Some(2));
    // 西涧 (another county) does not see 天长's target.
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"target-households\">0</b>"), "{page}");
    app.cleanup().await;
}

/// 一户一工人: H001's member placed through the ledger form from July 2016 for a year is in work
/// on Dec 31, 2016; 西涧's H101 is not, and is listed without a worker — on the page, in the list
/// htmx swaps in and on its own page — where the account reaches it, not for 天长.
#[tokio::test(flavor = "multi_thread")]
async fn one_worker_per_household_counts_who_is_in_work_on_dec_31() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    let tianchang = app.sign_in("tianchang").await;
    let person = common::id(341181, "1970-03-05", 11);
    let form = [
        ("household_id", "H001"),
        ("id_number", person.as_str()),
        ("employer", "苏州纺织厂"),
        ("place", "苏州"),
        ("start_date", "2016-07-01"),
        ("months", "12"),
        ("_csrf", admin.csrf.as_str()),
    ];
    let r = app.post_form(&admin, "/records/placements", &form).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let page = app.page_text(&tianchang, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"with-worker\">1</b>"), "{page}");
    assert!(page.contains("<b id=\"without-worker\">0</b>"), "{page}");
    assert!(
        page.contains("<td>天长街道</td><td>1</td><td>1</td>"),
        "{page}"
    );
    let page = app.page_text(&admin, "/industry?year=2016").await;
    assert!(page.contains("<b id=\"without-worker\">1</b>"), "{page}");
    let list = app.htmx_text(&admin, "/industry/workers?year=2016").await;
    assert!(list.contains("/households/H101"), "{list}");
    assert!(!list.contains("/households/H001"), "{list}");
    let alone = app.page_text(&admin, "/industry/workers?year=2016").await;
    assert!(alone.contains("没有务工成员的贫困户"), "{alone}");
    let body = app.get_json(&admin, "/api/v1/industry?year=2016").await;
    let w = &body["one_worker"];
    assert_eq!(
        (
            w["poor"].as_u64(),
            w["with_worker"].as_u64(),
            w["without_worker"].as_u64()
        ),
        (Some(2), Some(1), Some(1)),
        "{body}"
    );
    assert_eq!(body["without_worker"][0]["household_id"], "H101", "{body}");
    // The year after, H001's placement ended on June 30.
    let body = app.get_json(&tianchang, "/api/v1/industry?year=2017").await;
    assert_eq!(body["one_worker"]["with_worker"], 0, "{body}");
    app.cleanup().await;
}
