//! 社会资本入股 over HTTP: an investor recorded on the ledger page within the share rule, one
//! share too many refused with the rule, the project page with its investors and the pool left,
//! the county's social capital on /collective and in the API, and the yearly report's line.

mod common;

use common::{import_folder, App};

#[tokio::test(flavor = "multi_thread")]
async fn investors_on_the_ledger_the_project_and_the_collective_page() {
    let app = App::start().await;
    // A project of 甲村 with 20 shares, 5 of them granted to H001.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("projects.csv"),
        "project_id,village_code,name,model,share_value,shares_per_household,total_shares\n\
         P1,341181100201,甲村光伏电站,pv,1000,5,20\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("share_events.csv"),
        "project_id,household_id,date,kind,shares\nP1,H001,2015-03-01,grant,5\n",
    )
    .unwrap();
    let report = import_folder(app.store.as_ref(), dir.path(), false).await;
    assert!(report.errors.is_empty(), "{:#?}", report.errors);

    let tianchang = app.sign_in("tianchang").await;
    let form = |shares: &'static str| {
        vec![
            ("project_id", "P1"),
            ("investor", "惠农农业发展有限公司"),
            ("kind", "enterprise"),
            ("amount", "15000"),
            ("shares", shares),
            ("date", "2016-05-01"),
            ("_csrf", tianchang.csrf.as_str()),
        ]
    };
    let r = app
        .post_form(&tianchang, "/records/project_investors", &form("16"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("投资方持股 16 股"), "{body}");
    let r = app
        .post_form(&tianchang, "/records/project_investors", &form("15"))
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());

    let page = app.page_text(&tianchang, "/projects/P1").await;
    assert!(page.contains("<b id=\"investor-shares\">15</b>"), "{page}");
    assert!(page.contains("<b id=\"pool\">0</b>"), "{page}");
    assert!(page.contains("惠农农业发展有限公司"), "{page}");
    let page = app.page_text(&tianchang, "/collective?year=2016").await;
    assert!(page.contains("<td>15000.00</td><td>15</td>"), "{page}");
    let page = app.page_text(&tianchang, "/collective?year=2015").await;
    assert!(page.contains("没有社会资本入股"), "{page}");
    let body = app
        .get_json(&tianchang, "/api/v1/collective?year=2016")
        .await;
    assert_eq!(body["investors"][0]["amount"], "15000.00", "{body}");
    assert_eq!(body["investors"][0]["projects"], 1, "{body}");
    let body = app.get_json(&tianchang, "/api/v1/projects/P1").await;
    assert_eq!(body["investor_shares"], 15, "{body}");
    let page = app.page_text(&tianchang, "/report/print?year=2016").await;
    assert!(page.contains("社会资本入股"), "{page}");
    // 西涧 (琅琊区) does not reach 甲村's project.
    let xijian = app.sign_in("xijian").await;
    let body = app.get_json(&xijian, "/api/v1/collective?year=2016").await;
    assert_eq!(body["investors"], serde_json::json!([]), "{body}");
    app.cleanup().await;
}
