//! The "why" of a household's assessment over HTTP: the page and the API list every criterion
//! with the value found, the threshold and its source, within the user's reach only.

mod common;

use common::{App, Discard};

#[tokio::test(flavor = "multi_thread")]
async fn why_page_and_api_explain_each_criterion_within_reach() {
    let app = App::start().await;
    let tianchang = app.sign_in("tianchang").await;
    let xijian = app.sign_in("xijian").await;

    // H001: 12,100.00 for two people is above 2,952.00 × 2, and every assurance holds.
    let body = app
        .get_json(&tianchang, "/api/v1/households/H001/assessment?year=2016")
        .await;
    assert_eq!(body["test"], "exit", "{body}");
    assert_eq!(body["exit_eligible"], true, "{body}");
    assert_eq!(body["net_income"], "12100.00", "{body}");
    assert_eq!(body["poverty_line"], "2952.00", "{body}");
    assert_eq!(body["criteria"].as_array().unwrap().len(), 7, "{body}");
    assert_eq!(body["criteria"][0]["code"], "income", "{body}");
    assert_eq!(
        body["criteria"][0]["threshold"], "> 5904.00（2952.00 × 2人）",
        "{body}"
    );
    assert!(
        body["criteria"][0]["source"]
            .as_str()
            .unwrap()
            .contains("国家扶贫标准"),
        "{body}"
    );
    assert!(body["recorded"].is_null(), "{body}");

    // H101 (琅琊区) lacks safe housing: the page names it, for the town that reaches it.
    let page = app
        .page_text(&xijian, "/households/H101/assessment?year=2016")
        .await;
    assert!(page.contains("暂不符合退出标准"), "{page}");
    assert!(page.contains("住房安全有保障"), "{page}");
    assert!(page.contains("✗"), "{page}");

    // H002 exited in 2015 and has no 2016 income: §5 monitors it for that.
    let body = app
        .get_json(&tianchang, "/api/v1/households/H002/assessment?year=2016")
        .await;
    assert_eq!(body["test"], "monitoring", "{body}");
    assert_eq!(body["monitoring_outcome"], "monitored", "{body}");

    // Out of reach reads like missing, on the page and in the API.
    let r = app
        .get(&xijian, "/api/v1/households/H001/assessment?year=2016")
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .get(&xijian, "/households/H001/assessment?year=2016")
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .get(&tianchang, "/api/v1/households/H001/assessment?year=1800")
        .await;
    assert_eq!(r.status().as_u16(), 400);
    // The household page links to it.
    let page = app.page_text(&tianchang, "/households/H001").await;
    assert!(page.contains("/households/H001/assessment"), "{page}");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn monitoring_list_page_api_and_workbook_after_the_assessment_is_applied() {
    let app = App::start().await;
    let tianchang = app.sign_in("tianchang").await;
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&tianchang, "/monitoring?year=2016").await;
    assert!(page.contains("本年度尚无记录"), "{page}");

    let today = chrono::NaiveDate::from_ymd_opt(2017, 1, 5).unwrap();
    let (_, applied) = xplus_store::records::apply_assessment(
        app.store.as_ref(),
        "cli:test",
        2016,
        today,
        &mut Discard,
    )
    .await
    .unwrap();
    assert_eq!((applied.exits, applied.monitored), (1, 1), "{applied:?}");

    // H002 (乙村, exited 2015) has no 2016 income: monitored for that, seen by 天长 only.
    let page = app.page_text(&tianchang, "/monitoring?year=2016").await;
    assert!(page.contains("<b id=\"monitored\">1</b>"), "{page}");
    assert!(page.contains("H002"), "{page}");
    assert!(page.contains("无当年收入记录"), "{page}");
    assert!(page.contains("2017-01-05"), "{page}");
    let body = app
        .get_json(&tianchang, "/api/v1/monitoring?year=2016")
        .await;
    assert_eq!(body["monitored"], 1, "{body}");
    assert_eq!(body["households"][0]["household_id"], "H002", "{body}");
    assert_eq!(body["households"][0]["reasons"][0], "no_income", "{body}");
    let body = app.get_json(&xijian, "/api/v1/monitoring?year=2016").await;
    assert_eq!(
        body["total"], 0,
        "another county's official sees none: {body}"
    );

    let r = app.get(&tianchang, "/monitoring.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("防返贫监测").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "H002");
    assert_eq!(rows[1][3], "纳入监测");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn full_chain_page_api_and_workbook_list_the_links_and_the_gaps() {
    let app = App::start().await;
    let tianchang = app.sign_in("tianchang").await;
    // H001 (poor since 2014): a helper paired since 2015, nothing else recorded.
    let body = app.get_json(&tianchang, "/api/v1/chain?year=2016").await;
    assert_eq!(body["poor"], 1, "{body}");
    assert_eq!(body["coverage"]["paired_cadre"], 1, "{body}");
    assert_eq!(body["coverage"]["trained_in_year"], 0, "{body}");
    assert_eq!(body["coverage"]["full_chain"], 0, "{body}");
    assert_eq!(body["gaps_total"], 1, "{body}");
    let missing: Vec<&str> = body["gaps"][0]["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    // 甲村 is a poor village without a unit (a gap) and without a collective project: shares
    // do not apply to H001 (issue 23's fair chain), and are no gap.
    assert_eq!(
        missing,
        ["trained_in_year", "paired_unit_village", "in_industry"],
        "{body}"
    );
    assert_eq!(
        body["gaps"][0]["not_applicable"],
        serde_json::json!({ "holding_shares": "no_collective_project" }),
        "{body}"
    );
    assert_eq!(body["coverage"]["full_chain_applicable"], 0, "{body}");
    assert!(
        body["gaps"][0]["next"]
            .as_str()
            .unwrap()
            .contains("本村无服务站点"),
        "{body}"
    );
    let page = app.page_text(&tianchang, "/chain?year=2016").await;
    assert!(page.contains("<b id=\"full\">0</b>"), "{page}");
    assert!(page.contains("<b id=\"full-applicable\">0</b>"), "{page}");
    assert!(
        page.contains("稳：持有集体股权（所在村年底前没有配股的集体经济项目）"),
        "the gap list names the link that does not apply and why: {page}"
    );
    // The county's official sees its towns, not yet their villages (issue 19: the tree stays
    // collapsed below the account's level until a town is opened).
    assert!(
        page.contains("天长街道") && !page.contains("region=341181100201"),
        "{page}"
    );
    assert!(
        !page.contains("id=\"up\""),
        "nothing above the account's own region: {page}"
    );
    assert!(page.contains("H001"), "{page}");
    let town = app
        .page_text(&tianchang, "/chain?year=2016&region=341181100000")
        .await;
    assert!(
        town.contains("region=341181100201\">甲村<") && town.contains("id=\"up\""),
        "{town}"
    );
    let r = app.get(&tianchang, "/chain.xlsx?year=2016").await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let levels = book.worksheet_range("各级").unwrap();
    let levels: Vec<String> = levels.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(levels, ["县", "乡镇", "村"]);
    let gaps = book.worksheet_range("缺口").unwrap();
    let rows: Vec<Vec<String>> = gaps
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "H001");
    assert_eq!(
        rows[1][3],
        "trained_in_year;paired_unit_village;in_industry"
    );
    assert_eq!(
        rows[1][5],
        "稳：持有集体股权（所在村年底前没有配股的集体经济项目）"
    );
    // 西涧街道 reaches its own poor household only.
    let xijian = app.sign_in("xijian").await;
    let body = app.get_json(&xijian, "/api/v1/chain?year=2016").await;
    assert_eq!(body["poor"], 1, "丙村's H101: {body}");
    assert_eq!(body["gaps"][0]["household_id"], "H101", "{body}");
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn responsibility_list_workbook_and_household_card() {
    let app = App::start().await;
    let tianchang = app.sign_in("tianchang").await;
    let page = app
        .page_text(&tianchang, "/responsibility/341181100201?year=2016")
        .await;
    // 扶持谁: the head, members and causes; 怎么扶: no training, no shares; 谁来扶: C1.
    assert!(page.contains("王大明，2人"), "{page}");
    assert!(page.contains("因病"), "{page}");
    assert!(page.contains("参加培训0次"), "{page}");
    assert!(page.contains("赵军（滁州市财政局，13800000001）"), "{page}");
    assert!(page.contains("/households/H001/card?year=2016"), "{page}");

    // H002 exited in 2015: without a year its card is that of 2015, its last year as poor.
    let exited = app.page_text(&tianchang, "/households/H002/card").await;
    assert!(exited.contains("扶贫明白卡"), "{exited}");
    assert!(exited.contains("2015"), "{exited}");
    let card = app
        .page_text(&tianchang, "/households/H001/card?year=2016")
        .await;
    assert!(card.contains("扶贫明白卡"), "{card}");
    assert!(card.contains("天长市 天长街道 甲村"), "{card}");
    assert!(card.contains("12100.00 / 6050.00"), "{card}");
    assert!(
        card.contains("赵军（滁州市财政局） 电话 13800000001"),
        "{card}"
    );
    assert!(card.contains("尚缺：想：年内参加培训"), "{card}");
    // An official sees identity numbers masked on the card too.
    assert!(
        !card.contains(&common::id(341181, "1970-03-05", 11)),
        "{card}"
    );

    let r = app
        .get(
            &tianchang,
            "/responsibility/341181100201/export.xlsx?year=2016",
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range("扶持谁怎么扶谁来扶").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], "H001");
    assert_eq!(rows[1][2], "王大明");
    assert!(rows[1][7].contains("赵军"), "{rows:?}");

    // Out of reach reads like missing.
    let xijian = app.sign_in("xijian").await;
    assert_eq!(
        app.get(&xijian, "/responsibility/341181100201?year=2016")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        app.get(&xijian, "/households/H001/card?year=2016")
            .await
            .status()
            .as_u16(),
        404
    );
    app.cleanup().await;
}
