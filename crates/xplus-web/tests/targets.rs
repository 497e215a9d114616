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

    // The English interface speaks English only.
    let page = app
        .page_text(&xijian, "/collective?year=2016&lang=en")
        .await;
    assert!(page.contains("set for 341100000000"), "{page}");
    assert!(page.contains("test document"), "{page}");
    assert!(!page.contains("测试文件"), "{page}");
    app.cleanup().await;
}
