//! Target pages over HTTP: each region is compared with its own target — 天长's own "123" number
//! and "312" target, 西涧 (琅琊区) inheriting 滁州's — with where it was set; the empty-shell
//! plan's counts and overdue list; the coverage pages against their targets; Chinese only in the
//! Chinese interface, English only in the English one.

mod common;

use common::App;
use xplus_core::registry::RegionCode;
use xplus_core::rules::{Parameter, Setting};
use xplus_store::records;

async fn set(app: &App, p: Parameter, region: &str, year: Option<i32>, value: i64) {
    let region = RegionCode::parse(region).ok();
    let s = Setting::new(p, region, year, value, "测试文件 / test document").unwrap();
    records::set_rule(app.store.as_ref(), "cli:test", &s)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn each_region_sees_its_own_targets() {
    let app = App::start().await;
    let admin = app.sign_in("admin").await;
    set(
        &app,
        Parameter::EmptyShellReduction,
        "341100000000",
        Some(2016),
        250,
    )
    .await;
    set(
        &app,
        Parameter::EmptyShellReduction,
        "341181000000",
        Some(2016),
        3,
    )
    .await;
    set(
        &app,
        Parameter::SecretaryTierCounty,
        "341181000000",
        None,
        12,
    )
    .await;
    set(
        &app,
        Parameter::TrainingCoverageTargetBp,
        "341181000000",
        None,
        8_000,
    )
    .await;
    set(
        &app,
        Parameter::IndustryCoverageTargetBp,
        "341100000000",
        None,
        6_000,
    )
    .await;
    // 丙村 (琅琊区) is planned to be empty-shell no longer in 2016 and reported 10,000 yuan.
    for (file, form) in [
        (
            "collective_income",
            vec![
                ("village_code", "341102001001"),
                ("year", "2016"),
                ("operating_income", "10000"),
            ],
        ),
        (
            "empty_shell_plan",
            vec![
                ("village_code", "341102001001"),
                ("planned_year", "2016"),
                ("measure", "土地流转"),
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

    let tianchang = app.sign_in("tianchang").await;
    let page = app.page_text(&tianchang, "/collective?year=2016").await;
    assert!(page.contains("<td class=\"target\">3</td>"), "{page}");
    assert!(page.contains("341181000000 设置"), "{page}");
    assert!(!page.contains("<td class=\"target\">250</td>"), "{page}");
    let xijian = app.sign_in("xijian").await;
    let page = app.page_text(&xijian, "/collective?year=2016").await;
    assert!(page.contains("<td class=\"target\">250</td>"), "{page}");
    assert!(page.contains("341100000000 设置"), "{page}");
    assert!(page.contains("<b id=\"plan-overdue\">1</b>"), "{page}");
    assert!(page.contains("土地流转"), "{page}");
    let body = app.get_json(&xijian, "/api/v1/collective?year=2016").await;
    assert_eq!(body["reduction_target"], 250, "{body}");
    assert_eq!(body["plan_overdue"], 1, "{body}");
    // The page's workbook holds the same targets and plan, and only the region's villages.
    let book = app.get(&xijian, "/collective.xlsx?year=2016").await;
    assert_eq!(book.status(), 200);
    let bytes = book.bytes().await.unwrap();
    let mut sheets: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let rows = |sheets: &mut calamine::Xlsx<_>, name: &str| -> Vec<Vec<String>> {
        let range = sheets.worksheet_range(name).unwrap();
        range
            .rows()
            .skip(1)
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    };
    let targets = rows(&mut sheets, "目标");
    assert_eq!(targets[0][1], "250", "{targets:?}");
    assert!(targets[0][2].contains("341100000000 设置"), "{targets:?}");
    let plan = rows(&mut sheets, "空壳村消除计划");
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert_eq!(
        (
            plan[0][0].as_str(),
            plan[0][2].as_str(),
            plan[0][3].as_str()
        ),
        ("341102001001", "2016", "土地流转")
    );
    assert_eq!(
        (plan[0][4].as_str(), plan[0][5].as_str()),
        ("10000", "逾期")
    );
    let villages = rows(&mut sheets, "各村集体经济");
    assert!(!villages.is_empty());
    assert!(
        villages.iter().all(|v| v[0].starts_with("341102")),
        "{villages:?}"
    );
    // 天长 reaches no village of the plan.
    let page = app.page_text(&tianchang, "/collective?year=2016").await;
    assert!(page.contains("<b id=\"plan-overdue\">0</b>"), "{page}");

    let page = app.page_text(&tianchang, "/secretaries?year=2016").await;
    assert!(page.contains("<td class=\"tier-target\">12</td>"), "{page}");
    let page = app.page_text(&xijian, "/secretaries?year=2016").await;
    assert!(
        page.contains("<td class=\"tier-target\">200</td>"),
        "{page}"
    );

    let page = app.page_text(&tianchang, "/coverage?year=2016").await;
    assert!(page.contains("<b class=\"target\">80.00%</b>"), "{page}");
    let page = app.page_text(&xijian, "/coverage?year=2016").await;
    assert!(page.contains("<b class=\"target\">100.00%</b>"), "{page}");
    let page = app.page_text(&tianchang, "/industry?year=2016").await;
    assert!(page.contains("<b class=\"target\">60.00%</b>"), "{page}");
    assert!(page.contains("341100000000 设置"), "{page}");

    // The coverage and industry workbooks carry the same targets, with where they were set.
    for (path, value, origin) in [
        ("/coverage.xlsx?year=2016", "80.00%", "341181000000 设置"),
        ("/industry.xlsx?year=2016", "60.00%", "341100000000 设置"),
    ] {
        let book = app.get(&tianchang, path).await;
        assert_eq!(book.status(), 200, "{path}");
        let bytes = book.bytes().await.unwrap();
        let mut sheets: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let target = rows(&mut sheets, "目标");
        assert_eq!(target.len(), 1, "{path}: {target:?}");
        assert_eq!(
            (target[0][1].as_str(), target[0][2].as_str()),
            (value, origin)
        );
    }

    // The English interface speaks English only.
    let page = app
        .page_text(&xijian, "/collective?year=2016&lang=en")
        .await;
    assert!(page.contains("set for 341100000000"), "{page}");
    assert!(page.contains("test document"), "{page}");
    assert!(!page.contains("测试文件"), "{page}");
    app.cleanup().await;
}
